import type { Channel, HookState, ReconcileState } from '../domain/channel';

/** Channels table (TABLES.channels). Implementation: DynamoChannelStore below. */
export interface ChannelStore {
  /** Includes tombstoned channels (`deletedAt` set); callers decide what a tombstone means to them. */
  get(channelId: string): Promise<Channel | undefined>;
  /** Saves settings; keeps the stored `hook` and `reconcile` state when the given channel omits them. */
  put(channel: Channel): Promise<void>;
  /** Removes the item for good (hook-manager, after the hooks are gone). */
  purge(channelId: string): Promise<void>;
  /** Only updates an existing item; never resurrects a purged channel. */
  recordHookState(channelId: string, hook: HookState): Promise<void>;
  recordReconcile(channelId: string, state: ReconcileState): Promise<void>;
  /** A page of channels (tombstones included), for the scheduled sweep. */
  list(options: { cursor?: string; limit: number }): Promise<{ channels: Channel[]; cursor?: string }>;
}
