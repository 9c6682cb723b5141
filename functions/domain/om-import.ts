import { statusSetByThisSystem, type HistoryEntry, type OmOrder } from './order';
import { TERMINAL_OM_STATUSES, type OmStatus } from './statuses';

/** The history entry's eventId for OM's import over a status this system set. */
export const OM_IMPORT_EVENT_ID = 'om-import';

/**
 * OM's import of an order status (`PUT /channels/{c}/orders/{o}`): the item created or its status set,
 * the version moved on. OM owns the status, so the import always wins; but when it replaces a
 * `Cancelled`/`Shipped` this system set, one history entry (`source: "om_import"`) says so, so support
 * never sees a cancellation silently undone.
 */
export function importOrder(
  key: { channelId: string; orderId: number },
  read: OmOrder | undefined,
  status: OmStatus,
  now: Date,
): OmOrder {
  const at = now.toISOString();
  const base: OmOrder = read ?? { ...key, updatedAt: at, history: [], processed: {}, version: 0 };
  const before = base.status;
  let history = base.history;
  const terminal = before !== undefined && (TERMINAL_OM_STATUSES as readonly OmStatus[]).includes(before);
  if (terminal && before !== status && statusSetByThisSystem(base)) {
    const entry: HistoryEntry = {
      at,
      eventId: OM_IMPORT_EVENT_ID,
      source: 'om_import',
      bigcommerceStatusId: null,
      outcome: 'status_changed_by_om_import',
      statusBefore: before,
      statusAfter: status,
      attempt: 1,
    };
    history = [...history, entry];
  }
  return { ...base, status, updatedAt: at, history, version: base.version + 1 };
}
