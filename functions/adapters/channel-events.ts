import { PutEventsCommand, type EventBridgeClient } from '@aws-sdk/client-eventbridge';

/** EventBridge event published by channel-api on every save and delete; hook-manager reacts at once. */
export const CHANNEL_EVENTS_SOURCE = 'om.bigcommerce.channels';
export const CHANNEL_SETTINGS_CHANGED = 'ChannelSettingsChanged';

export interface ChannelSettingsChangedDetail {
  channelId: string;
  change: 'saved' | 'deleted';
  at: string;
}

export interface ChannelEventPublisher {
  publishSettingsChanged(detail: ChannelSettingsChangedDetail): Promise<void>;
}

/** Publishes to an EventBridge bus with one PutEvents; rejects when the entry was not accepted. */
export class EventBridgeChannelEventPublisher implements ChannelEventPublisher {
  constructor(
    private readonly client: EventBridgeClient,
    private readonly busName: string,
  ) {}

  async publishSettingsChanged(detail: ChannelSettingsChangedDetail): Promise<void> {
    const out = await this.client.send(
      new PutEventsCommand({
        Entries: [
          {
            EventBusName: this.busName,
            Source: CHANNEL_EVENTS_SOURCE,
            DetailType: CHANNEL_SETTINGS_CHANGED,
            // Only the id, the kind of change and the time: never settings or secrets.
            Detail: JSON.stringify({ channelId: detail.channelId, change: detail.change, at: detail.at }),
          },
        ],
      }),
    );
    // PutEvents answers 200 even when an entry failed; the failure is per entry.
    const failed = out.Entries?.find((e) => e.ErrorCode !== undefined);
    if ((out.FailedEntryCount ?? 0) > 0 || failed)
      throw new Error(
        `EventBridge did not accept ${CHANNEL_SETTINGS_CHANGED}: ${failed?.ErrorCode ?? 'unknown'} ${failed?.ErrorMessage ?? ''}`.trim(),
      );
  }
}
