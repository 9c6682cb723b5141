import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as iam from 'aws-cdk-lib/aws-iam';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type { ChannelStore } from '../functions/adapters/channel-store';
import type { OrderEventQueue } from '../functions/adapters/order-event-queue';
import type { OrderStore } from '../functions/adapters/order-store';
import type { SecretStore } from '../functions/adapters/secret-store';

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
  importStatus: ['dynamodb:UpdateItem'],
} as const satisfies Record<keyof OrderStore, readonly string[]>;

export const SECRET_STORE_ACTIONS = {
  get: ['secretsmanager:GetSecretValue'],
  // PutSecretValue on an existing secret, CreateSecret for a new one.
  put: ['secretsmanager:PutSecretValue', 'secretsmanager:CreateSecret'],
  delete: ['secretsmanager:DeleteSecret'],
} as const satisfies Record<keyof SecretStore, readonly string[]>;

export const ORDER_EVENT_QUEUE_ACTIONS = {
  send: ['sqs:SendMessage'],
} as const satisfies Record<keyof OrderEventQueue, readonly string[]>;

/** The port methods a function calls (the grants follow this; a test checks it against the code). */
export interface StoreAccess {
  readonly channels: readonly (keyof ChannelStore)[];
  readonly orders: readonly (keyof OrderStore)[];
  readonly secrets: readonly (keyof SecretStore)[];
  readonly orderEventQueue: readonly (keyof OrderEventQueue)[];
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
