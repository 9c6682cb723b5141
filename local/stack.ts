import { resolve } from 'node:path';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { SQSClient } from '@aws-sdk/client-sqs';
import type { FunctionName } from '../functions/common/routes';
import {
  FUNCTION_TIMEOUTS_MS,
  wireHandlers,
  type Env,
  type HandlerMap,
  type HandlerModuleLoader,
} from './handlers';
import { buildHandlerEnv, fillPowertoolsDefaults } from './handler-env';
import type { EventBusShim } from './event-bus';
import type { HealthReport } from './http-gateway';
import { LOCAL_REGION } from './lambda-context';
import { consoleLog, type LocalLog } from './lifecycle';
import {
  DEFAULT_DATA_DIR,
  DEFAULT_PORT,
  DEFAULT_SANDBOX_PORT,
  validateLocalEnv,
  type LocalEnv,
} from './options';
import type { QueueUrls, TableNames } from './provision';
import { createLocalRuntime, type PollerSettings } from './runtime';
import type { Sandbox } from './sandbox/server';
import type { Scheduler } from './scheduler';
import type { SqsPoller } from './sqs-poller';
import { startStandIns } from './stand-ins';

/**
 * The whole system on one machine (docs/contract.md section 7): the stand-ins (stand-ins.ts: dynalite,
 * fauxqs, the BigCommerce sandbox, the EventBridge shim), the functions wired with `wire(env)` on the
 * environment of handler-env.ts, and the runtime (runtime.ts: HTTP gateway, SQS pollers, schedule).
 */

export { consoleLog, PortInUseError, type LocalLog } from './lifecycle';

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
  /** The order-events poller (the hook-work poller takes only waitTimeSeconds). */
  pollerOptions?: PollerSettings;
  /** Delay before the first scheduled hook-manager run. Default 1000 ms. */
  schedulerInitialDelayMs?: number;
  /** Sandbox rate limiting (BigCommerce's 429s). Default on. */
  sandboxRateLimit?: boolean;
  /** A new or re-activated sandbox hook fires only after this many ms (BigCommerce's lag). Default 0. */
  sandboxHookActivationMs?: number;
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
  /** The order-events queue's poller (order-worker). */
  poller: SqsPoller;
  /** The hook-work queue's poller (hook-manager). */
  hookPoller: SqsPoller;
  scheduler: Scheduler;
  handlers: HandlerMap;
  health(): Promise<HealthReport>;
  stop(): Promise<void>;
}

export async function startLocalStack(options: LocalStackOptions = {}): Promise<LocalStack> {
  const log = options.log ?? consoleLog;
  const env = options.env ?? {};
  validateLocalEnv(env);
  const region = process.env.AWS_REGION ?? LOCAL_REGION;
  const dataDir = options.memory ? undefined : resolve(options.dataDir ?? DEFAULT_DATA_DIR);
  const runtime = createLocalRuntime({
    region,
    timeoutsMs: { ...FUNCTION_TIMEOUTS_MS, ...options.functionTimeoutsMs },
    parts: {
      dynamodb: 'starting',
      sqs: 'starting',
      sandbox: env.BIGCOMMERCE_API_URL ? 'external' : 'starting',
      'event-bus': 'starting',
    },
    log,
  });
  let stopStandIns: () => Promise<void> = async () => undefined;
  const stop = async () => {
    await runtime.stop();
    await stopStandIns();
  };

  try {
    // The API port first: a port in use fails before anything else starts.
    const port = await runtime.listen(options.port ?? DEFAULT_PORT);
    const url = `http://127.0.0.1:${port}`;
    const standIns = await startStandIns({
      env,
      dataDir,
      prefix: options.prefix ?? '',
      sandboxPort: options.sandboxPort ?? DEFAULT_SANDBOX_PORT,
      sandboxRateLimit: options.sandboxRateLimit ?? true,
      ...(options.sandboxHookActivationMs !== undefined && {
        sandboxHookActivationMs: options.sandboxHookActivationMs,
      }),
      region,
      // The shim exists before hook-manager is wired (its URL is in the env); deliveries wait for it.
      deliverChannelEvent: (event) => runtime.invoke('hook-manager', event),
      onReady: (part) => runtime.setPart(part, 'ok'),
      log,
    });
    stopStandIns = () => standIns.stop();
    const sandboxUrl = standIns.sandbox?.url.replace(/\/+$/, '');

    const handlerEnv = buildHandlerEnv({
      region,
      env,
      resources: standIns,
      apiUrl: url,
      sandboxUrl,
      eventBusUrl: standIns.eventBus.url,
    });
    fillPowertoolsDefaults(handlerEnv);
    const handlers = await wireHandlers(handlerEnv as Env, options.handlers, options.loadHandlerModule);
    const consumers = await runtime.run({
      handlers,
      sqs: standIns.sqs,
      queues: standIns.queues,
      poller: options.pollerOptions ?? {},
      scheduler: {
        intervalSeconds: Number(handlerEnv.HOOK_VERIFY_INTERVAL_SECONDS),
        initialDelayMs: options.schedulerInitialDelayMs ?? 1000,
      },
      checkStandIns: standIns.check,
    });

    return {
      url,
      port,
      ...(standIns.sandbox ? { sandboxUrl, sandbox: standIns.sandbox } : {}),
      env: handlerEnv,
      ...(dataDir ? { dataDir } : {}),
      tables: standIns.tables,
      queues: standIns.queues,
      endpoints: {
        dynamodb: standIns.dynamoEndpoint,
        sqs: standIns.sqsEndpoint,
        eventBridge: standIns.eventBus.url,
      },
      clients: { dynamodb: standIns.dynamo, sqs: standIns.sqs },
      eventBus: standIns.eventBus,
      ...consumers,
      handlers,
      health: runtime.health,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

export { DEFAULT_PORT, DEFAULT_SANDBOX_PORT };
