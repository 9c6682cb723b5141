import {
  DeleteItemCommand,
  GetItemCommand,
  PutItemCommand,
  type AttributeValue,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import {
  CreateSecretCommand,
  DeleteSecretCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
  type SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import * as z from '../common/zod';
import type { ChannelSecrets } from '../domain/channel';
import { ConfigError } from '../common/config';
import { secretsManagerClient, type EndpointConfig } from './aws-clients';

/**
 * Channel credentials and webhook token. AWS: one Secrets Manager secret per channel named
 * `${SECRET_NAME_PREFIX}${channelId}`. Locally: a DynamoDB table (SECRETS_TABLE).
 * Nothing read from here is ever logged or returned by an API.
 */
export interface SecretStore {
  get(channelId: string): Promise<ChannelSecrets | undefined>;
  put(channelId: string, secrets: ChannelSecrets): Promise<void>;
  delete(channelId: string): Promise<void>;
}

const channelSecretsSchema = z.object({
  accessToken: z.string().check(z.minLength(1)),
  clientSecret: z.optional(z.string().check(z.minLength(1))),
  webhookToken: z.string().check(z.minLength(1)),
});

/** Secrets that do not have the expected shape (stored or given). Names the fields, never their values. */
export class MalformedSecretError extends Error {
  override name = 'MalformedSecretError';
  constructor(channelId: string, fields: string[]) {
    super(`secrets for channel ${channelId} are malformed (${fields.join(', ') || 'not an object'})`);
  }
}

/** An empty clientSecret means "none" (signature checks are then skipped, the token still applies). */
function parseSecrets(channelId: string, value: unknown): ChannelSecrets {
  if (value && typeof value === 'object' && (value as { clientSecret?: unknown }).clientSecret === '')
    value = { ...value, clientSecret: undefined };
  const result = channelSecretsSchema.safeParse(value);
  if (!result.success)
    throw new MalformedSecretError(
      channelId,
      result.error.issues.map((i) => i.path.join('.')).filter(Boolean),
    );
  const { accessToken, clientSecret, webhookToken } = result.data;
  return clientSecret === undefined
    ? { accessToken, webhookToken }
    : { accessToken, clientSecret, webhookToken };
}

const hasName = (error: unknown, name: string) => error instanceof Error && error.name === name;

/** Local stand-in for Secrets Manager: one item per channel in SECRETS_TABLE. */
export class DynamoSecretStore implements SecretStore {
  constructor(
    private readonly client: DynamoDBClient,
    private readonly tableName: string,
  ) {}

  async get(channelId: string): Promise<ChannelSecrets | undefined> {
    const out = await this.client.send(
      new GetItemCommand({
        TableName: this.tableName,
        Key: { channelId: { S: channelId } },
        ConsistentRead: true,
      }),
    );
    if (!out.Item) return undefined;
    const { accessToken, clientSecret, webhookToken } = out.Item;
    return parseSecrets(channelId, {
      accessToken: accessToken?.S,
      clientSecret: clientSecret?.S,
      webhookToken: webhookToken?.S,
    });
  }

  async put(channelId: string, given: ChannelSecrets): Promise<void> {
    const secrets = parseSecrets(channelId, given);
    const item: Record<string, AttributeValue> = {
      channelId: { S: channelId },
      accessToken: { S: secrets.accessToken },
      webhookToken: { S: secrets.webhookToken },
    };
    if (secrets.clientSecret) item.clientSecret = { S: secrets.clientSecret };
    await this.client.send(new PutItemCommand({ TableName: this.tableName, Item: item }));
  }

  async delete(channelId: string): Promise<void> {
    await this.client.send(
      new DeleteItemCommand({ TableName: this.tableName, Key: { channelId: { S: channelId } } }),
    );
  }
}

/** AWS: the secret `${namePrefix}${channelId}` holds the JSON of ChannelSecrets. */
export class SecretsManagerSecretStore implements SecretStore {
  constructor(
    private readonly client: SecretsManagerClient,
    private readonly namePrefix: string,
  ) {}

  private name(channelId: string) {
    return `${this.namePrefix}${channelId}`;
  }

  async get(channelId: string): Promise<ChannelSecrets | undefined> {
    let secretString: string | undefined;
    try {
      const out = await this.client.send(new GetSecretValueCommand({ SecretId: this.name(channelId) }));
      secretString = out.SecretString;
    } catch (error) {
      if (hasName(error, 'ResourceNotFoundException')) return undefined;
      throw error;
    }
    if (secretString === undefined) throw new MalformedSecretError(channelId, []);
    let value: unknown;
    try {
      value = JSON.parse(secretString);
    } catch {
      // Never echo the parser's message: it may quote the secret.
      throw new MalformedSecretError(channelId, []);
    }
    return parseSecrets(channelId, value);
  }

  /** New value for an existing secret, or a new secret; a concurrent create is settled by a second put. */
  async put(channelId: string, secrets: ChannelSecrets): Promise<void> {
    const SecretId = this.name(channelId);
    const SecretString = JSON.stringify(parseSecrets(channelId, secrets));
    try {
      await this.client.send(new PutSecretValueCommand({ SecretId, SecretString }));
      return;
    } catch (error) {
      if (!hasName(error, 'ResourceNotFoundException')) throw error;
    }
    try {
      await this.client.send(new CreateSecretCommand({ Name: SecretId, SecretString }));
    } catch (error) {
      if (!hasName(error, 'ResourceExistsException')) throw error;
      await this.client.send(new PutSecretValueCommand({ SecretId, SecretString }));
    }
  }

  /** Immediate deletion (no recovery window), so the channel id can be reused. Missing is fine. */
  async delete(channelId: string): Promise<void> {
    try {
      await this.client.send(
        new DeleteSecretCommand({ SecretId: this.name(channelId), ForceDeleteWithoutRecovery: true }),
      );
    } catch (error) {
      if (!hasName(error, 'ResourceNotFoundException')) throw error;
    }
  }
}

/** SECRETS_TABLE (local) wins; else Secrets Manager under SECRET_NAME_PREFIX (AWS); else a ConfigError. */
export function createSecretStore(
  config: { SECRETS_TABLE?: string; SECRET_NAME_PREFIX?: string } & EndpointConfig,
  dynamo: DynamoDBClient,
): SecretStore {
  if (config.SECRETS_TABLE) return new DynamoSecretStore(dynamo, config.SECRETS_TABLE);
  if (config.SECRET_NAME_PREFIX)
    return new SecretsManagerSecretStore(secretsManagerClient(config), config.SECRET_NAME_PREFIX);
  throw new ConfigError(
    'Invalid environment: SECRETS_TABLE or SECRET_NAME_PREFIX is required (where channel secrets are kept)',
  );
}
