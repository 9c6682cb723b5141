import { GetQueueAttributesCommand, ReceiveMessageCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { DynamoChannelStore } from '../../functions/adapters/channel-store';
import { createRuntime, secretStore } from '../../functions/common/runtime';
import type { OrderEvent } from '../../functions/domain/order-event';
import { wire } from '../../functions/order-worker/handler';
import { startSandbox } from '../../local/sandbox/server';
import { UsageError } from '../../scripts/cli';
import { createProgressBar, LIST_HEADER, main, parseArgs, runDlq } from '../../scripts/dlq';
import { createLocalAws, type LocalAws } from '../support/local-aws';
import { enqueue, orderEvent, pollOnce, type WorkerHandler } from '../functions/order-worker/harness';

Object.assign(process.env, {
  POWERTOOLS_LOG_LEVEL: 'SILENT',
  POWERTOOLS_METRICS_DISABLED: 'true',
});

const depth = async (aws: LocalAws, queueUrl: string) => {
  const attrs = await aws.sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: queueUrl,
      AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
    }),
  );
  return (
    Number(attrs.Attributes?.ApproximateNumberOfMessages) +
    Number(attrs.Attributes?.ApproximateNumberOfMessagesNotVisible)
  );
};

const collect = () => {
  const chunks: string[] = [];
  return { chunks, stream: { write: (c: string) => chunks.push(c), isTTY: false } };
};

const deadLetter = (aws: LocalAws, event: OrderEvent | string) =>
  aws.sqs.send(
    new SendMessageCommand({
      QueueUrl: aws.queues.deadLetterQueueUrl,
      MessageBody: typeof event === 'string' ? event : JSON.stringify(event),
    }),
  );

test('a record that keeps failing is dead-lettered; list shows it, replay brings it back', async () => {
  const aws = await createLocalAws();
  const sb = await startSandbox({ port: 0, timeScale: 0.001, rateLimit: false });
  try {
    sb.createStore({ storeHash: 'dlqstore', accessToken: 'tok', clientSecret: 'cs' });
    sb.setOrderStatus('dlqstore', 5, 5);
    await new DynamoChannelStore(aws.dynamo, aws.tables.channels).put({
      channelId: 'dlq-ch',
      storeHash: 'dlqstore',
      validCancellationStatuses: ['On Hold'],
      validFulfillmentStatuses: [],
      cancelOnBigCommerceStatusIds: [5],
      fulfillOnBigCommerceStatusIds: [2, 10],
      createdAt: '2026-01-01T00:00:00.000Z',
      updatedAt: '2026-01-01T00:00:00.000Z',
    });
    // No credentials stored yet: every try fails.
    const handler = wire({ ...aws.env, BIGCOMMERCE_API_URL: sb.url }) as unknown as WorkerHandler;
    const event = orderEvent('dlq-ch', 5, { attempt: 3 });
    await enqueue(aws.sqs, aws.queues.queueUrl, event);
    for (let i = 0; i < 6; i++) {
      await pollOnce(aws.sqs, aws.queues.queueUrl, handler, { releaseFailures: true });
    }
    expect(await depth(aws, aws.queues.queueUrl)).toBe(0);
    expect(await depth(aws, aws.queues.deadLetterQueueUrl)).toBe(1);

    const lines: string[] = [];
    const listed = await runDlq({
      sqs: aws.sqs,
      deadLetterQueueUrl: aws.queues.deadLetterQueueUrl,
      command: 'list',
      out: (l) => lines.push(l),
      waitTimeSeconds: 0,
    });
    expect(listed.matched.map((m) => m.event)).toEqual([event]);
    expect(lines).toEqual([LIST_HEADER, ['dlq-ch', 5, event.eventId, 3, event.receivedAt].join('\t')]);
    // Listing leaves the message where it was, visible.
    const peek = await aws.sqs.send(
      new ReceiveMessageCommand({ QueueUrl: aws.queues.deadLetterQueueUrl, VisibilityTimeout: 0 }),
    );
    expect(peek.Messages).toHaveLength(1);

    // Fix the cause, replay, and the worker processes it (attempt kept).
    await secretStore(createRuntime(aws.env, { dynamo: aws.dynamo })).put('dlq-ch', {
      accessToken: 'tok',
      webhookToken: 'w',
    });
    const replayed = await runDlq({
      sqs: aws.sqs,
      deadLetterQueueUrl: aws.queues.deadLetterQueueUrl,
      queueUrl: aws.queues.queueUrl,
      command: 'replay',
      waitTimeSeconds: 0,
    });
    expect(replayed.replayed).toBe(1);
    expect(await depth(aws, aws.queues.deadLetterQueueUrl)).toBe(0);
    expect(await pollOnce(aws.sqs, aws.queues.queueUrl, handler)).toEqual({ received: 1, failed: 0 });
  } finally {
    await sb.stop();
  }
});

test('replay --channel moves only that channel; the rest stay dead-lettered and visible', async () => {
  const aws = await createLocalAws();
  await deadLetter(aws, orderEvent('a', 1));
  await deadLetter(aws, orderEvent('b', 2));
  await deadLetter(aws, orderEvent('a', 3));
  await deadLetter(aws, 'not json');
  const progress = collect();
  const result = await runDlq({
    sqs: aws.sqs,
    deadLetterQueueUrl: aws.queues.deadLetterQueueUrl,
    queueUrl: aws.queues.queueUrl,
    command: 'replay',
    channel: 'a',
    progress: progress.stream,
    waitTimeSeconds: 0,
  });
  expect(result.seen).toBe(4);
  expect(result.replayed).toBe(2);
  expect(result.matched.map((m) => m.event?.orderId).sort()).toEqual([1, 3]);
  expect(progress.chunks).toEqual(['replaying [########################] 4/4 100%\n']);

  const moved = await aws.sqs.send(
    new ReceiveMessageCommand({ QueueUrl: aws.queues.queueUrl, MaxNumberOfMessages: 10 }),
  );
  expect(moved.Messages?.map((m) => (JSON.parse(m.Body!) as OrderEvent).orderId).sort()).toEqual([1, 3]);
  const left = await aws.sqs.send(
    new ReceiveMessageCommand({ QueueUrl: aws.queues.deadLetterQueueUrl, MaxNumberOfMessages: 10 }),
  );
  expect(left.Messages).toHaveLength(2);
});

test('list --channel prints only that channel and unreadable messages are named, not hidden', async () => {
  const aws = await createLocalAws();
  await deadLetter(aws, orderEvent('a', 1));
  await deadLetter(aws, orderEvent('b', 2));
  await deadLetter(aws, '{"v":2}');
  const lines: string[] = [];
  await runDlq({
    sqs: aws.sqs,
    deadLetterQueueUrl: aws.queues.deadLetterQueueUrl,
    command: 'list',
    channel: 'b',
    out: (l) => lines.push(l),
    waitTimeSeconds: 0,
  });
  expect(lines).toHaveLength(2);
  expect(lines[1]).toMatch(/^b\t2\t/);

  const all: string[] = [];
  await runDlq({
    sqs: aws.sqs,
    deadLetterQueueUrl: aws.queues.deadLetterQueueUrl,
    command: 'list',
    out: (l) => all.push(l),
    waitTimeSeconds: 0,
  });
  expect(all).toHaveLength(4);
  expect(all.filter((l) => l.startsWith('(not an order event'))).toHaveLength(1);
});

test('the progress bar redraws in place on a terminal', () => {
  const chunks: string[] = [];
  const bar = createProgressBar({ write: (c: string) => chunks.push(c), isTTY: true }, 'replaying', 10);
  bar.update(1, 4);
  bar.update(2, 4);
  bar.finish(4, 4);
  expect(chunks).toEqual([
    '\rreplaying [###-------] 1/4 25%',
    '\rreplaying [#####-----] 2/4 50%',
    '\rreplaying [##########] 4/4 100%\n',
  ]);
  // More messages than the queue's approximate count: the total grows with them.
  const more: string[] = [];
  createProgressBar({ write: (c: string) => more.push(c) }, 'listing', 4).finish(5, 3);
  expect(more).toEqual(['listing [####] 5/5 100%\n']);
});

describe('command line', () => {
  test('parses list|replay and --channel', () => {
    expect(parseArgs(['list'])).toEqual({ command: 'list' });
    expect(parseArgs(['replay', '--channel', 'c1'])).toEqual({ command: 'replay', channel: 'c1' });
    expect(parseArgs(['--channel=c2', 'list'])).toEqual({ command: 'list', channel: 'c2' });
    expect(() => parseArgs([])).toThrow(UsageError);
    expect(() => parseArgs(['list', '--channel'])).toThrow(/--channel needs/);
    expect(() => parseArgs(['purge'])).toThrow(/unknown argument/);
  });

  test('a missing variable is named', async () => {
    const err = collect();
    const code = await main(['list'], {}, { stdout: () => undefined, stderr: err.stream });
    expect(code).toBe(1);
    expect(err.chunks.join('')).toMatch(/DEAD_LETTER_QUEUE_URL is required/);

    const err2 = collect();
    const code2 = await main(
      ['replay'],
      { DEAD_LETTER_QUEUE_URL: 'http://x/q' },
      {
        stdout: () => undefined,
        stderr: err2.stream,
      },
    );
    expect(code2).toBe(1);
    expect(err2.chunks.join('')).toMatch(/ORDER_EVENTS_QUEUE_URL is required/);
  });

  test('bad usage exits 2 with the usage text', async () => {
    const err = collect();
    expect(await main(['nope'], {}, { stdout: () => undefined, stderr: err.stream })).toBe(2);
    expect(err.chunks.join('')).toMatch(/usage: npm run dlq/);
  });

  test('runs against the queues named by the environment', async () => {
    const aws = await createLocalAws();
    await deadLetter(aws, orderEvent('z', 9));
    const out: string[] = [];
    const err = collect();
    const code = await main(
      ['replay'],
      {
        DEAD_LETTER_QUEUE_URL: aws.queues.deadLetterQueueUrl,
        ORDER_EVENTS_QUEUE_URL: aws.queues.queueUrl,
        SQS_ENDPOINT: aws.env.SQS_ENDPOINT,
      },
      { stdout: (l) => out.push(l), stderr: err.stream },
      undefined,
      { waitTimeSeconds: 0 },
    );
    expect(code).toBe(0);
    expect(err.chunks.at(-1)).toBe('replayed 1 message(s) to the order-events queue\n');
    expect(await depth(aws, aws.queues.queueUrl)).toBe(1);
  });
});
