import {
  GetItemCommand,
  PutItemCommand,
  UpdateItemCommand,
  type AttributeValue,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import * as z from '../common/zod';
import { isConditionFailure, writtenUnlessConditionFails } from './condition-failure';
import { fromItem, toItem } from './dynamo-attributes';
import { importOrder } from '../domain/om-import';
import { EVENT_SOURCES, HISTORY_OUTCOMES, NEEDS_ATTENTION_REASONS, type OmOrder } from '../domain/order';
import { OM_STATUSES, type OmStatus } from '../domain/statuses';

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
  /**
   * OM import: sets the status (creating the item if needed), bumps the version, clears `expiresAt`;
   * over a `Cancelled`/`Shipped` this system set it also records an `om_import` history entry.
   */
  importStatus(channelId: string, orderId: number, status: OmStatus, now: Date): Promise<OmOrder>;
}

// --- DynamoDB implementation ---------------------------------------------------------------------------

const historyEntrySchema = z.object({
  at: z.string(),
  eventId: z.string(),
  source: z.enum(EVENT_SOURCES),
  bigcommerceStatusId: z.nullable(z.int()),
  outcome: z.pipe(
    z.enum(HISTORY_OUTCOMES as [string, ...string[]]),
    z.transform((o) => o as (typeof HISTORY_OUTCOMES)[number]),
  ),
  statusBefore: z.nullable(z.enum(OM_STATUSES)),
  statusAfter: z.nullable(z.enum(OM_STATUSES)),
  attempt: z.int(),
  attempts: z.optional(z.int()),
  lastRetryAt: z.optional(z.string()),
  reason: z.optional(z.enum(NEEDS_ATTENTION_REASONS)),
});

const shipmentSchema = z.object({
  shipmentId: z.int(),
  trackingNumber: z.optional(z.string()),
  trackingCarrier: z.optional(z.string()),
  shippingProvider: z.optional(z.string()),
  shippingMethod: z.optional(z.string()),
  trackingLink: z.optional(z.string()),
  shippedAt: z.optional(z.string()),
  items: z.array(z.object({ orderProductId: z.int(), quantity: z.int() })),
});

const readSchema = z.object({
  statusId: z.int(),
  dateModified: z.string(),
  isDeleted: z.optional(z.boolean()),
});

const pendingSchema = z.object({
  receivedAt: z.string(),
  source: z.enum(['webhook', 'reconcile']),
  attempt: z.int(),
  at: z.number(),
  expired: z.boolean(),
  read: z.optional(readSchema),
});

/** What a stored item must look like; anything else is a clear error, never a silent default. */
const storedOrderSchema = z.object({
  channelId: z.string(),
  orderId: z.int(),
  status: z.optional(z.enum(OM_STATUSES)),
  updatedAt: z.string(),
  history: z.array(historyEntrySchema),
  processed: z.record(z.string(), z.object({ at: z.number(), attempt: z.int(), terminal: z.boolean() })),
  pending: z.optional(z.record(z.string(), pendingSchema)),
  bigcommerceDateModified: z.optional(z.string()),
  shipments: z.optional(z.array(shipmentSchema)),
  version: z.int().check(z.nonnegative()),
});

function parseOrder(item: Record<string, AttributeValue>): OmOrder {
  const parsed = storedOrderSchema.safeParse(fromItem(item));
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`Stored order is malformed at ${issue?.path.join('.') || '(root)'}: ${issue?.message}`);
  }
  // Optional fields stay absent rather than present-and-undefined (the worker compares whole items).
  return Object.fromEntries(
    Object.entries(parsed.data).filter(([, v]) => v !== undefined),
  ) as unknown as OmOrder;
}

/** Writes lost to a concurrent worker before the import gives up (the caller answers 5xx; OM retries). */
const IMPORT_TRIES = 5;

const orderKey = (channelId: string, orderId: number): Record<string, AttributeValue> => ({
  channelId: { S: channelId },
  orderId: { N: String(orderId) },
});

/**
 * Orders table. Every worker write is one PutItem of the whole item, conditional on the version read,
 * so a status change, its history entry and the processed mark land together or not at all.
 */
export class DynamoOrderStore implements OrderStore {
  constructor(
    private readonly client: DynamoDBClient,
    private readonly tableName: string,
  ) {}

  async get(channelId: string, orderId: number): Promise<OmOrder | undefined> {
    const out = await this.client.send(
      new GetItemCommand({
        TableName: this.tableName,
        Key: orderKey(channelId, orderId),
        ConsistentRead: true,
      }),
    );
    return out.Item ? parseOrder(out.Item) : undefined;
  }

  async write(
    order: OmOrder,
    expectedVersion: number,
    options: { expiresAt?: number } = {},
  ): Promise<boolean> {
    const item = toItem({ ...order, expiresAt: options.expiresAt });
    return writtenUnlessConditionFails(() =>
      this.client.send(
        new PutItemCommand({
          TableName: this.tableName,
          Item: item,
          ...(expectedVersion === 0
            ? { ConditionExpression: 'attribute_not_exists(channelId)' }
            : {
                ConditionExpression: '#version = :expected',
                ExpressionAttributeNames: { '#version': 'version' },
                ExpressionAttributeValues: { ':expected': { N: String(expectedVersion) } },
              }),
        }),
      ),
    );
  }

  async importStatus(channelId: string, orderId: number, status: OmStatus, now: Date): Promise<OmOrder> {
    // Fast path, one request: the usual import (no status yet, or not a terminal one) cannot need a
    // history entry, so it is set in place; it bumps the version, so a worker that read the old item
    // fails its condition, reads again and decides on the imported status.
    const fast = await this.importInPlace(channelId, orderId, status, now);
    if (fast) return fast;
    // Over Cancelled/Shipped: read, build (maybe with an om_import entry), conditional write.
    for (let tries = 1; ; tries++) {
      const read = await this.get(channelId, orderId);
      const next = importOrder({ channelId, orderId }, read, status, now);
      if (await this.write(next, read?.version ?? 0)) return next;
      if (tries >= IMPORT_TRIES) throw new Error(`order ${orderId} kept changing during the import`);
    }
  }

  /** undefined when the stored status is terminal (the caller then takes the slow path). */
  private async importInPlace(
    channelId: string,
    orderId: number,
    status: OmStatus,
    now: Date,
  ): Promise<OmOrder | undefined> {
    try {
      const out = await this.client.send(
        new UpdateItemCommand({
          TableName: this.tableName,
          Key: orderKey(channelId, orderId),
          UpdateExpression:
            'SET #status = :status, #updatedAt = :now, #version = if_not_exists(#version, :zero) + :one, ' +
            '#history = if_not_exists(#history, :emptyList), #processed = if_not_exists(#processed, :emptyMap) ' +
            'REMOVE #expiresAt',
          ConditionExpression: 'attribute_not_exists(#status) OR NOT (#status IN (:cancelled, :shipped))',
          // Placeholders for every name: several (status, processed…) are DynamoDB reserved words.
          ExpressionAttributeNames: {
            '#status': 'status',
            '#updatedAt': 'updatedAt',
            '#version': 'version',
            '#history': 'history',
            '#processed': 'processed',
            '#expiresAt': 'expiresAt',
          },
          ExpressionAttributeValues: {
            ':status': { S: status },
            ':now': { S: now.toISOString() },
            ':zero': { N: '0' },
            ':one': { N: '1' },
            ':emptyList': { L: [] },
            ':emptyMap': { M: {} },
            ':cancelled': { S: 'Cancelled' },
            ':shipped': { S: 'Shipped' },
          },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return parseOrder(out.Attributes!);
    } catch (error) {
      if (isConditionFailure(error)) return undefined;
      throw error;
    }
  }
}
