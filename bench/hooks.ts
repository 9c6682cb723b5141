/**
 * hooks_*: the real wired hook-manager (`wire(env)`) against the BigCommerce sandbox (own process, rate
 * limits off) and dynalite (own process).
 * - Requests per healthy channel: a channel saved as channel-api saves it, converged once by a
 *   ChannelSettingsChanged event (hook created, first reconcile), then converged again: that second run
 *   is a healthy channel's run; its BigCommerce requests are counted from the sandbox log.
 * - 10,000 channels: that many healthy channels (one store each, hook in place, reconcile not due, last
 *   verified an hour ago), then the scheduled sweep, timed until every channel is verified (a run that
 *   stops early hands the rest to the next, as the schedule would). --quick sweeps 1,000 and scales.
 */
import * as rt from '../functions/common/runtime';
import { performance } from 'node:perf_hooks';
import type { Context } from 'aws-lambda';
import { CHANNEL_EVENTS_SOURCE, CHANNEL_SETTINGS_CHANGED } from '../functions/adapters/channel-events';
import { FUNCTION_TIMEOUT_SECONDS } from '../functions/common/limits';
import type { Channel } from '../functions/domain/channel';
import { HOOK_SCOPE, desiredHooks, wantedHookSpecs } from '../functions/domain/hook-plan';
import type { ChannelSummary, SweepSummary } from '../functions/hook-manager/handler';
import { missingFiles, withEnv, type GroupContext, type GroupResult } from './common';
import { fakeContext, withStdoutSunk } from './lambda';
import { pool, ratio, type Figure } from './report';
import { startRemoteSandbox, type RemoteSandbox } from './sandbox';
import { startStandIns, totalOf, type StandIns } from './stand-ins';

type HookManagerHandler = (event: unknown, context: Context) => Promise<unknown>;

export const HOOKS_SIZES = {
  quick: { channels: 1_000, seedConcurrency: 32, maxRuns: 5 },
  full: { channels: 10_000, seedConcurrency: 32, maxRuns: 5 },
} as const;

const TARGET_CHANNELS = 10_000;
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

const scheduled = () => ({
  version: '0',
  id: 'bench-sweep',
  source: 'aws.events',
  'detail-type': 'Scheduled Event',
  account: '123456789012',
  time: new Date().toISOString(),
  region: 'us-east-1',
  resources: ['arn:aws:events:us-east-1:123456789012:rule/bench'],
  detail: {},
});

/** Healthy channels as hook-manager itself leaves them, written directly (far faster than converging). */
async function seedHealthy(
  stand: StandIns,
  sb: RemoteSandbox,
  count: number,
  concurrency: number,
): Promise<void> {
  const channels = rt.channelStore(stand.runtime);
  const secrets = rt.secretStore(stand.runtime);
  const bigcommerce = rt.bigCommerce(rt.createRuntime({ BIGCOMMERCE_API_URL: sb.url }));
  const now = new Date();
  const hourAgo = new Date(now.getTime() - 3_600_000).toISOString();
  const storeHash = (i: number) => `benchh${i}`;
  const stores = Array.from({ length: count }, (_, i) => ({
    storeHash: storeHash(i),
    accessToken: `token-${i}`,
    clientSecret: `secret-${i}`,
  }));
  for (let i = 0; i < stores.length; i += 2_000) await sb.createStores(stores.slice(i, i + 2_000));
  await pool(count, concurrency, async (i) => {
    const channelId = `bench-hooks-${i}`;
    const webhookToken = `wt-${i}-0123456789abcdef`;
    const channel = settings(channelId, storeHash(i), now.toISOString());
    // Every hook the channel wants (order, shipments, delivery exceptions).
    let hookId: number | undefined;
    for (const want of desiredHooks(channel, WEBHOOK_BASE_URL, webhookToken)) {
      const hook = await bigcommerce.createHook(
        { storeHash: storeHash(i), accessToken: `token-${i}` },
        { ...want, isActive: true },
      );
      if (want.scope === HOOK_SCOPE) hookId = hook.id;
    }
    await secrets.put(channelId, { accessToken: `token-${i}`, clientSecret: `secret-${i}`, webhookToken });
    await channels.put({
      ...channel,
      hook: { hookId, isActive: true, lastVerifiedAt: hourAgo },
      reconcile: { watermark: now.toISOString(), lastRunAt: now.toISOString() },
    });
  });
}

export async function runHooks(ctx: GroupContext): Promise<GroupResult> {
  const missing = missingFiles('functions/hook-manager/handler.ts', 'local/sandbox/server.ts');
  if (missing.length)
    return { figures: [], skipped: [{ group: 'hooks', reason: `${missing.join(', ')} does not exist yet` }] };
  const size = ctx.quick ? HOOKS_SIZES.quick : HOOKS_SIZES.full;

  const stand = await startStandIns();
  let sandbox: RemoteSandbox | undefined;
  try {
    sandbox = await startRemoteSandbox();
    const sb = sandbox;
    return await withEnv(
      {
        ...stand.env,
        BIGCOMMERCE_API_URL: sb.url,
        WEBHOOK_BASE_URL,
        POWERTOOLS_LOG_LEVEL: 'INFO',
        POWERTOOLS_METRICS_DISABLED: 'false',
      },
      async () => {
        const { wire } = await import('../functions/hook-manager/handler');
        const handler = wire(process.env) as unknown as HookManagerHandler;
        const figures: Figure[] = [];

        // 1. One healthy channel, brought there by the product's own path.
        const healthyId = 'bench-hooks-healthy';
        const at = new Date().toISOString();
        await sb.createStores([
          { storeHash: 'benchhealthy', accessToken: 'token-h', clientSecret: 'secret-h' },
        ]);
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
        figures.push({
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
        });

        // 2. The scheduled sweep over many healthy channels.
        ctx.log(`hooks: seeding ${size.channels.toLocaleString('en-US')} healthy channels`);
        const seedStarted = performance.now();
        await seedHealthy(stand, sb, size.channels, size.seedConcurrency);
        ctx.log(`hooks: seeded in ${((performance.now() - seedStarted) / 1000).toFixed(1)} s; sweeping`);

        const sweep = await withStdoutSunk(async () => {
          await stand.resetDynamoCounts();
          const mark = await sb.mark();
          const runs: SweepSummary[] = [];
          const started = performance.now();
          let verified = 0;
          // Bounded: the schedule would run again; a run that verifies nothing new means something is wrong.
          for (let run = 0; run < size.maxRuns && verified < size.channels; run++) {
            const summary = (await handler(
              scheduled(),
              fakeContext('hook-manager', HOOK_MANAGER_TIMEOUT_MS),
            )) as SweepSummary;
            runs.push(summary);
            verified += summary.verified;
            if (summary.verified === 0) break;
            if (summary.stoppedEarly)
              ctx.log(`hooks: run ${run + 1} stopped early after ${summary.verified} channels`);
          }
          const elapsedMs = performance.now() - started;
          return {
            runs,
            elapsedMs,
            verified,
            bc: await sb.requestsSince(mark),
            dynamo: await stand.dynamoCounts(),
          };
        });
        const s = sweep.result;
        const failed = s.runs.reduce((n, r) => n + r.failed, 0);
        const changedInSweep = s.runs.reduce(
          (n, r) => n + Object.values(r.counts).reduce((a, b) => a + b, 0),
          0,
        );
        if (s.verified !== size.channels || failed > 0 || changedInSweep > 0)
          throw new Error(
            `sweep verified ${s.verified} of ${size.channels} channels (${failed} failed, ${changedInSweep} hook changes): ${JSON.stringify(s.runs)}`,
          );
        const seconds = s.elapsedMs / 1000;
        const scale = TARGET_CHANNELS / size.channels;
        const concurrency = s.runs[0]!.concurrency;
        figures.push({
          name: 'hooks_10k_channels_seconds',
          value: seconds * scale,
          unit: 's',
          note:
            (scale === 1
              ? `${size.channels.toLocaleString('en-US')} channels`
              : `measured ${size.channels.toLocaleString('en-US')} channels in ${seconds.toFixed(1)} s, scaled ×${scale} linearly`) +
            `; concurrency ${concurrency}; ${s.runs.length} run(s); ` +
            `${(s.verified / seconds).toFixed(0)} channels/s; BigCommerce ${ratio(s.bc.total, s.verified).toFixed(2)} and ` +
            `DynamoDB ${ratio(totalOf(s.dynamo), s.verified).toFixed(2)} requests per channel`,
        });
        return { figures, skipped: [] };
      },
    );
  } finally {
    await sandbox?.stop();
    await stand.stop();
  }
}
