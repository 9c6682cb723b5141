import type { Decision } from './decision';
import { SHIPMENTS_LIMIT, type Shipment } from './shipment';
import {
  HISTORY_LIMIT,
  type BigCommerceRead,
  type EventSource,
  type HistoryEntry,
  type OmOrder,
  type PendingEvent,
} from './order';

/** The event being recorded, as the history, the at-most-once marks and the pending list need it. */
export interface EventRef {
  eventId: string;
  source: EventSource;
  attempt: number;
  /** ISO time of the first receipt (kept on the pending event). */
  receivedAt: string;
}

/**
 * At-most-once (contract.md section 4): an event already recorded is dropped when its record is final, or
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

/** OM has not imported the order, or has not processed it yet: events wait (docs/contract.md section 10). */
export const isWaitingForOm = (order: Pick<OmOrder, 'status'> | undefined): boolean =>
  order?.status === undefined || order.status === 'Unprocessed';

/** The BigCommerce read kept for a waiting event, so its retries cost OM reads only. */
export const keptRead = (order: OmOrder | undefined, eventId: string): BigCommerceRead | undefined =>
  order?.pending?.[eventId]?.read;

/** A read older (by `date_modified`) than one already applied to the order must not be applied. */
export function isStaleRead(
  order: Pick<OmOrder, 'bigcommerceDateModified'> | undefined,
  read: BigCommerceRead,
) {
  const applied = order?.bigcommerceDateModified;
  return applied !== undefined && Date.parse(read.dateModified) < Date.parse(applied);
}

const epochSeconds = (date: Date) => Math.floor(date.getTime() / 1000);

/** Over the limit, the oldest `deferred` entries go first: real outcomes stay readable. */
export function boundHistory(history: HistoryEntry[], limit = HISTORY_LIMIT): HistoryEntry[] {
  const out = [...history];
  while (out.length > limit) {
    const waiting = out.findIndex((entry) => entry.outcome === 'deferred');
    out.splice(waiting === -1 ? 0 : waiting, 1);
  }
  return out;
}

/** One `deferred` entry per event: a later attempt updates it in place (attempts, last retry time). */
function withEntry(history: HistoryEntry[], entry: HistoryEntry): HistoryEntry[] {
  if (entry.outcome !== 'deferred') return boundHistory([...history, entry]);
  const index = history.findIndex((e) => e.eventId === entry.eventId && e.outcome === 'deferred');
  if (index === -1) return boundHistory([...history, { ...entry, attempts: 1 }]);
  const first = history[index]!;
  const updated: HistoryEntry = {
    ...first,
    attempt: entry.attempt,
    attempts: (first.attempts ?? 1) + 1,
    lastRetryAt: entry.at,
  };
  return history.map((e, i) => (i === index ? updated : e));
}

function nextPending(
  read: OmOrder | undefined,
  decision: Decision,
  event: EventRef,
  bigcommerceRead: BigCommerceRead | undefined,
  nowSeconds: number,
  oldest: number,
): Record<string, PendingEvent> {
  const pending: Record<string, PendingEvent> = {};
  for (const [id, entry] of Object.entries(read?.pending ?? {})) if (entry.at >= oldest) pending[id] = entry;
  const waits = decision.outcome === 'deferred' || decision.outcome === 'expired';
  if (waits && event.source !== 'om_import') {
    const kept = bigcommerceRead ?? pending[event.eventId]?.read;
    pending[event.eventId] = {
      receivedAt: event.receivedAt,
      source: event.source,
      attempt: event.attempt,
      at: nowSeconds,
      expired: decision.outcome === 'expired',
      ...(kept ? { read: kept } : {}),
    };
  } else {
    delete pending[event.eventId];
  }
  return pending;
}

const later = (a: string | undefined, b: string | undefined) =>
  a === undefined ? b : b === undefined ? a : Date.parse(b) > Date.parse(a) ? b : a;

/**
 * The order to write after `decision`: its history entry (the event's `deferred` entry updated in place,
 * any other outcome appended; at most HISTORY_LIMIT kept), the event marked processed, the pending list
 * and the newest applied BigCommerce `date_modified` moved on, marks and pending events older than the
 * retention pruned, status and version moved on. `read` is the order the decision was made on
 * (undefined: no item yet); `bigcommerceRead` is what BigCommerce answered (undefined: 404);
 * `shipments`, when given, replace the stored ones (the newest SHIPMENTS_LIMIT kept).
 */
export function nextOrder(
  key: { channelId: string; orderId: number },
  read: OmOrder | undefined,
  decision: Decision,
  event: EventRef,
  now: Date,
  options: { retentionSeconds: number; bigcommerceRead?: BigCommerceRead; shipments?: Shipment[] },
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
    ...(decision.outcome === 'needs_attention' && { reason: decision.reason }),
  };

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
    history: withEntry(read?.history ?? [], entry),
    processed: capProcessedMarks(processed),
    version: (read?.version ?? 0) + 1,
  };
  const status = decision.statusAfter ?? read?.status;
  if (status) order.status = status;
  const shipments = options.shipments ? options.shipments.slice(-SHIPMENTS_LIMIT) : read?.shipments;
  if (shipments) order.shipments = shipments;
  const pending = nextPending(read, decision, event, options.bigcommerceRead, nowSeconds, oldest);
  if (Object.keys(pending).length > 0) order.pending = pending;
  // Only reads that were acted on move the watermark; a deferral's read is kept on its pending event.
  const waits = decision.outcome === 'deferred' || decision.outcome === 'expired';
  const applied = waits ? undefined : options.bigcommerceRead?.dateModified;
  const dateModified = later(read?.bigcommerceDateModified, applied);
  if (dateModified) order.bigcommerceDateModified = dateModified;
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
