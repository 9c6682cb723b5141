import type { Shipment } from './shipment';
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
  /** BigCommerce shows Partially Shipped (3): the shipments so far are stored, the status is kept. */
  'partially_shipped',
  /** A shipment event for an order this system shipped: its shipments are stored again. */
  'shipment_recorded',
  /** The OM status is left alone but a person should look; the entry says why (`reason`). */
  'needs_attention',
] as const;
export type Outcome = (typeof OUTCOMES)[number];

/**
 * Where an entry came from: a BigCommerce callback, the reconcile sweep, or OM's import of the order
 * (the re-check of waiting events, or an import over a status this system set).
 */
export const EVENT_SOURCES = ['webhook', 'reconcile', 'om_import'] as const;
export type EventSource = (typeof EVENT_SOURCES)[number];

/**
 * Outcomes recorded by OM's import rather than by the worker's decision: the import replaced a
 * `Cancelled`/`Shipped` this system had set (the status is OM's to set; support sees that it happened).
 */
export const IMPORT_OUTCOMES = ['status_changed_by_om_import'] as const;
export type HistoryOutcome = Outcome | (typeof IMPORT_OUTCOMES)[number];
export const HISTORY_OUTCOMES: readonly HistoryOutcome[] = [...OUTCOMES, ...IMPORT_OUTCOMES];

/** Why an order needs a person (docs/contract.md section 12). */
export const NEEDS_ATTENTION_REASONS = [
  'disputed',
  'manual_verification_required',
  'uncancelled_in_bigcommerce',
  'archived_in_bigcommerce',
] as const;
export type NeedsAttentionReason = (typeof NEEDS_ATTENTION_REASONS)[number];

/** One line of an order's timeline (docs/contract.md section 6). */
export interface HistoryEntry {
  at: string;
  eventId: string;
  source: EventSource;
  bigcommerceStatusId: number | null;
  outcome: HistoryOutcome;
  /** OM status before; null when the order is not imported into OM yet. */
  statusBefore: OmStatus | null;
  statusAfter: OmStatus | null;
  attempt: number;
  /** `needs_attention` entries only. */
  reason?: NeedsAttentionReason;
  /** `deferred` entries only (one per event, updated in place): retries so far and the latest one. */
  attempts?: number;
  lastRetryAt?: string;
}

export const HISTORY_LIMIT = 100;

/** What BigCommerce answered for the order, as kept on the item (ISO `dateModified`). */
export interface BigCommerceRead {
  statusId: number;
  dateModified: string;
  /** Archived by the merchant (`is_deleted`); absent means false. */
  isDeleted?: boolean;
}

/**
 * An event waiting for OM to process the order (deferred, or expired and still re-checkable). The first
 * BigCommerce read is kept so retries read OM only; OM's import re-checks every pending event at once.
 */
export interface PendingEvent {
  /** ISO time of the first receipt. */
  receivedAt: string;
  source: Exclude<EventSource, 'om_import'>;
  /** Latest attempt recorded. */
  attempt: number;
  /** Epoch seconds of the latest write; pending events older than the retention are pruned. */
  at: number;
  expired: boolean;
  /** undefined: BigCommerce answered 404 (never deferred) or not read yet. */
  read?: BigCommerceRead;
}

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
  /** eventId → event waiting for OM (absent on items written before this field existed). */
  pending?: Record<string, PendingEvent>;
  /** BigCommerce's shipments as last read (fulfilment, partial shipment, shipment event; newest kept). */
  shipments?: Shipment[];
  /** `date_modified` of the newest BigCommerce read applied to this order: an older read is never applied. */
  bigcommerceDateModified?: string;
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

/**
 * Whether the order's current status was set by this system: its newest entry that changed the status
 * is a worker `cancelled`/`fulfilled` into that status, whatever the event's source (a webhook, a
 * reconcile, or the re-check after OM's import). OM's import over it (`status_changed_by_om_import`), or
 * any later change, says otherwise.
 */
export function statusSetByThisSystem(order: Pick<OmOrder, 'status'> & Partial<Pick<OmOrder, 'history'>>) {
  const history = order.history ?? [];
  for (let i = history.length - 1; i >= 0; i--) {
    const entry = history[i]!;
    if (entry.statusAfter === entry.statusBefore) continue;
    return (
      (entry.outcome === 'cancelled' || entry.outcome === 'fulfilled') && entry.statusAfter === order.status
    );
  }
  return false;
}
