import { mkdir } from 'node:fs/promises';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { CHANNEL_EVENTS_SOURCE, CHANNEL_SETTINGS_CHANGED } from '../functions/adapters/channel-events';
import { lockDataDir } from './data-lock';
import { startEventBus, type BusEvent, type EventBusShim } from './event-bus';
import { describeListenError, stopList, type LocalLog } from './lifecycle';
import { LOOPBACK_ADDRESS, onLoopbackOnly } from './loopback';
import type { LocalEnv } from './options';
import { provision, type Provisioned } from './provision';
import type { Sandbox } from './sandbox/server';

/**
 * The stand-ins for AWS and BigCommerce: DynamoDB on dynalite, SQS on fauxqs, the BigCommerce sandbox and
 * an EventBridge PutEvents shim, with the project's tables and queues provisioned. dynalite, fauxqs and
 * the sandbox are only started when no endpoint for them is given, so tests can share theirs.
 */

export interface StandInsOptions {
  env: LocalEnv;
  /** Where dynalite and fauxqs keep data; undefined keeps nothing. */
  dataDir: string | undefined;
  /** Prefix for table and queue names. */
  prefix: string;
  sandboxPort: number;
  sandboxRateLimit: boolean;
  /** The sandbox's hook activation gap (ms); default 0. */
  sandboxHookActivationMs?: number;
  region: string;
  /** Where ChannelSettingsChanged events go (hook-manager). */
  deliverChannelEvent: (event: BusEvent) => Promise<unknown>;
  /** Each part as it becomes ready: the stack's /health while starting. */
  onReady: (part: 'dynamodb' | 'sqs' | 'sandbox' | 'event-bus') => void;
  log: LocalLog;
}

export interface StandIns extends Provisioned {
  /** The embedded sandbox; undefined when BIGCOMMERCE_API_URL points elsewhere. */
  sandbox?: Sandbox;
  eventBus: EventBusShim;
  /** Whether DynamoDB and SQS answer now ("ok" or why not). */
  check(): Promise<{ dynamodb: string; sqs: string }>;
  stop(): Promise<void>;
}

type Started = { endpoint: string; stop: () => Promise<void> };

async function startDynalite(path: string | undefined): Promise<Started> {
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

async function startEmbeddedSqs(dataDir: string | undefined): Promise<Started> {
  // fauxqs is ESM-only: imported only when it is actually needed (never under Jest's CommonJS).
  const { startFauxqs } = await import('fauxqs');
  if (dataDir) await mkdir(dataDir, { recursive: true });
  // fauxqs ignores its host option and listens on 0.0.0.0: forced onto loopback here.
  const server = await onLoopbackOnly(() =>
    startFauxqs({ port: 0, host: LOOPBACK_ADDRESS, logger: false, ...(dataDir ? { dataDir } : {}) }),
  );
  return { endpoint: server.address, stop: () => server.stop() };
}

async function startEmbeddedSandbox(options: StandInsOptions): Promise<Sandbox> {
  // Imported lazily: a stack pointed at another BigCommerce never loads the sandbox.
  const { startSandbox } = await import('./sandbox/server');
  try {
    return await startSandbox({
      port: options.sandboxPort,
      timeScale: Number(options.env.SANDBOX_TIME_SCALE ?? '1'),
      ...(options.sandboxRateLimit ? {} : { rateLimit: false }),
      ...(options.sandboxHookActivationMs !== undefined && {
        hookActivationMs: options.sandboxHookActivationMs,
      }),
      log: (line) => options.log.info(`sandbox: ${line}`),
    });
  } catch (error) {
    throw describeListenError('sandbox', 'SANDBOX_PORT', options.sandboxPort, error);
  }
}

const given = (endpoint: string): Started => ({
  endpoint: endpoint.replace(/\/+$/, ''),
  stop: async () => undefined,
});

/** Starts (or uses) the stand-ins and provisions them; on failure, stops what it started. */
export async function startStandIns(options: StandInsOptions): Promise<StandIns> {
  const { env, dataDir, log } = options;
  const stops = stopList(log);
  // Each part that started is stopped with the others, whatever fails after it.
  const keep =
    <T extends { stop(): Promise<void> }>(name: string) =>
    (part: T) => {
      stops.add(name, () => part.stop());
      return part;
    };
  try {
    if (dataDir && (!env.DYNAMODB_ENDPOINT || !env.SQS_ENDPOINT))
      stops.add('data directory lock', await lockDataDir(dataDir));

    const [dynamo, sqs, sandbox] = await Promise.all([
      env.DYNAMODB_ENDPOINT
        ? given(env.DYNAMODB_ENDPOINT)
        : startDynalite(dataDir && join(dataDir, 'dynamodb')).then(keep('dynalite')),
      env.SQS_ENDPOINT
        ? given(env.SQS_ENDPOINT)
        : startEmbeddedSqs(dataDir && join(dataDir, 'sqs')).then(keep('fauxqs')),
      env.BIGCOMMERCE_API_URL
        ? undefined
        : startEmbeddedSandbox(options)
            .then(keep('sandbox'))
            .then((sb) => {
              options.onReady('sandbox');
              return sb;
            }),
    ]);

    const resources = await provision(
      { dynamoEndpoint: dynamo.endpoint, sqsEndpoint: sqs.endpoint },
      options.prefix,
      { onReady: options.onReady },
    );
    stops.add('sdk clients', async () => resources.destroy());

    const eventBus = await startEventBus({
      region: options.region,
      rules: [
        {
          source: CHANNEL_EVENTS_SOURCE,
          detailType: CHANNEL_SETTINGS_CHANGED,
          target: options.deliverChannelEvent,
        },
      ],
      onError: (message, error) => log.error(message, error),
    });
    stops.add('event bus', () => eventBus.stop());
    options.onReady('event-bus');

    return {
      ...resources,
      ...(sandbox ? { sandbox } : {}),
      eventBus,
      check: () => check(resources),
      stop: () => stops.stopAll(),
    };
  } catch (error) {
    await stops.stopAll();
    throw error;
  }
}

async function reachable(call: () => Promise<unknown>): Promise<string> {
  try {
    await call();
    return 'ok';
  } catch (error) {
    return `unreachable: ${(error as Error).message}`;
  }
}

function check({ dynamo, sqs, tables, queues }: Provisioned) {
  const within = { abortSignal: AbortSignal.timeout(2000) };
  return Promise.all([
    reachable(() => dynamo.send(new DescribeTableCommand({ TableName: tables.channels }), within)),
    reachable(() =>
      sqs.send(
        new GetQueueAttributesCommand({ QueueUrl: queues.queueUrl, AttributeNames: ['QueueArn'] }),
        within,
      ),
    ),
  ]).then(([dynamodb, sqsState]) => ({ dynamodb, sqs: sqsState }));
}
