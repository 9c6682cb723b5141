import { DynamoChannelStore } from '../../functions/adapters/channel-store';
import { createRuntime, secretStore } from '../../functions/common/runtime';
import type { Channel, ChannelSecrets } from '../../functions/domain/channel';
import type { LocalAws } from './local-aws';

/**
 * Saves a channel, and its secrets when given, in the local tables, through the stores the wired
 * handlers read (the secret store as `wire(env)` picks it).
 */
export async function seedChannel(aws: LocalAws, channel: Channel, secrets?: ChannelSecrets) {
  await new DynamoChannelStore(aws.dynamo, aws.tables.channels).put(channel);
  if (secrets)
    await secretStore(createRuntime(aws.env, { dynamo: aws.dynamo })).put(channel.channelId, secrets);
}
