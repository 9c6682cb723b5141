import {
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  type Message,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { LOCAL_REGION } from './lambda-context';

/**
 * Lambda's SQS event source mapping, locally: long-poll the queue, hand batches of up to 10 records to the
 * function, then (ReportBatchItemFailures) delete only the records the function did not list as failed.
 * A failed record stays on the queue and comes back after the visibility timeout; a function that throws
 * (or answers with an unknown itemIdentifier) fails the whole batch, so nothing is deleted. Moving a
 * record that failed maxReceiveCount times to the dead-letter queue is the queue's own redrive policy.
 */

export interface SqsPollerOptions {
  sqs: SQSClient;
  queueUrl: string;
  handler: (event: SQSEvent) => Promise<SQSBatchResponse | void | undefined | null>;
  /** Records per invocation (Lambda: 1–10). Default 10. */
  batchSize?: number;
  /** Long-poll wait per ReceiveMessage. Default 20 (the SQS maximum, as Lambda uses). */
  waitTimeSeconds?: number;
  /** Overrides the queue's visibility timeout for received records (tests use ~1 s). */
  visibilityTimeoutSeconds?: number;
  /** Parallel pollers, each invoking the function for its own batches. Default 2. */
  concurrency?: number;
  region?: string;
  /** For the log lines. Default order-worker polling order-events. */
  names?: { functionName: string; queueName: string };
  onError?: (message: string, error: unknown) => void;
}

export interface SqsPoller {
  /** Resolves once the queue ARN is known and the pollers run. */
  readonly ready: Promise<void>;
  /** True while polling works (the last receive did not fail). */
  healthy(): boolean;
  /** Stops receiving, lets batches in flight finish, then resolves. */
  stop(): Promise<void>;
}

/** Turns received messages into the records Lambda passes to the function. */
export function toSqsRecords(messages: Message[], queueArn: string, region: string): SQSRecord[] {
  return messages.map((m) => ({
    messageId: m.MessageId!,
    receiptHandle: m.ReceiptHandle!,
    body: m.Body ?? '',
    attributes: {
      ApproximateReceiveCount: m.Attributes?.ApproximateReceiveCount ?? '1',
      SentTimestamp: m.Attributes?.SentTimestamp ?? String(Date.now()),
      SenderId: m.Attributes?.SenderId ?? '',
      ApproximateFirstReceiveTimestamp: m.Attributes?.ApproximateFirstReceiveTimestamp ?? String(Date.now()),
      ...(m.Attributes?.MessageGroupId ? { MessageGroupId: m.Attributes.MessageGroupId } : {}),
      ...(m.Attributes?.MessageDeduplicationId
        ? { MessageDeduplicationId: m.Attributes.MessageDeduplicationId }
        : {}),
      ...(m.Attributes?.SequenceNumber ? { SequenceNumber: m.Attributes.SequenceNumber } : {}),
    },
    // Lambda lower-cases the value field names (stringValue, dataType…).
    messageAttributes: Object.fromEntries(
      Object.entries(m.MessageAttributes ?? {}).map(([name, v]) => [
        name,
        {
          dataType: v.DataType ?? 'String',
          ...(v.StringValue !== undefined ? { stringValue: v.StringValue } : {}),
          ...(v.BinaryValue !== undefined
            ? { binaryValue: Buffer.from(v.BinaryValue).toString('base64') }
            : {}),
          stringListValues: [],
          binaryListValues: [],
        },
      ]),
    ),
    md5OfBody: m.MD5OfBody ?? '',
    eventSource: 'aws:sqs',
    eventSourceARN: queueArn,
    awsRegion: region,
  }));
}

/**
 * Which records to delete after an invocation. `undefined` means "delete nothing" (the whole batch failed):
 * a thrown error, or a response naming an itemIdentifier that is not in the batch, as Lambda treats it.
 */
export function recordsToDelete(
  records: SQSRecord[],
  outcome: { response?: unknown; threw: boolean },
): SQSRecord[] | undefined {
  if (outcome.threw) return undefined;
  const response = outcome.response as { batchItemFailures?: unknown } | null | undefined;
  if (response === null || response === undefined || response.batchItemFailures === undefined) return records;
  if (!Array.isArray(response.batchItemFailures)) return undefined;
  const ids = new Set(records.map((r) => r.messageId));
  const failed = new Set<string>();
  for (const item of response.batchItemFailures as unknown[]) {
    const id = (item as { itemIdentifier?: unknown } | null)?.itemIdentifier;
    if (typeof id !== 'string' || !ids.has(id)) return undefined;
    failed.add(id);
  }
  return records.filter((r) => !failed.has(r.messageId));
}

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(resolve, ms);
    signal.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        resolve();
      },
      { once: true },
    );
  });

export function startSqsPoller(options: SqsPollerOptions): SqsPoller {
  const batchSize = Math.min(10, Math.max(1, options.batchSize ?? 10));
  const waitTimeSeconds = options.waitTimeSeconds ?? 20;
  const concurrency = Math.max(1, options.concurrency ?? 2);
  const region = options.region ?? LOCAL_REGION;
  const onError = options.onError ?? (() => undefined);
  const { functionName, queueName } = options.names ?? {
    functionName: 'order-worker',
    queueName: 'order-events',
  };
  const abort = new AbortController();
  let lastReceiveFailed = false;
  let loops: Promise<void>[] = [];

  async function pollOnce(queueArn: string): Promise<void> {
    const received = await options.sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: options.queueUrl,
        MaxNumberOfMessages: batchSize,
        WaitTimeSeconds: waitTimeSeconds,
        ...(options.visibilityTimeoutSeconds !== undefined
          ? { VisibilityTimeout: options.visibilityTimeoutSeconds }
          : {}),
        MessageSystemAttributeNames: ['All'],
        MessageAttributeNames: ['All'],
      }),
      { abortSignal: abort.signal },
    );
    lastReceiveFailed = false;
    const messages = received.Messages ?? [];
    if (messages.length === 0) return;
    const records = toSqsRecords(messages, queueArn, region);
    let outcome: { response?: unknown; threw: boolean };
    try {
      outcome = { response: await options.handler({ Records: records }), threw: false };
    } catch (error) {
      onError(`${functionName} invocation failed; the whole batch will be retried`, error);
      outcome = { threw: true };
    }
    const toDelete = recordsToDelete(records, outcome);
    if (!toDelete || toDelete.length === 0) return;
    // Not tied to the abort signal: a finished batch is acknowledged even while stopping.
    const deleted = await options.sqs.send(
      new DeleteMessageBatchCommand({
        QueueUrl: options.queueUrl,
        Entries: toDelete.map((r, i) => ({ Id: String(i), ReceiptHandle: r.receiptHandle })),
      }),
    );
    if (deleted.Failed && deleted.Failed.length > 0) {
      onError('some processed records could not be deleted and will be delivered again', deleted.Failed);
    }
  }

  async function loop(queueArn: string): Promise<void> {
    while (!abort.signal.aborted) {
      try {
        await pollOnce(queueArn);
      } catch (error) {
        if (abort.signal.aborted) return;
        lastReceiveFailed = true;
        onError(`polling the ${queueName} queue failed; retrying in 1 s`, error);
        await sleep(1000, abort.signal);
      }
    }
  }

  const ready = (async () => {
    const attrs = await options.sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: options.queueUrl, AttributeNames: ['QueueArn'] }),
      { abortSignal: abort.signal },
    );
    const queueArn = attrs.Attributes?.QueueArn ?? options.queueUrl;
    loops = Array.from({ length: concurrency }, () => loop(queueArn));
  })();
  ready.catch(() => undefined);

  return {
    ready,
    healthy: () => !abort.signal.aborted && !lastReceiveFailed,
    async stop() {
      abort.abort();
      await ready.catch(() => undefined);
      await Promise.all(loops);
    },
  };
}
