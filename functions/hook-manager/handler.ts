import type { Context, SQSBatchResponse } from 'aws-lambda';
import * as z from '../common/zod';
import { CHANNEL_EVENTS_SOURCE, CHANNEL_SETTINGS_CHANGED } from '../adapters/channel-events';
import { HOOK_SHARD_CONCURRENCY, HOOK_SHARD_SIZE } from '../common/limits';
import { withObservability, type Observability } from '../common/observability';
import type { Uses } from '../common/ports';
import { describeError } from '../common/describe-error';
import * as rt from '../common/runtime';
import { parseHookWork, type HookWork } from '../domain/hook-work';
import { convergeChannel, type ConvergeDeps, type ConvergeOptions, type ConvergeResult } from './converge';
import { planSweep, runShard, type PlanSummary, type SweepSettings } from './sweep';
import type { PORTS } from './ports';
import { Tally } from './tally';

/**
 * hook-manager: one handler for three triggers.
 * - `ChannelSettingsChanged` (EventBridge, from channel-api) converges that channel at once.
 * - The schedule (`aws.events`, `Scheduled Event`) lists the channels and queues the ones due, in shards.
 * - Its work queue (SQS): a shard to converge, the rest of a long listing, or a delayed catch-up.
 * A hook created or re-activated queues a catch-up reconcile HOOK_CATCH_UP_DELAY_SECONDS later.
 */
export interface HookManagerDeps
  extends Omit<ConvergeDeps, 'now' | 'logger'>, Partial<SweepSettings>, Observability {
  hookWork: Uses<typeof PORTS, 'hookWorkQueue'>;
  verifyIntervalSeconds: number;
  now?: () => Date;
  /** Time budget when the invocation has no Lambda context (local callers, scripts). Default 5 min. */
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

const sqsEventSchema = z.object({
  Records: z.array(z.object({ messageId: z.string(), body: z.string(), eventSource: z.literal('aws:sqs') })),
});

export interface ChannelSummary {
  trigger: 'channel';
  result: ConvergeResult;
}

export type HookManagerResult = PlanSummary | ChannelSummary | SQSBatchResponse | { trigger: 'ignored' };

export function makeHandler(deps: HookManagerDeps) {
  const now = deps.now ?? (() => new Date());
  const { logger } = deps;
  const settings: SweepSettings = {
    verifyIntervalSeconds: deps.verifyIntervalSeconds,
    shardSize: deps.shardSize ?? HOOK_SHARD_SIZE,
    shardConcurrency: deps.shardConcurrency ?? HOOK_SHARD_CONCURRENCY,
    listPageSize: deps.listPageSize ?? 1000,
    reserveMs: deps.reserveMs ?? 30_000,
  };
  const sweepDeps = { ...settings, channels: deps.channels, hookWork: deps.hookWork };
  const convergeDeps: ConvergeDeps = { ...deps, now, logger };

  /** Converges one channel, counts it, and queues its catch-up when a hook was created or re-activated. */
  const converger = (tally: Tally) => async (channelId: string, options: ConvergeOptions) => {
    const result = await convergeChannel(convergeDeps, channelId, options);
    tally.add(result);
    if (result.outcome === 'verified' && result.activated) {
      const work: HookWork = { kind: 'catch_up', channelId, activatedAt: now().toISOString() };
      try {
        await deps.hookWork.send([work], deps.catchUpDelaySeconds);
        tally.catchUpsQueued++;
      } catch (error) {
        // The channel records the catch-up as owed: the first sweep after it is due runs it.
        logger.error('catch-up reconcile not queued; a later sweep runs it', {
          channelId,
          error: describeError(error),
        });
      }
    }
    return result;
  };

  async function runWork(work: HookWork, deadline: number, tally: Tally): Promise<void> {
    if (work.kind === 'catch_up') {
      await converger(tally)(work.channelId, { deadline, catchUp: true });
    } else if (work.kind === 'sweep_shard') {
      const shard = await runShard(sweepDeps, work, deadline, converger(tally));
      logger.info('sweep shard finished', { plannedAt: work.plannedAt, ...shard, skipped: tally.skipped });
    } else {
      const plan = await planSweep(sweepDeps, new Date(work.plannedAt), work.cursor, deadline);
      tally.sweepChannelsQueued += plan.queued;
      logger.info('sweep listing continued', { ...plan });
    }
  }

  async function onRecords(records: z.output<typeof sqsEventSchema>['Records'], deadline: number) {
    const tally = new Tally();
    const batchItemFailures: SQSBatchResponse['batchItemFailures'] = [];
    try {
      for (const record of records) {
        const parsed = parseHookWork(record.body);
        if (!parsed.ok) {
          // Our own message, so a bug: failed, it reaches the failure queue for a person to see.
          logger.error('hook-work message not understood', {
            messageId: record.messageId,
            errors: parsed.errors,
          });
          batchItemFailures.push({ itemIdentifier: record.messageId });
          continue;
        }
        try {
          await runWork(parsed.work, deadline, tally);
        } catch (error) {
          logger.error('hook work failed; SQS delivers it again', {
            messageId: record.messageId,
            kind: parsed.work.kind,
            error: describeError(error),
          });
          batchItemFailures.push({ itemIdentifier: record.messageId });
        }
      }
    } finally {
      tally.publish(deps);
    }
    return { batchItemFailures };
  }

  async function onSchedule(deadline: number): Promise<PlanSummary> {
    const tally = new Tally();
    try {
      const plan = await planSweep(sweepDeps, now(), undefined, deadline);
      tally.sweepChannelsQueued = plan.queued;
      const summary: PlanSummary = { trigger: 'schedule', ...plan };
      logger.info('sweep planned', { ...summary });
      return summary;
    } finally {
      // ChannelsVerified 0 too: the sweep heartbeat alarm counts that this run happened.
      tally.publish(deps);
    }
  }

  async function onChannelEvent(channelId: string, deadline: number): Promise<ChannelSummary> {
    const tally = new Tally();
    try {
      const result = await converger(tally)(channelId, { deadline });
      if (result.outcome === 'gone') logger.info('channel already gone', { channelId });
      return { trigger: 'channel', result };
    } finally {
      tally.publish(deps);
    }
  }

  return async (event: unknown, context?: Context): Promise<HookManagerResult> => {
    const remaining = context?.getRemainingTimeInMillis?.() ?? deps.defaultBudgetMs ?? 5 * 60_000;
    const deadline = Date.now() + remaining;
    const records = sqsEventSchema.safeParse(event);
    if (records.success) return onRecords(records.data.Records, deadline);
    const changed = channelSettingsChangedSchema.safeParse(event);
    if (changed.success) return onChannelEvent(changed.data.detail.channelId, deadline);
    if (scheduledEventSchema.safeParse(event).success) return onSchedule(deadline);
    logger.warn('ignored an event that is neither ChannelSettingsChanged, the schedule nor its queue', {
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
  'HOOK_WORK_QUEUE_URL',
  'BIGCOMMERCE_API_URL',
  'WEBHOOK_BASE_URL',
  'FORMER_WEBHOOK_BASE_URLS',
  'HOOK_VERIFY_INTERVAL_SECONDS',
  'HOOK_CATCH_UP_DELAY_SECONDS',
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
    hookWork: rt.hookWorkQueue(runtime),
    webhookBaseUrl: runtime.config.WEBHOOK_BASE_URL,
    formerWebhookBaseUrls: runtime.config.FORMER_WEBHOOK_BASE_URLS,
    verifyIntervalSeconds: runtime.config.HOOK_VERIFY_INTERVAL_SECONDS,
    catchUpDelaySeconds: runtime.config.HOOK_CATCH_UP_DELAY_SECONDS,
    ...obs,
  });
  return withObservability(handler, obs);
}
