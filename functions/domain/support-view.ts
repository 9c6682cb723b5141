import { CHANNEL_ID_PATTERN, wantsHooks, type ChannelSettings } from './channel';
import type { FieldError } from './field-error';
import type { Shipment } from './shipment';

/**
 * What the support console shows (docs/contract.md section 14), built from stored items read as plain JSON.
 * Every field is picked by name, so nothing else an item holds (and never a secret) can reach the page;
 * fields other parts of the system add later (shipments, reasons, delivery exceptions) are optional.
 */

export interface SupportHistoryEntry {
  at: string;
  source?: string;
  outcome: string;
  reason?: string;
  bigcommerceStatusId: number | null;
  statusBefore: string | null;
  statusAfter: string | null;
  attempt?: number;
}

/** A stored shipment (domain/shipment.ts), its id optional: the item is read as plain JSON. */
export type SupportShipment = Omit<Shipment, 'shipmentId'> & Partial<Pick<Shipment, 'shipmentId'>>;

export interface SupportOrder {
  channelId: string;
  orderId: number;
  /** null while OM has not imported the order. */
  status: string | null;
  updatedAt?: string;
  history: SupportHistoryEntry[];
  shipments: SupportShipment[];
}

export interface DeliveryException {
  at: string;
  errorCode?: number;
  message?: string;
  hookId?: number;
}

export type HookHealth =
  { state: 'healthy' } | { state: 'not_wanted' } | { state: 'unhealthy'; problems: string[] };

export interface SupportChannel {
  channelId: string;
  storeHash: string;
  validCancellationStatuses: string[];
  validFulfillmentStatuses: string[];
  cancelOnBigCommerceStatusIds: number[];
  fulfillOnBigCommerceStatusIds: number[];
  hook?: { hookId?: number; isActive: boolean; lastVerifiedAt?: string; lastError?: string };
  lastDeliveryException?: DeliveryException;
  deletedAt?: string;
  health: HookHealth;
}

/** The page for one query; `kind` says which of the three views (or which problem) it is. */
export type SupportPage =
  | { kind: 'overview'; unhealthy: SupportChannel[]; channelsScanned: number; complete: boolean }
  | { kind: 'channel'; channel: SupportChannel; needsAttention: SupportOrder[] }
  | { kind: 'order'; channel: SupportChannel; order: SupportOrder }
  | { kind: 'channel_not_found'; channelId: string }
  | { kind: 'order_not_found'; channel: SupportChannel; orderId: number }
  | { kind: 'invalid'; errors: FieldError[] };

export type SupportQuery =
  | { kind: 'overview' }
  | { kind: 'channel'; channelId: string }
  | { kind: 'order'; channelId: string; orderId: number };

/**
 * What the dashboard variables hold when nothing was typed: `*` (any channel) and `0` (any order;
 * BigCommerce order ids start at 1). Neither is a valid id, so neither can hide a real one.
 */
export const ANY = { channelId: '*', orderId: '0' } as const;

const given = (value: string | undefined, any: string) => {
  const trimmed = value?.trim() ?? '';
  return trimmed === '' || trimmed === any || trimmed === '*' ? undefined : trimmed;
};

/** The two ids as typed (query string or dashboard variables); empty and the ANY values mean "not given". */
export function parseSupportQuery(input: {
  channelId?: string;
  orderId?: string;
}): { ok: true; query: SupportQuery } | { ok: false; errors: FieldError[] } {
  const channelId = given(input.channelId, ANY.channelId);
  const orderText = given(input.orderId, ANY.orderId);
  const errors: FieldError[] = [];
  if (channelId !== undefined && !CHANNEL_ID_PATTERN.test(channelId))
    errors.push({ field: 'channelId', message: 'channelId must be 1-64 letters, digits, "_" or "-"' });
  const orderId = orderText !== undefined && /^[1-9]\d{0,15}$/.test(orderText) ? Number(orderText) : NaN;
  if (orderText !== undefined && !Number.isSafeInteger(orderId))
    errors.push({
      field: 'orderId',
      message: 'orderId must be a positive integer (the BigCommerce order id)',
    });
  if (orderText !== undefined && channelId === undefined)
    errors.push({ field: 'channelId', message: 'channelId is needed to look up an order' });
  if (errors.length > 0) return { ok: false, errors };
  if (channelId === undefined) return { ok: true, query: { kind: 'overview' } };
  if (orderText === undefined) return { ok: true, query: { kind: 'channel', channelId } };
  return { ok: true, query: { kind: 'order', channelId, orderId } };
}

// --- Picking fields from stored items ----------------------------------------------------------------

type Raw = Record<string, unknown>;
const asRecord = (v: unknown): Raw | undefined =>
  typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Raw) : undefined;
const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
const strings = (v: unknown) => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);
const numbers = (v: unknown) => (Array.isArray(v) ? v.filter((x): x is number => typeof x === 'number') : []);
const records = (v: unknown) => (Array.isArray(v) ? v.map(asRecord).filter((r): r is Raw => !!r) : []);
/** Drops undefined members so optional fields stay absent. */
const compact = <T extends object>(o: T): T =>
  Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;

function historyEntry(raw: Raw): SupportHistoryEntry {
  return compact({
    at: str(raw.at) ?? '',
    source: str(raw.source),
    outcome: str(raw.outcome) ?? 'unknown',
    reason: str(raw.reason),
    bigcommerceStatusId: num(raw.bigcommerceStatusId) ?? null,
    statusBefore: str(raw.statusBefore) ?? null,
    statusAfter: str(raw.statusAfter) ?? null,
    attempt: num(raw.attempt),
  });
}

function shipment(raw: Raw): SupportShipment {
  return compact({
    shipmentId: num(raw.shipmentId),
    trackingNumber: str(raw.trackingNumber),
    trackingCarrier: str(raw.trackingCarrier),
    shippingProvider: str(raw.shippingProvider),
    shippingMethod: str(raw.shippingMethod),
    trackingLink: str(raw.trackingLink),
    shippedAt: str(raw.shippedAt),
    items: records(raw.items).map((i) => ({
      orderProductId: num(i.orderProductId) ?? 0,
      quantity: num(i.quantity) ?? 0,
    })),
  });
}

/** An orders-table item as support sees it. */
export function toSupportOrder(raw: Raw): SupportOrder {
  return compact({
    channelId: str(raw.channelId) ?? '',
    orderId: num(raw.orderId) ?? 0,
    status: str(raw.status) ?? null,
    updatedAt: str(raw.updatedAt),
    history: records(raw.history).map(historyEntry),
    shipments: records(raw.shipments).map(shipment),
  });
}

function deliveryException(raw: Raw): DeliveryException | undefined {
  // Recorded with the hook state, or beside it under `webhook` as the channel API shows it.
  const found =
    asRecord(asRecord(raw.hook)?.lastDeliveryException) ??
    asRecord(asRecord(raw.webhook)?.lastDeliveryException) ??
    asRecord(raw.lastDeliveryException);
  if (!found) return undefined;
  return compact({
    at: str(found.at) ?? '',
    errorCode: num(found.errorCode),
    message: str(found.message),
    hookId: num(found.hookId),
  });
}

/**
 * Why a channel's hooks need a look: none recorded or inactive although the settings want them, the
 * last verification failed, or BigCommerce reported a delivery exception since the last good check.
 */
export function hookHealth(channel: Omit<SupportChannel, 'health'>): HookHealth {
  // Only the list lengths matter here; stored statuses are shown as they are, even unknown ones.
  const settings = channel as unknown as Pick<
    ChannelSettings,
    'validCancellationStatuses' | 'validFulfillmentStatuses'
  >;
  if (channel.deletedAt !== undefined || !wantsHooks(settings)) return { state: 'not_wanted' };
  const problems: string[] = [];
  const hook = channel.hook;
  if (!hook?.hookId) problems.push('no hook recorded yet');
  else if (!hook.isActive) problems.push('hook is inactive in BigCommerce');
  if (hook?.lastError) problems.push(`last check failed: ${hook.lastError}`);
  const exception = channel.lastDeliveryException;
  if (exception && (!hook?.lastVerifiedAt || exception.at > hook.lastVerifiedAt))
    problems.push(`BigCommerce reported a delivery exception at ${exception.at}`);
  return problems.length > 0 ? { state: 'unhealthy', problems } : { state: 'healthy' };
}

/** A channels-table item as support sees it: settings and hook state, nothing else. */
export function toSupportChannel(raw: Raw): SupportChannel {
  const hook = asRecord(raw.hook);
  const base: Omit<SupportChannel, 'health'> = compact({
    channelId: str(raw.channelId) ?? '',
    storeHash: str(raw.storeHash) ?? '',
    validCancellationStatuses: strings(raw.validCancellationStatuses),
    validFulfillmentStatuses: strings(raw.validFulfillmentStatuses),
    cancelOnBigCommerceStatusIds: numbers(raw.cancelOnBigCommerceStatusIds),
    fulfillOnBigCommerceStatusIds: numbers(raw.fulfillOnBigCommerceStatusIds),
    hook: hook
      ? compact({
          hookId: num(hook.hookId),
          isActive: hook.isActive === true,
          lastVerifiedAt: str(hook.lastVerifiedAt),
          lastError: str(hook.lastError),
        })
      : undefined,
    lastDeliveryException: deliveryException(raw),
    deletedAt: str(raw.deletedAt),
  });
  return { ...base, health: hookHealth(base) };
}

/** The outcome support must act on (docs/contract.md section 12). */
export const NEEDS_ATTENTION = 'needs_attention';

/** Orders whose latest history entry needs a person, newest entry first. */
export function ordersNeedingAttention(orders: readonly SupportOrder[], limit: number): SupportOrder[] {
  const latest = (o: SupportOrder) => o.history[o.history.length - 1];
  return orders
    .filter((o) => latest(o)?.outcome === NEEDS_ATTENTION)
    .sort((a, b) => (latest(b)?.at ?? '').localeCompare(latest(a)?.at ?? ''))
    .slice(0, limit);
}
