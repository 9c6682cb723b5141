import type { OmStatus } from './statuses';

export const OUTCOMES = [
  'cancelled',
  'fulfilled',
  'deferred',
  'expired',
  'already_in_target_status',
  'status_not_configured',
  'no_action_for_bigcommerce_status',
  /** BigCommerce answered 404 for the order: recorded once, never retried. */
  'bigcommerce_order_not_found',
] as const;
export type Outcome = (typeof OUTCOMES)[number];

export type EventSource = 'webhook' | 'reconcile';

/** One line of an order's timeline (docs/contract.md section 6). */
export interface HistoryEntry {
  at: string;
  eventId: string;
  source: EventSource;
  bigcommerceStatusId: number | null;
  outcome: Outcome;
  /** OM status before; null when the order is not imported into OM yet. */
  statusBefore: OmStatus | null;
  statusAfter: OmStatus | null;
  attempt: number;
}

export const HISTORY_LIMIT = 100;

/**
 * An OM order as stored. `status` is undefined while OM has not imported the order yet: the item then
 * only carries the timeline of events seen for it.
 */
export interface OmOrder {
  channelId: string;
  orderId: number;
  status?: OmStatus;
  updatedAt: string;
  history: HistoryEntry[];
  /** eventId → what was recorded for it; the at-most-once rule reads this. */
  processed: Record<string, ProcessedMark>;
  /** Optimistic-lock counter: every write is conditional on the version that was read. */
  version: number;
}

export interface ProcessedMark {
  /** Epoch seconds when recorded; marks older than the retention are pruned on the next write. */
  at: number;
  attempt: number;
  /** false only for `deferred`: a later attempt of the same event may still act. */
  terminal: boolean;
}
