/**
 * ingest_extra_cpu_us_per_request (docs/contract.md section 9): main-thread CPU µs per request that the real
 * wired webhook-ingest handler spends above the bare forwarder, measured as Lambda runs it — one request
 * at a time, in-process, warm, SendMessage stubbed the same way on both sides — as the minimum over
 * several blocks (the minimum is the run least disturbed by other work on the machine).
 *
 * Each handler lives in its own child process (bench/ingest-driver.ts), as each function has its own
 * container; blocks alternate between the two, swapping who goes first every round.
 */
import type { GroupContext, GroupResult } from './common';
import { ingestGroup, type Driver } from './ingest';
import type { FromDriver } from './ingest-driver';
import { median, type Figure } from './report';

/**
 * Blocks long enough for the thread CPU clock: Linux counts it in scheduler ticks (4 ms at 250 Hz), so a
 * block of the bare forwarder (~4 µs a request) needs tens of thousands of requests to be measured at all
 * and to keep the tick error to a few percent.
 */
export const CPU_SIZES = {
  quick: { warmup: 5_000, blocks: 4, block: 25_000, serial: 300 },
  full: { warmup: 10_000, blocks: 12, block: 50_000, serial: 1_000 },
} as const;

type CpuDone = Extract<FromDriver, { type: 'cpu-done' }>;
type RunDone = Extract<FromDriver, { type: 'done' }>;

/** µs per request of each block → the figure: min(real) − min(bare), with the medians in the note. */
export function extraCpuFigure(realUs: readonly number[], bareUs: readonly number[], note: string): Figure {
  const real = Math.min(...realUs);
  const bare = Math.min(...bareUs);
  if (!(bare > 0) || !Number.isFinite(real)) throw new Error('CPU blocks measured nothing');
  return {
    name: 'ingest_extra_cpu_us_per_request',
    value: real - bare,
    unit: 'µs',
    baseline: bare,
    ratio: (real - bare) / bare,
    note:
      `min of ${realUs.length} blocks: ${real.toFixed(1)} vs bare ${bare.toFixed(1)} µs/request ` +
      `(medians ${median(realUs).toFixed(1)} vs ${median(bareUs).toFixed(1)}); ${note}`,
  };
}

export function runIngestCpu(ctx: GroupContext): Promise<GroupResult> {
  const size = ctx.quick ? CPU_SIZES.quick : CPU_SIZES.full;
  return ingestGroup('ingest-cpu', async (_stand, { real, bare, firstIds }) => {
    const block = async (driver: Driver, count: number): Promise<CpuDone> => {
      const done = (await driver.request(
        { type: 'cpu', count, firstId: firstIds(count) },
        120_000,
      )) as CpuDone;
      // Only the accept path counts, and every request must have reached the (stubbed) send.
      if (done.statuses['200'] !== count || done.stubbedSends !== count)
        throw new Error(
          `CPU block answered ${JSON.stringify(done.statuses)} with ${done.stubbedSends} sends to ${count} valid requests`,
        );
      return done;
    };

    ctx.log(`ingest-cpu: warm-up ${size.warmup} requests each, one at a time`);
    await block(real, size.warmup);
    await block(bare, size.warmup);
    ctx.log(`ingest-cpu: ${size.blocks} alternating blocks × ${size.block} requests each`);
    const realUs: number[] = [];
    const bareUs: number[] = [];
    for (let b = 0; b < size.blocks; b++) {
      const order = b % 2 === 0 ? ([real, bare] as const) : ([bare, real] as const);
      for (const driver of order) {
        const done = await block(driver, size.block);
        (driver === real ? realUs : bareUs).push(done.cpuMicros / done.count);
      }
    }
    // For the cost model: the real handler's wall time and log bytes, one request at a time, real send.
    ctx.log(
      `ingest-cpu: ${size.serial} requests one at a time to the local queue (duration for the cost model)`,
    );
    const serial = (await real.request(
      { type: 'run', count: size.serial, concurrency: 1, firstId: firstIds(size.serial) },
      120_000,
    )) as RunDone;
    if (serial.statuses['200'] !== size.serial)
      throw new Error(
        `serial run answered ${JSON.stringify(serial.statuses)} to ${size.serial} valid requests`,
      );
    const durationMs = median(serial.latenciesMs);
    ctx.facts.ingest = { durationMs, logBytesPerRequest: serial.stdoutBytes / size.serial };
    const figure = extraCpuFigure(
      realUs,
      bareUs,
      `${size.blocks} × ${size.block} requests each, one at a time, SendMessage stubbed on both sides; ` +
        `with the local queue ${durationMs.toFixed(2)} ms/request (median), logs ${Math.round(serial.stdoutBytes / size.serial)} B/request`,
    );
    return { figures: [figure], skipped: [] };
  });
}
