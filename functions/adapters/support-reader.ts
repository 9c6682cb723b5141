import { GetItemCommand, QueryCommand, ScanCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { fromItem } from './dynamo-attributes';

type Item = Record<string, unknown>;

/**
 * Read-only access for the support console: items as plain JSON, which the domain picks fields from
 * (functions/domain/support-view.ts). Never writes, never reads secrets.
 */
export interface SupportReader {
  channel(channelId: string): Promise<Item | undefined>;
  order(channelId: string, orderId: number): Promise<Item | undefined>;
  /** Up to `limit` channels (one page, in table order) and whether that was all of them. */
  channels(limit: number): Promise<{ items: Item[]; complete: boolean }>;
  /** The channel's `limit` highest order ids (BigCommerce ids grow: the most recent orders). */
  recentOrders(channelId: string, limit: number): Promise<Item[]>;
}

export class DynamoSupportReader implements SupportReader {
  constructor(
    private readonly client: DynamoDBClient,
    private readonly tables: { channels: string; orders: string },
  ) {}

  async channel(channelId: string): Promise<Item | undefined> {
    const out = await this.client.send(
      new GetItemCommand({ TableName: this.tables.channels, Key: { channelId: { S: channelId } } }),
    );
    return out.Item && fromItem(out.Item);
  }

  async order(channelId: string, orderId: number): Promise<Item | undefined> {
    const out = await this.client.send(
      new GetItemCommand({
        TableName: this.tables.orders,
        Key: { channelId: { S: channelId }, orderId: { N: String(orderId) } },
      }),
    );
    return out.Item && fromItem(out.Item);
  }

  async channels(limit: number): Promise<{ items: Item[]; complete: boolean }> {
    const out = await this.client.send(new ScanCommand({ TableName: this.tables.channels, Limit: limit }));
    return { items: (out.Items ?? []).map(fromItem), complete: out.LastEvaluatedKey === undefined };
  }

  async recentOrders(channelId: string, limit: number): Promise<Item[]> {
    const out = await this.client.send(
      new QueryCommand({
        TableName: this.tables.orders,
        KeyConditionExpression: 'channelId = :c',
        ExpressionAttributeValues: { ':c': { S: channelId } },
        ScanIndexForward: false,
        Limit: limit,
      }),
    );
    return (out.Items ?? []).map(fromItem);
  }
}
