import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as iam from 'aws-cdk-lib/aws-iam';
import type { ChannelStore } from '../functions/adapters/channel-store';
import type { HookWorkQueue } from '../functions/adapters/hook-work-queue';
import type { OrderEventQueue } from '../functions/adapters/order-event-queue';
import type { OrderStore } from '../functions/adapters/order-store';
import type { SecretStore } from '../functions/adapters/secret-store';
import type { SupportReader } from '../functions/adapters/support-reader';
import type { StoreAccess } from '../functions/common/ports';
import type { ChannelSecretNames } from './channel-secret-names';

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
  getApiCredentials: ['secretsmanager:GetSecretValue'],
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

/** The distinct actions of the given port methods, sorted. */
export function actionsFor<M extends Record<string, readonly string[]>>(
  map: M,
  methods: readonly (keyof M)[],
): string[] {
  return [...new Set(methods.flatMap((m) => map[m] ?? []))].sort();
}

/** A table or a queue: both grant named actions. */
interface ActionGrantable {
  grant(grantee: iam.IGrantable, ...actions: string[]): iam.Grant;
}

/** Where each port of a function lives; a port it declares no method of may be left out. */
export interface PortResources {
  readonly channels?: ActionGrantable;
  readonly orders?: ActionGrantable;
  readonly secrets?: Pick<ChannelSecretNames, 'grant'>;
  readonly orderEventQueue?: ActionGrantable;
  readonly hookWorkQueue?: ActionGrantable;
}

/**
 * Grants `grantee` the actions behind the methods `access` declares (a function's PORTS), each on its
 * own table, secrets or queue; nothing at all for a port with no method. A queue's `send` is SendMessage
 * only: not even GetQueueUrl/GetQueueAttributes, which `grantSendMessages` adds.
 */
export function grantStoreAccess(grantee: iam.IGrantable, access: StoreAccess, on: PortResources): void {
  const missing = (Object.keys(access) as (keyof StoreAccess)[]).filter(
    (port) => access[port].length > 0 && on[port] === undefined,
  );
  if (missing.length > 0) throw new Error(`no resource given for the ports ${missing.join(', ')}`);
  const grant = (resource: ActionGrantable | undefined, actions: string[]) => {
    if (actions.length > 0) resource?.grant(grantee, ...actions);
  };
  grant(on.channels, actionsFor(CHANNEL_STORE_ACTIONS, access.channels));
  grant(on.orders, actionsFor(ORDER_STORE_ACTIONS, access.orders));
  on.secrets?.grant(grantee, access.secrets);
  grant(on.orderEventQueue, actionsFor(ORDER_EVENT_QUEUE_ACTIONS, access.orderEventQueue));
  grant(on.hookWorkQueue, actionsFor(HOOK_WORK_QUEUE_ACTIONS, access.hookWorkQueue));
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
