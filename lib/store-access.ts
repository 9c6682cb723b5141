import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as iam from 'aws-cdk-lib/aws-iam';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type { ChannelStore } from '../functions/adapters/channel-store';
import type { HookWorkQueue } from '../functions/adapters/hook-work-queue';
import type { OrderEventQueue } from '../functions/adapters/order-event-queue';
import type { OrderStore } from '../functions/adapters/order-store';
import type { SecretStore } from '../functions/adapters/secret-store';
import type { SupportReader } from '../functions/adapters/support-reader';

/**
 * The AWS actions behind each port method, as the adapters in functions/adapters/ call them. Each
 * function is granted exactly the methods it uses, on exactly its table/queue/secrets — nothing like
 * `grantReadWriteData`. Typed against the ports: a new port method does not compile until it is here.
 */
export const CHANNEL_STORE_ACTIONS = {
  get: ['dynamodb:GetItem'],
  put: ['dynamodb:UpdateItem'],
  purge: ['dynamodb:UpdateItem'],
  recordHookState: ['dynamodb:UpdateItem'],
  recordReconcile: ['dynamodb:UpdateItem'],
  recordDeliveryException: ['dynamodb:UpdateItem'],
  list: ['dynamodb:Scan'],
} as const satisfies Record<keyof ChannelStore, readonly string[]>;

export const ORDER_STORE_ACTIONS = {
  get: ['dynamodb:GetItem'],
  write: ['dynamodb:PutItem'],
  // One UpdateItem; over Cancelled/Shipped a read and a conditional PutItem (with a history entry).
  importStatus: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'],
} as const satisfies Record<keyof OrderStore, readonly string[]>;

export const SECRET_STORE_ACTIONS = {
  get: ['secretsmanager:GetSecretValue'],
  getWebhookAuth: ['secretsmanager:GetSecretValue'],
  // PutSecretValue on an existing secret, CreateSecret for a new one, DeleteSecret for the legacy one.
  put: ['secretsmanager:PutSecretValue', 'secretsmanager:CreateSecret', 'secretsmanager:DeleteSecret'],
  delete: ['secretsmanager:DeleteSecret'],
} as const satisfies Record<keyof SecretStore, readonly string[]>;

export const ORDER_EVENT_QUEUE_ACTIONS = {
  send: ['sqs:SendMessage'],
} as const satisfies Record<keyof OrderEventQueue, readonly string[]>;

/** SendMessageBatch is authorised by sqs:SendMessage. */
export const HOOK_WORK_QUEUE_ACTIONS = {
  send: ['sqs:SendMessage'],
} as const satisfies Record<keyof HookWorkQueue, readonly string[]>;

/** The port methods a function calls (the grants follow this; a test checks it against the code). */
export interface StoreAccess {
  readonly channels: readonly (keyof ChannelStore)[];
  readonly orders: readonly (keyof OrderStore)[];
  readonly secrets: readonly (keyof SecretStore)[];
  readonly orderEventQueue: readonly (keyof OrderEventQueue)[];
  /** hook-manager's own work queue (it also consumes it, through its event source). */
  readonly hookWorkQueue?: readonly (keyof HookWorkQueue)[];
}

/** The distinct actions of the given port methods, sorted. */
export function actionsFor<M extends Record<string, readonly string[]>>(
  map: M,
  methods: readonly (keyof M)[],
): string[] {
  return [...new Set(methods.flatMap((m) => map[m] ?? []))].sort();
}

/** Grants the actions behind `methods` on `resource`; nothing at all when no method is used. */
function grantMethods<M extends Record<string, readonly string[]>>(
  grant: (...actions: string[]) => iam.Grant,
  map: M,
  methods: readonly (keyof M)[],
): iam.Grant | undefined {
  const actions = actionsFor(map, methods);
  return actions.length > 0 ? grant(...actions) : undefined;
}

export function grantChannelStore(
  table: dynamodb.ITable,
  grantee: iam.IGrantable,
  methods: readonly (keyof ChannelStore)[],
): iam.Grant | undefined {
  return grantMethods((...a) => table.grant(grantee, ...a), CHANNEL_STORE_ACTIONS, methods);
}

export function grantOrderStore(
  table: dynamodb.ITable,
  grantee: iam.IGrantable,
  methods: readonly (keyof OrderStore)[],
): iam.Grant | undefined {
  return grantMethods((...a) => table.grant(grantee, ...a), ORDER_STORE_ACTIONS, methods);
}

/** `send` is SendMessage only: not even GetQueueUrl/GetQueueAttributes, which `grantSendMessages` adds. */
export function grantOrderEventQueue(
  queue: sqs.IQueue,
  grantee: iam.IGrantable,
  methods: readonly (keyof OrderEventQueue)[],
): iam.Grant | undefined {
  return grantMethods((...a) => queue.grant(grantee, ...a), ORDER_EVENT_QUEUE_ACTIONS, methods);
}

export function grantHookWorkQueue(
  queue: sqs.IQueue,
  grantee: iam.IGrantable,
  methods: readonly (keyof HookWorkQueue)[],
): iam.Grant | undefined {
  return grantMethods((...a) => queue.grant(grantee, ...a), HOOK_WORK_QUEUE_ACTIONS, methods);
}

/** The support console's reads: each on the table it reads, nothing that writes, no secrets. */
export const SUPPORT_READER_ACTIONS = {
  channel: { table: 'channels', actions: ['dynamodb:GetItem'] },
  order: { table: 'orders', actions: ['dynamodb:GetItem'] },
  channels: { table: 'channels', actions: ['dynamodb:Scan'] },
  recentOrders: { table: 'orders', actions: ['dynamodb:Query'] },
} as const satisfies Record<
  keyof SupportReader,
  { table: 'channels' | 'orders'; actions: readonly string[] }
>;

export function grantSupportReader(
  tables: { channels: dynamodb.ITable; orders: dynamodb.ITable },
  grantee: iam.IGrantable,
): void {
  for (const table of ['channels', 'orders'] as const) {
    const actions = Object.values(SUPPORT_READER_ACTIONS)
      .filter((m) => m.table === table)
      .flatMap((m) => m.actions);
    tables[table].grant(grantee, ...new Set(actions));
  }
}
