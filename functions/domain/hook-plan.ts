import { wantsHooks, type Channel } from './channel';

/**
 * Hook convergence as pure code: given what a channel should have in BigCommerce and what one
 * `GET /v3/hooks?scope=…` returned, the actions that make the two agree. Running the plan and listing
 * again yields an empty plan (idempotent).
 */
export const HOOK_SCOPE = 'store/order/statusUpdated';
/** Also subscribed by a channel with any Valid Fulfillment Status: they carry the tracking. */
export const SHIPMENT_HOOK_SCOPES = ['store/shipment/created', 'store/shipment/updated'] as const;
/** Every scope hook-manager manages; one unfiltered `GET /v3/hooks` shows them all. */
export const MANAGED_HOOK_SCOPES: readonly string[] = [HOOK_SCOPE, ...SHIPMENT_HOOK_SCOPES];
const WEBHOOK_TOKEN_HEADER = 'X-Webhook-Token';

/** The one hook a channel wants (always `is_active: true`). */
export interface DesiredHook {
  scope: string;
  destination: string;
  headers: Record<string, string>;
}

/** A hook as BigCommerce lists it (structurally the BigCommerce client's BigCommerceHook). */
export interface ActualHook {
  id: number;
  scope: string;
  destination: string;
  isActive: boolean;
  headers: Record<string, string> | null;
}

export interface HookPatch {
  destination?: string;
  headers?: Record<string, string>;
  isActive?: true;
}

export type HookAction =
  | { kind: 'create'; hook: DesiredHook & { isActive: true } }
  /** One PUT; `reactivate` and `repair` say which metrics it earns (both possible). */
  | { kind: 'update'; hookId: number; patch: HookPatch; reactivate: boolean; repair: boolean }
  | { kind: 'delete'; hookId: number; reason: 'unwanted' | 'duplicate' };

/** What the listing showed about the channel's hook, before any action. */
export type HookFinding =
  | 'healthy'
  /** Wanted and none of ours found. */
  | 'missing'
  /** Our hook was there but inactive (deliveries stopped). */
  | 'inactive'
  /** Our hook was active but had the wrong destination or headers (deliveries failed or went elsewhere). */
  | 'wrong'
  /** Not wanted (both sets empty or tombstoned). */
  | 'not_wanted';

export interface HookPlan {
  finding: HookFinding;
  actions: HookAction[];
  /** The hook that stays (undefined when one is to be created or none is wanted). */
  keepHookId?: number;
}

const WEBHOOK_PATH = '/webhooks/bigcommerce/';

/** The webhook URL of a channel under a base URL (the same encoding as the HTTP route). */
export const webhookDestination = (baseUrl: string, channelId: string) =>
  `${baseUrl.replace(/\/+$/, '')}${WEBHOOK_PATH}${encodeURIComponent(channelId)}`;

/** Ours = the path ends with `/webhooks/bigcommerce/{channelId}`, whatever the base URL (old ones too). */
export function isOurHook(destination: string, channelId: string): boolean {
  let path: string;
  try {
    path = new URL(destination).pathname;
  } catch {
    path = destination.split(/[?#]/)[0] ?? '';
  }
  path = path.replace(/\/+$/, '');
  const suffix = `${WEBHOOK_PATH}${encodeURIComponent(channelId)}`;
  return path.endsWith(suffix) || safeDecode(path).endsWith(`${WEBHOOK_PATH}${channelId}`);
}

const safeDecode = (s: string) => {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
};

/** The desired hook of a channel, or undefined when it wants none (both sets empty, or tombstoned). */
export function desiredHook(
  channel: Pick<
    Channel,
    'channelId' | 'validCancellationStatuses' | 'validFulfillmentStatuses' | 'deletedAt'
  >,
  webhookBaseUrl: string,
  webhookToken: string,
): DesiredHook | undefined {
  if (channel.deletedAt !== undefined || !wantsHooks(channel)) return undefined;
  return {
    scope: HOOK_SCOPE,
    destination: webhookDestination(webhookBaseUrl, channel.channelId),
    headers: { [WEBHOOK_TOKEN_HEADER]: webhookToken },
  };
}

/** Header names compare case-insensitively (HTTP), values exactly; extra headers count as wrong. */
export function sameHeaders(actual: Record<string, string> | null, desired: Record<string, string>): boolean {
  const norm = (h: Record<string, string>) =>
    Object.entries(h)
      .map(([k, v]) => [k.toLowerCase(), v] as const)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const a = norm(actual ?? {});
  const d = norm(desired);
  return a.length === d.length && a.every(([k, v], i) => d[i]?.[0] === k && d[i]?.[1] === v);
}

/** Exact: a gateway need not route `/path/` like `/path`. */
const sameDestination = (a: string, b: string) => a === b;

export function planHooks(args: {
  channelId: string;
  desired: DesiredHook | undefined;
  actual: readonly ActualHook[];
  /** The scope planned (default: the desired hook's, else the status scope). */
  scope?: string;
}): HookPlan {
  const { channelId, desired } = args;
  const scope = args.scope ?? desired?.scope ?? HOOK_SCOPE;
  const ours = args.actual.filter((h) => h.scope === scope && isOurHook(h.destination, channelId));

  if (!desired)
    return {
      finding: 'not_wanted',
      actions: ours.map((h) => ({ kind: 'delete', hookId: h.id, reason: 'unwanted' })),
    };

  if (ours.length === 0)
    return { finding: 'missing', actions: [{ kind: 'create', hook: { ...desired, isActive: true } }] };

  // Keep the hook that needs the least change; ties go to the oldest (lowest id), so runs agree.
  // The right destination weighs most: BigCommerce refuses (422) a second hook with the same scope and
  // destination, so moving another hook onto it while it exists would fail.
  const score = (h: ActualHook) =>
    (sameDestination(h.destination, desired.destination) ? 4 : 0) +
    (h.isActive ? 2 : 0) +
    (sameHeaders(h.headers, desired.headers) ? 1 : 0);
  const [keep, ...duplicates] = [...ours].sort((a, b) => score(b) - score(a) || a.id - b.id) as [
    ActualHook,
    ...ActualHook[],
  ];

  const patch: HookPatch = {};
  if (!sameDestination(keep.destination, desired.destination)) patch.destination = desired.destination;
  if (!sameHeaders(keep.headers, desired.headers)) patch.headers = desired.headers;
  if (!keep.isActive) patch.isActive = true;
  const reactivate = patch.isActive === true;
  const repair = patch.destination !== undefined || patch.headers !== undefined;

  const actions: HookAction[] = [];
  if (reactivate || repair) actions.push({ kind: 'update', hookId: keep.id, patch, reactivate, repair });
  for (const d of duplicates) actions.push({ kind: 'delete', hookId: d.id, reason: 'duplicate' });

  const finding: HookFinding = reactivate ? 'inactive' : repair ? 'wrong' : 'healthy';
  return { finding, actions, keepHookId: keep.id };
}

/** The worst first: the finding of a channel is the worst of its scopes. */
const FINDING_RANK: readonly HookFinding[] = ['missing', 'inactive', 'wrong', 'healthy', 'not_wanted'];

/**
 * Plans every managed scope from one listing: the status hook as `planHooks` does, plus the shipment
 * hooks when the channel has a Valid Fulfillment Status (deleted otherwise). `keepHookId` stays the
 * status hook's; the finding is the worst of the wanted scopes.
 */
export function planAllHooks(args: {
  channel: Pick<
    Channel,
    'channelId' | 'validCancellationStatuses' | 'validFulfillmentStatuses' | 'deletedAt'
  >;
  webhookBaseUrl: string;
  webhookToken: string;
  actual: readonly ActualHook[];
}): HookPlan {
  const { channel, actual } = args;
  const status = desiredHook(channel, args.webhookBaseUrl, args.webhookToken);
  const wantsShipments = status !== undefined && channel.validFulfillmentStatuses.length > 0;
  const plans = MANAGED_HOOK_SCOPES.map((scope) =>
    planHooks({
      channelId: channel.channelId,
      scope,
      actual,
      desired: status && (scope === HOOK_SCOPE || wantsShipments) ? { ...status, scope } : undefined,
    }),
  );
  const worst = (plan: HookPlan) => FINDING_RANK.indexOf(plan.finding);
  const finding = plans.reduce((a, b) => (worst(b) < worst(a) ? b : a)).finding;
  const { keepHookId } = plans[0]!;
  return {
    finding,
    actions: plans.flatMap((p) => p.actions),
    ...(keepHookId !== undefined && { keepHookId }),
  };
}

/** Findings that mean deliveries may have been lost while the hook was broken: reconcile at once. */
export const deliveriesMayBeLost = (finding: HookFinding) =>
  finding === 'missing' || finding === 'inactive' || finding === 'wrong';
