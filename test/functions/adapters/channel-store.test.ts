import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { DynamoChannelStore, InvalidCursorError } from '../../../functions/adapters/channel-store';
import type { Channel } from '../../../functions/domain/channel';
import { makeChannel } from '../../support/channels';
import { createLocalAws, type LocalAws } from '../../support/local-aws';

// An empty fulfil list, so the round trip shows empty lists survive.
const channel = (channelId: string, over: Partial<Channel> = {}): Channel =>
  makeChannel({
    channelId,
    validCancellationStatuses: ['Awaiting Shipment'],
    validFulfillmentStatuses: [],
    ...over,
  });

let aws: LocalAws;
let store: DynamoChannelStore;

beforeAll(async () => {
  aws = await createLocalAws();
  store = new DynamoChannelStore(aws.dynamo, aws.tables.channels);
});

test('put then get round-trips every field, empty lists included', async () => {
  const saved = channel('rt', {
    hook: { hookId: 42, isActive: true, lastVerifiedAt: '2026-01-02T00:00:00.000Z' },
    reconcile: { watermark: '2026-01-01T00:00:00.000Z' },
  });
  await store.put(saved);
  expect(await store.get('rt')).toEqual(saved);
  expect(await store.get('missing')).toBeUndefined();
});

test('put keeps the stored hook and reconcile state when the channel omits them', async () => {
  await store.put(channel('keep'));
  await store.recordHookState('keep', { hookId: 7, isActive: false, lastError: 'HTTP 500' });
  await store.recordReconcile('keep', {
    watermark: '2026-02-01T00:00:00.000Z',
    lastRunAt: '2026-02-01T00:01:00.000Z',
  });
  await store.put(
    channel('keep', { validFulfillmentStatuses: ['On Hold'], updatedAt: '2026-03-01T00:00:00.000Z' }),
  );
  expect(await store.get('keep')).toEqual(
    channel('keep', {
      validFulfillmentStatuses: ['On Hold'],
      updatedAt: '2026-03-01T00:00:00.000Z',
      hook: { hookId: 7, isActive: false, lastError: 'HTTP 500' },
      reconcile: { watermark: '2026-02-01T00:00:00.000Z', lastRunAt: '2026-02-01T00:01:00.000Z' },
    }),
  );
  // A given hook state replaces the stored one.
  await store.put(channel('keep', { hook: { isActive: true } }));
  expect((await store.get('keep'))?.hook).toEqual({ isActive: true });
});

test('tombstones are returned by get; a later put without deletedAt clears the tombstone', async () => {
  await store.put(channel('tomb', { deletedAt: '2026-01-05T00:00:00.000Z' }));
  expect((await store.get('tomb'))?.deletedAt).toBe('2026-01-05T00:00:00.000Z');
  await store.put(channel('tomb'));
  expect(await store.get('tomb')).not.toHaveProperty('deletedAt');
});

const PURGE = { purgedAt: '2026-01-06T00:00:00.000Z', expiresAt: 1_770_000_000 };

test('purge keeps a live channel: only a tombstone is marked', async () => {
  await store.put(channel('saved-again'));
  await expect(store.purge('saved-again', PURGE)).resolves.toBe(false);
  expect(await store.get('saved-again')).not.toHaveProperty('purgedAt');
});

test('purge keeps a tombstone with an expiry, drops its hook state; a save brings it back to life', async () => {
  await store.put(
    channel('gone', { deletedAt: '2026-01-05T00:00:00.000Z', hook: { isActive: true, hookId: 7 } }),
  );
  await store.recordDeliveryException('gone', { at: 'x', errorCode: 90001, message: 'm', hookId: 7 });
  await expect(store.purge('gone', PURGE)).resolves.toBe(true);
  const tomb = await store.get('gone');
  expect(tomb).toMatchObject({ deletedAt: '2026-01-05T00:00:00.000Z', ...PURGE });
  expect(tomb).not.toHaveProperty('hook');
  expect(tomb).not.toHaveProperty('lastDeliveryException');
  await store.put(channel('gone'));
  const alive = await store.get('gone');
  for (const field of ['deletedAt', 'purgedAt', 'expiresAt']) expect(alive).not.toHaveProperty(field);
});

test('state records never create an item', async () => {
  await expect(store.recordHookState('never', { isActive: true })).resolves.toBeUndefined();
  await expect(
    store.recordReconcile('never', { lastRunAt: '2026-01-01T00:00:00.000Z' }),
  ).resolves.toBeUndefined();
  await expect(
    store.recordDeliveryException('never', { at: 'x', errorCode: 90001, message: 'm', hookId: null }),
  ).resolves.toBeUndefined();
  const raw = await aws.dynamo.send(
    new GetItemCommand({ TableName: aws.tables.channels, Key: { channelId: { S: 'never' } } }),
  );
  expect(raw.Item).toBeUndefined();
  await expect(store.purge('never', PURGE)).resolves.toBe(false);
});

test('list pages through every channel, tombstones included, with an opaque cursor', async () => {
  const local = await createLocalAws();
  const paged = new DynamoChannelStore(local.dynamo, local.tables.channels);
  const ids = Array.from({ length: 7 }, (_, i) => `c${i}`);
  await Promise.all(
    ids.map((id, i) => paged.put(channel(id, i === 3 ? { deletedAt: '2026-01-01T00:00:00.000Z' } : {}))),
  );
  const seen: string[] = [];
  let cursor: string | undefined;
  let pages = 0;
  do {
    const page = await paged.list({ cursor, limit: 3 });
    expect(page.channels.length).toBeLessThanOrEqual(3);
    seen.push(...page.channels.map((c) => c.channelId));
    cursor = page.cursor;
    pages += 1;
  } while (cursor !== undefined && pages < 10);
  expect(seen.sort()).toEqual(ids);
  expect(pages).toBeGreaterThanOrEqual(3);
});

test('a cursor the store did not hand out is rejected', async () => {
  await expect(store.list({ cursor: 'not-a-cursor', limit: 2 })).rejects.toBeInstanceOf(InvalidCursorError);
});
