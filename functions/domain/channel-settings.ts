import * as z from '../common/zod';
import type { FieldError } from './field-error';

export type { FieldError };
import { STORE_HASH_PATTERN, type Channel, type ChannelSecrets, type DeliveryException } from './channel';
import {
  BIGCOMMERCE_STATUS,
  BIGCOMMERCE_STATUS_IDS,
  CONFIGURABLE_OM_STATUSES,
  DEFAULT_CANCEL_ON_BIGCOMMERCE_STATUS_IDS,
  DEFAULT_FULFILL_ON_BIGCOMMERCE_STATUS_IDS,
  type ConfigurableOmStatus,
} from './statuses';

/**
 * The body of `PUT /channels/{channelId}` (docs/contract.md section 5): validation that names every bad field
 * at once, and the pure steps that turn a valid body into the stored Channel and its secrets.
 */

export interface ChannelSettingsInput {
  storeHash: string;
  /** Absent on an update: the stored token is kept. */
  accessToken?: string;
  /** Absent: keep the stored one; null: remove it. */
  clientSecret?: string | null;
  validCancellationStatuses: ConfigurableOmStatus[];
  validFulfillmentStatuses: ConfigurableOmStatus[];
  /** Absent: the defaults (section 3) — on an update too, so omitting an override resets it. */
  cancelOnBigCommerceStatusIds?: number[];
  fulfillOnBigCommerceStatusIds?: number[];
}

/** Fields of the GET answer that a client may echo back in a PUT (read-modify-write); ignored. */
export const READ_ONLY_CHANNEL_FIELDS = [
  'channelId',
  'createdAt',
  'updatedAt',
  'webhook',
  'reconcile',
  'hasClientSecret',
] as const;

/** Fields a PUT may set. */
export const WRITABLE_FIELDS = [
  'storeHash',
  'accessToken',
  'clientSecret',
  'validCancellationStatuses',
  'validFulfillmentStatuses',
  'cancelOnBigCommerceStatusIds',
  'fulfillOnBigCommerceStatusIds',
] as const;

const show = (value: unknown) => {
  const text = JSON.stringify(value);
  return text === undefined ? String(value) : text.length > 60 ? `${text.slice(0, 57)}...` : text;
};

const ALLOWED_STATUSES = CONFIGURABLE_OM_STATUSES.join(', ');
const ALLOWED_IDS = BIGCOMMERCE_STATUS_IDS.join(', ');

const storeHashSchema = z
  .string({ error: 'storeHash must be a string' })
  .check(
    z.regex(
      STORE_HASH_PATTERN,
      'storeHash must be 1-32 lower-case letters and digits (BigCommerce store hash)',
    ),
  );

// Secret values are never echoed in messages, only described.
const secretSchema = (field: string) =>
  z
    .string({ error: `${field} must be a non-empty string` })
    .check(
      z.trim(),
      z.minLength(1, `${field} must be a non-empty string`),
      z.maxLength(4096, `${field} is too long`),
    );

const unique = <T>() => z.transform((list: T[]) => [...new Set(list)]);

const statusSetSchema = (field: string) =>
  z.pipe(
    z.array(
      z.enum(CONFIGURABLE_OM_STATUSES, {
        error: (issue) =>
          `${field}: ${show(issue.input)} is not allowed; only the processed, non-terminal OM statuses are: ${ALLOWED_STATUSES}`,
      }),
      { error: `${field} must be an array of OM statuses (use [] for none)` },
    ),
    unique<ConfigurableOmStatus>(),
  );

const statusIdListSchema = (field: string) =>
  z.pipe(
    z
      .array(
        z.number({ error: (issue) => `${field}: ${show(issue.input)} is not a BigCommerce status id` }).check(
          z.refine((n: number) => BIGCOMMERCE_STATUS_IDS.includes(n), {
            error: (issue) =>
              `${field}: ${show(issue.input)} is not a BigCommerce status id (${ALLOWED_IDS})`,
          }),
        ),
        { error: `${field} must be an array of BigCommerce status ids` },
      )
      .check(z.minLength(1, `${field} must name at least one status id (omit it for the default)`)),
    unique<number>(),
  );

function check<T>(
  field: string,
  schema: z.ZodMiniType<T>,
  value: unknown,
  errors: FieldError[],
): T | undefined {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  for (const issue of result.error.issues) errors.push({ field, message: issue.message });
  return undefined;
}

export type ParseResult = { ok: true; input: ChannelSettingsInput } | { ok: false; errors: FieldError[] };

/**
 * Validates a parsed JSON body. `requireAccessToken` is true when the channel is new (or tombstoned, or
 * has no stored credentials): an update may omit the token and keep the stored one.
 * `storedStoreHash` is the live channel's store: it cannot change, because its hooks live in that store.
 */
export function parseChannelSettings(
  body: unknown,
  context: { requireAccessToken: boolean; storedStoreHash?: string },
): ParseResult {
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    return { ok: false, errors: [{ message: 'body must be a JSON object' }] };
  const record = body as Record<string, unknown>;
  const errors: FieldError[] = [];

  const known = new Set<string>([...WRITABLE_FIELDS, ...READ_ONLY_CHANNEL_FIELDS]);
  for (const key of Object.keys(record))
    if (!known.has(key)) errors.push({ field: key, message: `${key} is not a channel setting` });

  const has = (key: string) => record[key] !== undefined;

  const storeHash = has('storeHash')
    ? check('storeHash', storeHashSchema, record.storeHash, errors)
    : (errors.push({ field: 'storeHash', message: 'storeHash is required' }), undefined);
  if (
    storeHash !== undefined &&
    context.storedStoreHash !== undefined &&
    storeHash !== context.storedStoreHash
  )
    errors.push({
      field: 'storeHash',
      message: `storeHash cannot change (the channel's hooks live in store ${context.storedStoreHash}); delete the channel and create it again`,
    });

  let accessToken: string | undefined;
  if (has('accessToken'))
    accessToken = check('accessToken', secretSchema('accessToken'), record.accessToken, errors);
  else if (context.requireAccessToken)
    errors.push({ field: 'accessToken', message: 'accessToken is required for a new channel' });

  let clientSecret: string | null | undefined;
  if (record.clientSecret === null) clientSecret = null;
  else if (has('clientSecret'))
    clientSecret = check('clientSecret', secretSchema('clientSecret'), record.clientSecret, errors);

  const statusSet = (field: 'validCancellationStatuses' | 'validFulfillmentStatuses') =>
    has(field)
      ? check(field, statusSetSchema(field), record[field], errors)
      : (errors.push({ field, message: `${field} is required (use [] for none)` }), undefined);
  const validCancellationStatuses = statusSet('validCancellationStatuses');
  const validFulfillmentStatuses = statusSet('validFulfillmentStatuses');

  const idList = (field: 'cancelOnBigCommerceStatusIds' | 'fulfillOnBigCommerceStatusIds') =>
    has(field) ? check(field, statusIdListSchema(field), record[field], errors) : undefined;
  const cancelIds = idList('cancelOnBigCommerceStatusIds');
  const fulfillIds = idList('fulfillOnBigCommerceStatusIds');
  if (fulfillIds?.includes(BIGCOMMERCE_STATUS.partiallyShipped))
    errors.push({
      field: 'fulfillOnBigCommerceStatusIds',
      message:
        'fulfillOnBigCommerceStatusIds: 3 (Partially Shipped) cannot fulfil: it would mark the whole OM order Shipped while items are still to ship (partial shipments are recorded on the order without changing its status)',
    });

  // Overlap is checked on the effective lists, so an override that clashes with a default is caught too.
  const cancelOk = !has('cancelOnBigCommerceStatusIds') || cancelIds !== undefined;
  const fulfillOk = !has('fulfillOnBigCommerceStatusIds') || fulfillIds !== undefined;
  if (cancelOk && fulfillOk) {
    const cancel = cancelIds ?? DEFAULT_CANCEL_ON_BIGCOMMERCE_STATUS_IDS;
    const fulfill = fulfillIds ?? DEFAULT_FULFILL_ON_BIGCOMMERCE_STATUS_IDS;
    const both = cancel.filter((id) => fulfill.includes(id));
    if (both.length > 0)
      errors.push({
        field: has('fulfillOnBigCommerceStatusIds')
          ? 'fulfillOnBigCommerceStatusIds'
          : 'cancelOnBigCommerceStatusIds',
        message: `status ids ${both.join(', ')} cannot both cancel and fulfill`,
      });
  }

  if (errors.length > 0 || storeHash === undefined || !validCancellationStatuses || !validFulfillmentStatuses)
    return { ok: false, errors };
  return {
    ok: true,
    input: {
      storeHash,
      ...(accessToken !== undefined && { accessToken }),
      ...(clientSecret !== undefined && { clientSecret }),
      validCancellationStatuses,
      validFulfillmentStatuses,
      ...(cancelIds && { cancelOnBigCommerceStatusIds: cancelIds }),
      ...(fulfillIds && { fulfillOnBigCommerceStatusIds: fulfillIds }),
    },
  };
}

/** A live channel: stored and not tombstoned. */
export const isLive = (channel: Channel | undefined): channel is Channel =>
  channel !== undefined && channel.deletedAt === undefined;

/**
 * The channel to store. Keeps `createdAt` of a live channel; a tombstoned one starts over (fresh
 * `createdAt`, hook and reconcile state reset) because it is a new channel to every caller.
 */
export function buildChannel(args: {
  channelId: string;
  input: ChannelSettingsInput;
  existing: Channel | undefined;
  now: Date;
}): Channel {
  const { channelId, input, existing } = args;
  const at = args.now.toISOString();
  const live = isLive(existing);
  return {
    channelId,
    storeHash: input.storeHash,
    validCancellationStatuses: input.validCancellationStatuses,
    validFulfillmentStatuses: input.validFulfillmentStatuses,
    cancelOnBigCommerceStatusIds: input.cancelOnBigCommerceStatusIds ?? [
      ...DEFAULT_CANCEL_ON_BIGCOMMERCE_STATUS_IDS,
    ],
    fulfillOnBigCommerceStatusIds: input.fulfillOnBigCommerceStatusIds ?? [
      ...DEFAULT_FULFILL_ON_BIGCOMMERCE_STATUS_IDS,
    ],
    createdAt: live ? existing.createdAt : at,
    updatedAt: at,
    // Omitted on a live channel: the store keeps what hook-manager recorded.
    ...(!live && existing !== undefined ? { hook: { isActive: false }, reconcile: {} } : {}),
  };
}

/**
 * The secrets to store. `existing` must be the live channel's secrets (undefined for a new or tombstoned
 * channel). The webhook token is generated once (the caller passes a fresh random one) and then kept.
 */
export function buildSecrets(args: {
  input: ChannelSettingsInput;
  existing: ChannelSecrets | undefined;
  newWebhookToken: string;
}): ChannelSecrets {
  const { input, existing } = args;
  const accessToken = input.accessToken ?? existing?.accessToken;
  if (accessToken === undefined)
    throw new Error('accessToken missing: validate with requireAccessToken first');
  const clientSecret =
    input.clientSecret === null ? undefined : (input.clientSecret ?? existing?.clientSecret);
  return {
    accessToken,
    ...(clientSecret !== undefined && { clientSecret }),
    webhookToken: existing?.webhookToken ?? args.newWebhookToken,
  };
}

export const sameSecrets = (a: ChannelSecrets | undefined, b: ChannelSecrets) =>
  a !== undefined &&
  a.accessToken === b.accessToken &&
  a.clientSecret === b.clientSecret &&
  a.webhookToken === b.webhookToken;

/** The channel as the API shows it: settings and health, never a secret. */
export interface ChannelView {
  channelId: string;
  storeHash: string;
  validCancellationStatuses: ConfigurableOmStatus[];
  validFulfillmentStatuses: ConfigurableOmStatus[];
  cancelOnBigCommerceStatusIds: number[];
  fulfillOnBigCommerceStatusIds: number[];
  hasClientSecret: boolean;
  createdAt: string;
  updatedAt: string;
  webhook: {
    hookId: number | null;
    isActive: boolean;
    lastVerifiedAt: string | null;
    lastError: string | null;
    /** BigCommerce's last `store/hook/deliveryException` for this channel's hooks. */
    lastDeliveryException: DeliveryException | null;
  };
  reconcile: { watermark: string | null; lastRunAt: string | null };
}

export const channelView = (channel: Channel, hasClientSecret: boolean): ChannelView => ({
  channelId: channel.channelId,
  storeHash: channel.storeHash,
  validCancellationStatuses: channel.validCancellationStatuses,
  validFulfillmentStatuses: channel.validFulfillmentStatuses,
  cancelOnBigCommerceStatusIds: channel.cancelOnBigCommerceStatusIds,
  fulfillOnBigCommerceStatusIds: channel.fulfillOnBigCommerceStatusIds,
  hasClientSecret,
  createdAt: channel.createdAt,
  updatedAt: channel.updatedAt,
  webhook: {
    hookId: channel.hook?.hookId ?? null,
    isActive: channel.hook?.isActive ?? false,
    lastVerifiedAt: channel.hook?.lastVerifiedAt ?? null,
    lastError: channel.hook?.lastError ?? null,
    lastDeliveryException: channel.lastDeliveryException ?? null,
  },
  reconcile: {
    watermark: channel.reconcile?.watermark ?? null,
    lastRunAt: channel.reconcile?.lastRunAt ?? null,
  },
});
