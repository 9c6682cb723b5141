import { ReceiveMessageCommand, SendMessageBatchCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { recordsToDelete, startSqsPoller, toSqsRecords, type SqsPoller } from '../../local/sqs-poller';
import { createLocalAws, type LocalAws } from '../support/local-aws';
import { waitFor } from '../support/wait';

const record = (messageId: string) => ({ messageId }) as SQSRecord;

describe('recordsToDelete (ReportBatchItemFailures semantics)', () => {
  const batch = [record('a'), record('b'), record('c')];
  test.each([
    ['no response: all succeeded', undefined, ['a', 'b', 'c']],
    ['empty failures: all succeeded', { batchItemFailures: [] }, ['a', 'b', 'c']],
    ['one failure', { batchItemFailures: [{ itemIdentifier: 'b' }] }, ['a', 'c']],
    [
      'every record failed',
      { batchItemFailures: ['a', 'b', 'c'].map((itemIdentifier) => ({ itemIdentifier })) },
      [],
    ],
    ['unknown identifier fails the batch', { batchItemFailures: [{ itemIdentifier: 'zzz' }] }, undefined],
    ['empty identifier fails the batch', { batchItemFailures: [{ itemIdentifier: '' }] }, undefined],
    ['malformed failures fail the batch', { batchItemFailures: 'b' }, undefined],
  ])('%s', (_name, response, expected) => {
    expect(recordsToDelete(batch, { response, threw: false })?.map((r) => r.messageId)).toEqual(expected);
  });
  test('a thrown handler deletes nothing', () => {
    expect(recordsToDelete(batch, { threw: true })).toBeUndefined();
  });
});

test('toSqsRecords gives the SQSRecord shape Lambda passes', () => {
  const [r] = toSqsRecords(
    [
      {
        MessageId: 'm1',
        ReceiptHandle: 'rh',
        Body: '{}',
        MD5OfBody: 'md5',
        Attributes: {
          ApproximateReceiveCount: '2',
          SentTimestamp: '1',
          SenderId: 's',
          ApproximateFirstReceiveTimestamp: '2',
        },
        MessageAttributes: { kind: { DataType: 'String', StringValue: 'x' } },
      },
    ],
    'arn:aws:sqs:us-east-1:000000000000:q',
    'us-east-1',
  );
  expect(r).toEqual({
    messageId: 'm1',
    receiptHandle: 'rh',
    body: '{}',
    attributes: {
      ApproximateReceiveCount: '2',
      SentTimestamp: '1',
      SenderId: 's',
      ApproximateFirstReceiveTimestamp: '2',
    },
    messageAttributes: {
      kind: { dataType: 'String', stringValue: 'x', stringListValues: [], binaryListValues: [] },
    },
    md5OfBody: 'md5',
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:us-east-1:000000000000:q',
    awsRegion: 'us-east-1',
  });
});

describe('the poller against a real queue (fauxqs, redrive maxReceiveCount 5)', () => {
  let aws: LocalAws;
  let poller: SqsPoller | undefined;
  const seen: Array<{ body: string; receiveCount: number; arn: string }> = [];
  let worker: (event: SQSEvent) => Promise<SQSBatchResponse | void>;

  beforeEach(async () => {
    aws = await createLocalAws();
    seen.length = 0;
    poller = startSqsPoller({
      sqs: aws.sqs,
      queueUrl: aws.queues.queueUrl,
      visibilityTimeoutSeconds: 1,
      waitTimeSeconds: 1,
      concurrency: 2,
      handler: (event) => {
        for (const r of event.Records)
          seen.push({
            body: r.body,
            receiveCount: Number(r.attributes.ApproximateReceiveCount),
            arn: r.eventSourceARN,
          });
        return worker(event);
      },
    });
    await poller.ready;
  });
  afterEach(async () => {
    await poller?.stop();
    aws.sqs.destroy();
    aws.dynamo.destroy();
  });

  const countOf = (body: string) => seen.filter((s) => s.body === body).length;
  const dlqBodies = async () => {
    const got = await aws.sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: aws.queues.deadLetterQueueUrl,
        MaxNumberOfMessages: 10,
        WaitTimeSeconds: 0,
      }),
    );
    return (got.Messages ?? []).map((m) => m.Body);
  };

  test('a failed record comes back, a succeeded one does not, and after 5 failures it is in the dead-letter queue', async () => {
    worker = async (event) => ({
      batchItemFailures: event.Records.filter((r) => r.body === 'fail').map((r) => ({
        itemIdentifier: r.messageId,
      })),
    });
    await aws.sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: aws.queues.queueUrl,
        Entries: ['ok-1', 'fail', 'ok-2'].map((body, i) => ({ Id: String(i), MessageBody: body })),
      }),
    );

    const dead = await waitFor(
      async () => {
        const bodies = await dlqBodies();
        return bodies.length > 0 && bodies;
      },
      { timeoutMs: 20_000, intervalMs: 250, what: 'the failing record in the dead-letter queue' },
    );

    expect(dead).toEqual(['fail']);
    expect(countOf('fail')).toBe(5);
    expect(seen.filter((s) => s.body === 'fail').map((s) => s.receiveCount)).toEqual([1, 2, 3, 4, 5]);
    expect(countOf('ok-1')).toBe(1);
    expect(countOf('ok-2')).toBe(1);
    expect(seen[0]!.arn).toMatch(/^arn:aws:sqs:.*order-events$/);
  });

  test('a thrown handler fails the whole batch: every record comes back', async () => {
    let calls = 0;
    worker = async () => {
      calls += 1;
      if (calls === 1) throw new Error('worker crashed');
    };
    await aws.sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: aws.queues.queueUrl,
        Entries: ['a', 'b'].map((body, i) => ({ Id: String(i), MessageBody: body })),
      }),
    );
    await waitFor(() => countOf('a') >= 2 && countOf('b') >= 2, { what: 'both records delivered twice' });
    // After the successful second round nothing is left on the queue.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(countOf('a')).toBe(2);
    expect(countOf('b')).toBe(2);
    expect(await dlqBodies()).toEqual([]);
  });

  test('an answer naming an unknown record fails the whole batch', async () => {
    let calls = 0;
    worker = async () => {
      calls += 1;
      return calls === 1
        ? { batchItemFailures: [{ itemIdentifier: 'not-in-this-batch' }] }
        : { batchItemFailures: [] };
    };
    await aws.sqs.send(new SendMessageCommand({ QueueUrl: aws.queues.queueUrl, MessageBody: 'x' }));
    await waitFor(() => countOf('x') >= 2, { what: 'the record delivered again' });
  });

  test('stop() ends a long poll promptly and nothing is received afterwards', async () => {
    worker = async () => undefined;
    await poller!.stop();
    expect(poller!.healthy()).toBe(false);
    await aws.sqs.send(new SendMessageCommand({ QueueUrl: aws.queues.queueUrl, MessageBody: 'late' }));
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(countOf('late')).toBe(0);
  });
});
