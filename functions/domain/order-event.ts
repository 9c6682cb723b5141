import * as z from '../common/zod';
import { EVENT_SOURCES } from './order';

/** The message on the order-events queue. Small and versioned: `v` bumps on incompatible change. */
const nonEmpty = () => z.string().check(z.minLength(1));

export const orderEventSchema = z.object({
  v: z.literal(1),
  channelId: nonEmpty(),
  orderId: z.int().check(z.positive()),
  scope: nonEmpty(),
  /** `webhook-id`, else a stable id from the callback `hash` + orderId, else the reconcile key. */
  eventId: nonEmpty(),
  /** The status the payload claimed, if any; a hint only: the worker re-reads the order. */
  statusHint: z.optional(
    z.object({ previousStatusId: z.optional(z.int()), newStatusId: z.optional(z.int()) }),
  ),
  /** ISO time of the first receipt; kept across deferrals so expiry counts from here. */
  receivedAt: z.iso.datetime(),
  attempt: z.int().check(z.gte(1)),
  /** `om_import`: OM's import asks the worker to re-check the order's waiting events at once. */
  source: z.enum(EVENT_SOURCES),
  /** Set when a wait longer than SQS's 900 s maximum is chained: do nothing before this ISO time. */
  notBefore: z.optional(z.iso.datetime()),
});
export type OrderEvent = z.infer<typeof orderEventSchema>;
