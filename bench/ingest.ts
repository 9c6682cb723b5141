/**
 * ingest_*: the real wired webhook-ingest handler against a bare forwarder (parse JSON, forward it in one
 * SendMessage to the same local SQS queue), side by side in one run.
 *
 * Each handler lives in its own child process (bench/ingest-driver.ts) and is invoked in-process there
 * with API Gateway v2 events; the parent alternates chunks between the two at a fixed concurrency, so
 * drift hits both alike and only one runs at a time. dynalite + fauxqs run in a third process. Every
 * request carries a valid X-Webhook-Token and a valid Standard Webhooks signature, so the real handler
 * does all of its work (cached channel, token, HMAC, zod, one SendMessage, log line, EMF metrics).
 */
import * as rt from '../functions/common/runtime';
import { fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { withTimeout, type GroupContext, type GroupResult } from './common';
import { standInGroup } from './group';
import type { DriverChannel, FromDriver, ToDriver } from './ingest-driver';
import { median, percentile, ratio, type Figure } from './report';
import type { StandIns } from './stand-ins';

export const INGEST_SIZES = {
  quick: { concurrency: 16, warmup: 300, rounds: 12, chunk: 100 },
  full: { concurrency: 16, warmup: 1000, rounds: 40, chunk: 125 },
} as const;

const CHANNEL: DriverChannel = {
  channelId: 'bench-ingest',
  storeHash: 'benchstore',
  webhookToken: 'bench-token-0123456789abcdef',
  clientSecret: 'bench-client-secret',
};

type Done = Extract<FromDriver, { type: 'done' }>;

export interface Driver {
  request(message: ToDriver, timeoutMs: number): Promise<FromDriver>;
  stop(): Promise<void>;
}

function startDriver(name: string): Driver {
  // fork inherits tsx's loader flags (execArgv); the child's stdout (its logs and EMF) goes to /dev/null.
  // BENCH_CPU_PROF_DIR=<dir> writes a V8 CPU profile of each driver there (for finding where time goes).
  const profDir = process.env.BENCH_CPU_PROF_DIR;
  const child: ChildProcess = fork(path.join(__dirname, 'ingest-driver.ts'), [], {
    execArgv: [...process.execArgv, ...(profDir ? ['--cpu-prof', `--cpu-prof-dir=${profDir}`] : [])],
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    env: { ...process.env, NODE_OPTIONS: '--no-warnings' },
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    request(message, timeoutMs) {
      const answer = new Promise<FromDriver>((resolve, reject) => {
        const onExit = (code: number | null) => reject(new Error(`${name} driver exited (${code})`));
        child.once('exit', onExit);
        child.once('message', (reply: FromDriver) => {
          child.off('exit', onExit);
          if (reply.type === 'error') reject(new Error(`${name} driver: ${reply.message}`));
          else resolve(reply);
        });
      });
      child.send(message);
      return withTimeout(answer, timeoutMs, `${name} driver ${message.type}`);
    },
    async stop() {
      if (child.exitCode === null && child.connected) child.send({ type: 'exit' } satisfies ToDriver);
      await withTimeout(exited, 10_000, `stopping the ${name} driver`).catch(() => {
        if (child.exitCode === null) child.kill('SIGKILL');
      });
    },
  };
}

/** The bench channel and its secrets, saved through the real stores; returns the drivers' environment. */
async function seedChannel(stand: StandIns): Promise<Record<string, string>> {
  const now = new Date().toISOString();
  await rt.channelStore(stand.runtime).put({
    channelId: CHANNEL.channelId,
    storeHash: CHANNEL.storeHash,
    validCancellationStatuses: ['Awaiting Shipment'],
    validFulfillmentStatuses: ['Awaiting Shipment'],
    cancelOnBigCommerceStatusIds: [5],
    fulfillOnBigCommerceStatusIds: [2, 10],
    createdAt: now,
    updatedAt: now,
  });
  await rt.secretStore(stand.runtime).put(CHANNEL.channelId, {
    accessToken: 'bench-access-token',
    clientSecret: CHANNEL.clientSecret,
    webhookToken: CHANNEL.webhookToken,
  });

  // What a deployed function runs with: logs at INFO and EMF metrics on (to stdout), no X-Ray.
  return {
    ...stand.env,
    POWERTOOLS_LOG_LEVEL: 'INFO',
    POWERTOOLS_METRICS_DISABLED: 'false',
  };
}

export interface DriverPair {
  real: Driver;
  bare: Driver;
  /** Request ids unique over the group's runs: `firstIds(count)` is the first of `count` fresh ids. */
  firstIds: (count: number) => number;
}

/**
 * An ingest group (skipped until webhook-ingest's handler exists): the stand-ins with the bench channel
 * seeded, the real and the bare driver started and set up; all stopped when `measure` is done.
 */
export const ingestGroup = (
  group: string,
  measure: (stand: StandIns, drivers: DriverPair) => Promise<GroupResult>,
): Promise<GroupResult> =>
  standInGroup(group, ['functions/webhook-ingest/handler.ts'], async (stand, track) => {
    const env = await seedChannel(stand);
    const real = track(startDriver('real'));
    const bare = track(startDriver('bare'));
    await real.request({ type: 'init', mode: 'real', env, channel: CHANNEL }, 60_000);
    await bare.request({ type: 'init', mode: 'bare', env, channel: CHANNEL }, 60_000);
    let next = 1;
    const firstIds = (count: number) => {
      const first = next;
      next += count;
      return first;
    };
    return measure(stand, { real, bare, firstIds });
  });

export function runIngest(ctx: GroupContext): Promise<GroupResult> {
  const size = ctx.quick ? INGEST_SIZES.quick : INGEST_SIZES.full;
  return ingestGroup('ingest', async (stand, { real, bare, firstIds }) => {
    const chunk = async (driver: Driver, count: number): Promise<Done> => {
      const firstId = firstIds(count);
      return (await driver.request(
        { type: 'run', count, concurrency: size.concurrency, firstId },
        120_000,
      )) as Done;
    };

    ctx.log(`ingest: warm-up ${size.warmup} requests each`);
    await chunk(real, size.warmup);
    await chunk(bare, size.warmup);
    ctx.log(
      `ingest: ${size.rounds} alternating rounds × ${size.chunk} requests each, concurrency ${size.concurrency}`,
    );
    const realRuns: Done[] = [];
    const bareRuns: Done[] = [];
    for (let r = 0; r < size.rounds; r++) {
      if (r % 2 === 0) {
        realRuns.push(await chunk(real, size.chunk));
        bareRuns.push(await chunk(bare, size.chunk));
      } else {
        bareRuns.push(await chunk(bare, size.chunk));
        realRuns.push(await chunk(real, size.chunk));
      }
    }

    // Only the accept path counts: any other answer means the benchmark measured something else.
    for (const [name, runs] of [
      ['real', realRuns],
      ['bare', bareRuns],
    ] as const) {
      const statuses: Record<string, number> = {};
      for (const run of runs)
        for (const [code, n] of Object.entries(run.statuses)) statuses[code] = (statuses[code] ?? 0) + n;
      if (statuses['200'] !== size.rounds * size.chunk)
        throw new Error(
          `${name} handler answered ${JSON.stringify(statuses)} to ${size.rounds * size.chunk} valid requests`,
        );
    }
    const attrs = await stand.sqs.send(
      new GetQueueAttributesCommand({
        QueueUrl: stand.queues.queueUrl,
        AttributeNames: ['ApproximateNumberOfMessages'],
      }),
    );
    const queued = Number(attrs.Attributes?.ApproximateNumberOfMessages ?? 0);
    const expectedQueued = 2 * (size.warmup + size.rounds * size.chunk);
    if (queued !== expectedQueued)
      throw new Error(
        `queue holds ${queued} messages, expected ${expectedQueued}: some request did not enqueue`,
      );

    const stats = (runs: Done[]) => {
      const lat = runs.flatMap((r) => r.latenciesMs);
      const seconds = runs.reduce((s, r) => s + r.elapsedMs, 0) / 1000;
      return {
        lat,
        p50: median(lat),
        p99: percentile(lat, 99),
        rps: lat.length / seconds,
        cpuMicrosPerRequest: runs.reduce((s, r) => s + r.cpuMicros, 0) / lat.length,
        stdoutBytesPerRequest: runs.reduce((s, r) => s + r.stdoutBytes, 0) / lat.length,
      };
    };
    const r = stats(realRuns);
    const b = stats(bareRuns);
    const medianRatio = ratio(r.p50, b.p50);
    const common = `${r.lat.length} requests each, concurrency ${size.concurrency}`;
    const figures: Figure[] = [
      {
        name: 'ingest_ratio_vs_bare',
        value: medianRatio,
        unit: 'x',
        note: `median latency ${r.p50.toFixed(2)} vs bare ${b.p50.toFixed(2)} ms; ${common}`,
      },
      { name: 'ingest_p50_ms', value: r.p50, unit: 'ms', baseline: b.p50, ratio: medianRatio, note: common },
      {
        name: 'ingest_p99_ms',
        value: r.p99,
        unit: 'ms',
        baseline: b.p99,
        ratio: ratio(r.p99, b.p99),
        note: common,
      },
      {
        name: 'ingest_requests_per_second',
        value: r.rps,
        unit: 'req/s',
        baseline: b.rps,
        ratio: ratio(r.rps, b.rps),
        note:
          `${common}; CPU ${Math.round(r.cpuMicrosPerRequest)} vs ${Math.round(b.cpuMicrosPerRequest)} µs/request; ` +
          `logs+EMF ${Math.round(r.stdoutBytesPerRequest)} B/request; ${queued} messages enqueued`,
      },
    ];
    return { figures, skipped: [] };
  });
}
