import * as z from 'zod';
import type { OrderEvent } from './order-event';

/**
 * A BigCommerce webhook callback body (`webhook_callback_base` + `data`, webhooks.v3.yml). Loose: extra
 * fields BigCommerce adds later are kept, not rejected. Some documented `store/order/statusUpdated`
 * payloads carry neither `created_at` nor `data.status`, so both are optional.
 */
const statusId = z.number().int().nonnegative();

export const callbackSchema = z
  .looseObject({
    scope: z.string().min(1).max(200),
    store_id: z.union([z.string().min(1).max(64), z.number().int().nonnegative()]),
    producer: z.string().min(1).max(200),
    hash: z.string().min(1).max(200),
    created_at: z.number().int().nonnegative().optional(),
    data: z.looseObject({
      type: z.string().optional(),
      // Order scopes: the order id (checked below); other scopes' ids (shipments, carts…) are not ours.
      id: z.unknown().optional(),
      status: z
        .looseObject({ previous_status_id: statusId.optional(), new_status_id: statusId.optional() })
        .optional(),
    }),
  })
  .superRefine((callback, ctx) => {
    if (isOrderScope(callback.scope) && orderIdOf(callback) === undefined)
      ctx.addIssue({
        code: 'custom',
        path: ['data', 'id'],
        message: 'order callbacks need the order id as a positive integer',
      });
  });
export type Callback = z.infer<typeof callbackSchema>;

/** Every `store/order/…` scope names the order in `data.id`. */
export const isOrderScope = (scope: string) => scope.startsWith('store/order/');

/** The order id of an order-scope callback; undefined for other scopes. */
export function orderIdOf(callback: { scope: string; data: { id?: unknown } }): number | undefined {
  const id = callback.data.id;
  return isOrderScope(callback.scope) && typeof id === 'number' && Number.isSafeInteger(id) && id > 0
    ? id
    : undefined;
}

/** The only scope we act on: a status change is what may cancel or fulfil the OM order. */
export const ACTED_ON_SCOPES: readonly string[] = ['store/order/statusUpdated'];

export interface FieldIssue {
  field: string;
  message: string;
}

export type CallbackParse = { ok: true; callback: Callback } | { ok: false; errors: FieldIssue[] };

/** Validates an already JSON-parsed body; every issue names its field as a dotted path. */
export function parseCallback(body: unknown): CallbackParse {
  // Nearly every delivery is a well-formed callback: recognise it without zod's per-parse work.
  if (isPlainValidCallback(body)) return { ok: true, callback: body };
  const result = callbackSchema.safeParse(body);
  if (result.success) return { ok: true, callback: result.data };
  return {
    ok: false,
    errors: result.error.issues.map((issue) => ({
      field: issue.path.length ? issue.path.join('.') : 'body',
      message: issue.message,
    })),
  };
}

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && Object.getPrototypeOf(value) === Object.prototype;
/** Lengths in UTF-16 units: never fewer than the code points zod counts, so never more lenient. */
const isBoundedString = (value: unknown, max: number): value is string =>
  typeof value === 'string' && value.length >= 1 && value.length <= max;
const isStatusId = (value: unknown) => typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;

/**
 * The hot path's shortcut past zod: true only for a body `callbackSchema` accepts too (each check here
 * is the schema's or stricter; plain JSON objects only). It decides nothing on its own: whatever it does
 * not recognise — every invalid body among them — goes to zod, which accepts or names the bad fields.
 * test/functions/domain/callback.test.ts fuzzes it against the schema.
 */
export function isPlainValidCallback(body: unknown): body is Callback {
  if (!isPlainObject(body)) return false;
  const { scope, store_id: storeId, producer, hash, created_at: createdAt, data } = body;
  if (!isBoundedString(scope, 200) || !isBoundedString(producer, 200) || !isBoundedString(hash, 200))
    return false;
  if (!isBoundedString(storeId, 64) && !isStatusId(storeId)) return false;
  if (createdAt !== undefined && !isStatusId(createdAt)) return false;
  if (!isPlainObject(data)) return false;
  if (data.type !== undefined && typeof data.type !== 'string') return false;
  const status = data.status;
  if (status !== undefined) {
    if (!isPlainObject(status)) return false;
    if (status.previous_status_id !== undefined && !isStatusId(status.previous_status_id)) return false;
    if (status.new_status_id !== undefined && !isStatusId(status.new_status_id)) return false;
  }
  return !isOrderScope(scope) || orderIdOf({ scope, data }) !== undefined;
}

/** What to do with a valid, authenticated callback. */
export type CallbackDecision =
  { kind: 'enqueue'; orderId: number } | { kind: 'ignore'; reason: 'scope_not_acted_on' };

export function decideCallback(callback: Callback): CallbackDecision {
  const orderId = orderIdOf(callback);
  if (!ACTED_ON_SCOPES.includes(callback.scope) || orderId === undefined)
    return { kind: 'ignore', reason: 'scope_not_acted_on' };
  return { kind: 'enqueue', orderId };
}

/** Standard Webhooks message ids are short printable tokens; anything else is not an id we store. */
export const WEBHOOK_ID_PATTERN = /^[\x21-\x7e]{1,128}$/;

/**
 * The event id the worker deduplicates on: the `webhook-id` (the same on every redelivery), else a
 * stable digest of the callback `hash` and the order id, so redeliveries of a payload without an id
 * dedupe too. `sha256Hex` is passed in to keep the domain free of I/O modules.
 */
export function deriveEventId(
  input: { webhookId?: string; hash: string; orderId: number },
  sha256Hex: (text: string) => string,
): string {
  if (input.webhookId !== undefined) return input.webhookId;
  return `h:${sha256Hex(`${input.hash}:${input.orderId}`)}`;
}

/** The queue message for an accepted callback (first attempt). */
export function buildOrderEvent(input: {
  callback: Callback;
  channelId: string;
  orderId: number;
  eventId: string;
  receivedAt: Date;
}): OrderEvent {
  const { callback, channelId, orderId, eventId } = input;
  const receivedAt = input.receivedAt.toISOString();
  const status = callback.data.status;
  const previousStatusId = status?.previous_status_id;
  const newStatusId = status?.new_status_id;
  if (previousStatusId === undefined && newStatusId === undefined)
    return { v: 1, channelId, orderId, scope: callback.scope, eventId, receivedAt, attempt: 1, source: 'webhook' };
  const statusHint: NonNullable<OrderEvent['statusHint']> = {};
  if (previousStatusId !== undefined) statusHint.previousStatusId = previousStatusId;
  if (newStatusId !== undefined) statusHint.newStatusId = newStatusId;
  return {
    v: 1,
    channelId,
    orderId,
    scope: callback.scope,
    eventId,
    statusHint,
    receivedAt,
    attempt: 1,
    source: 'webhook',
  };
}
