import type { Decision } from './decision';
import { HISTORY_LIMIT, type EventSource, type HistoryEntry, type OmOrder } from './order';

/** The event being recorded, as the history and the at-most-once marks need it. */
export interface EventRef {
  eventId: string;
  source: EventSource;
  attempt: number;
}

/**
 * At-most-once (DESIGN.md section 4): an event already recorded is dropped when its record is final, or
 * when this message is not a later attempt than the one recorded (a redelivered or re-sent copy).
 * A deferral is the only non-final record: its next attempt must still be able to act.
 */
export function isDuplicate(
  order: Pick<OmOrder, 'processed'> | undefined,
  eventId: string,
  attempt: number,
): boolean {
  const mark = order?.processed[eventId];
  if (!mark) return false;
  return mark.terminal || mark.attempt >= attempt;
}

const epochSeconds = (date: Date) => Math.floor(date.getTime() / 1000);

/**
 * The order to write after `decision`: one history entry appended (newest last, at most HISTORY_LIMIT
 * kept), the event marked processed, marks older than the retention pruned, status and version moved on.
 * `read` is the order the decision was made on (undefined: no item yet).
 */
export function nextOrder(
  key: { channelId: string; orderId: number },
  read: OmOrder | undefined,
  decision: Decision,
  event: EventRef,
  now: Date,
  options: { retentionSeconds: number },
): OmOrder {
  const at = now.toISOString();
  const entry: HistoryEntry = {
    at,
    eventId: event.eventId,
    source: event.source,
    bigcommerceStatusId: decision.bigcommerceStatusId,
    outcome: decision.outcome,
    statusBefore: decision.statusBefore,
    statusAfter: decision.statusAfter,
    attempt: event.attempt,
  };
  const history = [...(read?.history ?? []), entry].slice(-HISTORY_LIMIT);

  const nowSeconds = epochSeconds(now);
  const oldest = nowSeconds - options.retentionSeconds;
  const processed: OmOrder['processed'] = {};
  for (const [id, mark] of Object.entries(read?.processed ?? {})) {
    if (mark.at >= oldest) processed[id] = mark;
  }
  processed[event.eventId] = {
    at: nowSeconds,
    attempt: event.attempt,
    terminal: decision.outcome !== 'deferred',
  };

  const order: OmOrder = {
    channelId: key.channelId,
    orderId: key.orderId,
    updatedAt: at,
    history,
    processed: capProcessedMarks(processed),
    version: (read?.version ?? 0) + 1,
  };
  const status = decision.statusAfter ?? undefined;
  if (status) order.status = status;
  return order;
}

/**
 * At most this many processed marks per order, whatever ids senders choose: with event ids of at most
 * 128 characters the marks stay under about 40 KB, far from DynamoDB's 400 KB item limit.
 */
export const PROCESSED_MARKS_LIMIT = 200;

/**
 * Keeps the newest `limit` marks (by `at`; among equals the one recorded later). An evicted mark is
 * older than 200 other events of the same order, so its redelivery is long over; if one still came, the
 * worker re-reads BigCommerce and OM before acting, so it cannot undo a newer outcome.
 */
export function capProcessedMarks(
  processed: OmOrder['processed'],
  limit: number = PROCESSED_MARKS_LIMIT,
): OmOrder['processed'] {
  const entries = Object.entries(processed);
  if (entries.length <= limit) return processed;
  const newestFirst = entries
    .map((entry, index) => ({ entry, index }))
    .sort((a, b) => b.entry[1].at - a.entry[1].at || b.index - a.index);
  return Object.fromEntries(newestFirst.slice(0, limit).map(({ entry }) => entry));
}

/** TTL (epoch seconds) for an item OM has not imported (no status); undefined once it has a status. */
export function expiresAtFor(
  order: Pick<OmOrder, 'status'>,
  now: Date,
  ttlSeconds: number,
): number | undefined {
  return order.status === undefined ? epochSeconds(now) + ttlSeconds : undefined;
}
