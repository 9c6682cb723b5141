import type { ChannelSecrets } from '../domain/channel';

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
