/**
 * Order shipments and order products (Orders v2 `/v2/orders/{id}/shipments…`, `/products`) in
 * BigCommerce's shapes (`orderShipment`). A shipment consumes product quantities; when the last item is
 * shipped the order becomes Shipped (2), before that Partially Shipped (3), as BigCommerce does.
 */
import { z } from 'zod';
import { type Answer, type ApiContext, type ApiRequest, INVALID_JSON } from './bc-api';
import { type Order, rfc2822, SAMPLE_ADDRESS } from './store';

export interface Shipment {
  id: number;
  orderId: number;
  orderAddressId: number;
  createdMs: number;
  trackingNumber: string;
  trackingCarrier: string;
  trackingLink: string;
  shippingProvider: string;
  shippingMethod: string;
  comments: string;
  merchantShippingCost: string;
  items: { orderProductId: number; productId: number; quantity: number }[];
}

const v2Error = (status: number, message: string): Answer => ({ status, body: [{ status, message }] });
const NOT_FOUND = v2Error(404, 'The requested resource was not found.');

const PROVIDER_NAMES: Record<string, string> = {
  usps: 'USPS',
  ups: 'UPS',
  fedex: 'FedEx',
  auspost: 'Australia Post',
  canadapost: 'Canada Post',
  royalmail: 'Royal Mail',
};

export const shipmentJson = (s: Shipment) => ({
  id: s.id,
  order_id: s.orderId,
  customer_id: 0,
  order_address_id: s.orderAddressId,
  date_created: rfc2822(s.createdMs),
  tracking_number: s.trackingNumber,
  merchant_shipping_cost: s.merchantShippingCost,
  shipping_method: s.shippingMethod,
  comments: s.comments,
  shipping_provider: s.shippingProvider,
  tracking_carrier: s.trackingCarrier,
  tracking_link: s.trackingLink,
  billing_address: SAMPLE_ADDRESS,
  shipping_address: SAMPLE_ADDRESS,
  items: s.items.map((i) => ({
    order_product_id: i.orderProductId,
    product_id: i.productId,
    quantity: i.quantity,
  })),
  shipping_provider_display_name: PROVIDER_NAMES[s.shippingProvider] ?? s.shippingProvider,
  // Empty when a custom tracking_link is given, as documented.
  generated_tracking_link:
    s.trackingLink || !s.trackingNumber
      ? ''
      : `https://www.aftership.com/track/${encodeURIComponent(s.trackingNumber)}`,
});

const productJson = (order: Order, p: Order['products'][number]) => ({
  id: p.id,
  order_id: order.id,
  product_id: p.productId,
  name: `Sandbox product ${p.productId}`,
  quantity: p.quantity,
  quantity_shipped: p.quantityShipped,
  order_address_id: order.id,
});

const text = z.string().max(500);
const editable = {
  order_address_id: z.number().int(),
  tracking_number: z.string().max(50),
  tracking_link: text,
  tracking_carrier: text,
  shipping_provider: text,
  shipping_method: text,
  merchant_shipping_cost: z.string(),
  comments: z.string().max(65535),
};
const shipmentPost = z.object({
  ...z.object(editable).partial().shape,
  items: z.array(z.object({ order_product_id: z.number().int(), quantity: z.number().int().min(1) })).min(1),
});
const shipmentPut = z.object(editable).partial();

/** The first issue as BigCommerce's v2 400: `The field '<name>' is invalid.` */
const invalidField = (issues: z.core.$ZodIssue[]): Answer => {
  const field = issues[0]?.path.map(String).join('.') || 'body';
  return v2Error(400, `The field '${field}' is invalid.`);
};

const isObject = (body: unknown): body is Record<string, unknown> =>
  body !== INVALID_JSON && typeof body === 'object' && body !== null && !Array.isArray(body);

/** Creates a shipment: checks every item against what is left to ship, then consumes it. */
export const createShipment = (ctx: ApiContext, order: Order, body: unknown): Answer => {
  if (!isObject(body)) return v2Error(400, 'The request body is not valid JSON.');
  const parsed = shipmentPost.safeParse(body);
  if (!parsed.success) return invalidField(parsed.error.issues);
  const input = parsed.data;
  if (input.order_address_id === undefined) return v2Error(400, "The field 'order_address_id' is invalid.");
  const wanted = new Map<number, number>();
  for (const item of input.items) {
    wanted.set(item.order_product_id, (wanted.get(item.order_product_id) ?? 0) + item.quantity);
  }
  for (const [id, quantity] of wanted) {
    const product = order.products.find((p) => p.id === id);
    if (!product) return v2Error(400, `The order product ${id} does not exist on order ${order.id}.`);
    if (quantity > product.quantity - product.quantityShipped) {
      return v2Error(400, `The quantity of order product ${id} exceeds the quantity left to ship.`);
    }
  }
  const shipment: Shipment = {
    id: ctx.state.nextShipmentId++,
    orderId: order.id,
    orderAddressId: input.order_address_id,
    createdMs: ctx.nowMs,
    trackingNumber: input.tracking_number ?? '',
    trackingCarrier: input.tracking_carrier ?? '',
    trackingLink: input.tracking_link ?? '',
    shippingProvider: input.shipping_provider ?? '',
    shippingMethod: input.shipping_method ?? 'None',
    comments: input.comments ?? '',
    merchantShippingCost: input.merchant_shipping_cost ?? '0.0000',
    items: [...wanted].map(([orderProductId, quantity]) => {
      const product = order.products.find((p) => p.id === orderProductId)!;
      product.quantityShipped += quantity;
      return { orderProductId, productId: product.productId, quantity };
    }),
  };
  order.shipments.set(shipment.id, shipment);
  order.modifiedMs = ctx.nowMs;
  ctx.publish('store/shipment/created', shipmentData(shipment));
  const allShipped = order.products.every((p) => p.quantityShipped >= p.quantity);
  ctx.setOrderStatus(order.id, allShipped ? 2 : 3);
  return { status: 201, body: shipmentJson(shipment) };
};

const shipmentData = (s: Shipment) => ({ type: 'shipment', id: s.id, orderId: s.orderId });

const positiveInt = (value: string | null, fallback: number, max: number) => {
  if (value === null) return fallback;
  if (!/^\d+$/.test(value) || Number(value) < 1) return undefined;
  return Math.min(Number(value), max);
};

const removeShipment = (ctx: ApiContext, order: Order, s: Shipment) => {
  for (const item of s.items) {
    const product = order.products.find((p) => p.id === item.orderProductId);
    if (product) product.quantityShipped -= item.quantity;
  }
  order.shipments.delete(s.id);
  order.modifiedMs = ctx.nowMs;
  ctx.publish('store/shipment/deleted', shipmentData(s));
};

const shipmentsCollection = (ctx: ApiContext, req: ApiRequest, order: Order): Answer => {
  if (req.method === 'POST') return createShipment(ctx, order, req.body);
  if (req.method === 'DELETE') {
    for (const s of [...order.shipments.values()]) removeShipment(ctx, order, s);
    return { status: 204 };
  }
  if (req.method !== 'GET') return v2Error(405, 'The requested method is not supported.');
  const page = positiveInt(req.query.get('page'), 1, Number.MAX_SAFE_INTEGER);
  const limit = positiveInt(req.query.get('limit'), 50, 250);
  if (page === undefined) return v2Error(400, "The field 'page' is invalid.");
  if (limit === undefined) return v2Error(400, "The field 'limit' is invalid.");
  const items = [...order.shipments.values()].slice((page - 1) * limit, page * limit);
  return items.length === 0 ? { status: 204 } : { status: 200, body: items.map(shipmentJson) };
};

const shipmentItem = (ctx: ApiContext, req: ApiRequest, order: Order, segment: string): Answer => {
  if (segment === 'count' && req.method === 'GET')
    return { status: 200, body: { count: order.shipments.size } };
  const shipment = /^\d{1,15}$/.test(segment) ? order.shipments.get(Number(segment)) : undefined;
  if (!['GET', 'PUT', 'DELETE'].includes(req.method)) {
    return v2Error(405, 'The requested method is not supported.');
  }
  if (!shipment) return NOT_FOUND;
  if (req.method === 'DELETE') {
    removeShipment(ctx, order, shipment);
    return { status: 204 };
  }
  if (req.method === 'PUT') {
    if (!isObject(req.body)) return v2Error(400, 'The request body is not valid JSON.');
    const parsed = shipmentPut.safeParse(req.body);
    if (!parsed.success) return invalidField(parsed.error.issues);
    const p = parsed.data;
    if (p.order_address_id !== undefined) shipment.orderAddressId = p.order_address_id;
    if (p.tracking_number !== undefined) shipment.trackingNumber = p.tracking_number;
    if (p.tracking_link !== undefined) shipment.trackingLink = p.tracking_link;
    if (p.tracking_carrier !== undefined) shipment.trackingCarrier = p.tracking_carrier;
    if (p.shipping_provider !== undefined) shipment.shippingProvider = p.shipping_provider;
    if (p.shipping_method !== undefined) shipment.shippingMethod = p.shipping_method;
    if (p.merchant_shipping_cost !== undefined) shipment.merchantShippingCost = p.merchant_shipping_cost;
    if (p.comments !== undefined) shipment.comments = p.comments;
    order.modifiedMs = ctx.nowMs;
    ctx.publish('store/shipment/updated', shipmentData(shipment));
  }
  return { status: 200, body: shipmentJson(shipment) };
};

/** `/v2/orders/{id}/shipments[/{shipmentId}|/count]` and `/v2/orders/{id}/products`. */
export const handleOrderSubresource = (
  ctx: ApiContext,
  req: ApiRequest,
  order: Order | undefined,
  resource: string,
  rest: string[],
): Answer | undefined => {
  if (resource === 'products' && rest.length === 0) {
    if (req.method !== 'GET') return v2Error(405, 'The requested method is not supported.');
    if (!order) return NOT_FOUND;
    return { status: 200, body: order.products.map((p) => productJson(order, p)) };
  }
  if (resource !== 'shipments' || rest.length > 1) return undefined;
  if (!order) return NOT_FOUND;
  return rest[0] === undefined
    ? shipmentsCollection(ctx, req, order)
    : shipmentItem(ctx, req, order, rest[0]);
};
