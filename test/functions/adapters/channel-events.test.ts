import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { mockClient } from 'aws-sdk-client-mock';
import {
  CHANNEL_EVENTS_SOURCE,
  CHANNEL_SETTINGS_CHANGED,
  EventBridgeChannelEventPublisher,
} from '../../../functions/adapters/channel-events';
import { startEventBus, type BusEvent } from '../../../local/event-bus';

const detail = { channelId: 'c1', change: 'saved' as const, at: '2026-05-01T10:00:00.000Z' };

describe('EventBridgeChannelEventPublisher', () => {
  const mock = mockClient(EventBridgeClient);
  afterEach(() => mock.reset());
  afterAll(() => mock.restore());

  test('one PutEvents entry with the contract source, detail-type, bus and detail', async () => {
    mock.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'e1' }] });
    await new EventBridgeChannelEventPublisher(new EventBridgeClient({}), 'my-bus').publishSettingsChanged(
      detail,
    );
    const calls = mock.commandCalls(PutEventsCommand);
    expect(calls).toHaveLength(1);
    expect(calls[0]!.args[0].input).toEqual({
      Entries: [
        {
          EventBusName: 'my-bus',
          Source: 'om.bigcommerce.channels',
          DetailType: 'ChannelSettingsChanged',
          Detail: JSON.stringify(detail),
        },
      ],
    });
  });

  test('only the three detail fields travel, whatever the caller passed', async () => {
    mock.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'e1' }] });
    await new EventBridgeChannelEventPublisher(new EventBridgeClient({}), 'b').publishSettingsChanged({
      ...detail,
      accessToken: 'leak',
    } as typeof detail);
    expect(mock.commandCalls(PutEventsCommand)[0]!.args[0].input.Entries![0]!.Detail).not.toContain('leak');
  });

  test('a failed entry (PutEvents answers 200) rejects with its error code', async () => {
    mock.on(PutEventsCommand).resolves({
      FailedEntryCount: 1,
      Entries: [{ ErrorCode: 'ThrottlingException', ErrorMessage: 'slow down' }],
    });
    await expect(
      new EventBridgeChannelEventPublisher(new EventBridgeClient({}), 'b').publishSettingsChanged(detail),
    ).rejects.toThrow('ThrottlingException slow down');
  });

  test('a client error rejects', async () => {
    mock.on(PutEventsCommand).rejects(new Error('network down'));
    await expect(
      new EventBridgeChannelEventPublisher(new EventBridgeClient({}), 'b').publishSettingsChanged(detail),
    ).rejects.toThrow('network down');
  });
});

test('against the local EventBridge stand-in: the event reaches a rule on source and detail-type', async () => {
  const received: BusEvent[] = [];
  const bus = await startEventBus({
    rules: [
      {
        source: CHANNEL_EVENTS_SOURCE,
        detailType: CHANNEL_SETTINGS_CHANGED,
        target: async (event) => void received.push(event),
      },
    ],
  });
  try {
    const client = new EventBridgeClient({
      endpoint: bus.url,
      region: 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    await new EventBridgeChannelEventPublisher(client, 'default').publishSettingsChanged(detail);
    await bus.idle();
    expect(received).toHaveLength(1);
    expect(received[0]).toMatchObject({
      source: 'om.bigcommerce.channels',
      'detail-type': 'ChannelSettingsChanged',
      detail,
    });
  } finally {
    await bus.stop();
  }
});
