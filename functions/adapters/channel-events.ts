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
