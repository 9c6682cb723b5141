import type { Logger } from '@aws-lambda-powertools/logger';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { BigCommerceError, type BigCommerceApi, type BigCommerceOrder } from '../adapters/bigcommerce-client';
import type { ChannelStore } from '../adapters/channel-store';
import type { OrderEventQueue } from '../adapters/order-event-queue';
import type { OrderStore } from '../adapters/order-store';
import type { SecretStore } from '../adapters/secret-store';
import type { Channel, ChannelSecrets } from '../domain/channel';
import { decide, type Decision } from '../domain/decision';
import { expiresAtFor, isDuplicate, nextOrder } from '../domain/history';
import type { OmOrder, Outcome } from '../domain/order';
import type { OrderEvent } from '../domain/order-event';
import {
  planDelay,
  processedRetentionSeconds,
  SQS_MAX_DELAY_SECONDS,
  unimportedOrderTtlSeconds,
  type RetryPolicy,
} from '../domain/retry-policy';
import { createTtlCache } from '../common/ttl-cache';

/** One metric per outcome (issue 5), plus the worker's own counters below. */
export const OUTCOME_METRICS: Record<Outcome, string> = {
  cancelled: 'OrderCancelled',
  fulfilled: 'OrderFulfilled',
  status_not_configured: 'StatusNotConfigured',
  deferred: 'Deferred',
  expired: 'Expired',
  already_in_target_status: 'AlreadyInTargetStatus',
  no_action_for_bigcommerce_status: 'NoAction',
  bigcommerce_order_not_found: 'BigCommerceOrderNotFound',
};

export const WORKER_METRICS = {
  duplicate: 'DuplicateDropped',
  throttled: 'BigCommerceThrottled',
  failed: 'ProcessingFailed',
  malformed: 'MalformedMessageDropped',
  unknownChannel: 'UnknownChannelDropped',
  /** A wait longer than SQS's 900 s: the message was sent on again for the rest of it. */
  waitChained: 'DeferralChained',
  writeConflict: 'WriteConflict',
} as const;

export const CACHE_TTL_MS = 60_000;
/** Time kept back from the Lambda timeout so a record fails cleanly (and is retried) instead of timing out. */
export const DEADLINE_MARGIN_MS = 2_000;
export const MAX_WRITE_TRIES = 3;

/** What the per-event pipeline needs; the handler adds nothing but batching and parsing. */
export interface OrderWorkerDeps {
  channels: Pick<ChannelStore, 'get'>;
  secrets: Pick<SecretStore, 'get'>;
  orders: Pick<OrderStore, 'get' | 'write'>;
  queue: OrderEventQueue;
  bigcommerce: Pick<BigCommerceApi, 'getOrder'>;
  policy: RetryPolicy;
  logger: Pick<Logger, 'debug' | 'info' | 'warn' | 'error'>;
  metrics: { addMetric(name: string, unit: typeof MetricUnit.Count, value: number): unknown };
  now?: () => Date;
  cacheTtlMs?: number;
  deadlineMarginMs?: number;
  maxWriteTries?: number;
}

/** Thrown when the optimistic lock kept failing: the record fails and SQS delivers it again. */
export class WriteConflictError extends Error {
  override name = 'WriteConflictError';
}

export class MissingCredentialsError extends Error {
  override name = 'MissingCredentialsError';
}

class ChannelNotFound extends Error {}

export type LogAttributes = Record<string, unknown>;

export interface Pipeline {
  /** Processes one parsed event; throws when the record must fail (SQS delivers it again). */
  handleEvent(event: OrderEvent, attrs: LogAttributes, deadline: number | undefined): Promise<void>;
  /** Counts one metric (the handler's own counters share the port). */
  count(name: string): void;
}

/**
 * The worker's per-event pipeline: not-yet-due chaining, channel and credentials (cached per container),
 * the OM read, the BigCommerce read, the decision and the conditional write.
 */
export function makePipeline(deps: OrderWorkerDeps): Pipeline {
  const { logger, metrics, policy } = deps;
  const clock = deps.now ?? (() => new Date());
  const ttlMs = deps.cacheTtlMs ?? CACHE_TTL_MS;
  const maxWriteTries = deps.maxWriteTries ?? MAX_WRITE_TRIES;
  const retentionSeconds = processedRetentionSeconds(policy);
  const unimportedTtlSeconds = unimportedOrderTtlSeconds(policy);
  const count = (name: string) => {
    metrics.addMetric(name, MetricUnit.Count, 1);
  };

  // Hot containers reuse settings and credentials: steady state costs no channel or secret reads.
  // Misses are not cached (the loaders throw), so a channel created a moment ago is seen at once.
  const channelCache = createTtlCache<Channel>({ ttlMs });
  const secretCache = createTtlCache<ChannelSecrets>({ ttlMs });

  async function loadChannel(channelId: string): Promise<Channel | undefined> {
    try {
      const channel = await channelCache.get(channelId, async () => {
        const found = await deps.channels.get(channelId);
        if (!found) throw new ChannelNotFound();
        return found;
      });
      return channel.deletedAt ? undefined : channel;
    } catch (error) {
      if (error instanceof ChannelNotFound) return undefined;
      throw error;
    }
  }

  const loadSecrets = (channelId: string) =>
    secretCache.get(channelId, async () => {
      const secrets = await deps.secrets.get(channelId);
      // A live channel without credentials is a broken setup: fail (and dead-letter) so it can be replayed.
      if (!secrets) throw new MissingCredentialsError(`channel ${channelId} has no BigCommerce credentials`);
      return secrets;
    });

  async function fetchBigCommerceOrder(
    channel: Channel,
    orderId: number,
    deadline: number | undefined,
  ): Promise<BigCommerceOrder | undefined> {
    const secrets = await loadSecrets(channel.channelId);
    try {
      return await deps.bigcommerce.getOrder(
        { storeHash: channel.storeHash, accessToken: secrets.accessToken },
        orderId,
        { deadline, onThrottle: () => count(WORKER_METRICS.throttled) },
      );
    } catch (error) {
      // Credentials may have been rotated: read them again next time.
      if (error instanceof BigCommerceError && (error.status === 401 || error.status === 403)) {
        secretCache.delete(channel.channelId);
      }
      throw error;
    }
  }

  /** The chain message for a deferral: the next attempt, first receipt kept. */
  function deferralMessage(
    event: OrderEvent,
    decision: Extract<Decision, { outcome: 'deferred' }>,
    now: Date,
  ) {
    const plan = planDelay(decision.delaySeconds, now);
    const { notBefore: _previous, ...rest } = event;
    const message: OrderEvent = { ...rest, attempt: event.attempt + 1 };
    if (plan.notBefore) message.notBefore = plan.notBefore;
    return { message, delaySeconds: plan.delaySeconds };
  }

  async function handleEvent(event: OrderEvent, attrs: LogAttributes, deadline: number | undefined) {
    const { channelId, orderId, eventId } = event;
    const startedAt = clock();

    // A wait longer than SQS allows arrives early: send it on for the rest and do nothing else.
    if (event.notBefore && Date.parse(event.notBefore) > startedAt.getTime()) {
      const remaining = Math.ceil((Date.parse(event.notBefore) - startedAt.getTime()) / 1000);
      await deps.queue.send(event, Math.min(remaining, SQS_MAX_DELAY_SECONDS));
      count(WORKER_METRICS.waitChained);
      logger.debug('Deferred event not due yet; sent on', { ...attrs, notBefore: event.notBefore });
      return;
    }

    const channel = await loadChannel(channelId);
    if (!channel) {
      count(WORKER_METRICS.unknownChannel);
      logger.warn('Dropped an event for an unknown or deleted channel', attrs);
      return;
    }

    // OM first: a duplicate costs one read and no BigCommerce call (the store's API quota is shared).
    let order: OmOrder | undefined = await deps.orders.get(channelId, orderId);
    if (isDuplicate(order, eventId, event.attempt)) {
      count(WORKER_METRICS.duplicate);
      logger.info('Dropped a duplicate event', { ...attrs, outcome: 'duplicate' });
      return;
    }

    // The webhook is only a notification: act on the order as BigCommerce has it now (one request).
    const current = await fetchBigCommerceOrder(channel, orderId, deadline);

    let deferralSent = false;
    for (let tries = 1; ; tries++) {
      const now = clock();
      const decision = decide(channel, current && { statusId: current.statusId }, order, event, now, policy);

      // Send before recording: if we crash in between, the redelivered original sends another chain
      // message, and whichever copy comes second is dropped as a duplicate.
      if (decision.outcome === 'deferred' && !deferralSent) {
        const { message, delaySeconds } = deferralMessage(event, decision, now);
        await deps.queue.send(message, delaySeconds);
        deferralSent = true;
      }

      const next = nextOrder({ channelId, orderId }, order, decision, event, now, { retentionSeconds });
      const expiresAt = expiresAtFor(next, now, unimportedTtlSeconds);
      if (await deps.orders.write(next, order?.version ?? 0, expiresAt === undefined ? {} : { expiresAt })) {
        count(OUTCOME_METRICS[decision.outcome]);
        logger.info('Order event processed', {
          ...attrs,
          outcome: decision.outcome,
          bigcommerceStatusId: decision.bigcommerceStatusId,
          statusBefore: decision.statusBefore,
          statusAfter: decision.statusAfter,
          ...(decision.outcome === 'deferred' ? { delaySeconds: decision.delaySeconds } : {}),
        });
        return;
      }

      // Someone wrote the order since we read it (another event, or OM's import): read and decide again.
      count(WORKER_METRICS.writeConflict);
      if (tries >= maxWriteTries) {
        throw new WriteConflictError(`order ${orderId} kept changing; gave up after ${tries} tries`);
      }
      order = await deps.orders.get(channelId, orderId);
      if (isDuplicate(order, eventId, event.attempt)) {
        count(WORKER_METRICS.duplicate);
        logger.info('Dropped a duplicate event', { ...attrs, outcome: 'duplicate' });
        return;
      }
    }
  }

  return { handleEvent, count };
}
