import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { CHANNEL_EVENTS_SOURCE, CHANNEL_SETTINGS_CHANGED } from '../../functions/adapters/channel-events';
import { startEventBus, type BusEvent, type EventBusShim } from '../../local/event-bus';

describe('the EventBridge PutEvents shim', () => {
  let bus: EventBusShim;
  let client: EventBridgeClient;
  const delivered: BusEvent[] = [];
  const errors: string[] = [];
  let failNext = false;

  beforeAll(async () => {
    bus = await startEventBus({
      rules: [
        {
          source: CHANNEL_EVENTS_SOURCE,
          detailType: CHANNEL_SETTINGS_CHANGED,
          target: async (event) => {
            if (failNext) {
              failNext = false;
              throw new Error('hook-manager failed');
            }
            delivered.push(event);
          },
        },
      ],
      onError: (message) => errors.push(message),
    });
    client = new EventBridgeClient({
      endpoint: bus.url,
      region: 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
  });
  afterAll(async () => {
    client.destroy();
    await bus.stop();
  });
  beforeEach(() => {
    delivered.length = 0;
    errors.length = 0;
  });

  test('accepts PutEvents from the AWS SDK and delivers matching entries as EventBridge events', async () => {
    const detail = { channelId: 'ch-1', change: 'saved', at: '2025-11-28T18:00:00.000Z' };
    const out = await client.send(
      new PutEventsCommand({
        Entries: [
          {
            Source: CHANNEL_EVENTS_SOURCE,
            DetailType: CHANNEL_SETTINGS_CHANGED,
            Detail: JSON.stringify(detail),
            EventBusName: 'default',
          },
          { Source: 'someone.else', DetailType: CHANNEL_SETTINGS_CHANGED, Detail: '{}' },
        ],
      }),
    );
    expect(out.FailedEntryCount).toBe(0);
    expect(out.Entries).toHaveLength(2);
    expect(out.Entries![0]!.EventId).toMatch(/^[0-9a-f-]{36}$/);
    await bus.idle();
    expect(delivered).toEqual([
      {
        version: '0',
        id: out.Entries![0]!.EventId,
        'detail-type': CHANNEL_SETTINGS_CHANGED,
        source: CHANNEL_EVENTS_SOURCE,
        account: '000000000000',
        time: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/),
        region: 'us-east-1',
        resources: [],
        detail,
      },
    ]);
    expect(bus.events).toHaveLength(2);
  });

  test('an entry with malformed Detail fails alone; the others are delivered', async () => {
    const out = await client.send(
      new PutEventsCommand({
        Entries: [
          { Source: CHANNEL_EVENTS_SOURCE, DetailType: CHANNEL_SETTINGS_CHANGED, Detail: 'not json' },
          {
            Source: CHANNEL_EVENTS_SOURCE,
            DetailType: CHANNEL_SETTINGS_CHANGED,
            Detail: '{"channelId":"b"}',
          },
        ],
      }),
    );
    expect(out.FailedEntryCount).toBe(1);
    expect(out.Entries![0]).toMatchObject({ ErrorCode: 'MalformedDetail' });
    await bus.idle();
    expect(delivered.map((e) => (e.detail as { channelId: string }).channelId)).toEqual(['b']);
  });

  test('a failing target is reported, not returned to the publisher', async () => {
    failNext = true;
    const out = await client.send(
      new PutEventsCommand({
        Entries: [{ Source: CHANNEL_EVENTS_SOURCE, DetailType: CHANNEL_SETTINGS_CHANGED, Detail: '{}' }],
      }),
    );
    expect(out.FailedEntryCount).toBe(0);
    await bus.idle();
    expect(errors).toHaveLength(1);
  });

  test('events on another bus do not match the default-bus rule', async () => {
    await client.send(
      new PutEventsCommand({
        Entries: [
          {
            Source: CHANNEL_EVENTS_SOURCE,
            DetailType: CHANNEL_SETTINGS_CHANGED,
            Detail: '{}',
            EventBusName: 'other',
          },
        ],
      }),
    );
    await bus.idle();
    expect(delivered).toEqual([]);
  });

  test('more than 10 entries is a ValidationException', async () => {
    const entry = { Source: CHANNEL_EVENTS_SOURCE, DetailType: CHANNEL_SETTINGS_CHANGED, Detail: '{}' };
    await expect(client.send(new PutEventsCommand({ Entries: Array(11).fill(entry) }))).rejects.toMatchObject(
      {
        name: 'ValidationException',
      },
    );
  });
});
