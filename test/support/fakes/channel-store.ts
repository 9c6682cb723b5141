import type { ChannelStore } from '../../../functions/adapters/channel-store';
import type {
  Channel,
  DeliveryException,
  HookState,
  ReconcileState,
} from '../../../functions/domain/channel';
import { CallLog, clone } from './call-log';

/** ChannelStore in memory, with DynamoChannelStore's rules: `put` keeps the state other writers own. */
export class MemoryChannelStore implements ChannelStore {
  readonly items = new Map<string, Channel>();
  failList = false;
  /** While set, every get fails (the table is unavailable). */
  failGet = false;
  constructor(readonly log = new CallLog()) {}

  async get(channelId: string) {
    this.log.add(`channels.get ${channelId}`);
    if (this.failGet) throw new Error('dynamodb unavailable');
    const c = this.items.get(channelId);
    return c && clone(c);
  }
  async put(channel: Channel) {
    this.log.add(`channels.put ${channel.channelId}`);
    const stored = this.items.get(channel.channelId);
    const next: Channel = clone(channel);
    if (next.hook === undefined && stored?.hook) next.hook = stored.hook;
    if (next.reconcile === undefined && stored?.reconcile) next.reconcile = stored.reconcile;
    if (stored?.lastDeliveryException) next.lastDeliveryException = stored.lastDeliveryException;
    this.items.set(channel.channelId, next);
  }
  async purge(channelId: string, at: { purgedAt: string; expiresAt: number }) {
    this.log.add(`channels.purge ${channelId}`);
    const c = this.items.get(channelId);
    if (!c?.deletedAt) return false;
    delete c.hook;
    delete c.reconcile;
    delete c.lastDeliveryException;
    Object.assign(c, at);
    return true;
  }
  async recordDeliveryException(channelId: string, exception: DeliveryException) {
    this.log.add(`channels.recordDeliveryException ${channelId}`);
    const c = this.items.get(channelId);
    if (c) c.lastDeliveryException = clone(exception);
  }
  async recordHookState(channelId: string, hook: HookState) {
    this.log.add(`channels.recordHookState ${channelId}`);
    const c = this.items.get(channelId);
    if (c) c.hook = clone(hook);
  }
  async recordReconcile(channelId: string, state: ReconcileState) {
    this.log.add(`channels.recordReconcile ${channelId}`);
    const c = this.items.get(channelId);
    if (c) c.reconcile = clone(state);
  }
  async list(options: { cursor?: string; limit: number }) {
    if (this.failList) throw new Error('list failed');
    const all = [...this.items.values()].sort((a, b) => (a.channelId < b.channelId ? -1 : 1));
    const start = options.cursor ? Number(options.cursor) : 0;
    const channels = all.slice(start, start + options.limit).map(clone);
    const end = start + options.limit;
    return end < all.length ? { channels, cursor: String(end) } : { channels };
  }
}
