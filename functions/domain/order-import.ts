import * as z from '../common/zod';
import type { FieldError } from './field-error';
import { OM_STATUSES, type OmStatus } from './statuses';

/**
 * The body of `PUT /channels/{channelId}/orders/{orderId}` (OM import): `{"status": <OM status>}`.
 * The read-only fields of the GET answer are tolerated, so a client can send back what it read.
 */
const READ_ONLY_ORDER_FIELDS = new Set(['channelId', 'orderId', 'updatedAt', 'history', 'shipments']);

const orderBodySchema = z.object({
  status: z.enum(OM_STATUSES, {
    error: (issue) =>
      issue.input === undefined
        ? 'status is required'
        : `status ${JSON.stringify(issue.input)?.slice(0, 60)} is not an OM status (${OM_STATUSES.join(', ')})`,
  }),
});

export type OrderImportParse = { ok: true; status: OmStatus } | { ok: false; errors: FieldError[] };

/** Validates an already JSON-parsed body; every problem is reported at once. */
export function parseOrderImport(body: unknown): OrderImportParse {
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    return { ok: false, errors: [{ message: 'body must be a JSON object' }] };
  const errors: FieldError[] = [];
  for (const key of Object.keys(body))
    if (key !== 'status' && !READ_ONLY_ORDER_FIELDS.has(key))
      errors.push({ field: key, message: `${key} is not an order field` });
  const parsed = orderBodySchema.safeParse(body);
  if (!parsed.success)
    for (const issue of parsed.error.issues) errors.push({ field: 'status', message: issue.message });
  if (errors.length > 0 || !parsed.success) return { ok: false, errors };
  return { ok: true, status: parsed.data.status };
}
