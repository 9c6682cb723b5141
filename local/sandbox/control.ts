/**
 * Control routes under `/_sandbox/` (not BigCommerce's): create stores, change orders as a merchant would,
 * read the delivery log and inject faults. Errors use the project's `{"errors":[{field?, message}]}` shape.
 */
import { z } from 'zod';
import type { Answer } from './bc-api';
import type { Sandbox } from './server';
import { faultSchema } from './faults';
import { isKnownStatusId } from './store';

const storeSchema = z.object({
  storeHash: z.string().regex(/^[A-Za-z0-9_-]+$/, 'storeHash must be letters, digits, - or _'),
  accessToken: z.string().min(1),
  clientSecret: z.string().min(1),
  storeId: z.string().regex(/^\d+$/, 'storeId must be digits').optional(),
  clientId: z.string().min(1).optional(),
  scopes: z.array(z.string().min(1)).optional(),
});

const orderSchema = z.object({
  status_id: z.number().refine(isKnownStatusId, 'status_id must be a BigCommerce status id (0-14)'),
  /** Product lines of a new order (ignored for an existing one); default one line of quantity 1. */
  products: z
    .array(z.object({ quantity: z.number().int().min(1).max(1000) }))
    .min(1)
    .max(50)
    .optional(),
});

const badRequest = (issues: z.core.$ZodIssue[]): Answer => ({
  status: 400,
  body: {
    errors: issues.map((i) =>
      i.path.length ? { field: i.path.join('.'), message: i.message } : { message: i.message },
    ),
  },
});

const notFound = (message: string): Answer => ({ status: 404, body: { errors: [{ message }] } });

const badOrderId: Answer = {
  status: 400,
  body: { errors: [{ field: 'orderId', message: 'orderId must be a positive integer' }] },
};

export const handleControl = (sandbox: Sandbox, method: string, path: string, body: unknown): Answer => {
  const parts = path.split('/').filter(Boolean).slice(1).map(decodeURIComponent); // drop '_sandbox'
  // The route key names the variable segments ':' (store hash at 1, order id at 3): `PUT /stores/:/orders/:`.
  const route = `${method} /${parts.map((p, i) => (i === 1 || i === 3 ? ':' : p)).join('/')}`;
  const storeHash = parts[1] ?? '';
  const storeKnown = () => sandbox.hasStore(storeHash);
  const notAnObject = typeof body !== 'object' || body === null;
  const orderSegment = parts[3] ?? '';
  const orderId =
    /^\d{1,15}$/.test(orderSegment) && Number(orderSegment) > 0 ? Number(orderSegment) : undefined;

  switch (route) {
    case 'GET /health':
      return { status: 200, body: { status: 'ok' } };
    case 'POST /stores': {
      const parsed = storeSchema.safeParse(notAnObject ? {} : body);
      if (!parsed.success) return badRequest(parsed.error.issues);
      if (sandbox.hasStore(parsed.data.storeHash)) {
        return { status: 409, body: { errors: [{ field: 'storeHash', message: 'store already exists' }] } };
      }
      sandbox.createStore(parsed.data);
      return { status: 201, body: { storeHash: parsed.data.storeHash } };
    }
    case 'PUT /stores/:/orders/:': {
      if (!storeKnown()) return notFound(`unknown store ${storeHash}`);
      if (orderId === undefined) return badOrderId;
      const parsed = orderSchema.safeParse(notAnObject ? {} : body);
      if (!parsed.success) return badRequest(parsed.error.issues);
      const quantities = parsed.data.products?.map((p) => p.quantity);
      return {
        status: 200,
        body: sandbox.setOrderStatus(storeHash, orderId, parsed.data.status_id, quantities),
      };
    }
    case 'POST /stores/:/orders/:/shipments':
    case 'POST /stores/:/orders/:/archive': {
      if (!storeKnown()) return notFound(`unknown store ${storeHash}`);
      if (orderId === undefined) return badOrderId;
      const order = sandbox.api(storeHash, 'GET', `/v2/orders/${orderId}`);
      if (order.status !== 200) return notFound(`unknown order ${orderId}`);
      if (parts[4] === 'archive') return { status: 200, body: sandbox.archiveOrder(storeHash, orderId) };
      // The same rules and answers as BigCommerce's POST /v2/orders/{id}/shipments, without a token.
      return sandbox.api(storeHash, 'POST', `/v2/orders/${orderId}/shipments`, body);
    }
    case 'GET /stores/:/deliveries':
      return storeKnown()
        ? { status: 200, body: sandbox.deliveries(storeHash) }
        : notFound(`unknown store ${storeHash}`);
    case 'GET /stores/:/hooks':
      return storeKnown()
        ? { status: 200, body: sandbox.hooks(storeHash) }
        : notFound(`unknown store ${storeHash}`);
    case 'POST /faults': {
      const parsed = faultSchema.safeParse(notAnObject ? {} : body);
      if (!parsed.success) return badRequest(parsed.error.issues);
      sandbox.injectFault(parsed.data);
      return { status: 201, body: parsed.data };
    }
    default:
      return notFound(`no control route ${method} ${path}`);
  }
};
