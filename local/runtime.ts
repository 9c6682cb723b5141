import type { SQSClient } from '@aws-sdk/client-sqs';
import type { ScheduledEvent, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { HOOK_WORK_BATCH_SIZE, ORDER_WORKER_BATCH_SIZE } from '../functions/common/limits';
import { ROUTES, type FunctionName } from '../functions/common/routes';
import type { HandlerMap } from './handlers';
import { createHttpGateway, type HealthReport } from './http-gateway';
import { invokeHandler, type LambdaHandler } from './lambda-context';
import { describeListenError, stopList, type LocalLog } from './lifecycle';
import { LOOPBACK_ADDRESS } from './loopback';
import type { QueueUrls } from './provision';
import { startScheduler, type Scheduler } from './scheduler';
import { startSqsPoller, type SqsPoller } from './sqs-poller';

/**
 * What runs the wired functions as Lambda would, each with its timeout: an API Gateway-like HTTP server,
 * SQS pollers (the event source mappings of the order-events and hook-work queues) and the schedule.
 * The server listens first and answers 503 until `run` has the handlers.
 */

/**
 * hook-manager's event source mapping: one shard or catch-up per invocation, as in AWS; four at a time
 * rather than AWS's HOOK_WORK_MAX_CONCURRENCY (10), since here every invocation shares one process with
 * the stand-ins (the bench runs the AWS figure).
 */
export const HOOK_WORK_CONCURRENCY = 4;

export interface PollerSettings {
  /** Overrides the queue's visibility timeout for received records (seconds). */
  visibilityTimeoutSeconds?: number;
  /** Long-poll wait (seconds). Default 20. */
  waitTimeSeconds?: number;
  batchSize?: number;
  concurrency?: number;
}

export interface RunOptions {
  handlers: HandlerMap;
  sqs: SQSClient;
  queues: QueueUrls;
  /** The order-events poller; the hook-work poller takes only waitTimeSeconds from it. */
  poller: PollerSettings;
  scheduler: { intervalSeconds: number; initialDelayMs: number };
  /** Live state of the stand-ins for /health. */
  checkStandIns: () => Promise<Record<string, string>>;
}

export interface Consumers {
  poller: SqsPoller;
  hookPoller: SqsPoller;
  scheduler: Scheduler;
}

type Invoke = <E, R>(name: FunctionName, event: E) => Promise<R>;

const defined = <T extends object>(o: T) =>
  Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;

const starting = () =>
  ({
    statusCode: 503,
    headers: { 'content-type': 'application/json', 'retry-after': '1' },
    body: JSON.stringify({ errors: [{ message: 'Service Unavailable: the local stack is starting' }] }),
  }) as const;

/** The event source mappings (order-events → order-worker, hook-work → hook-manager) and the schedule. */
async function startConsumers(
  invoke: Invoke,
  o: RunOptions,
  context: {
    region: string;
    hookManagerTimeoutMs: number;
    log: LocalLog;
    stops: ReturnType<typeof stopList>;
  },
): Promise<Consumers> {
  const { region, log, stops } = context;
  const onError = (message: string, error: unknown) => log.error(message, error);
  const sqsInvoker = (name: FunctionName) => (event: SQSEvent) =>
    invoke<SQSEvent, SQSBatchResponse | undefined>(name, event);
  const poller = startSqsPoller({
    sqs: o.sqs,
    queueUrl: o.queues.queueUrl,
    region,
    handler: sqsInvoker('order-worker'),
    batchSize: ORDER_WORKER_BATCH_SIZE,
    ...defined(o.poller),
    onError,
  });
  stops.add('sqs poller', () => poller.stop());
  const hookPoller = startSqsPoller({
    sqs: o.sqs,
    queueUrl: o.queues.hookWorkQueueUrl,
    region,
    handler: sqsInvoker('hook-manager'),
    batchSize: HOOK_WORK_BATCH_SIZE,
    concurrency: HOOK_WORK_CONCURRENCY,
    // As in AWS: a record stays hidden while hook-manager may still be working on it.
    visibilityTimeoutSeconds: Math.ceil(context.hookManagerTimeoutMs / 1000),
    ...(o.poller.waitTimeSeconds !== undefined ? { waitTimeSeconds: o.poller.waitTimeSeconds } : {}),
    names: { functionName: 'hook-manager', queueName: 'hook-work' },
    onError,
  });
  stops.add('hook-work poller', () => hookPoller.stop());
  await Promise.all([poller.ready, hookPoller.ready]);

  const scheduler = startScheduler({
    ...o.scheduler,
    region,
    invoke: (event: ScheduledEvent) => invoke('hook-manager', event),
    onError,
    onSkip: () => log.info('scheduled hook-manager run skipped: the previous run is still going'),
  });
  stops.add('scheduler', () => scheduler.stop());
  return { poller, hookPoller, scheduler };
}

export function createLocalRuntime(options: {
  region: string;
  timeoutsMs: Record<FunctionName, number>;
  /** /health's parts and their state; the stand-ins' are set through `setPart`. */
  parts: Record<string, string>;
  log: LocalLog;
}) {
  const { region, timeoutsMs, log } = options;
  const parts: Record<string, string> = {
    ...options.parts,
    handlers: 'starting',
    poller: 'starting',
    scheduler: 'starting',
  };
  const stops = stopList(log);
  let handlers: HandlerMap | undefined;
  let ready = false;
  let liveChecks: () => Promise<Record<string, string>> = async () => ({});

  const invoke = <E, R>(name: FunctionName, event: E): Promise<R> => {
    if (!handlers) return Promise.reject(new Error(`${name} is not wired yet`));
    return invokeHandler(handlers[name] as LambdaHandler<E, R>, event, {
      functionName: name,
      timeoutMs: timeoutsMs[name],
      region,
    });
  };

  const health = async (): Promise<HealthReport> => {
    const report = { ...parts, ...(ready ? await liveChecks() : {}) };
    return { ok: ready && Object.values(report).every((s) => s === 'ok' || s === 'external'), parts: report };
  };

  const gateway = createHttpGateway({
    routes: ROUTES,
    health,
    invoke: async (target, event) => (ready ? invoke(target, event) : starting()),
    onError: (message, error) => log.error(message, error),
  });

  /** The pollers and the schedule, once the handlers are wired; then the stack is ready. */
  async function run(o: RunOptions): Promise<Consumers> {
    handlers = o.handlers;
    parts.handlers = 'ok';
    const consumers = await startConsumers(invoke, o, {
      region,
      hookManagerTimeoutMs: timeoutsMs['hook-manager'],
      log,
      stops,
    });
    parts.poller = 'ok';
    parts.scheduler = 'ok';
    const { poller, hookPoller } = consumers;
    liveChecks = async () => ({
      ...(await o.checkStandIns()),
      poller: poller.healthy() && hookPoller.healthy() ? 'ok' : 'failing (see the log)',
    });
    ready = true;
    return consumers;
  }

  return {
    invoke,
    health,
    setPart: (name: string, state: string) => void (parts[name] = state),
    /** Listens on the API port (0: any free one); a port in use is a PortInUseError naming PORT. */
    async listen(port: number): Promise<number> {
      try {
        return await gateway.listen(port, LOOPBACK_ADDRESS);
      } catch (error) {
        throw describeListenError('API', 'PORT', port, error);
      }
    },
    run,
    /** Stops taking requests first, then the schedule and the pollers. */
    async stop(): Promise<void> {
      ready = false;
      await gateway.close();
      await stops.stopAll();
    },
  };
}
