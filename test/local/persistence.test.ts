import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import type { LambdaHandler } from '../../local/lambda-context';
import { startLocalStack, type LocalStackOptions } from '../../local/stack';

/**
 * `.local` data survives a restart: the stack runs its own dynalite on a LevelDB directory (SQS stays on
 * the Jest run's shared fauxqs, which Jest's CommonJS cannot embed).
 */

const noop: LambdaHandler = async () => undefined;
const handlers = { 'webhook-ingest': noop, 'order-worker': noop, 'hook-manager': noop, 'channel-api': noop };

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'om-local-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

const options = (extra: Partial<LocalStackOptions>): LocalStackOptions => ({
  port: 0,
  prefix: `d${randomUUID().slice(0, 8)}-`,
  env: { SQS_ENDPOINT: process.env.TEST_SQS_ENDPOINT!, BIGCOMMERCE_API_URL: 'http://127.0.0.1:9' },
  pollerOptions: { waitTimeSeconds: 1 },
  handlers,
  log: { info: () => undefined, error: () => undefined },
  ...extra,
});

async function writeThenRestart(extra: Partial<LocalStackOptions>) {
  const opts = options(extra);
  const first = await startLocalStack(opts);
  const table = first.tables.channels;
  try {
    await first.clients.dynamodb.send(
      new PutItemCommand({
        TableName: table,
        Item: { channelId: { S: 'kept' }, storeHash: { S: 'abc123' } },
      }),
    );
  } finally {
    await first.stop();
  }
  const second = await startLocalStack(opts);
  try {
    const got = await second.clients.dynamodb.send(
      new GetItemCommand({ TableName: table, Key: { channelId: { S: 'kept' } } }),
    );
    return { item: got.Item, first, second };
  } finally {
    await second.stop();
  }
}

test('data written before a stop is there after a restart on the same data directory', async () => {
  const dataDir = join(dir, 'persisted');
  const { item, first } = await writeThenRestart({ dataDir });
  expect(first.dataDir).toBe(dataDir);
  expect(existsSync(join(dataDir, 'dynamodb'))).toBe(true);
  expect(item).toEqual({ channelId: { S: 'kept' }, storeHash: { S: 'abc123' } });
});

test('with memory nothing is kept and nothing is written to disk', async () => {
  const dataDir = join(dir, 'memory');
  const { item, first } = await writeThenRestart({ dataDir, memory: true });
  expect(first.dataDir).toBeUndefined();
  expect(item).toBeUndefined();
  expect(existsSync(dataDir)).toBe(false);
});
