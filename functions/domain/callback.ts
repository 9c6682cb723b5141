import * as z from '../common/zod';
import { firstFieldErrors, type FieldError } from './field-error';
import type { OrderEvent } from './order-event';

/**
 * A BigCommerce webhook callback body (`webhook_callback_base` + `data`, webhooks.v3.yml). Loose: extra
 * fields BigCommerce adds later are kept, not rejected. Some documented `store/order/statusUpdated`
 * payloads carry neither `created_at` nor `data.status`, so both are optional.
 */
const statusId = z.int().check(z.nonnegative());
const text = (max: number) => z.string().check(z.minLength(1), z.maxLength(max));

export const callbackSchema = z
  .looseObject({
    scope: text(200),
    store_id: z.union([text(64), z.int().check(z.nonnegative())]),
    producer: text(200),
    hash: text(200),
    created_at: z.optional(z.int().check(z.nonnegative())),
    data: z.looseObject({
      type: z.optional(z.string()),
      // Order scopes: the order id (checked below); other scopes' ids (shipments, carts…) are not ours.
      id: z.optional(z.unknown()),
      status: z.optional(
        z.looseObject({ previous_status_id: z.optional(statusId), new_status_id: z.optional(statusId) }),
      ),
    }),
  })
  .check(
    z.superRefine((callback, ctx) => {
      if (isOrderScope(callback.scope) && orderIdOf(callback) === undefined)
        ctx.addIssue({
          code: 'custom',
          path: ['data', 'id'],
          message: 'order callbacks need the order id as a positive integer',
        });
      // Only the shipment scopes we act on must name their order; the others are acknowledged as they come.
      if (
        ACTED_ON_SCOPES.includes(callback.scope) &&
        isShipmentScope(callback.scope) &&
        orderIdOf(callback) === undefined
      )
        ctx.addIssue({
          code: 'custom',
          path: ['data', 'orderId'],
          message: 'shipment callbacks need the order id as a positive integer',
        });
    }),
  );
export type Callback = z.infer<typeof callbackSchema>;

/** Every `store/order/…` scope names the order in `data.id`. */
export const isOrderScope = (scope: string) => scope.startsWith('store/order/');

/** `store/shipment/…` scopes name the shipment in `data.id` and its order in `data.orderId`. */
export const isShipmentScope = (scope: string) => scope.startsWith('store/shipment/');

/** The order id of an order- or shipment-scope callback; undefined for other scopes. */
export function orderIdOf(callback: {
  scope: string;
  data: { id?: unknown; orderId?: unknown };
}): number | undefined {
  const { scope, data } = callback;
  const id = isOrderScope(scope) ? data.id : isShipmentScope(scope) ? data.orderId : undefined;
  return typeof id === 'number' && Number.isSafeInteger(id) && id > 0 ? id : undefined;
}

/**
 * The scopes we act on: a status change may cancel or fulfil the OM order; a shipment created or
 * updated carries the tracking a fulfilment stores (docs/contract.md section 11).
 */
export const ACTED_ON_SCOPES: readonly string[] = [
  'store/order/statusUpdated',
  'store/shipment/created',
  'store/shipment/updated',
];

export type CallbackParse = { ok: true; callback: Callback } | { ok: false; errors: FieldError[] };

/** Validates an already JSON-parsed body; each issue (the first 20) names its field as a dotted path. */
export function parseCallback(body: unknown): CallbackParse {
  const result = callbackSchema.safeParse(body);
  if (result.success) return { ok: true, callback: result.data };
  return {
    ok: false,
    errors: firstFieldErrors(result.error.issues).map((issue) => ({
      field: issue.path.length ? issue.path.join('.') : 'body',
      message: issue.message,
    })),
  };
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
 * The event id the worker deduplicates on (contract.md section 10). The `webhook-id` only when the delivery
 * was signed and verified (`signedWebhookId`): an unsigned header is the sender's choice, not an identity.
 * Otherwise a digest of the callback `hash`, `created_at` and the order id, so redeliveries of one payload
 * dedupe while two callbacks sharing a `hash` but created at different times stay two events.
 * `sha256Hex` is passed in to keep the domain free of I/O modules.
 */
export function deriveEventId(
  input: { signedWebhookId?: string; hash: string; createdAt?: number; orderId: number },
  sha256Hex: (text: string) => string,
): string {
  if (input.signedWebhookId !== undefined) return input.signedWebhookId;
  // JSON keeps the fields apart whatever characters `hash` holds.
  return `h:${sha256Hex(JSON.stringify([input.hash, input.createdAt ?? null, input.orderId]))}`;
}

/** The queue message for an accepted callback (first attempt). */
export function buildOrderEvent(input: {
  callback: Callback;
  channelId: string;
  orderId: number;
  eventId: string;
  receivedAt: Date;
}): OrderEvent {
  const status = input.callback.data.status;
  const statusHint =
    status && (status.previous_status_id !== undefined || status.new_status_id !== undefined)
      ? {
          ...(status.previous_status_id !== undefined && { previousStatusId: status.previous_status_id }),
          ...(status.new_status_id !== undefined && { newStatusId: status.new_status_id }),
        }
      : undefined;
  return {
    v: 1,
    channelId: input.channelId,
    orderId: input.orderId,
    scope: input.callback.scope,
    eventId: input.eventId,
    ...(statusHint && { statusHint }),
    receivedAt: input.receivedAt.toISOString(),
    attempt: 1,
    source: 'webhook',
  };
}
