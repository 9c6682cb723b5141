import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { Webhook } from 'standardwebhooks';
import type { Channel, ChannelSecrets } from '../../../functions/domain/channel';
import type { OrderEvent } from '../../../functions/domain/order-event';
import { makeHandler, type IngestDeps } from '../../../functions/webhook-ingest/handler';
import { makeChannel } from '../../support/channels';

/** Shared fakes for the webhook-ingest tests (not a test file itself). */

export const STORE_HASH = 'abc123';
export const TOKEN = 'tok-0123456789abcdef-SECRET';
export const CLIENT_SECRET = 'client-secret-VALUE-42';

/** Ingest reads only a channel's id, store and deletion: the shared builder's defaults serve. */
export const channel = (channelId: string, over: Partial<Channel> = {}): Channel =>
  makeChannel({ channelId, storeHash: STORE_HASH, ...over });

export const callbackBody = (overrides: Record<string, unknown> = {}): Record<string, unknown> => ({
  scope: 'store/order/statusUpdated',
  store_id: '1025646',
  producer: `stores/${STORE_HASH}`,
  hash: '7ee67cd1cf2ca60bc1aa9e5fe957d2de373be4ca',
  created_at: 1561479335,
  data: { type: 'order', id: 250, status: { previous_status_id: 9, new_status_id: 5 } },
  ...overrides,
});

/** Signs like BigCommerce: Standard Webhooks keyed with base64(client secret). */
export function signHeaders(
  body: string,
  options: { secret?: string; id?: string; at?: Date } = {},
): Record<string, string> {
  const id = options.id ?? 'msg_2KWPBgLlAfxdpx2AI54pPJ85f4W';
  const at = options.at ?? new Date();
  const webhook = new Webhook(Buffer.from(options.secret ?? CLIENT_SECRET).toString('base64'));
  return {
    'webhook-id': id,
    'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
    'webhook-signature': webhook.sign(id, at, body),
  };
}

export function request(options: {
  channelId?: string;
  body?: string | Record<string, unknown>;
  headers?: Record<string, string>;
  base64?: boolean;
}): APIGatewayProxyEventV2 {
  const channelId = options.channelId ?? 'ch1';
  const text =
    options.body === undefined
      ? undefined
      : typeof options.body === 'string'
        ? options.body
        : JSON.stringify(options.body);
  return {
    version: '2.0',
    routeKey: 'POST /webhooks/bigcommerce/{channelId}',
    rawPath: `/webhooks/bigcommerce/${channelId}`,
    rawQueryString: '',
    headers: { 'content-type': 'application/json', ...options.headers },
    pathParameters: { channelId },
    isBase64Encoded: options.base64 ?? false,
    body: options.base64 && text !== undefined ? Buffer.from(text).toString('base64') : text,
    requestContext: {
      accountId: '000000000000',
      apiId: 'local',
      domainName: 'localhost',
      domainPrefix: 'localhost',
      http: {
        method: 'POST',
        path: `/webhooks/bigcommerce/${channelId}`,
        protocol: 'HTTP/1.1',
        sourceIp: '127.0.0.1',
        userAgent: 'test',
      },
      requestId: 'r1',
      routeKey: 'POST /webhooks/bigcommerce/{channelId}',
      stage: '$default',
      time: '01/Apr/2026:12:00:00 +0000',
      timeEpoch: 0,
    },
  } as APIGatewayProxyEventV2;
}

export interface MetricRecord {
  name: string;
  dimensions: Record<string, string>;
}

/** Records metrics and log lines; enough of Metrics/Logger for the handler. */
export function fakeObservability() {
  const metrics: MetricRecord[] = [];
  const logs: { level: string; message: string; fields: unknown }[] = [];
  const single = () => {
    const dimensions: Record<string, string> = {};
    const m = {
      addDimension(name: string, value: string) {
        dimensions[name] = value;
        return m;
      },
      addMetric(name: string) {
        metrics.push({ name, dimensions: { ...dimensions } });
      },
    };
    return m;
  };
  const log = (level: string) => (message: string, fields?: unknown) =>
    void logs.push({ level, message, fields });
  return {
    metrics,
    logs,
    deps: {
      metrics: {
        addMetric: (name: string) => void metrics.push({ name, dimensions: {} }),
        singleMetric: single,
      },
      logger: { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') },
    } as unknown as Pick<IngestDeps, 'metrics' | 'logger'>,
    names: () => metrics.map((m) => (m.dimensions.reason ? `${m.name}:${m.dimensions.reason}` : m.name)),
    /** Everything logged, serialised (errors with their message) — for "no secret in logs" checks. */
    logText: () =>
      JSON.stringify(logs, (_k, v: unknown) =>
        v instanceof Error ? { name: v.name, message: v.message } : v,
      ),
  };
}

export function harness(options: { cacheTtlMs?: number } = {}) {
  const channels = new Map<string, Channel>([
    ['ch1', channel('ch1')],
    ['nosig', channel('nosig')],
    ['nosecrets', channel('nosecrets')],
    ['gone', channel('gone', { deletedAt: '2026-02-01T00:00:00.000Z' })],
    // Purged 31 days before the harness clock: its tombstone has expired (DynamoDB TTL is lazy).
    [
      'expired',
      channel('expired', {
        deletedAt: '2026-02-28T00:00:00.000Z',
        purgedAt: '2026-02-28T00:00:00.000Z',
        expiresAt: Date.parse('2026-03-30T00:00:00.000Z') / 1000,
      }),
    ],
  ]);
  const secrets = new Map<string, ChannelSecrets>([
    ['ch1', { accessToken: 'access-TOKEN-xyz', clientSecret: CLIENT_SECRET, webhookToken: TOKEN }],
    ['nosig', { accessToken: 'access-TOKEN-xyz', webhookToken: TOKEN }],
    ['gone', { accessToken: 'access-TOKEN-xyz', clientSecret: CLIENT_SECRET, webhookToken: TOKEN }],
  ]);
  const sent: OrderEvent[] = [];
  const state = { queueFails: false, storeFails: false, clock: Date.parse('2026-04-01T12:00:00.000Z') };
  const reads = { channels: 0, secrets: 0 };
  const obs = fakeObservability();
  const handler = makeHandler({
    channels: {
      get: async (id) => {
        reads.channels += 1;
        if (state.storeFails) throw new Error('dynamodb unavailable');
        return channels.get(id);
      },
    },
    secrets: {
      getWebhookAuth: async (id) => {
        reads.secrets += 1;
        const stored = secrets.get(id);
        return stored && { webhookToken: stored.webhookToken, clientSecret: stored.clientSecret };
      },
    },
    queue: {
      send: async (event) => {
        if (state.queueFails) throw new Error('sqs unavailable');
        sent.push(event);
      },
    },
    ...obs.deps,
    now: () => state.clock,
    cacheTtlMs: options.cacheTtlMs,
  });
  return { handler, channels, secrets, sent, state, reads, obs };
}
