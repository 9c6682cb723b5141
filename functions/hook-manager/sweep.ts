import type { ChannelStore } from '../adapters/channel-store';
import type { HookWorkQueue } from '../adapters/hook-work-queue';
import type { Channel } from '../domain/channel';
import { catchUpDue, shardsOf, type ShardChannel } from '../domain/hook-work';
import type { ConvergeOptions, ConvergeResult } from './converge';

/**
 * The scheduled sweep, fanned out through hook-manager's work queue: the scheduled run only lists the
 * channels and queues the ones due in shards; each shard is its own invocation (Lambda runs several
 * at once), so no invocation grows with the number of channels.
 */
export interface SweepSettings {
  /** HOOK_VERIFY_INTERVAL_SECONDS: a sweep skips channels verified less than half of it ago. */
  verifyIntervalSeconds: number;
  /** Channel ids per shard message. */
  shardSize: number;
  /** Channels one shard invocation converges at the same time. */
  shardConcurrency: number;
  /** Channels per ChannelStore.list page while planning. */
  listPageSize: number;
  /** No new page or channel is started once the invocation has less than this left. */
  reserveMs: number;
}

export interface SweepDeps extends SweepSettings {
  channels: Pick<ChannelStore, 'list'>;
  hookWork: HookWorkQueue;
}

export interface PlanSummary {
  trigger: 'schedule' | 'sweep_listing';
  plannedAt: string;
  seen: number;
  skipped: number;
  queued: number;
  shards: number;
  /** Time ran low: the rest of the listing was queued as a `sweep_listing` message. */
  continued: boolean;
}

/** Lists channels from `cursor` and queues the ones due in shards; hands the rest on when time runs low. */
export async function planSweep(
  deps: SweepDeps,
  plannedAt: Date,
  cursor: string | undefined,
  deadline: number,
): Promise<Omit<PlanSummary, 'trigger'>> {
  const at = plannedAt.toISOString();
  const freshAfter = plannedAt.getTime() - (deps.verifyIntervalSeconds * 1000) / 2;
  // Recently verified live channels are left for a later run (unless a catch-up is due); tombstones are
  // always worth a try; purged ones have nothing left to do.
  const isFresh = (c: Channel) =>
    c.purgedAt !== undefined ||
    (c.deletedAt === undefined &&
      c.hook?.lastVerifiedAt !== undefined &&
      Date.parse(c.hook.lastVerifiedAt) > freshAfter &&
      !catchUpDue(c.hook, plannedAt));
  const summary = { plannedAt: at, seen: 0, skipped: 0, queued: 0, shards: 0, continued: false };
  let due: ShardChannel[] = [];
  const queue = async (all: boolean) => {
    const count = all ? due.length : due.length - (due.length % deps.shardSize);
    if (count === 0) return;
    const shards = shardsOf(due.slice(0, count), deps.shardSize);
    await deps.hookWork.send(shards.map((channels) => ({ kind: 'sweep_shard', plannedAt: at, channels })));
    summary.queued += count;
    summary.shards += shards.length;
    due = due.slice(count);
  };

  let next = cursor;
  do {
    if (next !== undefined && Date.now() >= deadline - deps.reserveMs) {
      await queue(true);
      await deps.hookWork.send([{ kind: 'sweep_listing', plannedAt: at, cursor: next }]);
      return { ...summary, continued: true };
    }
    const page = await deps.channels.list({
      limit: deps.listPageSize,
      ...(next !== undefined && { cursor: next }),
    });
    for (const c of page.channels) {
      summary.seen++;
      if (isFresh(c)) summary.skipped++;
      else due.push({ channelId: c.channelId, storeHash: c.storeHash });
    }
    await queue(false);
    next = page.cursor;
  } while (next !== undefined);
  await queue(true);
  return summary;
}

export interface ShardSummary {
  channels: number;
  /** Channels not started because time ran low: queued again as a new shard. */
  requeued: number;
}

/**
 * Converges a shard's channels, a few at a time and one store's channels one after another. Channels
 * an overlapping run verified after `plannedAt` are skipped (converge re-reads each channel). A failure
 * of our own stores fails the shard once its channels in flight finish (SQS delivers it again, and
 * what was verified meanwhile is skipped).
 */
export async function runShard(
  deps: Pick<SweepDeps, 'hookWork' | 'shardConcurrency' | 'reserveMs'>,
  shard: { plannedAt: string; channels: ShardChannel[] },
  deadline: number,
  converge: (channelId: string, options: ConvergeOptions) => Promise<ConvergeResult>,
): Promise<ShardSummary> {
  const serial = keyedSerializer();
  const skipIfVerifiedAfter = new Date(shard.plannedAt);
  const left: ShardChannel[] = [];
  let next = 0;
  let failure: unknown;
  const worker = async () => {
    while (failure === undefined && next < shard.channels.length) {
      if (Date.now() >= deadline - deps.reserveMs) {
        left.push(...shard.channels.slice(next));
        next = shard.channels.length;
        return;
      }
      const channel = shard.channels[next++] as ShardChannel;
      await serial(channel.storeHash, () => converge(channel.channelId, { deadline, skipIfVerifiedAfter }));
    }
  };
  await Promise.all(
    Array.from({ length: Math.max(1, deps.shardConcurrency) }, () =>
      worker().catch((error: unknown) => {
        failure ??= error;
      }),
    ),
  );
  if (failure !== undefined) throw failure;
  if (left.length > 0)
    await deps.hookWork.send([{ kind: 'sweep_shard', plannedAt: shard.plannedAt, channels: left }]);
  return { channels: shard.channels.length, requeued: left.length };
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
