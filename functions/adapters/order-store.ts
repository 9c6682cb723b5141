import type { OmOrder } from '../domain/order';
import type { OmStatus } from '../domain/statuses';

/** Orders table (TABLES.orders). */
export interface OrderStore {
  get(channelId: string, orderId: number): Promise<OmOrder | undefined>;
  /**
   * One conditional write of the whole order (status, history, processed marks, version + 1), on the
   * condition that the stored version is still `expectedVersion` (0: the item must not exist yet).
   * Returns false when the condition failed (someone else wrote first): read again and decide again.
   * `expiresAt` (epoch seconds) is set for items OM has not imported yet and removed otherwise.
   */
  write(order: OmOrder, expectedVersion: number, options?: { expiresAt?: number }): Promise<boolean>;
  /** OM import: sets the status (creating the item if needed), bumps the version, clears `expiresAt`. */
  importStatus(channelId: string, orderId: number, status: OmStatus, now: Date): Promise<OmOrder>;
}
