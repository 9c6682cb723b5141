import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { SQSClient } from '@aws-sdk/client-sqs';
import {
  dynamoDbClient,
  eventBridgeClient,
  secretsManagerClient,
  sqsClient,
  type EndpointConfig,
} from '../adapters/aws-clients';
import { HttpBigCommerceClient, type HttpBigCommerceClientOptions } from '../adapters/bigcommerce-client';
import { EventBridgeChannelEventPublisher } from '../adapters/channel-events';
import { DynamoChannelStore } from '../adapters/channel-store';
import { SqsHookWorkQueue } from '../adapters/hook-work-queue';
import { SqsOrderEventQueue } from '../adapters/order-event-queue';
import { DynamoOrderStore } from '../adapters/order-store';
import { DynamoSecretStore, SecretsManagerSecretStore, type SecretStore } from '../adapters/secret-store';
import { DynamoSupportReader } from '../adapters/support-reader';
import { ConfigError, loadConfig, type EnvKey } from './config';
import { createObservability, type Observability } from './logger-metrics';

/**
 * The composition root: every SDK client, store, queue, publisher and HTTP client is built here from a
 * parsed config, once per runtime and only when first asked for. Each part is its own export so a
 * function's bundle holds only the SDK clients its wiring asks for (docs/benchmarks.md, bundle size).
 */
export interface Runtime<C> {
  readonly config: C;
  /** Built parts by name; filled on first use. */
  readonly built: Map<string, unknown>;
}

/** `clients`: SDK clients the caller already holds (a local stack, a test), used instead of new ones. */
export function createRuntime<C extends object>(
  config: C,
  clients: { dynamo?: DynamoDBClient; sqs?: SQSClient } = {},
): Runtime<C> {
  return { config, built: new Map(Object.entries(clients)) };
}

function once<T>(rt: Runtime<unknown>, name: string, make: () => T): T {
  if (!rt.built.has(name)) rt.built.set(name, make());
  return rt.built.get(name) as T;
}

type With<K extends string, V = string> = Runtime<EndpointConfig & { [P in K]: V }>;

export const dynamo = (rt: Runtime<EndpointConfig>): DynamoDBClient =>
  once(rt, 'dynamo', () => dynamoDbClient(rt.config));
export const sqs = (rt: Runtime<EndpointConfig>): SQSClient => once(rt, 'sqs', () => sqsClient(rt.config));

export const channelStore = (rt: With<'CHANNELS_TABLE'>) =>
  once(rt, 'channels', () => new DynamoChannelStore(dynamo(rt), rt.config.CHANNELS_TABLE));

export const orderStore = (rt: With<'ORDERS_TABLE'>) =>
  once(rt, 'orders', () => new DynamoOrderStore(dynamo(rt), rt.config.ORDERS_TABLE));

export const orderEventQueue = (rt: With<'ORDER_EVENTS_QUEUE_URL'>) =>
  once(rt, 'queue', () => new SqsOrderEventQueue(sqs(rt), rt.config.ORDER_EVENTS_QUEUE_URL));

export const hookWorkQueue = (rt: With<'HOOK_WORK_QUEUE_URL'>) =>
  once(rt, 'hookWork', () => new SqsHookWorkQueue(sqs(rt), rt.config.HOOK_WORK_QUEUE_URL));

export const channelEvents = (rt: With<'EVENT_BUS_NAME'>) =>
  once(
    rt,
    'events',
    () => new EventBridgeChannelEventPublisher(eventBridgeClient(rt.config), rt.config.EVENT_BUS_NAME),
  );

export const supportReader = (rt: With<'CHANNELS_TABLE' | 'ORDERS_TABLE'>) =>
  once(
    rt,
    'supportReader',
    () =>
      new DynamoSupportReader(dynamo(rt), {
        channels: rt.config.CHANNELS_TABLE,
        orders: rt.config.ORDERS_TABLE,
      }),
  );

export interface SecretConfig {
  SECRETS_TABLE?: string | undefined;
  SECRET_NAME_PREFIX?: string | undefined;
  SECRET_LEGACY_FALLBACK?: boolean | undefined;
}

/**
 * SECRETS_TABLE (local) wins; else Secrets Manager under SECRET_NAME_PREFIX (AWS); else a ConfigError.
 * SECRET_LEGACY_FALLBACK (default on) lets readers use a channel's combined secret until it is migrated.
 */
export const secretStore = (rt: Runtime<EndpointConfig & SecretConfig>): SecretStore =>
  once(rt, 'secrets', () => {
    const { SECRETS_TABLE, SECRET_NAME_PREFIX } = rt.config;
    if (SECRETS_TABLE) return new DynamoSecretStore(dynamo(rt), SECRETS_TABLE);
    if (SECRET_NAME_PREFIX) return secretsManagerStore(rt, SECRET_NAME_PREFIX);
    throw new ConfigError(
      'Invalid environment: SECRETS_TABLE or SECRET_NAME_PREFIX is required (where channel secrets are kept)',
    );
  });

/** Secrets Manager whatever SECRETS_TABLE says (the migration script writes there). */
export const secretsManagerStore = (rt: Runtime<EndpointConfig & SecretConfig>, prefix: string) =>
  once(
    rt,
    'secretsManager',
    () =>
      new SecretsManagerSecretStore(secretsManagerClient(rt.config), prefix, {
        legacyFallback: rt.config.SECRET_LEGACY_FALLBACK ?? true,
      }),
  );

/** BigCommerce's API at BIGCOMMERCE_API_URL; `tuning` applies when the client is first built. */
export const bigCommerce = (
  rt: With<'BIGCOMMERCE_API_URL'>,
  tuning: Omit<HttpBigCommerceClientOptions, 'baseUrl'> = {},
) =>
  once(
    rt,
    'bigcommerce',
    () => new HttpBigCommerceClient({ baseUrl: rt.config.BIGCOMMERCE_API_URL, ...tuning }),
  );

export const observability = (rt: Runtime<unknown>, serviceName: string): Observability =>
  once(rt, `observability:${serviceName}`, () => createObservability(serviceName));

/** A function's runtime from the environment variables it reads, and its logger and metrics. */
export function forFunction<K extends EnvKey>(
  env: Record<string, string | undefined>,
  keys: readonly K[],
  serviceName: string,
) {
  const runtime = createRuntime(loadConfig(env, keys));
  return { runtime, obs: observability(runtime, serviceName) };
}

/** The channel records and their secrets: every function that handles a channel reads both. */
export const channelAccess = (rt: With<'CHANNELS_TABLE'> & Runtime<SecretConfig>) => ({
  channels: channelStore(rt),
  secrets: secretStore(rt),
});
