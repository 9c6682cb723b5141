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
import type { ApiCredentials, ChannelSecrets, WebhookAuthSecrets } from '../domain/channel';
import { SECRET_NAME_PARTS } from '../common/secret-names';

/**
 * Channel credentials and webhook token, kept as two secrets so the public webhook function can be
 * granted the first only (docs/contract.md section 15):
 * - webhook authentication: `webhookToken` and `clientSecret` — `${prefix}webhook-auth/${channelId}`;
 * - API credentials: `accessToken` — `${prefix}api-credentials/${channelId}`.
 * Channels saved before the split have one combined secret `${prefix}${channelId}` (legacy); readers
 * fall back to it until `put` (the next save) or `npm run secrets:migrate` replaces it with the pair.
 * Locally: one DynamoDB item per channel (SECRETS_TABLE). Nothing read here is ever logged or returned.
 */
export interface SecretStore {
  /** Both parts (channel-api, hook-manager, order-worker). `legacy`: still the combined secret. */
  get(channelId: string): Promise<StoredSecrets | undefined>;
  /** Only what authenticating a callback needs (webhook-ingest). */
  getWebhookAuth(channelId: string): Promise<WebhookAuthSecrets | undefined>;
  /** Only what calling BigCommerce needs (order-worker): one secret read, not both. */
  getApiCredentials(channelId: string): Promise<ApiCredentials | undefined>;
  /** Writes both parts and removes a legacy combined secret (the migration on save). */
  put(channelId: string, secrets: ChannelSecrets): Promise<void>;
  delete(channelId: string): Promise<void>;
}

export type StoredSecrets = ChannelSecrets & { legacy?: true };

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

const webhookAuthSchema = z.pick(channelSecretsSchema, { clientSecret: true, webhookToken: true });
const apiCredentialsSchema = z.pick(channelSecretsSchema, { accessToken: true });

/** An empty clientSecret means "none" (signature checks are then skipped, the token still applies). */
function parsePart<T>(channelId: string, schema: z.ZodMiniType<T>, value: unknown): T {
  if (value && typeof value === 'object' && (value as { clientSecret?: unknown }).clientSecret === '')
    value = { ...value, clientSecret: undefined };
  const result = schema.safeParse(value);
  if (!result.success)
    throw new MalformedSecretError(
      channelId,
      result.error.issues.map((i) => i.path.join('.')).filter(Boolean),
    );
  return result.data;
}

const webhookAuthOf = ({ clientSecret, webhookToken }: WebhookAuthSecrets): WebhookAuthSecrets =>
  clientSecret === undefined ? { webhookToken } : { clientSecret, webhookToken };

function parseSecrets(channelId: string, value: unknown): ChannelSecrets {
  const { accessToken, ...auth } = parsePart(channelId, channelSecretsSchema, value);
  return { accessToken, ...webhookAuthOf(auth) };
}

const hasName = (error: unknown, name: string) => error instanceof Error && error.name === name;

/** Local stand-in for Secrets Manager: one item per channel in SECRETS_TABLE. */
export class DynamoSecretStore implements SecretStore {
  constructor(
    private readonly client: DynamoDBClient,
    private readonly tableName: string,
  ) {}

  async get(channelId: string): Promise<ChannelSecrets | undefined> {
    const fields = await this.read(channelId, ['accessToken', 'clientSecret', 'webhookToken']);
    return fields && parseSecrets(channelId, fields);
  }

  /** Projects the webhook fields only: the access token is never read into the public function. */
  async getWebhookAuth(channelId: string): Promise<WebhookAuthSecrets | undefined> {
    const fields = await this.read(channelId, ['clientSecret', 'webhookToken']);
    return fields && webhookAuthOf(parsePart(channelId, webhookAuthSchema, fields));
  }

  async getApiCredentials(channelId: string): Promise<ApiCredentials | undefined> {
    const fields = await this.read(channelId, ['accessToken']);
    return fields && parsePart(channelId, apiCredentialsSchema, fields);
  }

  /** The named string fields of the channel's item (absent ones undefined); undefined without an item. */
  private async read<F extends keyof ChannelSecrets>(
    channelId: string,
    fields: readonly F[],
  ): Promise<Record<F, string | undefined> | undefined> {
    const out = await this.client.send(
      new GetItemCommand({
        TableName: this.tableName,
        Key: { channelId: { S: channelId } },
        ConsistentRead: true,
        ProjectionExpression: fields.join(', '),
      }),
    );
    const item = out.Item;
    if (!item) return undefined;
    return Object.fromEntries(fields.map((f) => [f, item[f]?.S])) as Record<F, string | undefined>;
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

type SecretName = keyof typeof SECRET_NAME_PARTS | 'legacy';

/** AWS: the pair of secrets per channel (see SecretStore), JSON each; the legacy combined one as fallback. */
export class SecretsManagerSecretStore implements SecretStore {
  constructor(
    private readonly client: SecretsManagerClient,
    private readonly namePrefix: string,
    /** Off once every channel is migrated: the webhook function is then not granted the legacy names. */
    private readonly options: { legacyFallback: boolean } = { legacyFallback: true },
  ) {}

  name(channelId: string, part: SecretName) {
    return part === 'legacy'
      ? `${this.namePrefix}${channelId}`
      : `${this.namePrefix}${SECRET_NAME_PARTS[part]}${channelId}`;
  }

  /** The parsed JSON of one secret; undefined when it does not exist. */
  private async read(channelId: string, part: SecretName): Promise<unknown> {
    let secretString: string | undefined;
    try {
      const out = await this.client.send(new GetSecretValueCommand({ SecretId: this.name(channelId, part) }));
      secretString = out.SecretString;
    } catch (error) {
      if (hasName(error, 'ResourceNotFoundException')) return undefined;
      throw error;
    }
    if (secretString === undefined) throw new MalformedSecretError(channelId, []);
    try {
      return JSON.parse(secretString) as unknown;
    } catch {
      // Never echo the parser's message: it may quote the secret.
      throw new MalformedSecretError(channelId, []);
    }
  }

  private async readLegacy(channelId: string): Promise<StoredSecrets | undefined> {
    const value = await this.read(channelId, 'legacy');
    return value === undefined ? undefined : { ...parseSecrets(channelId, value), legacy: true };
  }

  async get(channelId: string): Promise<StoredSecrets | undefined> {
    const [auth, api] = await Promise.all([
      this.read(channelId, 'webhookAuth'),
      this.read(channelId, 'apiCredentials'),
    ]);
    if (auth !== undefined && api !== undefined)
      return parseSecrets(channelId, {
        ...parsePart(channelId, apiCredentialsSchema, api),
        ...webhookAuthOf(parsePart(channelId, webhookAuthSchema, auth)),
      });
    // Not migrated yet (or a save interrupted between the two writes: the legacy secret is still there).
    const legacy = await this.readLegacy(channelId);
    if (legacy !== undefined || (auth === undefined && api === undefined)) return legacy;
    throw new MalformedSecretError(channelId, [auth === undefined ? 'webhookToken' : 'accessToken']);
  }

  async getWebhookAuth(channelId: string): Promise<WebhookAuthSecrets | undefined> {
    const auth = await this.read(channelId, 'webhookAuth');
    if (auth !== undefined) return webhookAuthOf(parsePart(channelId, webhookAuthSchema, auth));
    if (!this.options.legacyFallback) return undefined;
    const legacy = await this.readLegacy(channelId);
    return legacy && webhookAuthOf(legacy);
  }

  async getApiCredentials(channelId: string): Promise<ApiCredentials | undefined> {
    const api = await this.read(channelId, 'apiCredentials');
    if (api !== undefined) return parsePart(channelId, apiCredentialsSchema, api);
    if (!this.options.legacyFallback) return undefined;
    const legacy = await this.readLegacy(channelId);
    return legacy && { accessToken: legacy.accessToken };
  }

  /** Both parts, then the legacy secret goes: readers prefer the pair, so there is no gap. */
  async put(channelId: string, given: ChannelSecrets): Promise<void> {
    const secrets = parseSecrets(channelId, given);
    await Promise.all([
      this.write(this.name(channelId, 'webhookAuth'), webhookAuthOf(secrets)),
      this.write(this.name(channelId, 'apiCredentials'), { accessToken: secrets.accessToken }),
    ]);
    await this.remove(this.name(channelId, 'legacy'));
  }

  /**
   * Replaces a legacy combined secret by the pair (`npm run secrets:migrate`). Idempotent: a channel
   * already migrated, or without secrets, is left alone.
   */
  async migrate(channelId: string): Promise<'migrated' | 'already_split' | 'no_secrets'> {
    const legacy = await this.readLegacy(channelId);
    if (legacy === undefined) {
      const auth = await this.read(channelId, 'webhookAuth');
      return auth === undefined ? 'no_secrets' : 'already_split';
    }
    const { legacy: _legacy, ...secrets } = legacy;
    await this.put(channelId, secrets);
    return 'migrated';
  }

  /** Immediate deletion (no recovery window), so the channel id can be reused. Missing is fine. */
  async delete(channelId: string): Promise<void> {
    await Promise.all(
      (['webhookAuth', 'apiCredentials', 'legacy'] as const).map((part) =>
        this.remove(this.name(channelId, part)),
      ),
    );
  }

  /** New value for an existing secret, or a new secret; a concurrent create is settled by a second put. */
  private async write(SecretId: string, value: object): Promise<void> {
    const SecretString = JSON.stringify(value);
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

  private async remove(SecretId: string): Promise<void> {
    try {
      await this.client.send(new DeleteSecretCommand({ SecretId, ForceDeleteWithoutRecovery: true }));
    } catch (error) {
      if (!hasName(error, 'ResourceNotFoundException')) throw error;
    }
  }
}
