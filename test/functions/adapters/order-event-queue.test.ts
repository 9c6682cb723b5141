import { ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { SqsOrderEventQueue } from '../../../functions/adapters/order-event-queue';
import type { OrderEvent } from '../../../functions/domain/order-event';
import { createLocalAws } from '../../support/local-aws';

const event: OrderEvent = {
  v: 1,
  channelId: 'ch1',
  orderId: 7,
  scope: 'store/order/statusUpdated',
  eventId: 'evt-7',
  receivedAt: '2026-05-01T12:00:00.000Z',
  attempt: 2,
  source: 'webhook',
};

test('sends the event as JSON; a delay holds it back', async () => {
  const aws = await createLocalAws();
  const queue = new SqsOrderEventQueue(aws.sqs, aws.queues.queueUrl);
  await queue.send(event);
  await queue.send({ ...event, eventId: 'later' }, 60);
  const out = await aws.sqs.send(
    new ReceiveMessageCommand({ QueueUrl: aws.queues.queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }),
  );
  // Only the undelayed message is visible now.
  expect(out.Messages?.map((m) => JSON.parse(m.Body!))).toEqual([event]);
});

test('refuses a delay SQS would refuse', async () => {
  const aws = await createLocalAws();
  const queue = new SqsOrderEventQueue(aws.sqs, aws.queues.queueUrl);
  await expect(queue.send(event, 901)).rejects.toThrow(/between 0 and 900/);
});
