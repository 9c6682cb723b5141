import type { OrderStore } from '../../../functions/adapters/order-store';
import { importOrder } from '../../../functions/domain/om-import';
import type { OmOrder } from '../../../functions/domain/order';
import type { OmStatus } from '../../../functions/domain/statuses';
import { CallLog, clone } from './call-log';

/** OrderStore in memory: a write lands only on the version read, and stores the order as given. */
export class MemoryOrderStore implements OrderStore {
  /** `channelId/orderId` → the stored order and its expiry. */
  readonly items = new Map<string, { order: OmOrder; expiresAt?: number }>();
  /** Runs before a write is checked: lets a test slip in a concurrent writer. */
  beforeWrite?: (order: OmOrder) => void;
  constructor(readonly log = new CallLog()) {}
  private key = (channelId: string, orderId: number) => `${channelId}/${orderId}`;

  async get(channelId: string, orderId: number) {
    this.log.add(`orders.get ${orderId}`);
    const item = this.items.get(this.key(channelId, orderId));
    return item && clone(item.order);
  }

  async write(order: OmOrder, expectedVersion: number, options: { expiresAt?: number } = {}) {
    this.log.add(`orders.write ${order.orderId}`);
    this.beforeWrite?.(order);
    const current = this.items.get(this.key(order.channelId, order.orderId));
    if ((current?.order.version ?? 0) !== expectedVersion) return false;
    this.items.set(this.key(order.channelId, order.orderId), {
      order: clone(order),
      ...(options.expiresAt === undefined ? {} : { expiresAt: options.expiresAt }),
    });
    return true;
  }

  async importStatus(channelId: string, orderId: number, status: OmStatus, now: Date) {
    return this.importNow(channelId, orderId, status, now);
  }

  /**
   * What OM's import does (the domain's importOrder, as the DynamoDB store runs it), synchronously: a
   * test can run it from `beforeWrite`, between a worker's read and its write.
   */
  importNow(channelId: string, orderId: number, status: OmStatus, now = new Date(0)) {
    const key = this.key(channelId, orderId);
    const order = importOrder({ channelId, orderId }, this.items.get(key)?.order, status, now);
    this.items.set(key, { order });
    return clone(order);
  }

  /** Puts an order in place, as if some earlier write had stored it. */
  seed(order: OmOrder) {
    this.items.set(this.key(order.channelId, order.orderId), { order: clone(order) });
  }

  stored(channelId: string, orderId: number) {
    return this.items.get(this.key(channelId, orderId));
  }
}
