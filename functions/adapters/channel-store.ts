import {
  GetItemCommand,
  ScanCommand,
  UpdateItemCommand,
  type AttributeValue,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { writtenUnlessConditionFails } from './condition-failure';
import { fromItem, toAttribute } from './dynamo-attributes';
import type { Channel, DeliveryException, HookState, ReconcileState } from '../domain/channel';

/** Channels table (TABLES.channels). Implementation: DynamoChannelStore below. */
export interface ChannelStore {
  /** Includes tombstoned channels (`deletedAt` set); callers decide what a tombstone means to them. */
  get(channelId: string): Promise<Channel | undefined>;
  /** Saves settings; keeps the stored `hook` and `reconcile` state when the given channel omits them. */
  put(channel: Channel): Promise<void>;
  /**
   * Marks a deleted channel purged (hook-manager, after its hooks and secret are gone): hook and
   * reconcile state go, the tombstone stays until `expiresAt` (epoch seconds, DynamoDB TTL).
   * Conditional on the tombstone, so a channel saved again in the meantime is kept; returns whether
   * it was marked.
   */
  purge(channelId: string, at: { purgedAt: string; expiresAt: number }): Promise<boolean>;
  /** Records a delivery exception on a live or deleted channel; never creates an item. */
  recordDeliveryException(channelId: string, exception: DeliveryException): Promise<void>;
  /** Only updates an existing item; never resurrects a purged channel. */
  recordHookState(channelId: string, hook: HookState): Promise<void>;
  recordReconcile(channelId: string, state: ReconcileState): Promise<void>;
  /** A page of channels (tombstones included), for the scheduled sweep. */
  list(options: { cursor?: string; limit: number }): Promise<{ channels: Channel[]; cursor?: string }>;
}

/** Settings fields `put` always overwrites; `hook`/`reconcile` only when given, `deletedAt` set or cleared. */
const SETTINGS_FIELDS = [
  'storeHash',
  'validCancellationStatuses',
  'validFulfillmentStatuses',
  'cancelOnBigCommerceStatusIds',
  'fulfillOnBigCommerceStatusIds',
  'createdAt',
  'updatedAt',
] as const satisfies readonly (keyof Channel)[];

/** Tombstone fields: `put` removes them when the given channel has none (a re-saved channel lives). */
const CLEARED_WHEN_ABSENT = [
  'deletedAt',
  'purgedAt',
  'expiresAt',
] as const satisfies readonly (keyof Channel)[];

export class InvalidCursorError extends Error {
  override name = 'InvalidCursorError';
  constructor() {
    super('cursor is not one this store handed out');
  }
}

export class DynamoChannelStore implements ChannelStore {
  constructor(
    private readonly client: DynamoDBClient,
    private readonly tableName: string,
  ) {}

  async get(channelId: string): Promise<Channel | undefined> {
    const out = await this.client.send(
      new GetItemCommand({
        TableName: this.tableName,
        Key: { channelId: { S: channelId } },
        // hook-manager reacts to a save within milliseconds: it must see that save.
        ConsistentRead: true,
      }),
    );
    return out.Item ? (fromItem(out.Item) as unknown as Channel) : undefined;
  }

  /** One UpdateItem: overwrites the settings, keeps stored hook/reconcile state the caller left out. */
  async put(channel: Channel): Promise<void> {
    const names: Record<string, string> = {};
    const values: Record<string, AttributeValue> = {};
    const sets: string[] = [];
    const removes: string[] = [];
    const fields: (keyof Channel)[] = [...SETTINGS_FIELDS, 'hook', 'reconcile', ...CLEARED_WHEN_ABSENT];
    fields.forEach((field, i) => {
      const value = channel[field];
      if (value === undefined) {
        // A re-saved channel is no longer deleted; absent hook/reconcile mean "keep what is stored".
        if ((CLEARED_WHEN_ABSENT as readonly string[]).includes(field)) {
          names[`#f${i}`] = field;
          removes.push(`#f${i}`);
        }
        return;
      }
      names[`#f${i}`] = field;
      values[`:v${i}`] = toAttribute(value);
      sets.push(`#f${i} = :v${i}`);
    });
    await this.client.send(
      new UpdateItemCommand({
        TableName: this.tableName,
        Key: { channelId: { S: channel.channelId } },
        UpdateExpression: `SET ${sets.join(', ')}${removes.length ? ` REMOVE ${removes.join(', ')}` : ''}`,
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
      }),
    );
  }

  purge(channelId: string, at: { purgedAt: string; expiresAt: number }): Promise<boolean> {
    return writtenUnlessConditionFails(() =>
      this.client.send(
        new UpdateItemCommand({
          TableName: this.tableName,
          Key: { channelId: { S: channelId } },
          UpdateExpression: 'SET purgedAt = :p, expiresAt = :e REMOVE hook, reconcile, lastDeliveryException',
          ConditionExpression: 'attribute_exists(deletedAt)',
          ExpressionAttributeValues: { ':p': { S: at.purgedAt }, ':e': { N: String(at.expiresAt) } },
        }),
      ),
    );
  }

  recordHookState(channelId: string, hook: HookState): Promise<void> {
    return this.setIfExists(channelId, 'hook', hook);
  }

  recordReconcile(channelId: string, state: ReconcileState): Promise<void> {
    return this.setIfExists(channelId, 'reconcile', state);
  }

  recordDeliveryException(channelId: string, exception: DeliveryException): Promise<void> {
    return this.setIfExists(channelId, 'lastDeliveryException', exception);
  }

  async list(options: { cursor?: string; limit: number }): Promise<{ channels: Channel[]; cursor?: string }> {
    const out = await this.client.send(
      new ScanCommand({
        TableName: this.tableName,
        Limit: options.limit,
        ConsistentRead: true,
        ExclusiveStartKey: options.cursor === undefined ? undefined : decodeCursor(options.cursor),
      }),
    );
    const channels = (out.Items ?? []).map((item) => fromItem(item) as unknown as Channel);
    const last = out.LastEvaluatedKey?.channelId?.S;
    return last === undefined ? { channels } : { channels, cursor: encodeCursor(last) };
  }

  private async setIfExists(
    channelId: string,
    field: 'hook' | 'reconcile' | 'lastDeliveryException',
    value: object,
  ): Promise<void> {
    // A failed condition: the channel was purged meanwhile, and recording state for it would
    // resurrect a half item. Nothing to do.
    await writtenUnlessConditionFails(() =>
      this.client.send(
        new UpdateItemCommand({
          TableName: this.tableName,
          Key: { channelId: { S: channelId } },
          UpdateExpression: 'SET #f = :v',
          ConditionExpression: 'attribute_exists(channelId)',
          ExpressionAttributeNames: { '#f': field },
          ExpressionAttributeValues: { ':v': toAttribute(value) },
        }),
      ),
    );
  }
}

/** Opaque to callers: base64url of the last key's channelId. */
const encodeCursor = (channelId: string) =>
  Buffer.from(JSON.stringify({ c: channelId })).toString('base64url');

function decodeCursor(cursor: string): Record<string, AttributeValue> {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    const c = (parsed as { c?: unknown } | null)?.c;
    if (typeof c === 'string' && c.length > 0) return { channelId: { S: c } };
  } catch {
    // fall through
  }
  throw new InvalidCursorError();
}
