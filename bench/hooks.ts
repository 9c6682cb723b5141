/**
 * hooks_*: the real wired hook-manager (`wire(env)`) against the BigCommerce sandbox (own process, rate
 * limits off) and dynalite/fauxqs (own process).
 * - Requests per healthy channel: a channel saved as channel-api saves it, converged once by a
 *   ChannelSettingsChanged event (hooks created, first reconcile), then converged again: that second run
 *   is a healthy channel's run; its BigCommerce requests are counted from the sandbox log.
 * - Sweeps: that many healthy channels (one store each, hooks in place, reconcile not due, last verified
 *   an hour ago); the scheduled run, then its shards from the hook-work queue, run as Lambda's event
 *   source mapping runs them (local/sqs-poller.ts, HOOK_WORK_MAX_CONCURRENCY at once), timed until every
 *   channel was verified. `hooks_10k_channels_seconds` with the sandbox answering at once;
 *   `hooks_100k_channels_seconds` with every BigCommerce answer 150 ms late, as a store answers from
 *   AWS. Smaller runs are scaled linearly (said in the note), with the longest invocation reported.
 */
import * as rt from '../functions/common/runtime';
import { performance } from 'node:perf_hooks';
import type { Context, SQSBatchResponse } from 'aws-lambda';
import { CHANNEL_EVENTS_SOURCE, CHANNEL_SETTINGS_CHANGED } from '../functions/adapters/channel-events';
import type { Channel } from '../functions/domain/channel';
import {
  FUNCTION_TIMEOUT_SECONDS,
  HOOK_SHARD_CONCURRENCY,
  HOOK_SHARD_SIZE,
  HOOK_WORK_BATCH_SIZE,
  HOOK_WORK_MAX_CONCURRENCY,
} from '../functions/common/limits';
import { desiredHooks, wantedHookSpecs, type DesiredHook } from '../functions/domain/hook-plan';
import type { ChannelSummary } from '../functions/hook-manager/handler';
import type { PlanSummary } from '../functions/hook-manager/sweep';
import { scheduledEvent } from '../local/scheduler';
import { startSqsPoller } from '../local/sqs-poller';
import {
  BIGCOMMERCE_LATENCY_FROM_AWS_MS,
  sleep,
  withEnv,
  type GroupContext,
  type GroupResult,
} from './common';
import { standInGroup } from './group';
import { fakeContext, withStdoutSunk } from './lambda';
import { pool, ratio, type Figure } from './report';
import { startRemoteSandbox, type RemoteSandbox } from './sandbox';
import { totalOf, type StandIns } from './stand-ins';

type HookManagerHandler = (event: unknown, context: Context) => Promise<unknown>;

export const HOOKS_SIZES = {
  quick: { fast: 500, slow: 1_000, seedConcurrency: 32 },
  full: { fast: 10_000, slow: 100_000, seedConcurrency: 32 },
} as const;

const HOOK_MANAGER_TIMEOUT_MS = FUNCTION_TIMEOUT_SECONDS['hook-manager'] * 1000;
const WEBHOOK_BASE_URL = 'https://hooks.example.com';

const settings = (channelId: string, storeHash: string, at: string): Channel => ({
  channelId,
  storeHash,
  validCancellationStatuses: ['Awaiting Shipment'],
  validFulfillmentStatuses: ['Awaiting Shipment', 'On Hold'],
  cancelOnBigCommerceStatusIds: [5],
  fulfillOnBigCommerceStatusIds: [2, 10],
  createdAt: at,
  updatedAt: at,
});

const settingsChanged = (channelId: string) => ({
  version: '0',
  id: `bench-${channelId}`,
  source: CHANNEL_EVENTS_SOURCE,
  'detail-type': CHANNEL_SETTINGS_CHANGED,
  account: '123456789012',
  time: new Date().toISOString(),
  region: 'us-east-1',
  resources: [],
  detail: { channelId, change: 'saved', at: new Date().toISOString() },
});

/**
 * Healthy channels as hook-manager itself leaves them, written directly (far faster than converging):
 * stores and hooks in the sandbox over IPC, channels and secrets through the stores.
 */
async function seedHealthy(
  stand: StandIns,
  sb: RemoteSandbox,
  count: number,
  concurrency: number,
  prefix: string,
) {
  const channels = rt.channelStore(stand.runtime);
  const secrets = rt.secretStore(stand.runtime);
  const now = new Date();
  const hourAgo = new Date(now.getTime() - 3_600_000).toISOString();
  const storeHash = (i: number) => `benchh${prefix}${i}`;
  const webhookToken = (i: number) => `wt-${i}-0123456789abcdef`;
  const channelId = (i: number) => `bench-hooks-${prefix}${i}`;
  const channel = (i: number) => settings(channelId(i), storeHash(i), now.toISOString());
  for (let from = 0; from < count; from += 2_000) {
    const ids = Array.from({ length: Math.min(2_000, count - from) }, (_, k) => from + k);
    await sb.createStores(
      ids.map((i) => ({ storeHash: storeHash(i), accessToken: `token-${i}`, clientSecret: `secret-${i}` })),
    );
    // Every hook the channel wants (order, shipments, delivery exceptions).
    await sb.addHooks(
      ids.flatMap((i) =>
        desiredHooks(channel(i), WEBHOOK_BASE_URL, webhookToken(i)).map(
          (hook) => [storeHash(i), hook] as [string, DesiredHook],
        ),
      ),
    );
  }
  await pool(count, concurrency, async (i) => {
    await secrets.put(channelId(i), {
      accessToken: `token-${i}`,
      clientSecret: `secret-${i}`,
      webhookToken: webhookToken(i),
    });
    await channels.put({
      ...channel(i),
      hook: { isActive: true, lastVerifiedAt: hourAgo },
      reconcile: { watermark: now.toISOString(), lastRunAt: now.toISOString() },
    });
  });
}

interface SweepRun {
  channels: number;
  latencyMs: number;
  seconds: number;
  plan: PlanSummary;
  invocations: number;
  longestInvocationMs: number;
  bigCommercePerChannel: number;
  dynamoPerChannel: number;
  hookChanges: number;
}

/**
 * Seeds `channels` healthy channels on fresh stand-ins and a sandbox answering after `latencyMs`, then
 * times one whole sweep: the scheduled run, and its shards polled from the hook-work queue as Lambda's
 * event source mapping does, until every channel's hooks were listed.
 */
async function timeSweep(
  ctx: GroupContext,
  { stand, sb, handler, latencyMs }: Stage,
  channels: number,
  seedConcurrency: number,
): Promise<SweepRun> {
  ctx.log(`hooks: seeding ${channels.toLocaleString('en-US')} healthy channels (${latencyMs} ms stores)`);
  const seedStarted = performance.now();
  await seedHealthy(stand, sb, channels, seedConcurrency, `l${latencyMs}-`);
  ctx.log(`hooks: seeded in ${((performance.now() - seedStarted) / 1000).toFixed(1)} s; sweeping`);
  const run = await withStdoutSunk(async () => {
    await stand.resetDynamoCounts();
    const mark = await sb.mark();
    let invocations = 0;
    let longest = 0;
    // Failed records and invocations: each would be retried, so the figure would hide them.
    let failures = 0;
    const timed = async (event: unknown) => {
      const started = performance.now();
      try {
        const answer = await handler(event, fakeContext('hook-manager', HOOK_MANAGER_TIMEOUT_MS));
        failures += (answer as Partial<SQSBatchResponse>)?.batchItemFailures?.length ?? 0;
        return answer as never;
      } catch (error) {
        failures++;
        throw error;
      } finally {
        invocations++;
        longest = Math.max(longest, performance.now() - started);
      }
    };
    const startedAt = new Date().toISOString();
    const started = performance.now();
    const plan = (await timed(scheduledEvent(new Date()))) as PlanSummary;
    const lambda = startSqsPoller({
      sqs: stand.sqs,
      queueUrl: stand.queues.hookWorkQueueUrl,
      handler: timed,
      batchSize: HOOK_WORK_BATCH_SIZE,
      waitTimeSeconds: 1,
      concurrency: HOOK_WORK_MAX_CONCURRENCY,
      onError: () => void failures++,
    });
    let listed = 0;
    try {
      const deadline = Date.now() + 1_800_000;
      while (listed < channels && failures === 0 && Date.now() < deadline) {
        await sleep(250);
        listed = (await sb.requestsSince(mark)).byRoute['GET /v3/hooks'] ?? 0;
      }
    } finally {
      await lambda.stop();
    }
    const seconds = (performance.now() - started) / 1000;
    const bc = await sb.requestsSince(mark);
    const dynamo = await stand.dynamoCounts();
    const changes = Object.entries(bc.byRoute)
      .filter(([route]) => !route.startsWith('GET '))
      .reduce((n, [, count]) => n + count, 0);
    return { plan, startedAt, seconds, invocations, longest, failures, bc, dynamo, changes };
  });
  const r = run.result;
  // Verified means recorded as verified by this sweep, not merely listed.
  const verified = await countVerifiedSince(stand, `bench-hooks-l${latencyMs}-`, r.startedAt);
  if (verified !== channels || r.failures > 0 || r.changes > 0 || r.longest > HOOK_MANAGER_TIMEOUT_MS)
    throw new Error(
      `sweep verified ${verified} of ${channels} channels (${r.failures} failures, ${r.changes} hook changes, ` +
        `longest invocation ${Math.round(r.longest)} ms): ${JSON.stringify(r.bc)}`,
    );
  const result: SweepRun = {
    channels,
    latencyMs,
    seconds: r.seconds,
    plan: r.plan,
    invocations: r.invocations,
    longestInvocationMs: r.longest,
    bigCommercePerChannel: ratio(r.bc.total, channels),
    dynamoPerChannel: ratio(totalOf(r.dynamo), channels),
    hookChanges: r.changes,
  };
  return result;
}

/** Channels under `prefix` whose hooks were verified at or after `since` (ISO). */
async function countVerifiedSince(stand: StandIns, prefix: string, since: string): Promise<number> {
  const store = rt.channelStore(stand.runtime);
  let count = 0;
  let cursor: string | undefined;
  do {
    const page = await store.list({ limit: 1_000, ...(cursor !== undefined && { cursor }) });
    for (const c of page.channels)
      if (c.channelId.startsWith(prefix) && (c.hook?.lastVerifiedAt ?? '') >= since) count++;
    cursor = page.cursor;
  } while (cursor !== undefined);
  return count;
}

/** A sweep figure, scaled linearly to `target` channels when fewer were measured. */
function sweepFigure(name: string, target: number, run: SweepRun): Figure {
  const scale = target / run.channels;
  return {
    name,
    value: run.seconds * scale,
    unit: 's',
    note:
      (scale === 1
        ? `${run.channels.toLocaleString('en-US')} channels`
        : `measured ${run.channels.toLocaleString('en-US')} channels in ${run.seconds.toFixed(1)} s, scaled ×${scale} linearly`) +
      `; stores answer after ${run.latencyMs} ms; ${run.plan.shards} shard(s) of ≤ ${HOOK_SHARD_SIZE}, ` +
      `${HOOK_WORK_MAX_CONCURRENCY} at once × ${HOOK_SHARD_CONCURRENCY} channels; ${run.invocations} invocations, ` +
      `longest ${(run.longestInvocationMs / 1000).toFixed(1)} s (limit ${HOOK_MANAGER_TIMEOUT_MS / 1000} s); ` +
      `${(run.channels / run.seconds).toFixed(0)} channels/s; BigCommerce ${run.bigCommercePerChannel.toFixed(2)} and ` +
      `DynamoDB ${run.dynamoPerChannel.toFixed(2)} requests per channel`,
  };
}

const benchEnv = (stand: StandIns, sb: RemoteSandbox) => ({
  ...stand.env,
  BIGCOMMERCE_API_URL: sb.url,
  WEBHOOK_BASE_URL,
  POWERTOOLS_LOG_LEVEL: 'INFO',
  POWERTOOLS_METRICS_DISABLED: 'false',
});

export async function runHooks(ctx: GroupContext): Promise<GroupResult> {
  const size = ctx.quick ? HOOKS_SIZES.quick : HOOKS_SIZES.full;
  return standInGroup(
    'hooks',
    ['functions/hook-manager/handler.ts', 'local/sandbox/server.ts'],
    async (stand, track) => {
      // One set of stand-ins; a sandbox per store latency, each with hook-manager wired against it.
      const onSandbox = async <T>(latencyMs: number, fn: (stage: Stage) => Promise<T>): Promise<T> => {
        const sb = track(await startRemoteSandbox({ latencyMs }));
        return withEnv(benchEnv(stand, sb), async () => {
          const { wire } = await import('../functions/hook-manager/handler');
          const handler = wire(process.env) as unknown as HookManagerHandler;
          return fn({ stand, sb, handler, latencyMs });
        });
      };
      const [healthy, fast] = await onSandbox(
        0,
        async (stage) =>
          [
            await healthyChannelFigure(stage),
            await timeSweep(ctx, stage, size.fast, size.seedConcurrency),
          ] as const,
      );
      // The channels swept above are fresh now: the next sweep lists them and skips them.
      const slow = await onSandbox(BIGCOMMERCE_LATENCY_FROM_AWS_MS, (stage) =>
        timeSweep(ctx, stage, size.slow, size.seedConcurrency),
      );
      return {
        figures: [
          healthy,
          sweepFigure('hooks_10k_channels_seconds', 10_000, fast),
          sweepFigure('hooks_100k_channels_seconds', 100_000, slow),
        ],
        skipped: [],
      };
    },
  );
}

/** Stand-ins, a sandbox whose answers take `latencyMs`, and hook-manager wired against both. */
interface Stage {
  stand: StandIns;
  sb: RemoteSandbox;
  handler: HookManagerHandler;
  latencyMs: number;
}

/** One healthy channel, brought there by the product's own path; its second converge is counted. */
async function healthyChannelFigure({ stand, sb, handler }: Stage): Promise<Figure> {
  const healthyId = 'bench-hooks-healthy';
  const at = new Date().toISOString();
  await sb.createStores([{ storeHash: 'benchhealthy', accessToken: 'token-h', clientSecret: 'secret-h' }]);
  await rt.secretStore(stand.runtime).put(healthyId, {
    accessToken: 'token-h',
    clientSecret: 'secret-h',
    webhookToken: 'wt-healthy-0123456789abcdef',
  });
  await rt.channelStore(stand.runtime).put(settings(healthyId, 'benchhealthy', at));

  const healthy = await withStdoutSunk(async () => {
    const first = (await handler(
      settingsChanged(healthyId),
      fakeContext('hook-manager', HOOK_MANAGER_TIMEOUT_MS),
    )) as ChannelSummary;
    // Every hook it wants: order, shipments (it has fulfilment statuses), delivery exceptions.
    const wanted = wantedHookSpecs(settings(healthyId, 'benchhealthy', at)).length;
    if (first.result.outcome !== 'verified' || first.result.counts?.created !== wanted)
      throw new Error(
        `first converge of a new channel did not create its ${wanted} hooks: ${JSON.stringify(first)}`,
      );
    await stand.resetDynamoCounts();
    const mark = await sb.mark();
    const second = (await handler(
      settingsChanged(healthyId),
      fakeContext('hook-manager', HOOK_MANAGER_TIMEOUT_MS),
    )) as ChannelSummary;
    const bc = await sb.requestsSince(mark);
    const dynamo = await stand.dynamoCounts();
    return { second, bc, dynamo };
  });
  const { second, bc, dynamo } = healthy.result;
  const changed =
    second.result.outcome === 'verified'
      ? Object.values(second.result.counts).reduce((s, n) => s + n, 0)
      : undefined;
  if (changed !== 0)
    throw new Error(`a healthy channel's converge changed something: ${JSON.stringify(second)}`);
  return {
    name: 'hooks_requests_per_healthy_channel',
    value: bc.total,
    unit: 'requests',
    note:
      `${Object.entries(bc.byRoute)
        .map(([k, n]) => `${k} ×${n}`)
        .join(', ')}; finding ${'finding' in second.result ? second.result.finding : '-'}; ` +
      `DynamoDB ${totalOf(dynamo)} (${Object.entries(dynamo)
        .map(([k, n]) => `${k} ${n}`)
        .join(', ')})`,
  };
}
