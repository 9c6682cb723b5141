import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import { DynamoSupportReader } from '../../../functions/adapters/support-reader';
import { createLocalAws, type LocalAws } from '../../support/local-aws';
import { channelItem, orderItem, toDynamoItem } from '../../support/support-items';

let aws: LocalAws;
let reader: DynamoSupportReader;

beforeAll(async () => {
  aws = await createLocalAws();
  reader = new DynamoSupportReader(aws.dynamo, { channels: aws.tables.channels, orders: aws.tables.orders });
  const put = (table: string, item: Record<string, unknown>) =>
    aws.dynamo.send(new PutItemCommand({ TableName: table, Item: toDynamoItem(item) }));
  for (const id of ['a', 'b', 'c']) await put(aws.tables.channels, channelItem({ channelId: id }));
  for (const orderId of [5, 40, 300]) await put(aws.tables.orders, orderItem({ channelId: 'a', orderId }));
  await put(aws.tables.orders, orderItem({ channelId: 'b', orderId: 1000 }));
});

test('reads one channel and one order as plain JSON (nested history and shipments included)', async () => {
  expect(await reader.channel('a')).toMatchObject({ channelId: 'a', hook: { hookId: 42, isActive: true } });
  expect(await reader.channel('nope')).toBeUndefined();
  const order = await reader.order('a', 40);
  expect(order).toMatchObject({ orderId: 40, status: 'Shipped' });
  expect((order!.shipments as { items: unknown[] }[])[0]!.items).toEqual([
    { orderProductId: 501, quantity: 2 },
  ]);
  expect(await reader.order('a', 41)).toBeUndefined();
});

test("a channel's recent orders are its highest order ids, newest first, up to the limit", async () => {
  expect((await reader.recentOrders('a', 2)).map((o) => o.orderId)).toEqual([300, 40]);
});

test('channels: one page, and whether that was all of them', async () => {
  const some = await reader.channels(2);
  expect(some.items).toHaveLength(2);
  expect(some.complete).toBe(false);
  const all = await reader.channels(10);
  expect(all.items.map((c) => c.channelId).sort()).toEqual(['a', 'b', 'c']);
  expect(all.complete).toBe(true);
});
