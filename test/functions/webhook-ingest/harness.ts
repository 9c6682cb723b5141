import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { Webhook } from 'standardwebhooks';
import type { Channel } from '../../../functions/domain/channel';
import { makeHandler, type IngestDeps } from '../../../functions/webhook-ingest/handler';
import { makeChannel } from '../../support/channels';
import { MemoryChannelStore, MemoryQueue, MemorySecretStore } from '../../support/fakes';
import { FakeObservability } from '../../support/observability';

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

/**
 * The ingest handler over the shared fakes: channels `ch1` (signed), `nosig` (token only), `nosecrets`,
 * `gone` (deleted) and `expired` (tombstone past its TTL), and a clock the test moves.
 */
export function harness(options: { cacheTtlMs?: number } = {}) {
  const channels = new MemoryChannelStore();
  const secrets = new MemorySecretStore();
  const queue = new MemoryQueue();
  const obs = new FakeObservability();
  for (const c of [
    channel('ch1'),
    channel('nosig'),
    channel('nosecrets'),
    channel('gone', { deletedAt: '2026-02-01T00:00:00.000Z' }),
    // Purged 31 days before the harness clock: its tombstone has expired (DynamoDB TTL is lazy).
    channel('expired', {
      deletedAt: '2026-02-28T00:00:00.000Z',
      purgedAt: '2026-02-28T00:00:00.000Z',
      expiresAt: Date.parse('2026-03-30T00:00:00.000Z') / 1000,
    }),
  ])
    channels.items.set(c.channelId, c);
  const tokenOnly = { accessToken: 'access-TOKEN-xyz', webhookToken: TOKEN };
  secrets.items.set('ch1', { ...tokenOnly, clientSecret: CLIENT_SECRET });
  secrets.items.set('nosig', tokenOnly);
  secrets.items.set('gone', { ...tokenOnly, clientSecret: CLIENT_SECRET });
  const state = { clock: Date.parse('2026-04-01T12:00:00.000Z') };
  const handler = makeHandler({
    channels,
    secrets,
    queue,
    logger: obs.logger,
    // Only what the handler calls: addMetric and singleMetric.
    metrics: obs.metricsPort as unknown as IngestDeps['metrics'],
    now: () => state.clock,
    cacheTtlMs: options.cacheTtlMs,
  });
  return {
    handler,
    channels,
    secrets,
    queue,
    state,
    obs,
    /** Store reads so far (the cache's effect). */
    get reads() {
      return {
        channels: channels.log.count('channels.get'),
        secrets: secrets.log.count('secrets.getWebhookAuth'),
      };
    },
  };
}
