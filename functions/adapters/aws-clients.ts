import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SQSClient } from '@aws-sdk/client-sqs';

/** SDK clients pointed at the local stand-ins when their endpoint is configured, else at AWS. */
export interface EndpointConfig {
  DYNAMODB_ENDPOINT?: string;
  SQS_ENDPOINT?: string;
  EVENTBRIDGE_ENDPOINT?: string;
  SECRETSMANAGER_ENDPOINT?: string;
}

const local = (endpoint: string | undefined) =>
  endpoint
    ? {
        endpoint,
        region: process.env.AWS_REGION ?? 'us-east-1',
        credentials: {
          accessKeyId: process.env.AWS_ACCESS_KEY_ID ?? 'local',
          secretAccessKey: process.env.AWS_SECRET_ACCESS_KEY ?? 'local',
        },
      }
    : {};

export const dynamoDbClient = (cfg: EndpointConfig) => new DynamoDBClient(local(cfg.DYNAMODB_ENDPOINT));
export const sqsClient = (cfg: EndpointConfig) => new SQSClient(local(cfg.SQS_ENDPOINT));
export const eventBridgeClient = (cfg: EndpointConfig) =>
  new EventBridgeClient(local(cfg.EVENTBRIDGE_ENDPOINT));
export const secretsManagerClient = (cfg: EndpointConfig) =>
  new SecretsManagerClient(local(cfg.SECRETSMANAGER_ENDPOINT));
