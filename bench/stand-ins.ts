/**
 * Private dynalite + fauxqs for one bench group, in a child process (their CPU is not the measured
 * process's, as in AWS) on random ports bound to 127.0.0.1, with the project's tables and queues
 * provisioned by local/provision.ts and an `env` for `wire(env)`. DynamoDB requests are counted by
 * operation inside that process (bench/stand-ins-server.mjs).
 */
import { fork } from 'node:child_process';
import path from 'node:path';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { SQSClient } from '@aws-sdk/client-sqs';
import * as rt from '../functions/common/runtime';
import { quietHandlerEnv } from '../local/handler-env';
import { provision, type Provisioned, type QueueUrls, type TableNames } from '../local/provision';
import { withTimeout } from './common';

export type OperationCounts = Record<string, number>;

type StandInRuntime = rt.Runtime<
  Record<'DYNAMODB_ENDPOINT' | 'SQS_ENDPOINT' | 'CHANNELS_TABLE' | 'ORDERS_TABLE' | 'SECRETS_TABLE', string>
>;

export interface StandIns {
  dynamoEndpoint: string;
  sqsEndpoint: string;
  /** Clients for seeding and checking (their requests count too: reset before measuring). */
  dynamo: DynamoDBClient;
  sqs: SQSClient;
  /** The stores over those clients (functions/common/runtime.ts). */
  runtime: StandInRuntime;
  tables: TableNames;
  queues: QueueUrls;
  /** For `wire(env)`: local secrets table, no tracing, no metrics flush, silent logs. */
  env: Record<string, string>;
  /** DynamoDB requests by operation (GetItem, UpdateItem, …) since the last reset. */
  dynamoCounts(): Promise<OperationCounts>;
  resetDynamoCounts(): Promise<void>;
  stop(): Promise<void>;
}

type FromServer = { ready: true; dynamoEndpoint: string; sqsEndpoint: string } | { counts: OperationCounts };

export async function startStandIns(options: { visibilityTimeoutSeconds?: number } = {}): Promise<StandIns> {
  // The SDK factories in functions/adapters/aws-clients.ts read these for local endpoints.
  process.env.AWS_REGION ??= 'us-east-1';
  process.env.AWS_ACCESS_KEY_ID ??= 'local';
  process.env.AWS_SECRET_ACCESS_KEY ??= 'local';

  const child = fork(path.join(__dirname, 'stand-ins-server.mjs'), [], {
    cwd: path.join(__dirname, '..'),
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    env: { ...process.env, NODE_OPTIONS: '--no-warnings' },
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stopChild = async () => {
    if (child.connected) child.send({ op: 'stop' });
    await withTimeout(exited, 10_000, 'stopping the stand-ins').catch(() => {
      if (child.exitCode === null) child.kill('SIGKILL');
    });
  };
  const next = (what: string) =>
    withTimeout(
      new Promise<FromServer>((resolve, reject) => {
        const onExit = (code: number | null) =>
          reject(new Error(`stand-ins exited (${code}) during ${what}`));
        child.once('exit', onExit);
        child.once('message', (m: FromServer) => {
          child.off('exit', onExit);
          resolve(m);
        });
      }),
      20_000,
      what,
    );

  let endpoints: { dynamoEndpoint: string; sqsEndpoint: string };
  try {
    const ready = await next('starting dynalite + fauxqs');
    if (!('ready' in ready)) throw new Error('stand-ins sent no endpoints');
    endpoints = ready;
  } catch (error) {
    await stopChild();
    throw error;
  }
  let provisioned: Provisioned;
  try {
    provisioned = await provision(endpoints, 'bench-', { queues: options });
  } catch (error) {
    await stopChild();
    throw error;
  }
  const { dynamoEndpoint, sqsEndpoint, dynamo, sqs, tables, queues } = provisioned;
  const runtime: StandInRuntime = rt.createRuntime(
    {
      DYNAMODB_ENDPOINT: dynamoEndpoint,
      SQS_ENDPOINT: sqsEndpoint,
      CHANNELS_TABLE: tables.channels,
      ORDERS_TABLE: tables.orders,
      SECRETS_TABLE: tables.secrets,
    },
    { dynamo, sqs },
  );

  const ask = async (op: 'counts' | 'reset'): Promise<OperationCounts> => {
    const reply = next(op);
    child.send({ op });
    const m = await reply;
    if (!('counts' in m)) throw new Error(`stand-ins answered ${op} without counts`);
    return m.counts;
  };

  return {
    dynamoEndpoint,
    sqsEndpoint,
    dynamo,
    sqs,
    runtime,
    tables,
    queues,
    env: quietHandlerEnv(provisioned),
    dynamoCounts: () => ask('counts'),
    resetDynamoCounts: async () => void (await ask('reset')),
    async stop() {
      provisioned.destroy();
      await stopChild();
    },
  };
}

/** Sum of all operations in a count record. */
export const totalOf = (counts: OperationCounts) => Object.values(counts).reduce((s, n) => s + n, 0);
