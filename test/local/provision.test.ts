import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { createLocalAws } from '../support/local-aws';

test('provisions tables and a queue whose redrive points at the dead-letter queue', async () => {
  const aws = await createLocalAws();
  const orders = await aws.dynamo.send(new DescribeTableCommand({ TableName: aws.tables.orders }));
  expect(orders.Table?.KeySchema).toEqual([
    { AttributeName: 'channelId', KeyType: 'HASH' },
    { AttributeName: 'orderId', KeyType: 'RANGE' },
  ]);
  const attrs = await aws.sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: aws.queues.queueUrl, AttributeNames: ['RedrivePolicy'] }),
  );
  expect(JSON.parse(attrs.Attributes!.RedrivePolicy!)).toMatchObject({ maxReceiveCount: 5 });
  // Idempotent: provisioning the same names again is fine.
  await expect(createLocalAws()).resolves.toBeDefined();
});
