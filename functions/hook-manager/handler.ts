import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Context } from 'aws-lambda';
import * as z from '../common/zod';
import { CHANNEL_EVENTS_SOURCE, CHANNEL_SETTINGS_CHANGED } from '../adapters/channel-events';
import type { Channel } from '../domain/channel';
import { HOOK_METRICS, type HookMetric } from '../common/metric-names';
import { withObservability, type Observability } from '../common/observability';
import * as rt from '../common/runtime';
import { convergeChannel, type ConvergeDeps, type ConvergeResult, type HookCounts } from './converge';

/**
 * hook-manager: one handler for two triggers. `ChannelSettingsChanged` (EventBridge, from channel-api)
 * converges that channel at once; the schedule (`aws.events`, `Scheduled Event`) sweeps every channel.
 */
export interface HookManagerDeps extends Omit<ConvergeDeps, 'log' | 'now'>, Observability {
  /** HOOK_VERIFY_INTERVAL_SECONDS: a sweep skips channels verified less than half of it ago. */
  verifyIntervalSeconds: number;
  now?: () => Date;
  /** Channels converged at the same time by a sweep. Default 24. */
  concurrency?: number;
  /** Channels per ChannelStore.list page. Default 100. */
  pageSize?: number;
  /** A sweep starts no new channel once the invocation has less than this left. Default 30 s. */
  reserveMs?: number;
  /** Time budget when the invocation has no Lambda context (local callers, scripts). Default 15 min. */
  defaultBudgetMs?: number;
}

const channelSettingsChangedSchema = z.object({
  source: z.literal(CHANNEL_EVENTS_SOURCE),
  'detail-type': z.literal(CHANNEL_SETTINGS_CHANGED),
  detail: z.object({
    channelId: z.string().check(z.minLength(1)),
    change: z.enum(['saved', 'deleted']),
    at: z.string(),
  }),
});

const scheduledEventSchema = z.object({
  source: z.literal('aws.events'),
  'detail-type': z.literal('Scheduled Event'),
});

export interface SweepSummary {
  trigger: 'schedule';
  seen: number;
  skipped: number;
  verified: number;
  purged: number;
  failed: number;
  /** True when the run stopped starting channels because time ran low; the next run takes the rest. */
  stoppedEarly: boolean;
  concurrency: number;
  counts: HookCounts;
}

export interface ChannelSummary {
  trigger: 'channel';
  result: ConvergeResult;
}

export type HookManagerResult = SweepSummary | ChannelSummary | { trigger: 'ignored' };

class Tally {
  readonly counts: HookCounts = { created: 0, reactivated: 0, repaired: 0, deleted: 0 };
  verified = 0;
  purged = 0;
  failed = 0;
  reconcileEnqueued = 0;
  reconcileFailed = 0;

  add(result: ConvergeResult) {
    if (result.outcome === 'gone') return;
    for (const key of Object.keys(this.counts) as (keyof HookCounts)[])
      this.counts[key] += result.counts[key];
    if (result.outcome === 'failed') this.failed++;
    else if (result.outcome === 'purged') this.purged++;
    else {
      this.verified++;
      if (result.reconcile?.ok) this.reconcileEnqueued += result.reconcile.enqueued;
      else if (result.reconcile) this.reconcileFailed++;
    }
  }

  publish(obs: Observability) {
    const m = (name: HookMetric, value: number) => obs.metrics.addMetric(name, MetricUnit.Count, value);
    m(HOOK_METRICS.created, this.counts.created);
    m(HOOK_METRICS.reactivated, this.counts.reactivated);
    m(HOOK_METRICS.repaired, this.counts.repaired);
    m(HOOK_METRICS.deleted, this.counts.deleted);
    m(HOOK_METRICS.verifyFailed, this.failed);
    // Purged tombstones were verified too: their hooks are gone.
    m(HOOK_METRICS.channelsVerified, this.verified + this.purged);
    m(HOOK_METRICS.reconcileEnqueued, this.reconcileEnqueued);
    if (this.reconcileFailed > 0) m(HOOK_METRICS.reconcileFailed, this.reconcileFailed);
  }
}

/** Runs tasks for the same key one after another (one store's rate limit is shared by its channels). */
function keyedSerializer() {
  const tails = new Map<string, Promise<unknown>>();
  return async <T>(key: string, task: () => Promise<T>): Promise<T> => {
    const previous = tails.get(key) ?? Promise.resolve();
    const run = previous.then(task, task);
    const tail = run.catch(() => undefined);
    tails.set(key, tail);
    try {
      return await run;
    } finally {
      if (tails.get(key) === tail) tails.delete(key);
    }
  };
}

export function makeHandler(deps: HookManagerDeps) {
  const now = deps.now ?? (() => new Date());
  const concurrency = Math.max(1, deps.concurrency ?? 24);
  const pageSize = deps.pageSize ?? 100;
  const reserveMs = deps.reserveMs ?? 30_000;
  const { logger } = deps;
  const convergeDeps: ConvergeDeps = {
    ...deps,
    now,
    log: (level, message, data) => logger[level](message, data),
  };

  async function onChannelEvent(channelId: string, deadline: number): Promise<ChannelSummary> {
    const tally = new Tally();
    try {
      const result = await convergeChannel(convergeDeps, channelId, { deadline });
      tally.add(result);
      if (result.outcome === 'gone') logger.info('channel already gone', { channelId });
      return { trigger: 'channel', result };
    } finally {
      tally.publish(deps);
    }
  }

  async function sweep(deadline: number): Promise<SweepSummary> {
    const startedAt = now();
    const freshAfter = startedAt.getTime() - (deps.verifyIntervalSeconds * 1000) / 2;
    const tally = new Tally();
    const serial = keyedSerializer();
    let seen = 0;
    let skipped = 0;
    let stoppedEarly = false;
    let failure: unknown;

    // Recently verified live channels are left for a later run; tombstones are always worth a try.
    const isFresh = (c: Channel) =>
      c.purgedAt !== undefined ||
      (c.deletedAt === undefined &&
      c.hook?.lastVerifiedAt !== undefined &&
      Date.parse(c.hook.lastVerifiedAt) > freshAfter);

    async function* channels() {
      let cursor: string | undefined;
      do {
        const page = await deps.channels.list({ limit: pageSize, ...(cursor !== undefined && { cursor }) });
        yield* page.channels;
        cursor = page.cursor;
      } while (cursor !== undefined);
    }
    const source = channels();

    const worker = async () => {
      while (failure === undefined) {
        if (Date.now() >= deadline - reserveMs) {
          stoppedEarly = true;
          return;
        }
        const next = await source.next();
        if (next.done) return;
        const channel = next.value;
        seen++;
        if (isFresh(channel)) {
          skipped++;
          continue;
        }
        tally.add(
          await serial(channel.storeHash, () => convergeChannel(convergeDeps, channel, { deadline })),
        );
      }
    };

    try {
      // A store failure stops the sweep (the next scheduled run starts over); the channels in flight finish.
      await Promise.all(
        Array.from({ length: concurrency }, () =>
          worker().catch((error: unknown) => {
            failure ??= error;
          }),
        ),
      );
    } finally {
      tally.publish(deps);
    }
    const summary: SweepSummary = {
      trigger: 'schedule',
      seen,
      skipped,
      verified: tally.verified,
      purged: tally.purged,
      failed: tally.failed,
      stoppedEarly,
      concurrency,
      counts: tally.counts,
    };
    if (failure !== undefined) {
      logger.error('sweep stopped by an error', {
        ...summary,
        error: String((failure as Error)?.message ?? failure),
      });
      throw failure;
    }
    logger.info('sweep finished', { ...summary });
    return summary;
  }

  return async (event: unknown, context?: Context): Promise<HookManagerResult> => {
    const remaining = context?.getRemainingTimeInMillis?.() ?? deps.defaultBudgetMs ?? 15 * 60_000;
    const deadline = Date.now() + remaining;
    const changed = channelSettingsChangedSchema.safeParse(event);
    if (changed.success) return onChannelEvent(changed.data.detail.channelId, deadline);
    if (scheduledEventSchema.safeParse(event).success) return sweep(deadline);
    logger.warn('ignored an event that is neither ChannelSettingsChanged nor the schedule', {
      source: (event as { source?: unknown } | null)?.source,
      detailType: (event as Record<string, unknown> | null)?.['detail-type'],
    });
    return { trigger: 'ignored' };
  };
}

export const HOOK_MANAGER_ENV_KEYS = [
  'CHANNELS_TABLE',
  'SECRETS_TABLE',
  'SECRET_NAME_PREFIX',
  'ORDER_EVENTS_QUEUE_URL',
  'BIGCOMMERCE_API_URL',
  'WEBHOOK_BASE_URL',
  'FORMER_WEBHOOK_BASE_URLS',
  'HOOK_VERIFY_INTERVAL_SECONDS',
  'DYNAMODB_ENDPOINT',
  'SQS_ENDPOINT',
  'SECRETSMANAGER_ENDPOINT',
] as const;

export function wire(env: Record<string, string | undefined>) {
  const { runtime, obs } = rt.forFunction(env, HOOK_MANAGER_ENV_KEYS, 'hook-manager');
  const handler = makeHandler({
    ...rt.channelAccess(runtime),
    bigcommerce: rt.bigCommerce(runtime),
    queue: rt.orderEventQueue(runtime),
    webhookBaseUrl: runtime.config.WEBHOOK_BASE_URL,
    formerWebhookBaseUrls: runtime.config.FORMER_WEBHOOK_BASE_URLS,
    verifyIntervalSeconds: runtime.config.HOOK_VERIFY_INTERVAL_SECONDS,
    ...obs,
  });
  return withObservability(handler, obs);
}
