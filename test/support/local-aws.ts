import { randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import {
  ensureQueues,
  ensureTables,
  resourceEnv,
  tableNames,
  type QueueUrls,
  type TableNames,
} from '../../local/provision';

/**
 * Fresh, uniquely named tables and queues on the stand-ins that test/global-setup.mjs started, so test
 * files never see each other's data.
 */
export interface LocalAws {
  dynamo: DynamoDBClient;
  sqs: SQSClient;
  tables: TableNames;
  queues: QueueUrls;
  /** Environment for `wire(env)` / `loadConfig` pointing at these resources. */
  env: Record<string, string>;
}

export async function createLocalAws(options: { visibilityTimeoutSeconds?: number } = {}): Promise<LocalAws> {
  const dynamoEndpoint = process.env.TEST_DYNAMODB_ENDPOINT;
  const sqsEndpoint = process.env.TEST_SQS_ENDPOINT;
  if (!dynamoEndpoint || !sqsEndpoint)
    throw new Error('stand-ins not started: run through jest (globalSetup)');
  const prefix = `t${randomUUID().slice(0, 8)}-`;
  const creds = { region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } };
  const dynamo = new DynamoDBClient({ endpoint: dynamoEndpoint, ...creds });
  const sqs = new SQSClient({ endpoint: sqsEndpoint, ...creds });
  const tables = tableNames(prefix);
  await ensureTables(dynamo, tables);
  const queues = await ensureQueues(sqs, prefix, options);
  return {
    dynamo,
    sqs,
    tables,
    queues,
    env: {
      ...resourceEnv({ dynamoEndpoint, sqsEndpoint, tables, queues }),
      WEBHOOK_BASE_URL: 'http://127.0.0.1:3000',
      POWERTOOLS_METRICS_DISABLED: 'true',
      POWERTOOLS_LOG_LEVEL: 'SILENT',
    },
  };
}
