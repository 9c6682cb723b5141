import { CreateTableCommand, ResourceInUseException, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CreateQueueCommand, GetQueueAttributesCommand, type SQSClient } from '@aws-sdk/client-sqs';
import {
  FUNCTION_TIMEOUT_SECONDS,
  HOOK_WORK_MAX_RECEIVE_COUNT,
  MAX_RECEIVE_COUNT,
} from '../functions/common/limits';
import * as rt from '../functions/common/runtime';
import { TABLES, type TableDefinition } from '../functions/common/tables';

export interface TableNames {
  channels: string;
  orders: string;
  secrets: string;
}

export const tableNames = (prefix = ''): TableNames => ({
  channels: `${prefix}channels`,
  orders: `${prefix}orders`,
  secrets: `${prefix}secrets`,
});

async function ensureTable(client: DynamoDBClient, name: string, def: TableDefinition): Promise<void> {
  const keys = [def.partitionKey, ...(def.sortKey ? [def.sortKey] : [])];
  try {
    await client.send(
      new CreateTableCommand({
        TableName: name,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: keys.map((k) => ({ AttributeName: k.name, AttributeType: k.type })),
        KeySchema: keys.map((k, i) => ({ AttributeName: k.name, KeyType: i === 0 ? 'HASH' : 'RANGE' })),
      }),
    );
  } catch (error) {
    // Idempotent: an existing table (a restart with persisted data) is fine.
    if (!(error instanceof ResourceInUseException)) throw error;
  }
}

/** Creates the tables if missing. TTL is not set here: dynalite has no UpdateTimeToLive (CDK sets it). */
export async function ensureTables(client: DynamoDBClient, names: TableNames): Promise<void> {
  await Promise.all([
    ensureTable(client, names.channels, TABLES.channels),
    ensureTable(client, names.orders, TABLES.orders),
    ensureTable(client, names.secrets, TABLES.secrets),
  ]);
}

export interface QueueUrls {
  queueUrl: string;
  deadLetterQueueUrl: string;
  /** hook-manager's work: sweep shards and delayed catch-up reconciles. */
  hookWorkQueueUrl: string;
}

export interface QueueOptions {
  visibilityTimeoutSeconds?: number;
  maxReceiveCount?: number;
}

/** A queue whose messages move to `failures` after `maxReceiveCount` receives. */
async function queueWithRedrive(
  client: SQSClient,
  name: string,
  failures: string,
  attributes: { visibilityTimeoutSeconds: number; maxReceiveCount: number },
): Promise<string> {
  const { Attributes } = await client.send(
    new GetQueueAttributesCommand({ QueueUrl: failures, AttributeNames: ['QueueArn'] }),
  );
  const queue = await client.send(
    new CreateQueueCommand({
      QueueName: name,
      Attributes: {
        VisibilityTimeout: String(attributes.visibilityTimeoutSeconds),
        RedrivePolicy: JSON.stringify({
          deadLetterTargetArn: Attributes!.QueueArn,
          maxReceiveCount: attributes.maxReceiveCount,
        }),
      },
    }),
  );
  return queue.QueueUrl!;
}

const keptTwoWeeks = async (client: SQSClient, name: string) =>
  (
    await client.send(
      new CreateQueueCommand({ QueueName: name, Attributes: { MessageRetentionPeriod: '1209600' } }),
    )
  ).QueueUrl!;

/**
 * The order-events queue and its dead-letter queue, and hook-manager's work queue and its failure queue,
 * with the redrive policies AWS has (lib/); idempotent.
 */
export async function ensureQueues(
  client: SQSClient,
  prefix = '',
  options: QueueOptions = {},
): Promise<QueueUrls> {
  const deadLetterQueueUrl = await keptTwoWeeks(client, `${prefix}order-events-dlq`);
  const queueUrl = await queueWithRedrive(client, `${prefix}order-events`, deadLetterQueueUrl, {
    visibilityTimeoutSeconds: options.visibilityTimeoutSeconds ?? 30,
    maxReceiveCount: options.maxReceiveCount ?? MAX_RECEIVE_COUNT,
  });
  const hookFailures = await keptTwoWeeks(client, `${prefix}hook-manager-failures`);
  const hookWorkQueueUrl = await queueWithRedrive(client, `${prefix}hook-work`, hookFailures, {
    visibilityTimeoutSeconds: FUNCTION_TIMEOUT_SECONDS['hook-manager'],
    maxReceiveCount: HOOK_WORK_MAX_RECEIVE_COUNT,
  });
  return { queueUrl, deadLetterQueueUrl, hookWorkQueueUrl };
}

/**
 * The part of a handler's environment that points at provisioned local resources (the same names
 * functions/common/config.ts parses); callers add what is theirs (BigCommerce URL, delays, log level…).
 */
export const resourceEnv = (r: {
  dynamoEndpoint: string;
  sqsEndpoint: string;
  tables: TableNames;
  queues: QueueUrls;
}): Record<string, string> => ({
  DYNAMODB_ENDPOINT: r.dynamoEndpoint,
  SQS_ENDPOINT: r.sqsEndpoint,
  CHANNELS_TABLE: r.tables.channels,
  ORDERS_TABLE: r.tables.orders,
  SECRETS_TABLE: r.tables.secrets,
  ORDER_EVENTS_QUEUE_URL: r.queues.queueUrl,
  DEAD_LETTER_QUEUE_URL: r.queues.deadLetterQueueUrl,
  HOOK_WORK_QUEUE_URL: r.queues.hookWorkQueueUrl,
});

export interface StandInEndpoints {
  dynamoEndpoint: string;
  sqsEndpoint: string;
}

/** SDK clients for the stand-ins, built by the one composition root (functions/common/runtime.ts). */
export function standInClients(e: StandInEndpoints) {
  const runtime = rt.createRuntime({ DYNAMODB_ENDPOINT: e.dynamoEndpoint, SQS_ENDPOINT: e.sqsEndpoint });
  const dynamo = rt.dynamo(runtime);
  const sqs = rt.sqs(runtime);
  return {
    dynamo,
    sqs,
    destroy(): void {
      dynamo.destroy();
      sqs.destroy();
    },
  };
}

export type Provisioned = StandInEndpoints &
  ReturnType<typeof standInClients> & { tables: TableNames; queues: QueueUrls };

/**
 * Clients for the stand-ins and the project's tables and queues on them under `prefix` (idempotent);
 * `onReady` hears each of the two as it is done (the stack's /health while starting).
 */
export async function provision(
  endpoints: StandInEndpoints,
  prefix: string,
  options: { queues?: QueueOptions; onReady?: (part: 'dynamodb' | 'sqs') => void } = {},
): Promise<Provisioned> {
  const clients = standInClients(endpoints);
  const tables = tableNames(prefix);
  try {
    const [, queues] = await Promise.all([
      ensureTables(clients.dynamo, tables).then(() => options.onReady?.('dynamodb')),
      ensureQueues(clients.sqs, prefix, options.queues).then((q) => {
        options.onReady?.('sqs');
        return q;
      }),
    ]);
    const { dynamoEndpoint, sqsEndpoint } = endpoints;
    return { dynamoEndpoint, sqsEndpoint, ...clients, tables, queues };
  } catch (error) {
    clients.destroy();
    throw error;
  }
}
