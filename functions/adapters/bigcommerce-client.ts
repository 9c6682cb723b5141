/**
 * BigCommerce REST client (shared by order-worker and hook-manager). Paths under
 * `${BIGCOMMERCE_API_URL}/stores/{store_hash}/…`: `/v2/orders/{id}`, `/v2/orders`, `/v3/hooks…`.
 */
export interface BigCommerceCredentials {
  storeHash: string;
  accessToken: string;
}

export interface BigCommerceOrder {
  id: number;
  statusId: number;
  status: string;
  /** ISO time (converted from BigCommerce's RFC-2822 `date_modified`). */
  dateModified: string;
}

export interface BigCommerceHook {
  id: number;
  scope: string;
  destination: string;
  isActive: boolean;
  headers: Record<string, string> | null;
}

export interface NewHook {
  scope: string;
  destination: string;
  isActive: boolean;
  headers: Record<string, string>;
}

export interface CallOptions {
  /** Epoch ms by which the call must have answered; a 429/5xx wait that would pass it fails instead. */
  deadline?: number;
}

export interface BigCommerceApi {
  /** undefined when BigCommerce answers 404. */
  getOrder(
    creds: BigCommerceCredentials,
    orderId: number,
    options?: CallOptions,
  ): Promise<BigCommerceOrder | undefined>;
  /** One page of `/v2/orders` (empty array past the last page: BigCommerce answers 204). */
  listOrders(
    creds: BigCommerceCredentials,
    query: { minDateModified?: string; statusId?: number; sort?: string; page: number; limit: number },
    options?: CallOptions,
  ): Promise<BigCommerceOrder[]>;
  /** Every page of `/v3/hooks` matching the filter. */
  listHooks(
    creds: BigCommerceCredentials,
    filter: { scope?: string; destination?: string; isActive?: boolean },
    options?: CallOptions,
  ): Promise<BigCommerceHook[]>;
  createHook(creds: BigCommerceCredentials, hook: NewHook, options?: CallOptions): Promise<BigCommerceHook>;
  updateHook(
    creds: BigCommerceCredentials,
    id: number,
    patch: Partial<NewHook>,
    options?: CallOptions,
  ): Promise<BigCommerceHook>;
  /** Resolves when deleted or already gone (404). */
  deleteHook(creds: BigCommerceCredentials, id: number, options?: CallOptions): Promise<void>;
}
