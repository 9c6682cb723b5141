import { wantsHooks, type Channel } from './channel';

/**
 * Hook convergence as pure code: given the hooks a channel should have in BigCommerce and what one
 * `GET /v3/hooks` returned, the actions that make the two agree. Running the plan and listing again
 * yields an empty plan (idempotent). Only hooks this deployment owns are ever touched: their
 * destination starts with one of its base URLs (the current one first, then former ones) followed by
 * the channel's own path. Everything else on the store is left exactly as it is.
 */
export const HOOK_SCOPE = 'store/order/statusUpdated';
/** Also subscribed by a channel with any Valid Fulfillment Status: they carry the tracking. */
export const SHIPMENT_HOOK_SCOPES = ['store/shipment/created', 'store/shipment/updated'] as const;
/** BigCommerce's early warning that a hook's deliveries are failing (one per store, its own route). */
export const DELIVERY_EXCEPTION_SCOPE = 'store/hook/deliveryException';
const WEBHOOK_TOKEN_HEADER = 'X-Webhook-Token';

/** Which of the channel's two routes a hook delivers to. */
export type HookRoute = 'events' | 'delivery-exceptions';

/** A hook the channel wants: its scope and the route it delivers to. */
export interface HookSpec {
  scope: string;
  route: HookRoute;
  /** Deliveries of this scope carry order changes: losing the hook loses events (reconcile at once). */
  carriesEvents: boolean;
}

/**
 * The hooks a channel wants; none when both status lists are empty or it is deleted. Add scopes here
 * (a scope that depends on the settings can look at the channel).
 */
export function wantedHookSpecs(
  channel: Pick<Channel, 'validCancellationStatuses' | 'validFulfillmentStatuses' | 'deletedAt'>,
): HookSpec[] {
  if (channel.deletedAt !== undefined || !wantsHooks(channel)) return [];
  const shipments: HookSpec[] =
    channel.validFulfillmentStatuses.length > 0
      ? SHIPMENT_HOOK_SCOPES.map((scope) => ({ scope, route: 'events', carriesEvents: true }))
      : [];
  return [
    { scope: HOOK_SCOPE, route: 'events', carriesEvents: true },
    ...shipments,
    { scope: DELIVERY_EXCEPTION_SCOPE, route: 'delivery-exceptions', carriesEvents: false },
  ];
}

/** Scopes whose deliveries carry order changes (losing their hook loses events). */
export const EVENT_SCOPES: readonly string[] = [HOOK_SCOPE, ...SHIPMENT_HOOK_SCOPES];

/** One hook a channel wants (always `is_active: true`). */
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
  | { kind: 'update'; hookId: number; scope: string; patch: HookPatch; reactivate: boolean; repair: boolean }
  | { kind: 'delete'; hookId: number; reason: 'unwanted' | 'duplicate' };

/** What the listing showed about the channel's hooks, before any action (the worst over its scopes). */
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
  /** A hook whose deliveries carry order changes was missing, inactive or wrong: events may be lost. */
  eventsMayBeLost: boolean;
  actions: HookAction[];
  /** Per wanted scope, the hook that stays (absent when one is to be created). */
  keepHookIds: Record<string, number>;
}

const WEBHOOK_PATH = '/webhooks/bigcommerce/';
export const DELIVERY_EXCEPTIONS_SUFFIX = '/delivery-exceptions';

const trimBase = (baseUrl: string) => baseUrl.replace(/\/+$/, '');

/** The webhook URL of a channel under a base URL (the same encoding as the HTTP route). */
export const webhookDestination = (baseUrl: string, channelId: string, route: HookRoute = 'events') =>
  `${trimBase(baseUrl)}${WEBHOOK_PATH}${encodeURIComponent(channelId)}${
    route === 'delivery-exceptions' ? DELIVERY_EXCEPTIONS_SUFFIX : ''
  }`;

/**
 * Which route of this channel a destination points at, if it is ours: it must start with one of the
 * owned base URLs, followed by exactly the channel's path (a trailing slash or query still counts, so
 * such a hook is repaired rather than left as a duplicate). Another stage's or system's hook: undefined.
 */
export function ownedRoute(
  destination: string,
  channelId: string,
  ownedBaseUrls: readonly string[],
): HookRoute | undefined {
  const channelPath = `${WEBHOOK_PATH}${encodeURIComponent(channelId)}`;
  for (const base of ownedBaseUrls) {
    const prefix = `${trimBase(base)}${channelPath}`;
    if (!destination.startsWith(prefix)) continue;
    const rest = (destination.slice(prefix.length).split(/[?#]/)[0] ?? '').replace(/\/+$/, '');
    if (rest === '') return 'events';
    if (rest === DELIVERY_EXCEPTIONS_SUFFIX) return 'delivery-exceptions';
  }
  return undefined;
}

/** The hooks a channel wants, with their destinations under the current base URL. */
export function desiredHooks(
  channel: Pick<
    Channel,
    'channelId' | 'validCancellationStatuses' | 'validFulfillmentStatuses' | 'deletedAt'
  >,
  webhookBaseUrl: string,
  webhookToken: string,
): DesiredHook[] {
  return wantedHookSpecs(channel).map((spec) => ({
    scope: spec.scope,
    destination: webhookDestination(webhookBaseUrl, channel.channelId, spec.route),
    headers: { [WEBHOOK_TOKEN_HEADER]: webhookToken },
  }));
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

const SEVERITY: readonly HookFinding[] = ['healthy', 'wrong', 'inactive', 'missing'];
const worst = (a: HookFinding, b: HookFinding) => (SEVERITY.indexOf(a) >= SEVERITY.indexOf(b) ? a : b);

/** One wanted scope: keep the hook needing the least change, fix it, delete the rest. */
function planScope(desired: DesiredHook, ours: ActualHook[]) {
  if (ours.length === 0)
    return {
      finding: 'missing' as HookFinding,
      actions: [{ kind: 'create', hook: { ...desired, isActive: true } }] as HookAction[],
    };
  // Ties go to the oldest (lowest id), so runs agree. The right destination weighs most: BigCommerce
  // refuses (422) a second hook with the same scope and destination, so moving another hook onto it
  // while it exists would fail.
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
  if (reactivate || repair)
    actions.push({ kind: 'update', hookId: keep.id, scope: desired.scope, patch, reactivate, repair });
  for (const d of duplicates) actions.push({ kind: 'delete', hookId: d.id, reason: 'duplicate' });
  const finding: HookFinding = reactivate ? 'inactive' : repair ? 'wrong' : 'healthy';
  return { finding, actions, keepHookId: keep.id };
}

export function planHooks(args: {
  channelId: string;
  /** desiredHooks(…): empty when the channel wants none. */
  desired: readonly DesiredHook[];
  actual: readonly ActualHook[];
  /** WEBHOOK_BASE_URL first, then any former base URLs this deployment still owns. */
  ownedBaseUrls: readonly string[];
  /** Scopes whose loss loses order events; default: the order and shipment scopes. */
  eventScopes?: readonly string[];
}): HookPlan {
  const { channelId, desired, ownedBaseUrls } = args;
  const eventScopes = args.eventScopes ?? EVENT_SCOPES;
  const ours = args.actual.filter((h) => ownedRoute(h.destination, channelId, ownedBaseUrls) !== undefined);
  const wantedScopes = new Set(desired.map((d) => d.scope));
  const unwanted: HookAction[] = ours
    .filter((h) => !wantedScopes.has(h.scope))
    .map((h) => ({ kind: 'delete', hookId: h.id, reason: 'unwanted' }));

  if (desired.length === 0)
    return { finding: 'not_wanted', eventsMayBeLost: false, actions: unwanted, keepHookIds: {} };

  let finding: HookFinding = 'healthy';
  let eventsMayBeLost = false;
  const actions: HookAction[] = [];
  const keepHookIds: Record<string, number> = {};
  for (const want of desired) {
    const scoped = planScope(
      want,
      ours.filter((h) => h.scope === want.scope),
    );
    finding = worst(finding, scoped.finding);
    if (scoped.finding !== 'healthy' && eventScopes.includes(want.scope)) eventsMayBeLost = true;
    actions.push(...scoped.actions);
    if (scoped.keepHookId !== undefined) keepHookIds[want.scope] = scoped.keepHookId;
  }
  return { finding, eventsMayBeLost, actions: [...actions, ...unwanted], keepHookIds };
}

/** Findings that mean deliveries may have been lost while a hook was broken. */
export const deliveriesMayBeLost = (finding: HookFinding) =>
  finding === 'missing' || finding === 'inactive' || finding === 'wrong';
