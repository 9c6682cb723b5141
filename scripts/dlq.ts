/**
 * `npm run dlq -- list|replay [--channel <channelId>]`
 *
 * Shows the order events that kept failing and were dead-lettered, or moves them back to the order-events
 * queue (attempt and first receive time kept) so the worker tries them again. A progress bar goes to
 * stderr; the listing goes to stdout. Environment: DEAD_LETTER_QUEUE_URL, ORDER_EVENTS_QUEUE_URL (replay),
 * SQS_ENDPOINT (the local stack; unset for AWS). `npm start` prints all three.
 */
import { bar, runScript, startScript, UsageError, type ProgressStream, type ScriptIo } from './cli';
import {
  ChangeMessageVisibilityBatchCommand,
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  type Message,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import * as rt from '../functions/common/runtime';
import { orderEventSchema, type OrderEvent } from '../functions/domain/order-event';
import { ConfigError, loadConfig } from '../functions/common/config';

export type DlqCommand = 'list' | 'replay';

export interface DeadLetter {
  messageId: string;
  /** undefined when the body is not an order event (shown, never replayed with a channel filter). */
  event?: OrderEvent;
  receiveCount?: number;
}

export interface DlqOptions {
  sqs: SQSClient;
  deadLetterQueueUrl: string;
  /** Required for `replay`. */
  queueUrl?: string;
  command: DlqCommand;
  /** Only messages of this channel. */
  channel?: string;
  /** One line per matching message (stdout in the CLI). */
  out?: (line: string) => void;
  /** Where the progress bar is drawn (stderr in the CLI). */
  progress?: ProgressStream;
  /** Long-poll wait per receive; the run ends at the first empty receive. Default 1 s. */
  waitTimeSeconds?: number;
  /** How long messages stay hidden while the run holds them. Default 300 s. */
  holdSeconds?: number;
}

export interface DlqResult {
  /** Messages looked at (matching or not). */
  seen: number;
  /** Messages matching the filter, listed or replayed. */
  matched: DeadLetter[];
  replayed: number;
}

/** A one-line bar redrawn in place on a terminal; elsewhere only the final state is written. */
export function createProgressBar(stream: ProgressStream, label: string, width = 24) {
  let last = '';
  const render = (done: number, total: number) => {
    const of = Math.max(total, done);
    const percent = of === 0 ? 100 : Math.floor((done / of) * 100);
    return `${label} ${bar(done, of, width)} ${done}/${of} ${percent}%`;
  };
  return {
    update(done: number, total: number) {
      last = render(done, total);
      if (stream.isTTY) stream.write(`\r${last}`);
    },
    finish(done: number, total: number) {
      last = render(done, total);
      stream.write(stream.isTTY ? `\r${last}\n` : `${last}\n`);
    },
  };
}

export function parseDeadLetter(message: Message): DeadLetter {
  let event: OrderEvent | undefined;
  try {
    const parsed = orderEventSchema.safeParse(JSON.parse(message.Body ?? ''));
    if (parsed.success) event = parsed.data;
  } catch {
    // not JSON: shown as unreadable
  }
  const receives = Number(message.Attributes?.ApproximateReceiveCount);
  return {
    messageId: message.MessageId ?? '?',
    ...(event ? { event } : {}),
    ...(Number.isFinite(receives) && receives > 0 ? { receiveCount: receives } : {}),
  };
}

export const LIST_HEADER = ['CHANNEL', 'ORDER', 'EVENT ID', 'ATTEMPT', 'RECEIVED AT'].join('\t');

export function formatDeadLetter(d: DeadLetter): string {
  if (!d.event) return `(not an order event: message ${d.messageId})`;
  const e = d.event;
  return [e.channelId, e.orderId, e.eventId, e.attempt, e.receivedAt].join('\t');
}

async function approximateDepth(sqs: SQSClient, queueUrl: string): Promise<number> {
  const attrs = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['ApproximateNumberOfMessages'] }),
  );
  return Number(attrs.Attributes?.ApproximateNumberOfMessages ?? 0);
}

/**
 * Walks the dead-letter queue once. Messages it does not move are held invisible for the run (so each is
 * seen once) and released at the end, so `list` leaves the queue as it found it.
 */
export async function runDlq(options: DlqOptions): Promise<DlqResult> {
  const { sqs, deadLetterQueueUrl, command, channel } = options;
  if (command === 'replay' && !options.queueUrl) {
    throw new ConfigError('ORDER_EVENTS_QUEUE_URL is required to replay (the queue messages go back to)');
  }
  const out = options.out ?? (() => undefined);
  const bar = options.progress
    ? createProgressBar(options.progress, command === 'list' ? 'listing' : 'replaying')
    : undefined;
  const total = await approximateDepth(sqs, deadLetterQueueUrl);
  const held: string[] = [];
  const seenIds = new Set<string>();
  const result: DlqResult = { seen: 0, matched: [], replayed: 0 };

  if (command === 'list') out(LIST_HEADER);
  try {
    for (;;) {
      const received = await sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: deadLetterQueueUrl,
          MaxNumberOfMessages: 10,
          WaitTimeSeconds: options.waitTimeSeconds ?? 1,
          VisibilityTimeout: options.holdSeconds ?? 300,
          MessageSystemAttributeNames: ['ApproximateReceiveCount'],
        }),
      );
      const messages = (received.Messages ?? []).filter((m) => !seenIds.has(m.MessageId ?? ''));
      if (messages.length === 0) break;
      for (const message of messages) {
        seenIds.add(message.MessageId ?? '');
        result.seen++;
        const letter = parseDeadLetter(message);
        const matches = channel === undefined || letter.event?.channelId === channel;
        if (matches) result.matched.push(letter);
        if (command === 'replay' && matches) {
          // Send first, then delete: a crash in between leaves a copy in both queues, and the worker's
          // at-most-once rule drops the second.
          await sqs.send(
            new SendMessageCommand({ QueueUrl: options.queueUrl, MessageBody: message.Body ?? '' }),
          );
          await sqs.send(
            new DeleteMessageCommand({ QueueUrl: deadLetterQueueUrl, ReceiptHandle: message.ReceiptHandle! }),
          );
          result.replayed++;
        } else {
          if (matches) out(formatDeadLetter(letter));
          held.push(message.ReceiptHandle!);
        }
        bar?.update(result.seen, total);
      }
    }
  } finally {
    await release(sqs, deadLetterQueueUrl, held);
  }
  bar?.finish(result.seen, total);
  return result;
}

async function release(sqs: SQSClient, queueUrl: string, handles: string[]): Promise<void> {
  for (let i = 0; i < handles.length; i += 10) {
    const chunk = handles.slice(i, i + 10);
    await sqs.send(
      new ChangeMessageVisibilityBatchCommand({
        QueueUrl: queueUrl,
        Entries: chunk.map((handle, j) => ({ Id: String(j), ReceiptHandle: handle, VisibilityTimeout: 0 })),
      }),
    );
  }
}

export const USAGE = `usage: npm run dlq -- list|replay [--channel <channelId>]

  list     show each dead-lettered order event (channel, order, event id, attempt, first receipt)
  replay   move them back to the order-events queue (attempt and first receipt kept)
  --channel <channelId>   only that channel's messages

environment: DEAD_LETTER_QUEUE_URL, ORDER_EVENTS_QUEUE_URL (replay), SQS_ENDPOINT (local stack)`;

export function parseArgs(argv: readonly string[]): { command: DlqCommand; channel?: string } {
  let command: DlqCommand | undefined;
  let channel: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--channel' || arg.startsWith('--channel=')) {
      const value = arg === '--channel' ? argv[++i] : arg.slice('--channel='.length);
      if (!value) throw new UsageError('--channel needs a channel id');
      channel = value;
    } else if (arg === 'list' || arg === 'replay') {
      if (command) throw new UsageError(`one command only (got ${command} and ${arg})`);
      command = arg;
    } else {
      throw new UsageError(`unknown argument ${JSON.stringify(arg)}`);
    }
  }
  if (!command) throw new UsageError('say list or replay');
  return channel === undefined ? { command } : { command, channel };
}

/** Reads the environment and runs; returns the process exit code. */
export async function main(
  argv: readonly string[],
  env: Record<string, string | undefined>,
  io: ScriptIo,
  makeSqs: (endpoint: string | undefined) => SQSClient = (endpoint) =>
    rt.sqs(rt.createRuntime(endpoint ? { SQS_ENDPOINT: endpoint } : {})),
  tuning: Pick<DlqOptions, 'waitTimeSeconds'> = {},
): Promise<number> {
  return runScript('dlq', USAGE, io, argv, async () => {
    const args = parseArgs(argv);
    const config = loadConfig(env, ['SQS_ENDPOINT']);
    const deadLetterQueueUrl = env.DEAD_LETTER_QUEUE_URL;
    if (!deadLetterQueueUrl) {
      throw new ConfigError(
        'DEAD_LETTER_QUEUE_URL is required (npm start prints it; in AWS see the stack outputs)',
      );
    }
    if (args.command === 'replay' && !env.ORDER_EVENTS_QUEUE_URL) {
      throw new ConfigError('ORDER_EVENTS_QUEUE_URL is required to replay (npm start prints it)');
    }
    const result = await runDlq({
      sqs: makeSqs(config.SQS_ENDPOINT),
      deadLetterQueueUrl,
      ...(env.ORDER_EVENTS_QUEUE_URL ? { queueUrl: env.ORDER_EVENTS_QUEUE_URL } : {}),
      ...args,
      out: io.stdout,
      progress: io.stderr,
      ...tuning,
    });
    const scope = args.channel ? ` for channel ${args.channel}` : '';
    io.stderr.write(
      args.command === 'list'
        ? `${result.matched.length} dead-lettered message(s)${scope}\n`
        : `replayed ${result.replayed} message(s)${scope} to the order-events queue\n`,
    );
    return 0;
  });
}

if (require.main === module) startScript(main);
