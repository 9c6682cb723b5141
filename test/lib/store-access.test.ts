import * as fs from 'node:fs';
import * as path from 'node:path';
import type { FunctionName } from '../../functions/common/routes';
import { ChannelApiFunction } from '../../lib/functions/channel-api-function';
import { HookManagerFunction } from '../../lib/functions/hook-manager-function';
import { OrderWorkerFunction } from '../../lib/functions/order-worker-function';
import { WebhookIngestFunction } from '../../lib/functions/webhook-ingest-function';
import {
  CHANNEL_STORE_ACTIONS,
  ORDER_EVENT_QUEUE_ACTIONS,
  ORDER_STORE_ACTIONS,
  SECRET_STORE_ACTIONS,
  type StoreAccess,
} from '../../lib/store-access';
import { PROJECT_ROOT } from './helpers';

const read = (...parts: string[]) => fs.readFileSync(path.join(PROJECT_ROOT, ...parts), 'utf8');
const IAM_PREFIX: Record<string, string> = {
  dynamodb: 'dynamodb',
  sqs: 'sqs',
  'secrets-manager': 'secretsmanager',
  eventbridge: 'events',
};

/** The IAM actions of the SDK commands an adapter file imports from one client package. */
function commandActions(file: string, client: keyof typeof IAM_PREFIX): string[] {
  const source = read('functions', 'adapters', file);
  const imports = [...source.matchAll(/import\s*\{([^}]*)\}\s*from\s*'@aws-sdk\/client-([\w-]+)'/g)];
  return imports
    .filter((m) => m[2] === client)
    .flatMap((m) => m[1]!.split(','))
    .map((name) => name.trim())
    .filter((name) => !name.startsWith('type ') && name.endsWith('Command'))
    .map((name) => `${IAM_PREFIX[client]}:${name.replace(/Command$/, '')}`)
    .sort();
}

const mapped = (map: Record<string, readonly string[]>) => [...new Set(Object.values(map).flat())].sort();

describe('the action maps follow the adapters (functions/adapters/)', () => {
  it.each([
    ['channel-store.ts', 'dynamodb', CHANNEL_STORE_ACTIONS],
    ['order-store.ts', 'dynamodb', ORDER_STORE_ACTIONS],
    ['secret-store.ts', 'secrets-manager', SECRET_STORE_ACTIONS],
    ['order-event-queue.ts', 'sqs', ORDER_EVENT_QUEUE_ACTIONS],
  ] as const)('%s: every %s call it makes, and nothing more', (file, client, map) => {
    const used = commandActions(file, client);
    expect(used.length).toBeGreaterThan(0);
    expect(mapped(map)).toEqual(used);
  });
});

/**
 * The port methods a function's code calls (`channels.get(`, `queue.send(`…), read from its sources.
 * The grants must match: a call without a grant is an AccessDenied in AWS, a grant without a call is
 * more privilege than needed.
 */
function methodsCalled(name: FunctionName): Record<keyof StoreAccess, string[]> {
  const dir = path.join(PROJECT_ROOT, 'functions', name);
  const sources = fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.ts'))
    .map((f) => fs.readFileSync(path.join(dir, f), 'utf8'))
    .join('\n');
  const ports = {
    channels: Object.keys(CHANNEL_STORE_ACTIONS),
    orders: Object.keys(ORDER_STORE_ACTIONS),
    secrets: Object.keys(SECRET_STORE_ACTIONS),
    orderEventQueue: Object.keys(ORDER_EVENT_QUEUE_ACTIONS),
  };
  const variable = { channels: 'channels', orders: 'orders', secrets: 'secrets', orderEventQueue: 'queue' };
  return Object.fromEntries(
    (Object.keys(ports) as (keyof StoreAccess)[]).map((port) => {
      const calls = [...sources.matchAll(new RegExp(`\\b${variable[port]}\\.(\\w+)\\(`, 'g'))].map(
        (m) => m[1]!,
      );
      return [port, [...new Set(calls.filter((c) => ports[port].includes(c)))].sort()];
    }),
  ) as Record<keyof StoreAccess, string[]>;
}

const sorted = (access: StoreAccess) =>
  Object.fromEntries(Object.entries(access).map(([k, v]) => [k, [...(v as string[])].sort()]));

describe('each function is granted exactly the port methods its code calls', () => {
  it.each([
    ['webhook-ingest', WebhookIngestFunction.ACCESS],
    ['order-worker', OrderWorkerFunction.ACCESS],
    ['hook-manager', HookManagerFunction.ACCESS],
    ['channel-api', ChannelApiFunction.ACCESS],
  ] as const)('%s', (name, access) => {
    expect(sorted(access)).toEqual(methodsCalled(name));
  });
});
