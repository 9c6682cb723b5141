import { channelAt } from '../support/channels';
import { ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { DynamoChannelStore } from '../../functions/adapters/channel-store';
import { DynamoSecretStore } from '../../functions/adapters/secret-store';
import type { Channel } from '../../functions/domain/channel';
import type { OrderEvent } from '../../functions/domain/order-event';
import { startSandbox } from '../../local/sandbox/server';
import { UsageError } from '../../scripts/cli';
import { createProgress, main, parseReconcileArgs } from '../../scripts/reconcile';
import { createLocalAws } from '../support/local-aws';
import { FakeBigCommerce, MemoryChannelStore, MemoryQueue, MemorySecretStore } from '../support/fakes';

const NOW = new Date('2026-05-02T12:00:00.000Z');
const hoursAgo = (h: number) => new Date(NOW.getTime() - h * 3_600_000).toISOString();

const channel = (over: Partial<Channel> = {}): Channel => channelAt(NOW, over);

describe('parseReconcileArgs', () => {
  test.each([
    [['--channel', 'c1'], { channelId: 'c1' }],
    [['--channel=c1'], { channelId: 'c1' }],
    [
      ['--channel', 'c1', '--since', '2026-05-01T00:00:00Z'],
      { channelId: 'c1', since: new Date('2026-05-01T00:00:00Z') },
    ],
    [['--since=2026-05-01', '--channel', 'c1'], { channelId: 'c1', since: new Date('2026-05-01') }],
  ])('%j', (argv, expected) => {
    expect(parseReconcileArgs(argv)).toEqual(expected);
  });

  test.each([
    [[], /--channel is required/],
    [['--channel'], /--channel needs a value/],
    [['--channel', '--since', '2026-05-01'], /--channel needs a value/],
    [['--channel', 'c1', '--since', 'yesterday'], /--since must be an ISO time/],
    [['--channel', 'c1', '--since', '2026-13-45'], /--since must be an ISO time/],
    [['--channel', 'c1', '--verbose'], /unknown argument "--verbose"/],
  ])('%j → usage error', (argv, message) => {
    expect(() => parseReconcileArgs(argv)).toThrow(UsageError);
    expect(() => parseReconcileArgs(argv)).toThrow(message);
  });
});

describe('createProgress', () => {
  const step = (statusIndex: number, statusDone: boolean, enqueued: number) => ({
    statusId: [5, 2, 10][statusIndex]!,
    statusIndex,
    statusCount: 3,
    page: 1,
    statusDone,
    enqueued,
  });

  test('on a terminal: one line redrawn in place, ended by a newline', () => {
    const out: string[] = [];
    const bar = createProgress({ write: (s) => out.push(s), isTTY: true }, 'c1', 6);
    bar.update(step(0, false, 250));
    bar.update(step(0, true, 300));
    bar.update(step(2, true, 301));
    bar.finish();
    expect(out).toEqual([
      '\r\x1b[2Kreconcile c1 [------] 0/3 status ids · status 5 page 1 · 250 enqueued',
      '\r\x1b[2Kreconcile c1 [##----] 1/3 status ids · status 5 page 1 · 300 enqueued',
      '\r\x1b[2Kreconcile c1 [######] 3/3 status ids · status 10 page 1 · 301 enqueued',
      '\n',
    ]);
  });

  test('elsewhere: one line per finished status id, no control characters', () => {
    const out: string[] = [];
    const bar = createProgress({ write: (s) => out.push(s) }, 'c1', 6);
    bar.update(step(0, false, 250));
    bar.update(step(0, true, 300));
    bar.finish();
    expect(out).toEqual(['reconcile c1 [##----] 1/3 status ids · status 5 page 1 · 300 enqueued\n']);
  });
});

describe('main with in-memory ports', () => {
  function setup() {
    const channels = new MemoryChannelStore();
    const secrets = new MemorySecretStore();
    const bigcommerce = new FakeBigCommerce();
    const queue = new MemoryQueue();
    channels.items.set('c1', channel());
    secrets.items.set('c1', { accessToken: 'access-SECRET', webhookToken: 'hook-SECRET' });
    bigcommerce.orders.set('abc123', [
      { id: 1, statusId: 5, status: 'Cancelled', dateModified: hoursAgo(1) },
      { id: 2, statusId: 10, status: 'Completed', dateModified: hoursAgo(30) },
    ]);
    const stdout: string[] = [];
    const stderr: string[] = [];
    const io = {
      stdout: (l: string) => void stdout.push(l),
      stderr: { write: (s: string) => stderr.push(s) },
    };
    const deps = { channels, secrets, bigcommerce, queue, now: () => NOW };
    return { channels, queue, stdout, stderr, io, deps };
  }

  test('from the watermark: enqueues, advances the watermark, prints a summary', async () => {
    const t = setup();
    expect(await main(['--channel', 'c1'], {}, t.io, t.deps)).toBe(0);
    expect(t.queue.sent.map((e) => [e.orderId, e.source])).toEqual([[1, 'reconcile']]);
    expect(JSON.parse(t.stdout[0]!)).toEqual({
      channelId: 'c1',
      from: hoursAgo(2),
      statusIds: [5, 2, 10],
      enqueued: 1,
      watermark: new Date(NOW.getTime() - 60_000).toISOString(),
    });
    expect(t.channels.items.get('c1')!.reconcile).toEqual({
      watermark: new Date(NOW.getTime() - 60_000).toISOString(),
      lastRunAt: NOW.toISOString(),
    });
    expect(t.stderr.join('')).toContain('1 order event(s) enqueued for channel c1');
    expect([...t.stdout, ...t.stderr].join('')).not.toContain('SECRET');
  });

  test('--since reaches further back', async () => {
    const t = setup();
    expect(await main(['--channel', 'c1', '--since', hoursAgo(48)], {}, t.io, t.deps)).toBe(0);
    expect(t.queue.sent.map((e) => e.orderId)).toEqual([1, 2]);
  });

  test('unknown or deleted channel → exit 1, nothing enqueued', async () => {
    const t = setup();
    expect(await main(['--channel', 'nope'], {}, t.io, t.deps)).toBe(1);
    t.channels.items.set('gone', channel({ channelId: 'gone', deletedAt: hoursAgo(1) }));
    expect(await main(['--channel', 'gone'], {}, t.io, t.deps)).toBe(1);
    expect(t.stderr.join('')).toContain('channel gone not found');
    expect(t.queue.sent).toEqual([]);
  });

  test('an enqueue failure → exit 1 and the watermark stays', async () => {
    const t = setup();
    t.queue.failAfter = 0;
    expect(await main(['--channel', 'c1'], {}, t.io, t.deps)).toBe(1);
    expect(t.stderr.join('')).toContain('SQS unavailable');
    expect(t.channels.items.get('c1')!.reconcile).toEqual(channel().reconcile);
  });

  test('usage errors → exit 2 with the usage; --help → exit 0', async () => {
    const t = setup();
    expect(await main([], {}, t.io, t.deps)).toBe(2);
    expect(t.stderr.join('')).toContain('Usage: npm run reconcile');
    expect(await main(['--help'], {}, t.io, t.deps)).toBe(0);
    expect(t.stdout[0]).toContain('Usage: npm run reconcile');
  });

  test('a missing environment variable is named', async () => {
    const t = setup();
    expect(await main(['--channel', 'c1'], {}, t.io)).toBe(1);
    expect(t.stderr.join('')).toMatch(/CHANNELS_TABLE is required/);
  });
});

test('against dynalite, fauxqs and the sandbox, wired from the environment', async () => {
  const aws = await createLocalAws();
  const sb = await startSandbox({ port: 0, rateLimit: false });
  try {
    sb.createStore({ storeHash: 'store9', accessToken: 'tok9', clientSecret: 'cs9' });
    sb.setOrderStatus('store9', 11, 5);
    sb.setOrderStatus('store9', 12, 2);
    sb.setOrderStatus('store9', 13, 9);
    const now = new Date();
    await new DynamoChannelStore(aws.dynamo, aws.tables.channels).put({
      ...channel({
        channelId: 'c9',
        storeHash: 'store9',
        createdAt: now.toISOString(),
        updatedAt: now.toISOString(),
      }),
      reconcile: undefined,
    });
    await new DynamoSecretStore(aws.dynamo, aws.tables.secrets).put('c9', {
      accessToken: 'tok9',
      webhookToken: 'w9',
    });

    const stdout: string[] = [];
    const code = await main(
      ['--channel', 'c9'],
      { ...aws.env, BIGCOMMERCE_API_URL: sb.url },
      { stdout: (l) => void stdout.push(l), stderr: { write: () => true } },
    );
    expect(code).toBe(0);
    expect(JSON.parse(stdout[0]!)).toMatchObject({ channelId: 'c9', enqueued: 2 });

    const out = await aws.sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: aws.queues.queueUrl,
        MaxNumberOfMessages: 10,
        WaitTimeSeconds: 0,
      }),
    );
    const events = (out.Messages ?? []).map((m) => JSON.parse(m.Body!) as OrderEvent);
    expect(events.map((e) => [e.orderId, e.statusHint?.newStatusId, e.source]).sort()).toEqual([
      [11, 5, 'reconcile'],
      [12, 2, 'reconcile'],
    ]);
    const stored = await new DynamoChannelStore(aws.dynamo, aws.tables.channels).get('c9');
    expect(stored!.reconcile!.watermark).toBe(JSON.parse(stdout[0]!).watermark);
  } finally {
    await sb.stop();
  }
});
