import { randomUUID } from 'node:crypto';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { SQSClient } from '@aws-sdk/client-sqs';
import { quietHandlerEnv } from '../../local/handler-env';
import { provision, type QueueOptions, type QueueUrls, type TableNames } from '../../local/provision';

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

export async function createLocalAws(options: QueueOptions = {}): Promise<LocalAws> {
  const dynamoEndpoint = process.env.TEST_DYNAMODB_ENDPOINT;
  const sqsEndpoint = process.env.TEST_SQS_ENDPOINT;
  if (!dynamoEndpoint || !sqsEndpoint)
    throw new Error('stand-ins not started: run through jest (globalSetup)');
  const aws = await provision({ dynamoEndpoint, sqsEndpoint }, `t${randomUUID().slice(0, 8)}-`, {
    queues: options,
  });
  return { ...aws, env: quietHandlerEnv(aws) };
}
