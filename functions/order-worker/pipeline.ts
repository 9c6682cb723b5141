import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { BigCommerceThrottledError } from '../adapters/bigcommerce-client';
import type { Channel } from '../domain/channel';
import { decide, readsShipments, type Decision } from '../domain/decision';
import { expiresAtFor, isDuplicate, isWaitingForOm, keptRead, nextOrder } from '../domain/history';
import type { BigCommerceRead, OmOrder } from '../domain/order';
import type { Shipment } from '../domain/shipment';
import type { OrderEvent } from '../domain/order-event';
import {
  planDelay,
  STALE_READ_RETRY_SECONDS,
  throttleDelaySeconds,
  unimportedOrderTtlSeconds,
} from '../domain/retry-policy';
import {
  StaleReadError,
  WORKER_COUNTERS,
  countOutcome,
  sharedSteps,
  type LogAttributes,
  type OrderWorkerDeps,
} from './deps';
import { makeRecheck } from './recheck';
import { makeSources } from './sources';

export { OUTCOME_METRICS, WORKER_COUNTERS, type LogAttributes, type OrderWorkerDeps } from './deps';

export interface Pipeline {
  /** Processes one parsed event; throws when the record must fail (SQS delivers it again). */
  handleEvent(event: OrderEvent, attrs: LogAttributes, deadline: number | undefined): Promise<void>;
  /** Counts one metric (the handler's own counters share the port). */
  count(name: string): void;
}

/** What the decision is made on: BigCommerce's answer, and whether it was kept from an earlier attempt. */
interface Current {
  read: BigCommerceRead | undefined;
  kept: boolean;
}

/**
 * The worker's per-event pipeline (docs/contract.md sections 4 and 10): not-yet-due chaining, the channel,
 * the OM order first, BigCommerce only when OM has processed the order or the event has no read kept
 * yet, the decision and one conditional write. A rate-limited store sends the event back to the queue;
 * OM's import messages go to the re-check.
 */
export function makePipeline(deps: OrderWorkerDeps): Pipeline {
  const { logger, metrics, policy } = deps;
  const random = deps.random ?? Math.random;
  const unimportedTtlSeconds = unimportedOrderTtlSeconds(policy);
  const count = (name: string) => {
    metrics.addMetric(name, MetricUnit.Count, 1);
  };
  const shared = sharedSteps(deps, count);
  const { clock, retentionSeconds, writeConflict } = shared;
  const sources = makeSources(deps, count);
  const recheck = makeRecheck(deps, sources, shared);

  /** Sends `message` with a wait of `seconds`, chained past SQS's 900 s with `notBefore`. */
  async function sendAfter(message: OrderEvent, seconds: number, now: Date) {
    const plan = planDelay(seconds, now);
    const { notBefore: _previous, ...rest } = message;
    await deps.queue.send(plan.notBefore ? { ...rest, notBefore: plan.notBefore } : rest, plan.delaySeconds);
  }

  const dropDuplicate = (attrs: LogAttributes) => {
    count(WORKER_COUNTERS.duplicate);
    logger.info('Dropped a duplicate event', { ...attrs, outcome: 'duplicate' });
  };

  /** OM still waiting and a read kept from this event's first attempt: no BigCommerce call. */
  async function currentFor(
    channel: Channel,
    event: OrderEvent,
    order: OmOrder | undefined,
    deadline: number | undefined,
  ): Promise<Current> {
    const kept = keptRead(order, event.eventId);
    if (kept && isWaitingForOm(order)) return { read: kept, kept: true };
    return { read: await sources.readBigCommerce(channel, event.orderId, deadline, order), kept: false };
  }

  async function processEvent(event: OrderEvent, attrs: LogAttributes, deadline: number | undefined) {
    const { channelId, orderId, eventId } = event;
    const startedAt = clock();

    // A wait longer than SQS allows arrives early: send it on for the rest and do nothing else.
    if (event.notBefore && Date.parse(event.notBefore) > startedAt.getTime()) {
      await sendAfter(event, (Date.parse(event.notBefore) - startedAt.getTime()) / 1000, startedAt);
      count(WORKER_COUNTERS.waitChained);
      logger.debug('Deferred event not due yet; sent on', { ...attrs, notBefore: event.notBefore });
      return;
    }

    const channel = await sources.loadChannel(channelId, attrs);
    if (!channel) return;

    // OM first: a duplicate, or a retry while OM still waits, costs no call against the store's quota.
    let order: OmOrder | undefined = await deps.orders.get(channelId, orderId);
    if (isDuplicate(order, eventId, event.attempt)) return dropDuplicate(attrs);
    let current = await currentFor(channel, event, order, deadline);

    let deferralSent = false;
    // Read once per event, however many write tries: a fulfilment costs at most two requests.
    let shipments: Shipment[] | undefined;
    for (let tries = 1; ; tries++) {
      const now = clock();
      const decision = decide(channel, current.read, order, event, now, policy);
      if (readsShipments(decision) && !shipments) {
        shipments = await sources.readShipments(channel, orderId, deadline);
      }

      // Send before recording: if we crash in between, the redelivered original sends another chain
      // message, and whichever copy comes second is dropped as a duplicate.
      if (decision.outcome === 'deferred' && !deferralSent) {
        await sendAfter({ ...event, attempt: event.attempt + 1 }, decision.delaySeconds, now);
        deferralSent = true;
      }

      const next = nextOrder({ channelId, orderId }, order, decision, event, now, {
        retentionSeconds,
        ...(current.read ? { bigcommerceRead: current.read } : {}),
        ...(shipments && readsShipments(decision) ? { shipments } : {}),
      });
      const expiresAt = expiresAtFor(next, now, unimportedTtlSeconds);
      if (await deps.orders.write(next, order?.version ?? 0, expiresAt === undefined ? {} : { expiresAt })) {
        return recorded(attrs, decision, current, shipments);
      }

      // Someone wrote the order since we read it (another event, or OM's import): read and decide again.
      writeConflict(orderId, tries);
      order = await deps.orders.get(channelId, orderId);
      if (isDuplicate(order, eventId, event.attempt)) return dropDuplicate(attrs);
      // OM processed the order meanwhile: a kept read is too old to act on.
      if (current.kept && !isWaitingForOm(order)) current = await currentFor(channel, event, order, deadline);
    }
  }

  function recorded(attrs: LogAttributes, decision: Decision, current: Current, shipments?: Shipment[]) {
    countOutcome(metrics, decision);
    logger.info('Order event processed', {
      ...attrs,
      outcome: decision.outcome,
      ...(decision.outcome === 'needs_attention' && { reason: decision.reason }),
      ...(shipments && readsShipments(decision) && { shipments: shipments.length }),
      bigcommerceStatusId: decision.bigcommerceStatusId,
      statusBefore: decision.statusBefore,
      statusAfter: decision.statusAfter,
      bigcommerceReadKept: current.kept,
      ...(decision.outcome === 'deferred' ? { delaySeconds: decision.delaySeconds } : {}),
    });
  }

  /** Rate limited past the in-process wait, or a stale read: the same message back, later; record succeeds. */
  async function sendBack(event: OrderEvent, attrs: LogAttributes, error: unknown): Promise<boolean> {
    let seconds: number;
    if (error instanceof BigCommerceThrottledError) {
      seconds = throttleDelaySeconds(error.retryAfterMs, random());
      count(WORKER_COUNTERS.throttleRequeued);
    } else if (error instanceof StaleReadError) {
      seconds = STALE_READ_RETRY_SECONDS;
      count(WORKER_COUNTERS.staleRead);
    } else {
      return false;
    }
    await sendAfter(event, seconds, clock());
    logger.info('Order event sent back to the queue', {
      ...attrs,
      outcome: 'sent_back',
      delaySeconds: seconds,
      reason: error.message,
    });
    return true;
  }

  async function handleEvent(event: OrderEvent, attrs: LogAttributes, deadline: number | undefined) {
    try {
      if (event.source === 'om_import') await recheck(event, attrs, deadline);
      else await processEvent(event, attrs, deadline);
    } catch (error) {
      if (!(await sendBack(event, attrs, error))) throw error;
    }
  }

  return { handleEvent, count };
}
