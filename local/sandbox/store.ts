/**
 * In-memory state of the sandbox: stores, their hooks and orders, rendered in BigCommerce's JSON shapes
 * (Webhooks v3 `webhook_Full`, Orders v2 `order_Resp`). No I/O here; the clock is passed in.
 */
import { BIGCOMMERCE_STATUS_IDS, BIGCOMMERCE_STATUS_LABELS } from '../../functions/domain/statuses';
import type { Shipment } from './shipments';

export interface StoreInput {
  storeHash: string;
  accessToken: string;
  clientSecret: string;
  /** Numeric store id sent as `store_id` in callbacks; generated when absent. */
  storeId?: string;
  /** `client_id` shown on hooks; generated when absent. */
  clientId?: string;
  /** OAuth scopes of the access token (e.g. `store_v2_orders_read_only`); absent: every scope. */
  scopes?: string[];
}

export interface Hook {
  id: number;
  scope: string;
  destination: string;
  isActive: boolean;
  headers: Record<string, string> | null;
  createdAt: number; // epoch seconds
  updatedAt: number;
  /** When it was created or last re-activated (ms): it fires only after the activation gap. */
  activeSinceMs: number;
}

/** A line of the order (`/v2/orders/{id}/products`); shipments consume its quantity. */
export interface OrderProduct {
  id: number;
  productId: number;
  quantity: number;
  quantityShipped: number;
}

export interface Order {
  id: number;
  statusId: number;
  createdMs: number;
  modifiedMs: number;
  shippedMs?: number;
  products: OrderProduct[];
  shipments: Map<number, Shipment>;
  /** Archived (`DELETE /v2/orders/{id}`): still readable, `is_deleted: true`. */
  isDeleted: boolean;
}

export interface Store {
  storeHash: string;
  storeId: string;
  clientId: string;
  accessToken: string;
  clientSecret: string;
  scopes?: string[];
  hooks: Map<number, Hook>;
  orders: Map<number, Order>;
}

/** The v2 order JSON the sandbox answers with (the fields BigCommerce documents for `order_Resp`). */
export interface SandboxOrder {
  id: number;
  status_id: number;
  status: string;
  custom_status: string;
  date_created: string;
  date_modified: string;
  date_shipped: string;
  [field: string]: unknown;
}

export const isKnownStatusId = (value: unknown): value is number =>
  typeof value === 'number' && BIGCOMMERCE_STATUS_IDS.includes(value);

/** BigCommerce's RFC-2822 form, always UTC: `Tue, 05 Mar 2019 21:40:11 +0000`. */
/** The one customer address every sandbox order and shipment carries (the published example's). */
export const SAMPLE_ADDRESS = {
  first_name: 'Jane',
  last_name: 'Doe',
  company: '',
  street_1: '123 Main Street',
  street_2: '',
  city: 'Austin',
  state: 'Texas',
  zip: '78751',
  country: 'United States',
  country_iso2: 'US',
  phone: '',
  email: 'janedoe@example.com',
};

export const rfc2822 = (ms: number): string => new Date(ms).toUTCString().replace('GMT', '+0000');

const ISO_8601 = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/;
const RFC_2822 = /^(\w{3}, )?\d{1,2} \w{3} \d{4} \d{2}:\d{2}(:\d{2})? ([+-]\d{4}|GMT|UT|UTC)$/;

/**
 * Parses a date filter the way BigCommerce documents it (RFC-2822 or ISO-8601). Anything else is
 * rejected, which also catches an unencoded `+` in `+0000` that a query string turns into a space.
 */
export const parseDateFilter = (value: string): number | undefined => {
  if (!ISO_8601.test(value) && !RFC_2822.test(value)) return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : ms;
};

export class SandboxState {
  readonly stores = new Map<string, Store>();
  private nextHookId = 20_000_001;
  private nextStoreId = 1_000_001;
  private nextOrderProductId = 101;
  nextShipmentId = 1;

  createStore(input: StoreInput): Store {
    if (this.stores.has(input.storeHash)) throw new Error(`store ${input.storeHash} already exists`);
    const store: Store = {
      storeHash: input.storeHash,
      storeId: input.storeId ?? String(this.nextStoreId++),
      clientId: input.clientId ?? `sandbox-client-${input.storeHash}`,
      accessToken: input.accessToken,
      clientSecret: input.clientSecret,
      ...(input.scopes && { scopes: input.scopes }),
      hooks: new Map(),
      orders: new Map(),
    };
    this.stores.set(store.storeHash, store);
    return store;
  }

  addHook(
    store: Store,
    fields: Omit<Hook, 'id' | 'createdAt' | 'updatedAt' | 'activeSinceMs'>,
    nowMs: number,
  ): Hook {
    const at = Math.floor(nowMs / 1000);
    const hook: Hook = {
      id: this.nextHookId++,
      ...fields,
      createdAt: at,
      updatedAt: at,
      activeSinceMs: nowMs,
    };
    store.hooks.set(hook.id, hook);
    return hook;
  }

  /**
   * Creates the order or changes its status; `previous` is undefined for a new order. A new order gets
   * one product line per entry of `quantities` (default one line of 1).
   */
  setOrderStatus(
    store: Store,
    orderId: number,
    statusId: number,
    nowMs: number,
    quantities: number[] = [1],
  ): { order: Order; previous?: number } {
    const existing = store.orders.get(orderId);
    if (!existing) {
      const products = quantities.map((quantity, i) => ({
        id: this.nextOrderProductId++,
        productId: 77 + i,
        quantity,
        quantityShipped: 0,
      }));
      const order: Order = {
        id: orderId,
        statusId,
        createdMs: nowMs,
        modifiedMs: nowMs,
        products,
        shipments: new Map(),
        isDeleted: false,
      };
      if (statusId === 2) order.shippedMs = nowMs;
      store.orders.set(orderId, order);
      return { order };
    }
    const previous = existing.statusId;
    if (previous !== statusId) {
      existing.statusId = statusId;
      existing.modifiedMs = nowMs;
      if (statusId === 2 && existing.shippedMs === undefined) existing.shippedMs = nowMs;
    }
    return { order: existing, previous };
  }
}

export const hookJson = (store: Store, hook: Hook) => ({
  id: hook.id,
  client_id: store.clientId,
  store_hash: store.storeHash,
  scope: hook.scope,
  destination: hook.destination,
  headers: hook.headers,
  is_active: hook.isActive,
  created_at: hook.createdAt,
  updated_at: hook.updatedAt,
});

/** A plausible v2 order: the status fields are live, the money and address fields are fixed. */
export const orderJson = (baseUrl: string, store: Store, order: Order): SandboxOrder => {
  const label = BIGCOMMERCE_STATUS_LABELS[order.statusId] ?? 'Unknown';
  const resource = (name: string) => ({
    url: `${baseUrl}/stores/${store.storeHash}/v2/orders/${order.id}/${name}`,
    resource: `/orders/${order.id}/${name}`,
  });
  const zero = '0.0000';
  return {
    id: order.id,
    customer_id: 0,
    date_created: rfc2822(order.createdMs),
    date_modified: rfc2822(order.modifiedMs),
    date_shipped: order.shippedMs === undefined ? '' : rfc2822(order.shippedMs),
    status_id: order.statusId,
    status: label,
    subtotal_ex_tax: '10.0000',
    subtotal_inc_tax: '10.0000',
    subtotal_tax: zero,
    base_shipping_cost: zero,
    shipping_cost_ex_tax: zero,
    shipping_cost_inc_tax: zero,
    shipping_cost_tax: zero,
    shipping_cost_tax_class_id: 0,
    base_handling_cost: zero,
    handling_cost_ex_tax: zero,
    handling_cost_inc_tax: zero,
    handling_cost_tax: zero,
    handling_cost_tax_class_id: 0,
    base_wrapping_cost: zero,
    wrapping_cost_ex_tax: zero,
    wrapping_cost_inc_tax: zero,
    wrapping_cost_tax: zero,
    wrapping_cost_tax_class_id: 0,
    total_ex_tax: '10.0000',
    total_inc_tax: '10.0000',
    total_tax: zero,
    is_tax_inclusive_pricing: false,
    items_total: order.products.reduce((sum, p) => sum + p.quantity, 0),
    items_shipped: order.products.reduce((sum, p) => sum + p.quantityShipped, 0),
    payment_method: 'Manual',
    payment_provider_id: '',
    payment_status: 'captured',
    refunded_amount: zero,
    order_is_digital: false,
    store_credit_amount: zero,
    gift_certificate_amount: zero,
    ip_address: '',
    ip_address_v6: '',
    geoip_country: '',
    geoip_country_iso2: '',
    currency_id: 1,
    currency_code: 'USD',
    currency_exchange_rate: '1.0000000000',
    default_currency_id: 1,
    default_currency_code: 'USD',
    staff_notes: '',
    customer_message: '',
    discount_amount: zero,
    coupon_discount: zero,
    shipping_address_count: 1,
    is_deleted: order.isDeleted,
    ebay_order_id: '0',
    cart_id: '',
    billing_address: { ...SAMPLE_ADDRESS, form_fields: [] },
    is_email_opt_in: false,
    credit_card_type: null,
    order_source: 'external',
    channel_id: 1,
    external_source: null,
    products: resource('products'),
    shipping_addresses: resource('shippingaddresses'),
    coupons: resource('coupons'),
    external_id: null,
    external_merchant_id: null,
    tax_provider_id: 'BasicTaxProvider',
    store_default_currency_code: 'USD',
    store_default_to_transactional_exchange_rate: '1.0000000000',
    custom_status: label,
    customer_locale: 'en',
    external_order_id: '',
  };
};

/** Orders need an Orders scope (read-only or modify); hooks need none (BigCommerce's rule). */
export const ORDERS_SCOPES = ['store_v2_orders_read_only', 'store_v2_orders'];
export const tokenAllows = (store: Pick<Store, 'scopes'>, apiPath: string) =>
  !apiPath.startsWith('/v2/orders') ||
  store.scopes === undefined ||
  store.scopes.some((s) => ORDERS_SCOPES.includes(s));
