import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { makeChannel } from './channels';

/**
 * Stored items as the support console reads them (plain JSON, as DynamoDB holds them), with the fields
 * newer parts of the system add: shipments, `needs_attention` reasons, `om_import` entries, delivery
 * exceptions. Secrets are planted where a careless view would show them: they must never appear.
 */
export const PLANTED_SECRET = 'sekret-access-token-do-not-show';

export const channelItem = (over: Record<string, unknown> = {}): Record<string, unknown> => ({
  ...makeChannel({
    channelId: 'shop-1',
    validCancellationStatuses: ['On Hold', 'Awaiting Shipment'],
    createdAt: '2026-11-01T00:00:00.000Z',
    updatedAt: '2026-11-01T00:00:00.000Z',
    hook: { hookId: 42, isActive: true, lastVerifiedAt: '2026-11-30T10:00:00.000Z' },
  }),
  accessToken: PLANTED_SECRET,
  webhookToken: PLANTED_SECRET,
  ...over,
});

export const orderItem = (over: Record<string, unknown> = {}): Record<string, unknown> => ({
  channelId: 'shop-1',
  orderId: 123,
  status: 'Shipped',
  updatedAt: '2026-11-30T10:05:00.000Z',
  version: 3,
  processed: { 'evt-1': { at: 1, attempt: 1, terminal: false } },
  history: [
    {
      at: '2026-11-30T09:00:00.000Z',
      eventId: 'evt-1',
      source: 'webhook',
      bigcommerceStatusId: 11,
      outcome: 'deferred',
      statusBefore: null,
      statusAfter: null,
      attempt: 1,
    },
    {
      at: '2026-11-30T09:30:00.000Z',
      eventId: 'evt-1',
      source: 'om_import',
      bigcommerceStatusId: 3,
      outcome: 'partially_shipped',
      statusBefore: 'Awaiting Shipment',
      statusAfter: 'Awaiting Shipment',
      attempt: 2,
    },
    {
      at: '2026-11-30T10:05:00.000Z',
      eventId: 'evt-2',
      source: 'webhook',
      bigcommerceStatusId: 2,
      outcome: 'fulfilled',
      statusBefore: 'Awaiting Shipment',
      statusAfter: 'Shipped',
      attempt: 1,
    },
  ],
  shipments: [
    {
      shipmentId: 7,
      trackingNumber: '1Z999AA10123456784',
      trackingCarrier: 'ups',
      shippingProvider: 'ups',
      shippingMethod: 'Ground',
      trackingLink: 'https://www.ups.com/track?tracknum=1Z999AA10123456784',
      shippedAt: '2026-11-30T10:00:00.000Z',
      items: [{ orderProductId: 501, quantity: 2 }],
    },
  ],
  ...over,
});

/** An order whose latest entry needs a person. */
export const needsAttentionItem = (orderId: number, reason: string, at: string) =>
  orderItem({
    orderId,
    status: 'Cancelled',
    shipments: [],
    history: [
      {
        at,
        eventId: `evt-${orderId}`,
        source: 'webhook',
        bigcommerceStatusId: 13,
        outcome: 'needs_attention',
        reason,
        statusBefore: 'Cancelled',
        statusAfter: 'Cancelled',
        attempt: 1,
      },
    ],
  });

/** A plain JSON object as a DynamoDB item (strings, numbers, booleans, null, lists, maps). */
export function toDynamoItem(value: Record<string, unknown>): Record<string, AttributeValue> {
  const attr = (v: unknown): AttributeValue => {
    if (v === null) return { NULL: true };
    if (typeof v === 'string') return { S: v };
    if (typeof v === 'number') return { N: String(v) };
    if (typeof v === 'boolean') return { BOOL: v };
    if (Array.isArray(v)) return { L: v.map(attr) };
    return { M: toDynamoItem(v as Record<string, unknown>) };
  };
  return Object.fromEntries(
    Object.entries(value)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => [k, attr(v)]),
  );
}
