/**
 * A BigCommerce shipment as stored on the OM order (docs/contract.md section 11). Fields BigCommerce leaves
 * empty are omitted, so the stored item and the API answer carry only what is known.
 */
export interface ShipmentItem {
  orderProductId: number;
  quantity: number;
}

export interface Shipment {
  shipmentId: number;
  trackingNumber?: string;
  trackingCarrier?: string;
  shippingProvider?: string;
  shippingMethod?: string;
  /** The custom link, else the link BigCommerce generated from the number and carrier. */
  trackingLink?: string;
  /** ISO-8601, from BigCommerce's `date_created`. */
  shippedAt?: string;
  items: ShipmentItem[];
}

/** Shipments kept per order (the newest): BigCommerce allows many, but an OM order item must stay small. */
export const SHIPMENTS_LIMIT = 100;
