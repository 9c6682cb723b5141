import * as z from '../common/zod';
import type { HookState } from './channel';
import { firstFieldErrors, type FieldError } from './field-error';

/**
 * Messages on hook-manager's own work queue:
 * - `sweep_shard`: channels a scheduled sweep planned at `plannedAt`, converged by one invocation;
 * - `sweep_listing`: the rest of a listing the planning run had no time for, from `cursor`;
 * - `catch_up`: reconcile a channel once more after one of its hooks was created or re-activated
 *   (sent with a delay: BigCommerce may take a minute to start firing a new hook).
 */
/** The store goes along so one invocation converges a store's channels one after another. */
export interface ShardChannel {
  channelId: string;
  storeHash: string;
}

export type HookWork =
  | { kind: 'sweep_shard'; plannedAt: string; channels: ShardChannel[] }
  | { kind: 'sweep_listing'; plannedAt: string; cursor: string }
  | { kind: 'catch_up'; channelId: string; activatedAt: string };

const isoTime = z.iso.datetime({ offset: true });
const id = z.string().check(z.minLength(1), z.maxLength(200));

const hookWorkSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('sweep_shard'),
    plannedAt: isoTime,
    channels: z.array(z.object({ channelId: id, storeHash: id })).check(z.minLength(1), z.maxLength(1000)),
  }),
  z.object({
    kind: z.literal('sweep_listing'),
    plannedAt: isoTime,
    cursor: z.string().check(z.minLength(1)),
  }),
  z.object({ kind: z.literal('catch_up'), channelId: id, activatedAt: isoTime }),
]);

export type HookWorkParse = { ok: true; work: HookWork } | { ok: false; errors: FieldError[] };

/** A queue message body; a bad one names its field (it is our own message: a bug, not user input). */
export function parseHookWork(body: string): HookWorkParse {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return { ok: false, errors: [{ field: 'body', message: 'is not JSON' }] };
  }
  const parsed = hookWorkSchema.safeParse(json);
  if (parsed.success) return { ok: true, work: parsed.data };
  return {
    ok: false,
    errors: firstFieldErrors(parsed.error.issues).map((i) => ({
      field: i.path.join('.') || 'body',
      message: i.message,
    })),
  };
}

/** Items in shards of at most `size`, in order. */
export function shardsOf<T>(items: readonly T[], size: number): T[][] {
  const shards: T[][] = [];
  for (let i = 0; i < items.length; i += size) shards.push(items.slice(i, i + size));
  return shards;
}

/** When a catch-up reconcile is due for a hook created or re-activated at `activatedAt`. */
export const catchUpAfter = (activatedAt: Date, delaySeconds: number): string =>
  new Date(activatedAt.getTime() + delaySeconds * 1000).toISOString();

/**
 * Whether the catch-up recorded on the hook state is due. The delayed message normally runs it; this
 * is the fallback a later sweep uses when that message was lost.
 */
export const catchUpDue = (hook: HookState | undefined, now: Date): boolean =>
  hook?.catchUpAfter !== undefined && Date.parse(hook.catchUpAfter) <= now.getTime();
