import { GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { DynamoOrderStore } from '../../../functions/adapters/order-store';
import type { OmOrder } from '../../../functions/domain/order';
import { createLocalAws, type LocalAws } from '../../support/local-aws';
import { deferredEntry, historyEntry, makeOrder } from '../../support/orders';

let aws: LocalAws;
let store: DynamoOrderStore;

beforeAll(async () => {
  aws = await createLocalAws();
  store = new DynamoOrderStore(aws.dynamo, aws.tables.orders);
});

const AT = '2026-05-01T12:00:00.000Z';
const order = (orderId: number, overrides: Partial<OmOrder> = {}): OmOrder =>
  makeOrder({
    channelId: 'ch1',
    orderId,
    updatedAt: AT,
    history: [deferredEntry({ at: AT, eventId: 'evt-1' })],
    processed: { 'evt-1': { at: 1_777_636_800, attempt: 1, terminal: false } },
    ...overrides,
  });

const rawItem = async (orderId: number) =>
  (
    await aws.dynamo.send(
      new GetItemCommand({
        TableName: aws.tables.orders,
        Key: { channelId: { S: 'ch1' }, orderId: { N: String(orderId) } },
      }),
    )
  ).Item;

test('get of a missing order → undefined', async () => {
  await expect(store.get('ch1', 1)).resolves.toBeUndefined();
});

test('write round-trips the whole order, nulls and status included', async () => {
  const o = order(2);
  await expect(store.write(o, 0, { expiresAt: 1_800_000_000 })).resolves.toBe(true);
  await expect(store.get('ch1', 2)).resolves.toEqual(o);
  expect((await rawItem(2))?.expiresAt).toEqual({ N: '1800000000' });

  const applied = order(2, { status: 'Cancelled', version: 2 });
  await expect(store.write(applied, 1)).resolves.toBe(true);
  await expect(store.get('ch1', 2)).resolves.toEqual(applied);
  // The TTL goes once OM knows the order.
  expect((await rawItem(2))?.expiresAt).toBeUndefined();
});

test('write is conditional on the version read', async () => {
  await expect(store.write(order(3), 0)).resolves.toBe(true);
  // Creating again (version 0 expected) fails: the item exists.
  await expect(store.write(order(3), 0)).resolves.toBe(false);
  // A stale version fails; the stored item is unchanged.
  await expect(store.write(order(3, { status: 'Shipped', version: 5 }), 4)).resolves.toBe(false);
  await expect(store.get('ch1', 3)).resolves.toMatchObject({ version: 1 });
  await expect(store.write(order(3, { version: 2 }), 1)).resolves.toBe(true);
});

test('importStatus creates or updates, bumps the version and clears the TTL', async () => {
  const now = new Date('2026-05-02T00:00:00.000Z');
  const created = await store.importStatus('ch1', 4, 'Unprocessed', now);
  expect(created).toEqual({
    channelId: 'ch1',
    orderId: 4,
    status: 'Unprocessed',
    updatedAt: now.toISOString(),
    history: [],
    processed: {},
    version: 1,
  });

  await store.write(order(5), 0, { expiresAt: 1_800_000_000 });
  const imported = await store.importStatus('ch1', 5, 'On Hold', now);
  expect(imported).toMatchObject({ status: 'On Hold', version: 2, history: order(5).history });
  expect((await rawItem(5))?.expiresAt).toBeUndefined();
  // A worker that read version 1 now fails its condition.
  await expect(store.write(order(5, { version: 2 }), 1)).resolves.toBe(false);
});

test('pending events, the deferred entry counters and the applied date_modified round-trip', async () => {
  const waiting = order(7, {
    history: [{ ...order(7).history[0]!, attempts: 4, lastRetryAt: '2026-05-01T12:10:00.000Z' }],
    pending: {
      'evt-1': {
        receivedAt: '2026-05-01T12:00:00.000Z',
        source: 'webhook',
        attempt: 4,
        at: 1_777_637_400,
        expired: false,
        read: { statusId: 5, dateModified: '2026-05-01T11:59:00.000Z' },
      },
    },
    bigcommerceDateModified: '2026-05-01T11:00:00.000Z',
  });
  await store.write(waiting, 0);
  await expect(store.get('ch1', 7)).resolves.toEqual(waiting);
});

test('importStatus over a Cancelled this system set: one om_import entry with the status, in one write', async () => {
  const now = new Date('2026-05-03T00:00:00.000Z');
  const cancelled = order(8, {
    status: 'Cancelled',
    history: [historyEntry({ at: AT, eventId: 'evt-1' })],
  });
  await store.write(cancelled, 0);
  const imported = await store.importStatus('ch1', 8, 'On Hold', now);
  expect(imported.status).toBe('On Hold');
  expect(imported.version).toBe(2);
  expect(imported.history.at(-1)).toMatchObject({
    source: 'om_import',
    outcome: 'status_changed_by_om_import',
    statusBefore: 'Cancelled',
    statusAfter: 'On Hold',
  });
  await expect(store.get('ch1', 8)).resolves.toEqual(imported);
});

test('a malformed stored item is a clear error naming the field', async () => {
  await aws.dynamo.send(
    new PutItemCommand({
      TableName: aws.tables.orders,
      Item: {
        channelId: { S: 'ch1' },
        orderId: { N: '6' },
        status: { S: 'Lost' },
        updatedAt: { S: 'x' },
        history: { L: [] },
        processed: { M: {} },
        version: { N: '1' },
      },
    }),
  );
  await expect(store.get('ch1', 6)).rejects.toThrow(/status/);
});
