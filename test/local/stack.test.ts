import { randomUUID } from 'node:crypto';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { GetQueueAttributesCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { APIGatewayProxyEventV2, EventBridgeEvent, ScheduledEvent, SQSEvent } from 'aws-lambda';
import { CHANNEL_EVENTS_SOURCE, CHANNEL_SETTINGS_CHANGED } from '../../functions/adapters/channel-events';
import { ConfigError } from '../../functions/common/config';
import type { FunctionName } from '../../functions/common/routes';
import type { Env } from '../../local/handlers';
import type { LambdaHandler } from '../../local/lambda-context';
import { PortInUseError, startLocalStack, type LocalStack } from '../../local/stack';
import { sharedStandIns, silentLog } from '../support/local-stack';
import { waitFor } from '../support/wait';

/**
 * The local stack in-process on random ports, on the Jest run's shared dynalite/fauxqs with unique names,
 * with stand-in functions that go through the same wire(env) contract as the real ones.
 */

const creds = { region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } };

interface Recorded {
  env: Partial<Record<FunctionName, Env>>;
  worker: SQSEvent[];
  hookManager: Array<ScheduledEvent | EventBridgeEvent<string, unknown>>;
  /** hook-manager's invocations from its work queue. */
  hookWork: SQSEvent[];
}

/** A hook-work record whose body says so fails on its first receive (reported, not thrown). */
const FAIL_FIRST = 'fail-first';

function fakeModules(recorded: Recorded) {
  const clients: Array<{ destroy(): void }> = [];
  const modules: Record<FunctionName, (env: Env) => LambdaHandler> = {
    'webhook-ingest': (env) => {
      const sqs = new SQSClient({ ...creds, endpoint: env.SQS_ENDPOINT });
      clients.push(sqs);
      return async (event) => {
        const e = event as APIGatewayProxyEventV2;
        await sqs.send(
          new SendMessageCommand({
            QueueUrl: env.ORDER_EVENTS_QUEUE_URL,
            MessageBody: JSON.stringify({ channelId: e.pathParameters?.channelId, body: e.body }),
          }),
        );
        return {
          statusCode: 200,
          headers: { 'content-type': 'application/json' },
          body: '{"accepted":true}',
        };
      };
    },
    'channel-api': (env) => {
      const events = new EventBridgeClient({ ...creds, endpoint: env.EVENTBRIDGE_ENDPOINT });
      clients.push(events);
      return async (event, context) => {
        const e = event as APIGatewayProxyEventV2;
        const channelId = e.pathParameters?.channelId;
        if (e.requestContext.http.method === 'PUT') {
          await events.send(
            new PutEventsCommand({
              Entries: [
                {
                  Source: CHANNEL_EVENTS_SOURCE,
                  DetailType: CHANNEL_SETTINGS_CHANGED,
                  EventBusName: env.EVENT_BUS_NAME,
                  Detail: JSON.stringify({ channelId, change: 'saved', at: new Date().toISOString() }),
                },
              ],
            }),
          );
        }
        // A plain object: the gateway maps it like API Gateway (200 JSON).
        return { channelId, routeKey: e.routeKey, remainingMs: context.getRemainingTimeInMillis() };
      };
    },
    'order-worker': () => async (event) => {
      recorded.worker.push(event as SQSEvent);
      return { batchItemFailures: [] };
    },
    'hook-manager': () => async (event) => {
      if (!(event as SQSEvent).Records) return void recorded.hookManager.push(event as ScheduledEvent);
      const { Records } = event as SQSEvent;
      recorded.hookWork.push({ Records });
      const failing = Records.filter(
        (r) => r.body === FAIL_FIRST && r.attributes.ApproximateReceiveCount === '1',
      );
      return { batchItemFailures: failing.map((r) => ({ itemIdentifier: r.messageId })) };
    },
    'support-widget': () => async () => ({
      statusCode: 200,
      headers: { 'content-type': 'text/html' },
      body: '<p>support</p>',
    }),
  };
  return {
    clients,
    load: async (name: FunctionName) => ({
      wire: (env: Env) => {
        recorded.env[name] = env;
        return modules[name](env);
      },
    }),
  };
}

describe('the local stack with stand-in functions', () => {
  let stack: LocalStack;
  let fakes: ReturnType<typeof fakeModules>;
  const recorded: Recorded = { env: {}, worker: [], hookManager: [], hookWork: [] };

  beforeAll(async () => {
    fakes = fakeModules(recorded);
    stack = await startLocalStack({
      port: 0,
      prefix: `s${randomUUID().slice(0, 8)}-`,
      env: {
        ...sharedStandIns(),
        BIGCOMMERCE_API_URL: 'http://127.0.0.1:9',
        HOOK_VERIFY_INTERVAL_SECONDS: '1',
        HOOK_CATCH_UP_DELAY_SECONDS: '5',
      },
      pollerOptions: { waitTimeSeconds: 1, visibilityTimeoutSeconds: 1 },
      // The hook-work queue's visibility timeout follows hook-manager's: a failed record is back in 1 s.
      functionTimeoutsMs: { 'hook-manager': 1000 },
      schedulerInitialDelayMs: 0,
      loadHandlerModule: fakes.load,
      log: silentLog,
    });
  });
  afterAll(async () => {
    await stack?.stop();
    for (const c of fakes.clients) c.destroy();
  });

  test('answers /health with {"status":"ok"} once every part is ready', async () => {
    const res = await fetch(`${stack.url}/health`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok' });
  });

  test('wires every function with the same environment: tables, queues, endpoints, WEBHOOK_BASE_URL', () => {
    const env = recorded.env['webhook-ingest']!;
    expect(Object.keys(recorded.env).sort()).toEqual([
      'channel-api',
      'hook-manager',
      'order-worker',
      'support-widget',
      'webhook-ingest',
    ]);
    expect(recorded.env['order-worker']).toBe(env);
    expect(env).toMatchObject({
      CHANNELS_TABLE: stack.tables.channels,
      ORDERS_TABLE: stack.tables.orders,
      SECRETS_TABLE: stack.tables.secrets,
      ORDER_EVENTS_QUEUE_URL: stack.queues.queueUrl,
      DEAD_LETTER_QUEUE_URL: stack.queues.deadLetterQueueUrl,
      WEBHOOK_BASE_URL: stack.url,
      BIGCOMMERCE_API_URL: 'http://127.0.0.1:9',
      EVENTBRIDGE_ENDPOINT: stack.eventBus.url,
      HOOK_VERIFY_INTERVAL_SECONDS: '1',
    });
    expect(recorded.env['hook-manager']).toMatchObject({
      HOOK_WORK_QUEUE_URL: stack.queues.hookWorkQueueUrl,
      HOOK_CATCH_UP_DELAY_SECONDS: '5',
    });
    expect(stack.env).toBe(env);
    expect(stack.sandboxUrl).toBeUndefined();
  });

  test('GET /support (local only) reaches the support-widget function', async () => {
    const res = await fetch(`${stack.url}/support?channelId=ch-1`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html');
    expect(await res.text()).toBe('<p>support</p>');
  });

  test('a webhook request goes through the gateway, the queue and the poller to the worker', async () => {
    const res = await fetch(`${stack.url}/webhooks/bigcommerce/ch-1`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"scope":"store/order/statusUpdated"}',
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ accepted: true });
    const records = await waitFor(
      () => {
        const found = recorded.worker.flatMap((e) => e.Records).filter((r) => r.body.includes('ch-1'));
        return found.length > 0 && found;
      },
      { what: 'the record at the worker' },
    );
    expect(JSON.parse(records[0]!.body)).toEqual({
      channelId: 'ch-1',
      body: '{"scope":"store/order/statusUpdated"}',
    });
    expect(records[0]).toMatchObject({
      eventSource: 'aws:sqs',
      attributes: { ApproximateReceiveCount: '1' },
    });
  });

  test('an admin request reaches channel-api, whose PutEvents reaches hook-manager through the shim', async () => {
    const res = await fetch(`${stack.url}/channels/ch-2`, { method: 'PUT', body: '{}' });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { channelId: string; routeKey: string; remainingMs: number };
    expect(body).toMatchObject({ channelId: 'ch-2', routeKey: 'PUT /channels/{channelId}' });
    expect(body.remainingMs).toBeGreaterThan(0);
    const delivered = await waitFor(
      () =>
        recorded.hookManager.find(
          (e) =>
            e['detail-type'] === CHANNEL_SETTINGS_CHANGED &&
            (e.detail as { channelId?: string }).channelId === 'ch-2',
        ),
      { what: 'ChannelSettingsChanged at hook-manager' },
    );
    expect(delivered.source).toBe(CHANNEL_EVENTS_SOURCE);
  });

  test('hook-work messages reach hook-manager one per SQS event; a reported failure comes back, then all are gone', async () => {
    const send = (MessageBody: string) =>
      stack.clients.sqs.send(
        new SendMessageCommand({ QueueUrl: stack.queues.hookWorkQueueUrl, MessageBody }),
      );
    await send('{"shard":3}');
    await send(FAIL_FIRST);
    const records = () => recorded.hookWork.flatMap((e) => e.Records);
    const retried = await waitFor(
      () => records().find((r) => r.body === FAIL_FIRST && r.attributes.ApproximateReceiveCount === '2'),
      { what: 'the failed record delivered again' },
    );
    expect(retried.eventSourceARN).toMatch(/hook-work$/);
    expect(records().filter((r) => r.body === '{"shard":3}')).toHaveLength(1);
    expect(recorded.hookWork.every((e) => e.Records.length === 1)).toBe(true);
    const left = await waitFor(
      async () => {
        const { Attributes } = await stack.clients.sqs.send(
          new GetQueueAttributesCommand({
            QueueUrl: stack.queues.hookWorkQueueUrl,
            AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
          }),
        );
        return Attributes?.ApproximateNumberOfMessagesNotVisible === '0' && Attributes;
      },
      { what: 'the hook-work queue empty' },
    );
    expect(left.ApproximateNumberOfMessages).toBe('0');
  });

  test('the schedule invokes hook-manager with scheduled events', async () => {
    const scheduled = await waitFor(
      () => recorded.hookManager.filter((e) => e.source === 'aws.events').length >= 2 || undefined,
      {
        what: 'two scheduled runs',
      },
    );
    expect(scheduled).toBe(true);
  });

  test('an unknown route is a 404 JSON', async () => {
    const res = await fetch(`${stack.url}/nope`);
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ errors: [{ message: 'Not Found' }] });
  });
});

describe('startLocalStack failures', () => {
  test('a port in use is one clear error, and nothing is left running', async () => {
    const fakes = fakeModules({ env: {}, worker: [], hookManager: [], hookWork: [] });
    const first = await startLocalStack({
      port: 0,
      prefix: `p${randomUUID().slice(0, 8)}-`,
      env: { ...sharedStandIns(), BIGCOMMERCE_API_URL: 'http://127.0.0.1:9' },
      pollerOptions: { waitTimeSeconds: 1 },
      loadHandlerModule: fakes.load,
      log: silentLog,
    });
    try {
      const second = startLocalStack({
        port: first.port,
        env: { ...sharedStandIns(), BIGCOMMERCE_API_URL: 'http://127.0.0.1:9' },
        loadHandlerModule: fakes.load,
        log: silentLog,
      });
      await expect(second).rejects.toThrow(PortInUseError);
      await expect(second).rejects.toThrow(
        `API port ${first.port} is already in use (set PORT to another port)`,
      );
    } finally {
      await first.stop();
      for (const c of fakes.clients) c.destroy();
    }
  });

  test('a bad environment value is a ConfigError naming the variable, before anything starts', async () => {
    await expect(
      startLocalStack({ port: 0, env: { DEFER_DELAYS_SECONDS: '60,soon' }, log: silentLog }),
    ).rejects.toThrow(ConfigError);
    await expect(
      startLocalStack({ port: 0, env: { SANDBOX_TIME_SCALE: '-1' }, log: silentLog }),
    ).rejects.toThrow(/SANDBOX_TIME_SCALE/);
  });

  test('a function whose module cannot be loaded fails the start with its name', async () => {
    await expect(
      startLocalStack({
        port: 0,
        prefix: `f${randomUUID().slice(0, 8)}-`,
        env: { ...sharedStandIns(), BIGCOMMERCE_API_URL: 'http://127.0.0.1:9' },
        loadHandlerModule: async (name) => {
          throw new Error(`no module for ${name}`);
        },
        log: silentLog,
      }),
    ).rejects.toThrow(/cannot load functions\/[a-z-]+\/handler\.ts/);
  });
});
