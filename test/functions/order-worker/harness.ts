import {
  ChangeMessageVisibilityCommand,
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { toSqsRecords } from '../../../local/sqs-poller';
import type { OrderEvent } from '../../../functions/domain/order-event';
import { lambdaContext } from '../../support/lambda';

export type WorkerHandler = (
  event: SQSEvent,
  context: ReturnType<typeof lambdaContext>,
) => Promise<SQSBatchResponse>;

/**
 * Plays Lambda's SQS event source mapping for tests, one receive at a time, so a test decides when the
 * worker runs: receive up to 10 messages, invoke, delete what did not fail. Failed messages are made visible
 * again at once when `releaseFailures` is set (so a redrive test needs no visibility-timeout waits).
 */
export async function pollOnce(
  sqs: SQSClient,
  queueUrl: string,
  handler: WorkerHandler,
  options: { waitTimeSeconds?: number; releaseFailures?: boolean } = {},
): Promise<{ received: number; failed: number }> {
  const out = await sqs.send(
    new ReceiveMessageCommand({
      QueueUrl: queueUrl,
      MaxNumberOfMessages: 10,
      WaitTimeSeconds: options.waitTimeSeconds ?? 0,
      MessageSystemAttributeNames: ['All'],
    }),
  );
  const messages = out.Messages ?? [];
  if (messages.length === 0) return { received: 0, failed: 0 };
  const arn = await queueArn(sqs, queueUrl);
  const records = toSqsRecords(messages, arn, 'us-east-1');
  const response = await handler({ Records: records }, lambdaContext(30_000));
  const failed = new Set(response.batchItemFailures.map((f) => f.itemIdentifier));
  for (const m of messages) {
    if (!failed.has(m.MessageId!)) {
      await sqs.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: m.ReceiptHandle! }));
    } else if (options.releaseFailures) {
      await sqs.send(
        new ChangeMessageVisibilityCommand({
          QueueUrl: queueUrl,
          ReceiptHandle: m.ReceiptHandle!,
          VisibilityTimeout: 0,
        }),
      );
    }
  }
  return { received: messages.length, failed: failed.size };
}

/** Polls until a receive comes back empty (delayed messages are not waited for). */
export async function drain(sqs: SQSClient, queueUrl: string, handler: WorkerHandler) {
  let processed = 0;
  for (;;) {
    const { received } = await pollOnce(sqs, queueUrl, handler);
    if (received === 0) return processed;
    processed += received;
  }
}

const arns = new Map<string, string>();
async function queueArn(sqs: SQSClient, queueUrl: string) {
  const cached = arns.get(queueUrl);
  if (cached) return cached;
  const attrs = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }),
  );
  const arn = attrs.Attributes!.QueueArn!;
  arns.set(queueUrl, arn);
  return arn;
}

export const enqueue = (sqs: SQSClient, queueUrl: string, event: OrderEvent) =>
  sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: JSON.stringify(event) }));

let eventCounter = 0;
/** An order event as webhook-ingest would enqueue it (fresh eventId unless given). */
export const orderEvent = (
  channelId: string,
  orderId: number,
  overrides: Partial<OrderEvent> = {},
): OrderEvent => ({
  v: 1,
  channelId,
  orderId,
  scope: 'store/order/statusUpdated',
  eventId: `evt-${++eventCounter}-${orderId}`,
  receivedAt: new Date().toISOString(),
  attempt: 1,
  source: 'webhook',
  ...overrides,
});
