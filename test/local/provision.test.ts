import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { FUNCTION_TIMEOUT_SECONDS, HOOK_WORK_MAX_RECEIVE_COUNT } from '../../functions/common/limits';
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

test("hook-manager's work queue sends a message that failed three times to its failure queue, as in AWS", async () => {
  const aws = await createLocalAws();
  const attrs = await aws.sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: aws.queues.hookWorkQueueUrl,
      AttributeNames: ['RedrivePolicy', 'VisibilityTimeout'],
    }),
  );
  expect(JSON.parse(attrs.Attributes!.RedrivePolicy!)).toMatchObject({
    maxReceiveCount: HOOK_WORK_MAX_RECEIVE_COUNT,
    deadLetterTargetArn: expect.stringContaining('hook-manager-failures'),
  });
  expect(attrs.Attributes!.VisibilityTimeout).toBe(String(FUNCTION_TIMEOUT_SECONDS['hook-manager']));
});
