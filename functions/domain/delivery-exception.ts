import * as z from 'zod';
import type { DeliveryException } from './channel';
import type { FieldIssue } from './callback';

/**
 * BigCommerce's `store/hook/deliveryException` callback: deliveries to one of the store's hooks are
 * failing (`data: {type: "webhook", id: <hookId>, error_code: 90001|90002|90003, message}`).
 */
export const deliveryExceptionSchema = z.looseObject({
  scope: z.literal('store/hook/deliveryException'),
  producer: z.string().min(1).max(200),
  created_at: z.number().int().nonnegative().optional(),
  data: z.looseObject({
    type: z.string().max(50).optional(),
    id: z.number().int().nonnegative().nullable().optional(),
    error_code: z.number().int(),
    message: z.string().max(2000).default(''),
  }),
});

export type DeliveryExceptionParse =
  { ok: true; producer: string; exception: DeliveryException } | { ok: false; errors: FieldIssue[] };

/** The exception as recorded on the channel; `at` is when we received it. */
export function parseDeliveryException(body: unknown, receivedAt: Date): DeliveryExceptionParse {
  const parsed = deliveryExceptionSchema.safeParse(body);
  if (!parsed.success)
    return {
      ok: false,
      errors: parsed.error.issues.map((i) => ({ field: i.path.join('.') || 'body', message: i.message })),
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
