import { createHash } from 'node:crypto';
import { DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import { GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { type QueueUrls, type TableNames } from '../../../local/provision';

export interface Snapshot {
  tables: string;
  queue: string;
}

export async function scanAll(dynamo: DynamoDBClient, table: string): Promise<string[]> {
  const items: string[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const out = await dynamo.send(
      new ScanCommand({
        TableName: table,
        ConsistentRead: true,
        ...(start ? { ExclusiveStartKey: start as never } : {}),
      }),
    );
    for (const item of out.Items ?? []) items.push(JSON.stringify(item, Object.keys(item).sort()));
    start = out.LastEvaluatedKey;
  } while (start);
  return items.sort();
}

export async function snapshot(
  dynamo: DynamoDBClient,
  sqs: SQSClient,
  tables: TableNames,
  queues: QueueUrls,
): Promise<Snapshot> {
  const [channels, orders, secrets, queue, dlq] = await Promise.all([
    scanAll(dynamo, tables.channels),
    scanAll(dynamo, tables.orders),
    scanAll(dynamo, tables.secrets),
    sqs.send(new GetQueueAttributesCommand({ QueueUrl: queues.queueUrl, AttributeNames: ['All'] })),
    sqs.send(
      new GetQueueAttributesCommand({
        QueueUrl: queues.deadLetterQueueUrl,
        AttributeNames: ['ApproximateNumberOfMessages'],
      }),
    ),
  ]);
  const a = queue.Attributes ?? {};
  return {
    tables: createHash('sha256')
      .update(JSON.stringify([channels, orders, secrets]))
      .digest('hex'),
    queue: JSON.stringify([
      a.ApproximateNumberOfMessages,
      a.ApproximateNumberOfMessagesNotVisible,
      a.ApproximateNumberOfMessagesDelayed,
      dlq.Attributes?.ApproximateNumberOfMessages,
    ]),
  };
}
