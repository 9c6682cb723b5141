import * as z from '../common/zod';
import type { DeliveryException } from './channel';
import { firstFieldErrors, type FieldError } from './field-error';

/**
 * BigCommerce's `store/hook/deliveryException` callback: deliveries to one of the store's hooks are
 * failing (`data: {type: "webhook", id: <hookId>, error_code: 90001|90002|90003, message}`).
 */
export const deliveryExceptionSchema = z.looseObject({
  scope: z.literal('store/hook/deliveryException'),
  producer: z.string().check(z.minLength(1), z.maxLength(200)),
  created_at: z.optional(z.int().check(z.nonnegative())),
  data: z.looseObject({
    type: z.optional(z.string().check(z.maxLength(50))),
    id: z.optional(z.nullable(z.int().check(z.nonnegative()))),
    error_code: z.int(),
    message: z._default(z.string().check(z.maxLength(2000)), ''),
  }),
});

export type DeliveryExceptionParse =
  { ok: true; producer: string; exception: DeliveryException } | { ok: false; errors: FieldError[] };

/** The exception as recorded on the channel; `at` is when we received it. */
export function parseDeliveryException(body: unknown, receivedAt: Date): DeliveryExceptionParse {
  const parsed = deliveryExceptionSchema.safeParse(body);
  if (!parsed.success)
    return {
      ok: false,
      errors: firstFieldErrors(parsed.error.issues).map((i) => ({
        field: i.path.join('.') || 'body',
        message: i.message,
      })),
    };
  const { data, producer } = parsed.data;
  return {
    ok: true,
    producer,
    exception: {
      at: receivedAt.toISOString(),
      errorCode: data.error_code,
      message: data.message.slice(0, 500),
      hookId: data.id ?? null,
    },
  };
}
