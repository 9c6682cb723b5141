import * as z from 'zod';
import { EVENT_SOURCES } from './order';

/** The message on the order-events queue. Small and versioned: `v` bumps on incompatible change. */
export const orderEventSchema = z.object({
  v: z.literal(1),
  channelId: z.string().min(1),
  orderId: z.number().int().positive(),
  scope: z.string().min(1),
  /** `webhook-id`, else a stable id from the callback `hash` + orderId, else the reconcile key. */
  eventId: z.string().min(1),
  /** The status the payload claimed, if any; a hint only: the worker re-reads the order. */
  statusHint: z
    .object({ previousStatusId: z.number().int().optional(), newStatusId: z.number().int().optional() })
    .optional(),
  /** ISO time of the first receipt; kept across deferrals so expiry counts from here. */
  receivedAt: z.iso.datetime(),
  attempt: z.number().int().min(1),
  /** `om_import`: OM's import asks the worker to re-check the order's waiting events at once. */
  source: z.enum(EVENT_SOURCES),
  /** Set when a wait longer than SQS's 900 s maximum is chained: do nothing before this ISO time. */
  notBefore: z.iso.datetime().optional(),
});
export type OrderEvent = z.infer<typeof orderEventSchema>;
