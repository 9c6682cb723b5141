/**
 * Child process of bench/ingest.ts: hosts ONE handler (the real wired webhook-ingest, or the bare
 * forwarder) and drives it in-process on command, so neither handler pays for what the other loads,
 * allocates or leaves running — as in Lambda, where each function has its own container. Talks to the
 * parent over the IPC channel of `fork`.
 */
import * as rt from '../functions/common/runtime';
import './esm-interop';
import { performance } from 'node:perf_hooks';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
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
  /** One request at a time with SendMessage stubbed: main-thread CPU per request (section 9). */
  | { type: 'cpu'; count: number; firstId: number }
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
  | {
      type: 'cpu-done';
      count: number;
      cpuMicros: number;
      statuses: Record<string, number>;
      stubbedSends: number;
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

/**
 * SendMessage stubbed the same way in both drivers (whatever client a handler built): the CPU harness
 * measures the handler, not the SDK's HTTP round trip, which is the same call on both sides. Only
 * `cpu` runs switch it on; the latency runs go to the real (local) queue.
 */
let stubSends = false;
let stubbedSends = 0;
const realSend = SQSClient.prototype.send;
const STUB_OUTPUT = Object.freeze({ MessageId: '00000000-0000-4000-8000-000000000000', $metadata: {} });
SQSClient.prototype.send = function (this: SQSClient, ...args: unknown[]) {
  if (!stubSends) return (realSend as (...a: unknown[]) => unknown).apply(this, args);
  stubbedSends++;
  return Promise.resolve(STUB_OUTPUT);
} as typeof SQSClient.prototype.send;

/** Main-thread CPU (µs): GC helpers and the libuv pool are not the handler's. */
const threadCpu = () => {
  const u = process.threadCpuUsage();
  return u.user + u.system;
};

async function init(mode: 'real' | 'bare', env: Record<string, string>): Promise<ApiHandler> {
  Object.assign(process.env, env);
  if (mode === 'real') {
    const { wire } = await import('../functions/webhook-ingest/handler');
    return wire(process.env) as unknown as ApiHandler;
  }
  // The baseline: what any forwarder does at least — parse, then forward the callback in one SendMessage.
  const sqs = rt.sqs(rt.createRuntime({ SQS_ENDPOINT: env.SQS_ENDPOINT }));
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

async function cpu(count: number, firstId: number): Promise<FromDriver> {
  if (!handler || !channel) throw new Error('cpu before init');
  const h = handler;
  const c = channel;
  const events = Array.from({ length: count }, (_, i) =>
    webhookEvent({ ...c, orderId: 100_000 + firstId + i, webhookId: `msg_cpu_${firstId + i}` }),
  );
  const contexts = events.map(() => fakeContext('webhook-ingest'));
  const statuses: Record<string, number> = {};
  const sendsBefore = stubbedSends;
  stubSends = true;
  try {
    const before = threadCpu();
    for (let i = 0; i < count; i++) {
      const answer = await h(events[i]!, contexts[i]!);
      statuses[answer.statusCode] = (statuses[answer.statusCode] ?? 0) + 1;
    }
    const cpuMicros = threadCpu() - before;
    return { type: 'cpu-done', count, cpuMicros, statuses, stubbedSends: stubbedSends - sendsBefore };
  } finally {
    stubSends = false;
  }
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
      } else if (message.type === 'cpu') {
        send(await cpu(message.count, message.firstId));
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
