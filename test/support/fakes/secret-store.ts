import type { SecretStore } from '../../../functions/adapters/secret-store';
import type { ChannelSecrets } from '../../../functions/domain/channel';
import { CallLog, clone } from './call-log';

export class MemorySecretStore implements SecretStore {
  readonly items = new Map<string, ChannelSecrets>();
  puts = 0;
  constructor(readonly log = new CallLog()) {}

  async get(channelId: string) {
    this.log.add(`secrets.get ${channelId}`);
    const s = this.items.get(channelId);
    return s && clone(s);
  }
  async getWebhookAuth(channelId: string) {
    this.log.add(`secrets.getWebhookAuth ${channelId}`);
    const s = this.items.get(channelId);
    return (
      s && {
        webhookToken: s.webhookToken,
        ...(s.clientSecret !== undefined && { clientSecret: s.clientSecret }),
      }
    );
  }
  async getApiCredentials(channelId: string) {
    this.log.add(`secrets.getApiCredentials ${channelId}`);
    const s = this.items.get(channelId);
    return s && { accessToken: s.accessToken };
  }
  async put(channelId: string, secrets: ChannelSecrets) {
    this.log.add(`secrets.put ${channelId}`);
    this.puts++;
    this.items.set(channelId, clone(secrets));
  }
  async delete(channelId: string) {
    this.log.add(`secrets.delete ${channelId}`);
    this.items.delete(channelId);
  }
}
