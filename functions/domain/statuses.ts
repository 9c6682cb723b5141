/** Order Manager statuses, exact strings (docs/contract.md section 3). */
export const OM_STATUSES = [
  'Unprocessed',
  'Awaiting Payment',
  'On Hold',
  'Awaiting Shipment',
  'Pending Fulfillment',
  'Dropship Requested',
  'Shipped',
  'Cancelled',
] as const;
export type OmStatus = (typeof OM_STATUSES)[number];

/** The only statuses a merchant may tick: processed and not terminal. */
export const CONFIGURABLE_OM_STATUSES = [
  'Awaiting Payment',
  'On Hold',
  'Awaiting Shipment',
  'Pending Fulfillment',
  'Dropship Requested',
] as const satisfies readonly OmStatus[];
export type ConfigurableOmStatus = (typeof CONFIGURABLE_OM_STATUSES)[number];

export const TERMINAL_OM_STATUSES = ['Shipped', 'Cancelled'] as const satisfies readonly OmStatus[];

/** BigCommerce order status ids and their default labels. Merchants rename labels, so key on the id. */
export const BIGCOMMERCE_STATUS_LABELS: Readonly<Record<number, string>> = {
  0: 'Incomplete',
  1: 'Pending',
  2: 'Shipped',
  3: 'Partially Shipped',
  4: 'Refunded',
  5: 'Cancelled',
  6: 'Declined',
  7: 'Awaiting Payment',
  8: 'Awaiting Pickup',
  9: 'Awaiting Shipment',
  10: 'Completed',
  11: 'Awaiting Fulfillment',
  12: 'Manual Verification Required',
  13: 'Disputed',
  14: 'Partially Refunded',
};
export const BIGCOMMERCE_STATUS_IDS: readonly number[] = Object.keys(BIGCOMMERCE_STATUS_LABELS).map(Number);

/** BigCommerce status ids with a meaning of their own (docs/contract.md sections 11 and 12). */
export const BIGCOMMERCE_STATUS = {
  partiallyShipped: 3,
  manualVerificationRequired: 12,
  disputed: 13,
} as const;

export const DEFAULT_CANCEL_ON_BIGCOMMERCE_STATUS_IDS: readonly number[] = [5];
export const DEFAULT_FULFILL_ON_BIGCOMMERCE_STATUS_IDS: readonly number[] = [2, 10];

/** What an action turns the OM order into. */
export const TARGET_STATUS = { cancel: 'Cancelled', fulfill: 'Shipped' } as const satisfies Record<
  string,
  OmStatus
>;
export type OrderAction = keyof typeof TARGET_STATUS;
