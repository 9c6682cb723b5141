import { mkdir } from 'node:fs/promises';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { DescribeTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetQueueAttributesCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { ScheduledEvent, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { CHANNEL_EVENTS_SOURCE, CHANNEL_SETTINGS_CHANGED } from '../functions/adapters/channel-events';
import { ENV_DEFAULTS } from '../functions/common/config';
import { ROUTES, type FunctionName } from '../functions/common/routes';
import * as rt from '../functions/common/runtime';
import {
  FUNCTION_TIMEOUTS_MS,
  wireHandlers,
  type Env,
  type HandlerMap,
  type HandlerModuleLoader,
} from './handlers';
import { lockDataDir } from './data-lock';
import { createHttpGateway, type HealthReport } from './http-gateway';
import { startEventBus, type EventBusShim } from './event-bus';
import { invokeHandler, LOCAL_REGION, type LambdaHandler } from './lambda-context';
import {
  DEFAULT_DATA_DIR,
  DEFAULT_PORT,
  DEFAULT_SANDBOX_PORT,
  validateLocalEnv,
  type LocalEnv,
} from './options';
import {
  ensureQueues,
  ensureTables,
  resourceEnv,
  tableNames,
  type QueueUrls,
  type TableNames,
} from './provision';
import { startScheduler, type Scheduler } from './scheduler';
import type { Sandbox } from './sandbox/server';
import { startSqsPoller, type SqsPoller } from './sqs-poller';
import { LOOPBACK_ADDRESS, onLoopbackOnly } from './loopback';

/**
 * The whole system on one machine (docs/contract.md section 7): DynamoDB on dynalite, SQS on fauxqs, the
 * BigCommerce sandbox, an EventBridge PutEvents shim, and the four functions wired with `wire(env)` behind
 * an API Gateway-like HTTP server, an SQS poller and a schedule. Each stand-in is only started when no
 * endpoint for it is given, so tests can point the stack at shared stand-ins.
 */

export interface LocalLog {
  info(message: string): void;
  error(message: string, error?: unknown): void;
}

export interface PollerSettings {
  /** Overrides the queue's visibility timeout for received records (seconds). */
  visibilityTimeoutSeconds?: number;
  /** Long-poll wait (seconds). Default 20. */
  waitTimeSeconds?: number;
  batchSize?: number;
  concurrency?: number;
}

export interface LocalStackOptions {
  /** The API port; 0 picks a free one. Default 3000. */
  port?: number;
  /** The embedded sandbox's port (0 = any free one). Default 3100. Unused when BIGCOMMERCE_API_URL is set. */
  sandboxPort?: number;
  /** Keep nothing on disk. */
  memory?: boolean;
  /** Where dynalite and fauxqs keep data. Default `.local`. */
  dataDir?: string;
  /** docs/contract.md section 7 variables (DEFER_*, HOOK_VERIFY_INTERVAL_SECONDS, *_ENDPOINT, …). */
  env?: LocalEnv;
  /** Prefix for table and queue names (tests share stand-ins). Default none. */
  prefix?: string;
  pollerOptions?: PollerSettings;
  /** Delay before the first scheduled hook-manager run. Default 1000 ms. */
  schedulerInitialDelayMs?: number;
  /** Sandbox rate limiting (BigCommerce's 429s). Default on. */
  sandboxRateLimit?: boolean;
  /** Stand-in handlers (tests); the others are wired from functions/<name>/handler.ts. */
  handlers?: Partial<HandlerMap>;
  loadHandlerModule?: HandlerModuleLoader;
  functionTimeoutsMs?: Partial<Record<FunctionName, number>>;
  log?: LocalLog;
}

export interface LocalStack {
  /** The API base URL, e.g. http://127.0.0.1:3000. */
  url: string;
  port: number;
  /** The embedded sandbox; undefined when BIGCOMMERCE_API_URL points elsewhere. */
  sandboxUrl?: string;
  sandbox?: Sandbox;
  /** The environment the handlers were wired with (tables, queue URLs, endpoints…). */
  env: Record<string, string>;
  /** Where data is kept; undefined with `memory`. */
  dataDir?: string;
  tables: TableNames;
  queues: QueueUrls;
  endpoints: { dynamodb: string; sqs: string; eventBridge: string };
  clients: { dynamodb: DynamoDBClient; sqs: SQSClient };
  eventBus: EventBusShim;
  poller: SqsPoller;
  scheduler: Scheduler;
  handlers: HandlerMap;
  health(): Promise<HealthReport>;
  stop(): Promise<void>;
}

export const consoleLog: LocalLog = {
  info: (message) => console.log(`[local] ${message}`),
  error: (message, error) =>
    console.error(
      `[local] ${message}${error === undefined ? '' : `: ${error instanceof Error ? (error.stack ?? error.message) : JSON.stringify(error)}`}`,
    ),
};

type Stopper = () => Promise<void>;

async function startDynalite(path: string | undefined): Promise<{ endpoint: string; stop: Stopper }> {
  const { default: dynalite } = await import('dynalite');
  if (path) await mkdir(path, { recursive: true });
  const server: Server = dynalite({
    ...(path ? { path } : {}),
    createTableMs: 0,
    deleteTableMs: 0,
    updateTableMs: 0,
  });
  await new Promise<void>((ok, fail) => {
    server.once('error', fail);
    server.listen(0, LOOPBACK_ADDRESS, () => {
      server.off('error', fail);
      ok();
    });
  });
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    stop: () =>
      new Promise<void>((ok) => {
        // dynalite's close() also closes LevelDB, so the data directory is released for the next start.
        server.close(() => ok());
        server.closeAllConnections();
      }),
  };
}

async function startEmbeddedSqs(dataDir: string | undefined): Promise<{ endpoint: string; stop: Stopper }> {
  // fauxqs is ESM-only: imported only when it is actually needed (never under Jest's CommonJS).
  const { startFauxqs } = await import('fauxqs');
  if (dataDir) await mkdir(dataDir, { recursive: true });
  // fauxqs ignores its host option and listens on 0.0.0.0: forced onto loopback here.
  const server = await onLoopbackOnly(() =>
    startFauxqs({ port: 0, host: LOOPBACK_ADDRESS, logger: false, ...(dataDir ? { dataDir } : {}) }),
  );
  return { endpoint: server.address, stop: () => server.stop() };
}

async function startEmbeddedSandbox(
  port: number,
  timeScale: number,
  rateLimit: boolean,
  log: LocalLog,
): Promise<Sandbox> {
  // Imported lazily: a stack pointed at another BigCommerce never loads the sandbox.
  const { startSandbox } = await import('./sandbox/server');
  return startSandbox({
    port,
    timeScale,
    ...(rateLimit ? {} : { rateLimit: false }),
    log: (line) => log.info(`sandbox: ${line}`),
  });
}

/** Node's "address in use" error, rewritten as one line that names the setting to change. */
export class PortInUseError extends Error {
  override name = 'PortInUseError';
}

const describeListenError = (what: string, variable: string, port: number, error: unknown) =>
  (error as NodeJS.ErrnoException)?.code === 'EADDRINUSE'
    ? new PortInUseError(`${what} port ${port} is already in use (set ${variable} to another port)`)
    : error;

export async function startLocalStack(options: LocalStackOptions = {}): Promise<LocalStack> {
  const log = options.log ?? consoleLog;
  const env = options.env ?? {};
  validateLocalEnv(env);
  const region = process.env.AWS_REGION ?? LOCAL_REGION;
  const memory = options.memory ?? false;
  const dataDir = memory ? undefined : resolve(options.dataDir ?? DEFAULT_DATA_DIR);
  const requestedPort = options.port ?? DEFAULT_PORT;
  const timeouts = { ...FUNCTION_TIMEOUTS_MS, ...options.functionTimeoutsMs };
  const stoppers: Array<{ name: string; stop: Stopper }> = [];
  const parts: Record<string, string> = {
    dynamodb: 'starting',
    sqs: 'starting',
    sandbox: env.BIGCOMMERCE_API_URL ? 'external' : 'starting',
    'event-bus': 'starting',
    handlers: 'starting',
    poller: 'starting',
    scheduler: 'starting',
  };
  let handlers: HandlerMap | undefined;
  let ready = false;

  const invoke = <E, R>(name: FunctionName, event: E): Promise<R> => {
    if (!handlers) return Promise.reject(new Error(`${name} is not wired yet`));
    return invokeHandler(handlers[name] as LambdaHandler<E, R>, event, {
      functionName: name,
      timeoutMs: timeouts[name],
      region,
    });
  };

  let liveChecks: () => Promise<Record<string, string>> = async () => ({});
  const health = async (): Promise<HealthReport> => {
    const live = ready ? await liveChecks() : {};
    const report = { ...parts, ...live };
    return { ok: ready && Object.values(report).every((s) => s === 'ok' || s === 'external'), parts: report };
  };

  const gateway = createHttpGateway({
    routes: ROUTES,
    health,
    invoke: async (target, event) =>
      ready
        ? invoke(target, event)
        : {
            statusCode: 503,
            headers: { 'content-type': 'application/json', 'retry-after': '1' },
            body: JSON.stringify({
              errors: [{ message: 'Service Unavailable: the local stack is starting' }],
            }),
          },
    onError: (message, error) => log.error(message, error),
  });

  async function stopAll(): Promise<void> {
    ready = false;
    // Stop taking requests first, then stop the parts in the reverse order of starting.
    await gateway.close();
    for (const { name, stop } of stoppers.reverse()) {
      try {
        await stop();
      } catch (error) {
        log.error(`stopping ${name} failed`, error);
      }
    }
    stoppers.length = 0;
  }

  try {
    // The API port first: a port in use fails before anything else starts.
    let port: number;
    try {
      port = await gateway.listen(requestedPort, LOOPBACK_ADDRESS);
    } catch (error) {
      throw describeListenError('API', 'PORT', requestedPort, error);
    }
    const url = `http://127.0.0.1:${port}`;

    if (dataDir && (!env.DYNAMODB_ENDPOINT || !env.SQS_ENDPOINT)) {
      const unlock = await lockDataDir(dataDir);
      stoppers.push({ name: 'data directory lock', stop: unlock });
    }

    const [dynamo, sqs, sandbox] = await Promise.all([
      env.DYNAMODB_ENDPOINT
        ? Promise.resolve({
            endpoint: env.DYNAMODB_ENDPOINT.replace(/\/+$/, ''),
            stop: async () => undefined,
          })
        : startDynalite(dataDir && join(dataDir, 'dynamodb')).then((d) => {
            stoppers.push({ name: 'dynalite', stop: d.stop });
            return d;
          }),
      env.SQS_ENDPOINT
        ? Promise.resolve({ endpoint: env.SQS_ENDPOINT.replace(/\/+$/, ''), stop: async () => undefined })
        : startEmbeddedSqs(dataDir && join(dataDir, 'sqs')).then((s) => {
            stoppers.push({ name: 'fauxqs', stop: s.stop });
            return s;
          }),
      env.BIGCOMMERCE_API_URL
        ? Promise.resolve(undefined)
        : startEmbeddedSandbox(
            options.sandboxPort ?? DEFAULT_SANDBOX_PORT,
            Number(env.SANDBOX_TIME_SCALE ?? '1'),
            options.sandboxRateLimit ?? true,
            log,
          ).then(
            (sb) => {
              stoppers.push({ name: 'sandbox', stop: () => sb.stop() });
              parts.sandbox = 'ok';
              return sb;
            },
            (error: unknown) => {
              throw describeListenError(
                'sandbox',
                'SANDBOX_PORT',
                options.sandboxPort ?? DEFAULT_SANDBOX_PORT,
                error,
              );
            },
          ),
    ]);

    const clientsRuntime = rt.createRuntime({
      DYNAMODB_ENDPOINT: dynamo.endpoint,
      SQS_ENDPOINT: sqs.endpoint,
    });
    const dynamodb = rt.dynamo(clientsRuntime);
    const sqsClient = rt.sqs(clientsRuntime);
    stoppers.push({
      name: 'sdk clients',
      stop: async () => {
        dynamodb.destroy();
        sqsClient.destroy();
      },
    });

    const tables = tableNames(options.prefix ?? '');
    const [, queues] = await Promise.all([
      ensureTables(dynamodb, tables).then(() => {
        parts.dynamodb = 'ok';
      }),
      ensureQueues(sqsClient, options.prefix ?? '').then((q) => {
        parts.sqs = 'ok';
        return q;
      }),
    ]);

    // Deliveries go to hook-manager once it is wired; the shim must exist first for EVENTBRIDGE_ENDPOINT.
    const eventBus = await startEventBus({
      region,
      rules: [
        {
          source: CHANNEL_EVENTS_SOURCE,
          detailType: CHANNEL_SETTINGS_CHANGED,
          target: (event) => invoke('hook-manager', event),
        },
      ],
      onError: (message, error) => log.error(message, error),
    });
    stoppers.push({ name: 'event bus', stop: () => eventBus.stop() });
    parts['event-bus'] = 'ok';

    const handlerEnv: Record<string, string> = {
      AWS_REGION: region,
      ...resourceEnv({ dynamoEndpoint: dynamo.endpoint, sqsEndpoint: sqs.endpoint, tables, queues }),
      EVENT_BUS_NAME: 'default',
      BIGCOMMERCE_API_URL: (env.BIGCOMMERCE_API_URL ?? sandbox!.url).replace(/\/+$/, ''),
      WEBHOOK_BASE_URL: (env.WEBHOOK_BASE_URL ?? url).replace(/\/+$/, ''),
      HOOK_VERIFY_INTERVAL_SECONDS:
        env.HOOK_VERIFY_INTERVAL_SECONDS ?? String(ENV_DEFAULTS.HOOK_VERIFY_INTERVAL_SECONDS),
      ...(env.DEFER_DELAYS_SECONDS ? { DEFER_DELAYS_SECONDS: env.DEFER_DELAYS_SECONDS } : {}),
      ...(env.DEFER_MAX_AGE_SECONDS ? { DEFER_MAX_AGE_SECONDS: env.DEFER_MAX_AGE_SECONDS } : {}),
      EVENTBRIDGE_ENDPOINT: eventBus.url,
      POWERTOOLS_METRICS_DISABLED: process.env.POWERTOOLS_METRICS_DISABLED ?? 'true',
      POWERTOOLS_LOG_LEVEL: (
        env.POWERTOOLS_LOG_LEVEL ??
        process.env.POWERTOOLS_LOG_LEVEL ??
        'INFO'
      ).toUpperCase(),
    };
    // Powertools reads its settings from process.env (not from wire's env); fill in what the user left unset.
    for (const key of ['POWERTOOLS_METRICS_DISABLED', 'POWERTOOLS_LOG_LEVEL'])
      process.env[key] ??= handlerEnv[key];

    handlers = await wireHandlers(handlerEnv as Env, options.handlers, options.loadHandlerModule);
    parts.handlers = 'ok';

    const poll = options.pollerOptions ?? {};
    const poller = startSqsPoller({
      sqs: sqsClient,
      queueUrl: queues.queueUrl,
      region,
      handler: (event: SQSEvent) => invoke<SQSEvent, SQSBatchResponse | undefined>('order-worker', event),
      ...(poll.batchSize !== undefined ? { batchSize: poll.batchSize } : {}),
      ...(poll.waitTimeSeconds !== undefined ? { waitTimeSeconds: poll.waitTimeSeconds } : {}),
      ...(poll.visibilityTimeoutSeconds !== undefined
        ? { visibilityTimeoutSeconds: poll.visibilityTimeoutSeconds }
        : {}),
      ...(poll.concurrency !== undefined ? { concurrency: poll.concurrency } : {}),
      onError: (message, error) => log.error(message, error),
    });
    stoppers.push({ name: 'sqs poller', stop: () => poller.stop() });
    await poller.ready;
    parts.poller = 'ok';

    const scheduler = startScheduler({
      intervalSeconds: Number(handlerEnv.HOOK_VERIFY_INTERVAL_SECONDS),
      initialDelayMs: options.schedulerInitialDelayMs ?? 1000,
      region,
      invoke: (event: ScheduledEvent) => invoke('hook-manager', event),
      onError: (message, error) => log.error(message, error),
      onSkip: () => log.info('scheduled hook-manager run skipped: the previous run is still going'),
    });
    stoppers.push({ name: 'scheduler', stop: () => scheduler.stop() });
    parts.scheduler = 'ok';

    const check = async (fn: () => Promise<unknown>) => {
      try {
        await fn();
        return 'ok';
      } catch (error) {
        return `unreachable: ${(error as Error).message}`;
      }
    };
    liveChecks = async () => {
      const [dynamoState, sqsState] = await Promise.all([
        check(() =>
          dynamodb.send(new DescribeTableCommand({ TableName: tables.channels }), {
            abortSignal: AbortSignal.timeout(2000),
          }),
        ),
        check(() =>
          sqsClient.send(
            new GetQueueAttributesCommand({ QueueUrl: queues.queueUrl, AttributeNames: ['QueueArn'] }),
            {
              abortSignal: AbortSignal.timeout(2000),
            },
          ),
        ),
      ]);
      return {
        dynamodb: dynamoState,
        sqs: sqsState,
        poller: poller.healthy() ? 'ok' : 'failing (see the log)',
      };
    };
    ready = true;

    return {
      url,
      port,
      ...(sandbox ? { sandboxUrl: sandbox.url.replace(/\/+$/, ''), sandbox } : {}),
      env: handlerEnv,
      ...(dataDir ? { dataDir } : {}),
      tables,
      queues,
      endpoints: { dynamodb: dynamo.endpoint, sqs: sqs.endpoint, eventBridge: eventBus.url },
      clients: { dynamodb, sqs: sqsClient },
      eventBus,
      poller,
      scheduler,
      handlers,
      health,
      stop: stopAll,
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}

export { DEFAULT_PORT, DEFAULT_SANDBOX_PORT };
