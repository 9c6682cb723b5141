import type { SupportReader } from '../../../functions/adapters/support-reader';

type Item = Record<string, unknown>;

/** The tables as plain items; counts every read so tests can see what a view costs. */
export class MemorySupportReader implements SupportReader {
  reads: string[] = [];
  failWith?: Error;
  constructor(
    private readonly channelItems: Item[],
    private readonly orderItems: Item[],
  ) {}
  private read(what: string) {
    this.reads.push(what);
    if (this.failWith) throw this.failWith;
  }
  async channel(channelId: string) {
    this.read('channel');
    return this.channelItems.find((c) => c.channelId === channelId);
  }
  async order(channelId: string, orderId: number) {
    this.read('order');
    return this.orderItems.find((o) => o.channelId === channelId && o.orderId === orderId);
  }
  async channels(limit: number) {
    this.read('channels');
    return { items: this.channelItems.slice(0, limit), complete: this.channelItems.length <= limit };
  }
  async recentOrders(channelId: string, limit: number) {
    this.read('recentOrders');
    return this.orderItems
      .filter((o) => o.channelId === channelId)
      .sort((a, b) => Number(b.orderId) - Number(a.orderId))
      .slice(0, limit);
  }
}
