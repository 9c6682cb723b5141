/**
 * Child process of bench/ingest.ts: hosts ONE handler (the real wired webhook-ingest, or the bare
 * forwarder) and drives it in-process on command, so neither handler pays for what the other loads,
 * allocates or leaves running — as in Lambda, where each function has its own container. Talks to the
 * parent over the IPC channel of `fork`.
 */
import './esm-interop';
import { performance } from 'node:perf_hooks';
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { sqsClient } from '../functions/adapters/aws-clients';
import { fakeContext, webhookEvent } from './lambda';
import { pool } from './report';

type ApiHandler = (event: APIGatewayProxyEventV2, context: Context) => Promise<{ statusCode: number }>;

export interface DriverChannel {
  channelId: string;
  storeHash: string;
  webhookToken: string;
  clientSecret: string;
}

export type ToDriver =
  | { type: 'init'; mode: 'real' | 'bare'; env: Record<string, string>; channel: DriverChannel }
  | { type: 'run'; count: number; concurrency: number; firstId: number }
  | { type: 'exit' };

export type FromDriver =
  | { type: 'ready' }
  | {
      type: 'done';
      latenciesMs: number[];
      elapsedMs: number;
      statuses: Record<string, number>;
      cpuMicros: number;
      stdoutBytes: number;
    }
  | { type: 'error'; message: string };

let handler: ApiHandler | undefined;
let channel: DriverChannel | undefined;
let stdoutBytes = 0;

// Logs and EMF metrics still get written (the child's stdout is /dev/null); count them for the report.
const write = process.stdout.write.bind(process.stdout);
process.stdout.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
  stdoutBytes += typeof chunk === 'string' ? Buffer.byteLength(chunk) : chunk.length;
  return (write as (...a: unknown[]) => boolean)(chunk, ...rest);
}) as typeof process.stdout.write;

const send = (message: FromDriver) => process.send?.(message);

async function init(mode: 'real' | 'bare', env: Record<string, string>): Promise<ApiHandler> {
  Object.assign(process.env, env);
  if (mode === 'real') {
    const { wire } = await import('../functions/webhook-ingest/handler');
    return wire(process.env) as unknown as ApiHandler;
  }
  // The baseline: what any forwarder does at least — parse, then forward the callback in one SendMessage.
  const sqs = sqsClient({ SQS_ENDPOINT: env.SQS_ENDPOINT });
  const queueUrl = env.ORDER_EVENTS_QUEUE_URL;
  return async (event) => {
    const callback: unknown = JSON.parse(event.body ?? '');
    await sqs.send(
      new SendMessageCommand({
        QueueUrl: queueUrl,
        MessageBody: JSON.stringify({
          channelId: event.pathParameters?.channelId,
          receivedAt: new Date().toISOString(),
          callback,
        }),
      }),
    );
    return { statusCode: 200 };
  };
}

async function run(count: number, concurrency: number, firstId: number): Promise<FromDriver> {
  if (!handler || !channel) throw new Error('run before init');
  const h = handler;
  const c = channel;
  // Signing is BigCommerce's work, not the handler's: done before the clock starts.
  const events = Array.from({ length: count }, (_, i) =>
    webhookEvent({ ...c, orderId: 100_000 + firstId + i, webhookId: `msg_bench_${firstId + i}` }),
  );
  const statuses: Record<string, number> = {};
  const bytesBefore = stdoutBytes;
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  const latenciesMs = await pool(count, concurrency, async (i) => {
    const t0 = performance.now();
    const answer = await h(events[i]!, fakeContext('webhook-ingest'));
    const t1 = performance.now();
    statuses[answer.statusCode] = (statuses[answer.statusCode] ?? 0) + 1;
    return t1 - t0;
  });
  const elapsedMs = performance.now() - started;
  const cpu = process.cpuUsage(cpuBefore);
  return {
    type: 'done',
    latenciesMs,
    elapsedMs,
    statuses,
    cpuMicros: cpu.user + cpu.system,
    stdoutBytes: stdoutBytes - bytesBefore,
  };
}

process.on('message', (message: ToDriver) => {
  void (async () => {
    try {
      if (message.type === 'init') {
        channel = message.channel;
        handler = await init(message.mode, message.env);
        send({ type: 'ready' });
      } else if (message.type === 'run') {
        send(await run(message.count, message.concurrency, message.firstId));
      } else {
        process.exit(0);
      }
    } catch (error) {
      send({
        type: 'error',
        message: error instanceof Error ? (error.stack ?? error.message) : String(error),
      });
    }
  })();
});
// The parent went away: do not linger.
process.on('disconnect', () => process.exit(0));
