import { DynamoChannelStore, type ChannelStore } from '../../functions/adapters/channel-store';
import { SqsHookWorkQueue, type HookWorkQueue } from '../../functions/adapters/hook-work-queue';
import { SqsOrderEventQueue, type OrderEventQueue } from '../../functions/adapters/order-event-queue';
import { DynamoOrderStore, type OrderStore } from '../../functions/adapters/order-store';
import { SecretsManagerSecretStore, type SecretStore } from '../../functions/adapters/secret-store';
import type { OmOrder } from '../../functions/domain/order';
import {
  CHANNEL_STORE_ACTIONS,
  HOOK_WORK_QUEUE_ACTIONS,
  ORDER_EVENT_QUEUE_ACTIONS,
  ORDER_STORE_ACTIONS,
  grantStoreAccess,
  SECRET_STORE_ACTIONS,
} from '../../lib/store-access';
import { channelAt } from '../support/channels';

/**
 * A stand-in SDK client that records the command of every call and answers from `answer`: `{}` (success)
 * or an error with the given name (not found, condition failed…), so each branch of a method is taken.
 * `Command:ErrorName` fails only that command (a fast path that falls back to another).
 */
function recordingClient(answer: string | undefined) {
  const sent: string[] = [];
  const [only, error] = answer?.includes(':') ? answer.split(':') : [undefined, answer];
  const client = {
    send: async (command: object) => {
      const name = command.constructor.name.replace(/Command$/, '');
      sent.push(name);
      if (error === undefined || (only !== undefined && only !== name)) return {};
      throw Object.assign(new Error(error), { name: error });
    },
  };
  return { sent, client: client as never };
}

const ANSWERS = [
  undefined,
  'ConditionalCheckFailedException',
  'ResourceNotFoundException',
  'ResourceExistsException',
  'UpdateItem:ConditionalCheckFailedException',
];

/** API operations authorised by another operation's IAM action. */
const IAM_ACTION_OF: Record<string, string> = { SendMessageBatch: 'SendMessage' };

/** The IAM actions one port method's adapter sends, over every kind of answer. */
async function actionsSent<P>(
  prefix: string,
  build: (client: never) => P,
  call: (port: P) => Promise<unknown>,
): Promise<string[]> {
  const actions = new Set<string>();
  for (const answer of ANSWERS) {
    const { sent, client } = recordingClient(answer);
    await call(build(client)).catch(() => undefined);
    for (const name of sent) actions.add(`${prefix}:${IAM_ACTION_OF[name] ?? name}`);
  }
  return [...actions].sort();
}

const NOW = new Date('2026-05-01T10:00:00.000Z');
const order: OmOrder = {
  channelId: 'c1',
  orderId: 1,
  status: 'On Hold',
  updatedAt: NOW.toISOString(),
  history: [],
  processed: {},
  version: 1,
};
const secrets = { storeHash: 'abc123', accessToken: 'token', webhookToken: 'webhook-token' };

/** One call of every port method; a new port method does not compile until it is here. */
const CHANNEL_CALLS: Record<keyof ChannelStore, (s: ChannelStore) => Promise<unknown>> = {
  get: (s) => s.get('c1'),
  put: (s) => s.put(channelAt(NOW)),
  purge: (s) => s.purge('c1', { purgedAt: NOW.toISOString(), expiresAt: 1 }),
  recordDeliveryException: (s) =>
    s.recordDeliveryException('c1', { at: NOW.toISOString(), errorCode: 90001, message: 'm', hookId: 1 }),
  recordHookState: (s) =>
    s.recordHookState('c1', {
      hookId: 1,
      isActive: true,
      lastVerifiedAt: NOW.toISOString(),
    }),
  recordReconcile: (s) =>
    s.recordReconcile('c1', { watermark: NOW.toISOString(), lastRunAt: NOW.toISOString() }),
  list: (s) => s.list({ limit: 10 }),
};
const ORDER_CALLS: Record<keyof OrderStore, (s: OrderStore) => Promise<unknown>> = {
  get: (s) => s.get('c1', 1),
  write: (s) => s.write(order, 1),
  importStatus: (s) => s.importStatus('c1', 1, 'On Hold', NOW),
};
const SECRET_CALLS: Record<keyof SecretStore, (s: SecretStore) => Promise<unknown>> = {
  get: (s) => s.get('c1'),
  getWebhookAuth: (s) => s.getWebhookAuth('c1'),
  getApiCredentials: (s) => s.getApiCredentials('c1'),
  put: (s) => s.put('c1', secrets),
  delete: (s) => s.delete('c1'),
};
const QUEUE_CALLS: Record<keyof OrderEventQueue, (s: OrderEventQueue) => Promise<unknown>> = {
  send: (s) =>
    s.send({
      v: 1,
      channelId: 'c1',
      orderId: 1,
      scope: 'store/order/statusUpdated',
      eventId: 'e1',
      source: 'webhook',
      receivedAt: NOW.toISOString(),
      attempt: 1,
    }),
};

/** One case per method of a port: its adapter over the recording client, and the actions mapped for it. */
function portCases<P>(
  port: string,
  prefix: string,
  build: (client: never) => P,
  calls: Record<string, (p: P) => Promise<unknown>>,
  map: Record<string, readonly string[]>,
): [string, string, () => Promise<string[]>, readonly string[]][] {
  return Object.entries(calls).map(([method, call]) => [
    port,
    method,
    () => actionsSent(prefix, build, call),
    map[method] ?? [],
  ]);
}

const HOOK_WORK_CALLS: Record<keyof HookWorkQueue, (s: HookWorkQueue) => Promise<unknown>> = {
  send: (s) => s.send([{ kind: 'catch_up', channelId: 'c1', activatedAt: NOW.toISOString() }], 120),
};

describe('the action maps follow what the adapters send (functions/adapters/)', () => {
  const cases = [
    ...portCases(
      'channel store',
      'dynamodb',
      (c) => new DynamoChannelStore(c, 'channels'),
      CHANNEL_CALLS,
      CHANNEL_STORE_ACTIONS,
    ),
    ...portCases(
      'order store',
      'dynamodb',
      (c) => new DynamoOrderStore(c, 'orders'),
      ORDER_CALLS,
      ORDER_STORE_ACTIONS,
    ),
    ...portCases(
      'secret store (Secrets Manager)',
      'secretsmanager',
      (c) => new SecretsManagerSecretStore(c, 'om/'),
      SECRET_CALLS,
      SECRET_STORE_ACTIONS,
    ),
    ...portCases(
      'order-event queue',
      'sqs',
      (c) => new SqsOrderEventQueue(c, 'https://queue'),
      QUEUE_CALLS,
      ORDER_EVENT_QUEUE_ACTIONS,
    ),
    ...portCases(
      "hook-manager's work queue",
      'sqs',
      (c) => new SqsHookWorkQueue(c, 'https://hook-work'),
      HOOK_WORK_CALLS,
      HOOK_WORK_QUEUE_ACTIONS,
    ),
  ];

  it.each(cases)('%s %s: exactly the actions of its map', async (_port, _method, sent, mapped) => {
    const actions = await sent();
    expect(actions.length).toBeGreaterThan(0);
    expect(actions).toEqual([...new Set(mapped)].sort());
  });
});

describe('grantStoreAccess', () => {
  const access = {
    channels: ['get', 'put'],
    orders: [],
    secrets: [],
    orderEventQueue: ['send'],
    hookWorkQueue: [],
  } as const;
  const grantee = {} as never;

  it('grants each port the actions of its methods, on its own resource; none for a port without methods', () => {
    const granted: Record<string, string[]> = {};
    const on = (name: string) => ({
      grant: (_grantee: unknown, ...actions: string[]) => ((granted[name] = actions), {} as never),
    });
    grantStoreAccess(grantee, access, {
      channels: on('channels'),
      orders: on('orders'),
      orderEventQueue: on('queue'),
    });
    expect(granted).toEqual({
      channels: ['dynamodb:GetItem', 'dynamodb:UpdateItem'],
      queue: ['sqs:SendMessage'],
    });
  });

  it('refuses a port with methods but no resource (a grant silently left out)', () => {
    expect(() => grantStoreAccess(grantee, access, {})).toThrow(/channels, orderEventQueue/);
  });
});
