import type {
  ChannelEventPublisher,
  ChannelSettingsChangedDetail,
} from '../../../functions/adapters/channel-events';

export class MemoryPublisher implements ChannelEventPublisher {
  readonly published: ChannelSettingsChangedDetail[] = [];
  fail = false;
  async publishSettingsChanged(detail: ChannelSettingsChangedDetail) {
    if (this.fail) throw new Error('EventBridge unavailable');
    this.published.push(detail);
  }
}
