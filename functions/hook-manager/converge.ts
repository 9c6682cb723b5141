import type {
  BigCommerceApi,
  BigCommerceCredentials,
  BigCommerceOrder,
} from '../adapters/bigcommerce-client';
import type { Uses } from '../common/ports';
import { describeError } from '../common/describe-error';
import type { Observability } from '../common/observability';
import type { PORTS } from './ports';
import { tombstoneExpiresAt, type Channel, type ChannelSecrets, type HookState } from '../domain/channel';
import { HOOK_SCOPE, desiredHooks, planHooks, type HookAction, type HookFinding } from '../domain/hook-plan';
import { catchUpAfter, catchUpDue } from '../domain/hook-work';
import {
  nextOrdersPage,
  nextWatermark,
  reconcileEvent,
  reconcileFrom,
  reconcileReason,
  reconcileStatusIds,
  type ReconcileReason,
} from '../domain/reconcile';

/**
 * The per-channel work of hook-manager, exported for the handler, `npm run reconcile` and the
 * benchmark: converge one channel's hooks (and reconcile when due), or reconcile by hand.
 */
export interface ConvergeDeps {
  channels: Uses<typeof PORTS, 'channels'>;
  secrets: Uses<typeof PORTS, 'secrets'>;
  bigcommerce: BigCommerceApi;
  queue: Uses<typeof PORTS, 'orderEventQueue'>;
  webhookBaseUrl: string;
  /** FORMER_WEBHOOK_BASE_URLS: hooks under these are ours too, and are moved to webhookBaseUrl. */
  formerWebhookBaseUrls?: readonly string[];
  now: () => Date;
  /** HOOK_CATCH_UP_DELAY_SECONDS: how long after a hook was created or re-activated to reconcile again. */
  catchUpDelaySeconds: number;
  /** Lines worth keeping (hook changes, failures). Never given a secret. */
  logger: Pick<Observability['logger'], 'info' | 'warn' | 'error'>;
}

/** Counts behind the metrics HookCreated, HookReactivated, HookRepaired, HookDeleted, HookVerifyFailed. */
export interface HookCounts {
  created: number;
  reactivated: number;
  repaired: number;
  deleted: number;
}

export type ConvergeResult =
  | { channelId: string; outcome: 'gone' }
  /** Verified after `skipIfVerifiedAfter` by another run: nothing to do. */
  | { channelId: string; outcome: 'skipped' }
  | { channelId: string; outcome: 'purged'; counts: HookCounts; hooksLeft?: true }
  | {
      channelId: string;
      outcome: 'verified';
      finding: HookFinding;
      counts: HookCounts;
      reconcile?: ReconcileOutcome;
      /** A hook was created or re-activated: BigCommerce may take a minute to fire it (catch up later). */
      activated?: true;
    }
  | { channelId: string; outcome: 'failed'; counts: HookCounts; error: string };

export type ReconcileOutcome =
  | ({ ok: true; reason: ReconcileReason | 'by_hand' } & ReconcileResult)
  | { ok: false; reason: ReconcileReason | 'by_hand'; error: string };

export interface ReconcileResult {
  from: string;
  statusIds: number[];
  enqueued: number;
  watermark: string;
}

export interface ReconcileProgress {
  statusId: number;
  /** 0-based position of `statusId` among `statusCount`. */
  statusIndex: number;
  statusCount: number;
  page: number;
  /** Whether the listing for this status id is finished. */
  statusDone: boolean;
  enqueued: number;
}

const ORDERS_PAGE_LIMIT = 250;
const ENQUEUE_CONCURRENCY = 10;

const zeroCounts = (): HookCounts => ({ created: 0, reactivated: 0, repaired: 0, deleted: 0 });

/** A channel's secret values, for masking in error text. */
const valuesOf = (secrets: ChannelSecrets) => [
  secrets.accessToken,
  secrets.clientSecret,
  secrets.webhookToken,
];

const isAuthFailure = (error: unknown) => {
  const status = (error as { status?: unknown } | null)?.status;
  return status === 401 || status === 403;
};

async function applyActions(
  deps: ConvergeDeps,
  creds: BigCommerceCredentials,
  actions: HookAction[],
  counts: HookCounts,
  deadline: number | undefined,
): Promise<Record<string, number>> {
  const createdIds: Record<string, number> = {};
  // Create/repair first, delete after: the channel is never left without a hook in between.
  for (const action of [...actions].sort(
    (a, b) => Number(a.kind === 'delete') - Number(b.kind === 'delete'),
  )) {
    if (action.kind === 'create') {
      createdIds[action.hook.scope] = (
        await deps.bigcommerce.createHook(creds, action.hook, { deadline })
      ).id;
      counts.created++;
    } else if (action.kind === 'update') {
      await deps.bigcommerce.updateHook(creds, action.hookId, action.patch, { deadline });
      if (action.reactivate) counts.reactivated++;
      if (action.repair) counts.repaired++;
    } else {
      await deps.bigcommerce.deleteHook(creds, action.hookId, { deadline });
      counts.deleted++;
    }
  }
  return createdIds;
}

/**
 * Purges a deleted channel: the secret first, so a failure leaves a tombstone that is retried; the
 * item stays as a purged tombstone for TOMBSTONE_TTL_MS. The tombstone is read again just before, and
 * the mark is conditional on it, so a channel saved again meanwhile keeps its item and secret.
 */
async function purge(deps: ConvergeDeps, channelId: string) {
  if (!(await deps.channels.get(channelId))?.deletedAt) return;
  await deps.secrets.delete(channelId);
  const now = deps.now();
  await deps.channels.purge(channelId, {
    purgedAt: now.toISOString(),
    expiresAt: tombstoneExpiresAt(now),
  });
}

/** Rounds of list-plan-act per channel: a settings change or a concurrent run seen mid-way replans. */
const MAX_ROUNDS = 3;

/** BigCommerce refused a create or move because the same scope and destination exist: another run won. */
const isDuplicateRefusal = (error: unknown) => (error as { status?: unknown } | null)?.status === 422;

/** Whether the stored channel still wants what the plan was made for. */
const sameIntent = (a: Channel, b: Channel | undefined) =>
  b !== undefined && a.updatedAt === b.updatedAt && a.deletedAt === b.deletedAt;

interface Converged {
  channel: Channel;
  finding: HookFinding;
  eventsMayBeLost: boolean;
  hookId?: number;
}

/**
 * List, plan, act; then read the channel again (consistently). When it changed meanwhile (deleted or
 * saved again) or another run created the same hook first (BigCommerce answers 422), plan again on
 * what is there now, so a sweep never leaves a deleted channel's hook behind nor removes a re-saved
 * one's. The finding is the first listing's.
 */
async function converge(
  deps: ConvergeDeps,
  first: Channel,
  creds: BigCommerceCredentials,
  webhookToken: string,
  counts: HookCounts,
  options: { deadline?: number },
): Promise<Converged> {
  const ownedBaseUrls = [deps.webhookBaseUrl, ...(deps.formerWebhookBaseUrls ?? [])];
  let channel = first;
  let result: Converged | undefined;
  for (let round = 1; ; round++) {
    const desired = desiredHooks(channel, deps.webhookBaseUrl, webhookToken);
    const actual = await deps.bigcommerce.listHooks(creds, {}, options);
    const plan = planHooks({ channelId: channel.channelId, desired, actual, ownedBaseUrls });
    result = {
      channel,
      finding: result?.finding ?? plan.finding,
      eventsMayBeLost: (result?.eventsMayBeLost ?? false) || plan.eventsMayBeLost,
      hookId: plan.keepHookIds[HOOK_SCOPE],
    };
    if (plan.actions.length === 0) return result;
    try {
      const created = await applyActions(deps, creds, plan.actions, counts, options.deadline);
      result.hookId = created[HOOK_SCOPE] ?? result.hookId;
    } catch (error) {
      if (round < MAX_ROUNDS && isDuplicateRefusal(error)) continue;
      throw error;
    }
    deps.logger.info('hooks converged', {
      channelId: channel.channelId,
      finding: plan.finding,
      actions: plan.actions.map((a) => `${a.kind}:${a.kind === 'create' ? a.hook.scope : a.hookId}`),
    });
    const now = await deps.channels.get(channel.channelId);
    if (round >= MAX_ROUNDS || sameIntent(channel, now) || now === undefined) return result;
    channel = now;
  }
}

export interface ConvergeOptions {
  deadline?: number;
  /** This is the catch-up run a created or re-activated hook asked for: reconcile. */
  catchUp?: boolean;
  /** A live channel verified after this (by an overlapping run) is skipped. */
  skipIfVerifiedAfter?: Date;
}

/** Whether another run verified this live channel after `since` (and left no catch-up due). */
const verifiedSince = (channel: Channel, since: Date | undefined, now: Date) =>
  since !== undefined &&
  channel.deletedAt === undefined &&
  channel.hook?.lastVerifiedAt !== undefined &&
  Date.parse(channel.hook.lastVerifiedAt) > since.getTime() &&
  !catchUpDue(channel.hook, now);

/**
 * Converges one channel: re-reads it (consistently) and its secret, one `GET /v3/hooks` (a healthy
 * channel costs exactly that one BigCommerce request), then the planned create/update/delete calls;
 * records the result on the channel; reconciles when a hook was lost, a reconcile is due, or a
 * catch-up is (a hook was created or re-activated HOOK_CATCH_UP_DELAY_SECONDS ago). A tombstoned
 * channel loses its hooks and is then purged with its secret. BigCommerce failures are recorded, not
 * thrown; failures of our own stores are thrown.
 */
export async function convergeChannel(
  deps: ConvergeDeps,
  channelOrId: Channel | string,
  options: ConvergeOptions = {},
): Promise<ConvergeResult> {
  const channelId = typeof channelOrId === 'string' ? channelOrId : channelOrId.channelId;
  // Always the stored channel, read now: a listing or a queued message may be minutes old.
  const stored = await deps.channels.get(channelId);
  const { logger } = deps;
  if (!stored || stored.purgedAt !== undefined) return { channelId, outcome: 'gone' };
  if (verifiedSince(stored, options.skipIfVerifiedAfter, deps.now()))
    return { channelId, outcome: 'skipped' };

  const counts = zeroCounts();
  const secrets = await deps.secrets.get(channelId);
  if (!secrets) {
    if (stored.deletedAt !== undefined) {
      // Without credentials its hooks cannot be reached; their callbacks are acknowledged and dropped.
      logger.warn('tombstoned channel has no credentials; purged without removing hooks', { channelId });
      await purge(deps, channelId);
      return { channelId, outcome: 'purged', counts, hooksLeft: true };
    }
    const error = 'no credentials stored for this channel';
    await deps.channels.recordHookState(channelId, { ...previousHook(stored), lastError: error });
    logger.error('hook verification failed', { channelId, error });
    return { channelId, outcome: 'failed', counts, error };
  }

  const creds = { storeHash: stored.storeHash, accessToken: secrets.accessToken };
  const now = deps.now();
  let converged: Converged;
  try {
    converged = await converge(deps, stored, creds, secrets.webhookToken, counts, options);
  } catch (error) {
    const message = describeError(error, valuesOf(secrets));
    if (stored.deletedAt !== undefined && isAuthFailure(error)) {
      // Credentials revoked (often: the app was uninstalled, which removes its hooks anyway).
      logger.warn('tombstoned channel: BigCommerce rejects its credentials; purged', {
        channelId,
        error: message,
      });
      await purge(deps, channelId);
      return { channelId, outcome: 'purged', counts, hooksLeft: true };
    }
    await deps.channels.recordHookState(channelId, { ...previousHook(stored), lastError: message });
    logger.error('hook verification failed', { channelId, error: message });
    return { channelId, outcome: 'failed', counts, error: message };
  }
  const { channel, finding } = converged;

  if (channel.deletedAt !== undefined) {
    await purge(deps, channelId);
    logger.info('channel purged', { channelId, hooksDeleted: counts.deleted });
    return { channelId, outcome: 'purged', counts };
  }

  const wanted = desiredHooks(channel, deps.webhookBaseUrl, secrets.webhookToken).length > 0;
  const state: HookState = wanted
    ? {
        ...(converged.hookId !== undefined && { hookId: converged.hookId }),
        isActive: true,
        lastVerifiedAt: now.toISOString(),
      }
    : { isActive: false, lastVerifiedAt: now.toISOString() };
  const activated = counts.created + counts.reactivated > 0;
  // A catch-up still owed (its delayed message may have been lost) is kept until a reconcile runs after it.
  const catchUpAt = activated ? catchUpAfter(now, deps.catchUpDelaySeconds) : channel.hook?.catchUpAfter;

  let reconcile: ReconcileOutcome | undefined;
  const reason = reconcileReason(channel, {
    hookLost: converged.eventsMayBeLost,
    catchUp: options.catchUp === true || catchUpDue(channel.hook, now),
    now,
  });
  if (reason) {
    try {
      reconcile = {
        ok: true,
        reason,
        ...(await reconcileChannel(deps, channel, { creds, deadline: options.deadline })),
      };
      if (reconcile.enqueued > 0)
        logger.info('reconciled', { channelId, reason, enqueued: reconcile.enqueued });
    } catch (error) {
      const message = describeError(error, valuesOf(secrets));
      reconcile = { ok: false, reason, error: message };
      // Recorded as the hook's last error, so the next run reconciles again (the watermark did not move).
      state.lastError = `reconcile: ${message}`;
      logger.error('reconcile failed', { channelId, reason, error: message });
    }
  }
  const caughtUp =
    reconcile?.ok === true && catchUpAt !== undefined && Date.parse(catchUpAt) <= now.getTime();
  if (wanted && catchUpAt !== undefined && !caughtUp) state.catchUpAfter = catchUpAt;
  await deps.channels.recordHookState(channelId, state);
  return {
    channelId,
    outcome: 'verified',
    finding,
    counts,
    ...(reconcile && { reconcile }),
    ...(activated && wanted && { activated: true as const }),
  };
}

const previousHook = (channel: Channel): HookState => ({
  ...(channel.hook?.hookId !== undefined && { hookId: channel.hook.hookId }),
  isActive: channel.hook?.isActive ?? false,
  ...(channel.hook?.lastVerifiedAt !== undefined && { lastVerifiedAt: channel.hook.lastVerifiedAt }),
});

/**
 * Lists the orders modified since the watermark (or `since`) in each cancel/fulfill status id and
 * enqueues one `source: reconcile` event per order; advances the watermark only once every enqueue
 * succeeded (a failure throws and leaves it where it was: the next run lists the same orders again,
 * with the same event ids, which the worker dedupes).
 */
export async function reconcileChannel(
  deps: Pick<ConvergeDeps, 'channels' | 'secrets' | 'bigcommerce' | 'queue' | 'now'>,
  channel: Channel,
  options: {
    creds?: BigCommerceCredentials;
    since?: Date;
    deadline?: number;
    onProgress?: (progress: ReconcileProgress) => void;
  } = {},
): Promise<ReconcileResult> {
  const runStart = deps.now();
  let creds = options.creds;
  if (!creds) {
    const secrets = await deps.secrets.get(channel.channelId);
    if (!secrets) throw new Error(`no credentials stored for channel ${channel.channelId}`);
    creds = { storeHash: channel.storeHash, accessToken: secrets.accessToken };
  }
  const from = reconcileFrom(channel, runStart, options.since);
  const statusIds = reconcileStatusIds(channel);
  let enqueued = 0;
  for (const [statusIndex, statusId] of statusIds.entries()) {
    // Orders listed again at a page boundary (same date_modified) are enqueued once.
    const seen = new Set<string>();
    let cursor = from;
    for (let page = 1, listed = 1; ; listed++) {
      const orders = await deps.bigcommerce.listOrders(
        creds,
        { minDateModified: cursor, statusId, sort: 'date_modified:asc', page, limit: ORDERS_PAGE_LIMIT },
        { deadline: options.deadline },
      );
      const events = orders
        // BigCommerce filtered by status_id already; this guards against a server that ignores it.
        .filter((order) => order.statusId === statusId)
        .map((order) => reconcileEvent({ channelId: channel.channelId, order, receivedAt: deps.now() }))
        .filter((event) => !seen.has(event.eventId) && seen.add(event.eventId));
      await forEachLimited(events, ENQUEUE_CONCURRENCY, (event) => deps.queue.send(event));
      enqueued += events.length;
      const statusDone = orders.length < ORDERS_PAGE_LIMIT;
      options.onProgress?.({
        statusId,
        statusIndex,
        statusCount: statusIds.length,
        page: listed,
        statusDone,
        enqueued,
      });
      if (statusDone) break;
      const last = orders[orders.length - 1] as BigCommerceOrder;
      ({ cursor, page } = nextOrdersPage({ cursor, page, lastDateModified: last.dateModified }));
    }
  }
  const watermark = nextWatermark({ previous: channel.reconcile?.watermark, runStart });
  await deps.channels.recordReconcile(channel.channelId, { watermark, lastRunAt: runStart.toISOString() });
  return { from, statusIds, enqueued, watermark };
}

/** Runs `fn` over `items` with at most `limit` in flight; rejects with the first failure. */
export async function forEachLimited<T>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<unknown>,
): Promise<void> {
  let next = 0;
  let failed = false;
  const worker = async () => {
    while (!failed && next < items.length) {
      const item = items[next++] as T;
      try {
        await fn(item);
      } catch (error) {
        failed = true;
        throw error;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}
