import { createHash } from 'node:crypto';
import type { Logger } from '@aws-lambda-powertools/logger';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import {
  buildOrderEvent,
  decideCallback,
  deriveEventId,
  parseCallback,
  WEBHOOK_ID_PATTERN,
} from '../domain/callback';
import { CHANNEL_ID_PATTERN, tombstoneExpired, type Channel } from '../domain/channel';
import { INGEST_METRICS, REJECTION_REASONS, type IngestMetric } from '../common/metric-names';
import { empty, errors, rawBody, type HttpResult } from '../common/http';
import { aggregateCounts, type CountingMetrics } from '../common/aggregated-metrics';
import { withObservability } from '../common/observability';
import type { Uses } from '../common/ports';
import * as rt from '../common/runtime';
import { createTtlCache } from '../common/ttl-cache';
import {
  authenticateRequest,
  prepareChannelAuth,
  producerMatches,
  type AuthFailure,
  type ChannelAuth,
} from './authenticate';
import { DELIVERY_EXCEPTIONS_ROUTE_KEY, makeDeliveryExceptionHandler } from './delivery-exceptions';
import type { PORTS } from './ports';
import {
  lowerCaseHeaders,
  MAX_BODY_BYTES,
  TOO_LARGE,
  UNAUTHORIZED,
  UNAVAILABLE,
  UNKNOWN_CHANNEL,
} from './answers';

export const CHANNEL_CACHE_TTL_MS = 60_000;
/**
 * "No such channel" is remembered briefly: a flood of callbacks for made-up channel ids costs one
 * DynamoDB read per id and container per this period, while a channel created a moment ago works soon.
 */
export const UNKNOWN_CHANNEL_CACHE_TTL_MS = 10_000;

export type RejectReason = (typeof REJECTION_REASONS)[number];

export interface IngestDeps {
  /** Callbacks only read the channel (delivery exceptions also record on it). */
  channels: Pick<Uses<typeof PORTS, 'channels'>, 'get'>;
  /** Webhook authentication material only (token, client secret): never the API credentials. */
  secrets: Uses<typeof PORTS, 'secrets'>;
  queue: Uses<typeof PORTS, 'orderEventQueue'>;
  logger: Pick<Logger, 'debug' | 'info' | 'warn' | 'error'>;
  metrics: CountingMetrics;
  /** Epoch ms; drives receivedAt and the channel cache. */
  now?: () => number;
  cacheTtlMs?: number;
}

export type IngestHandler = (event: APIGatewayProxyEventV2, context?: Context) => Promise<HttpResult>;

/** What one cache entry holds: the live channel and its prepared auth checks (none: no secrets stored). */
interface KnownChannel {
  channel: Channel;
  auth?: ChannelAuth;
  /** Deleted (tombstone not yet expired): callbacks are acknowledged and dropped. */
  deleted?: true;
}

const sha256Hex = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

/**
 * POST /webhooks/bigcommerce/{channelId}. Precedence (docs/webhook-ingest.md): 413 size → 404 channel →
 * 401 token/signature → 400 JSON/schema → 401 producer → 200 ignored scope → 503/200 enqueue.
 */
export function makeHandler(deps: IngestDeps): IngestHandler {
  const { channels, secrets, queue, logger, metrics } = deps;
  const now = deps.now ?? Date.now;
  const ttlMs = deps.cacheTtlMs ?? CHANNEL_CACHE_TTL_MS;
  const cache = createTtlCache<KnownChannel | undefined>({
    ttlMs,
    ttlFor: (known) => (known ? ttlMs : Math.min(ttlMs, UNKNOWN_CHANNEL_CACHE_TTL_MS)),
    now,
  });

  // The channel first: an unknown or deleted channel costs no secret read (docs/contract.md section 15).
  const loadChannel = async (channelId: string): Promise<KnownChannel | undefined> => {
    const channel = await channels.get(channelId);
    if (!channel || tombstoneExpired(channel, new Date(now()))) return undefined;
    if (channel.deletedAt !== undefined) return { channel, deleted: true };
    const stored = await secrets.getWebhookAuth(channelId);
    return stored ? { channel, auth: prepareChannelAuth(stored) } : { channel };
  };

  const count = (name: IngestMetric) => metrics.addMetric(name, MetricUnit.Count, 1);

  const reject = (reason: RejectReason, answer: HttpResult, log: Record<string, unknown>): HttpResult => {
    const single = metrics.singleMetric();
    single.addDimension('reason', reason);
    single.addMetric(INGEST_METRICS.rejected, MetricUnit.Count, 1);
    logger.warn('webhook rejected', { reason, status: answer.statusCode, ...log });
    return answer;
  };

  return async (event) => {
    count(INGEST_METRICS.received);

    // 1. Size, before decoding or parsing anything.
    const body = event.body ?? '';
    const encoding = event.isBase64Encoded ? 'base64' : 'utf8';
    const size = Buffer.byteLength(body, encoding);
    if (size > MAX_BODY_BYTES) return reject('too_large', TOO_LARGE(), { size });

    // 2. Channel (cached with its prepared auth checks).
    const channelId = event.pathParameters?.channelId;
    if (channelId === undefined || !CHANNEL_ID_PATTERN.test(channelId))
      return reject('unknown_channel', UNKNOWN_CHANNEL(), { detail: 'malformed_channel_id' });
    let known: KnownChannel | undefined;
    try {
      known = await cache.get(channelId, () => loadChannel(channelId));
    } catch (error) {
      // Our own storage failed: ask BigCommerce to retry rather than lose the callback.
      logger.error('channel lookup failed', { channelId, error });
      return UNAVAILABLE();
    }
    if (!known) return reject('unknown_channel', UNKNOWN_CHANNEL(), { channelId });
    if (known.deleted) {
      // 200, not 404: BigCommerce scores failures over the whole destination domain.
      count(INGEST_METRICS.forDeletedChannel);
      logger.info('callback for a deleted channel acknowledged and dropped', { channelId });
      return empty(200);
    }

    // 3. Token and signature, on the raw bytes, before the body is parsed.
    const headers = lowerCaseHeaders(event.headers);
    const raw = encoding === 'base64' ? rawBody(event).toString('utf8') : body;
    const auth = known.auth
      ? authenticateRequest(known.auth, headers, raw)
      : ({ ok: false, reason: 'channel_has_no_secrets' } as const);
    if (!auth.ok) return unauthorized(channelId, auth.reason);

    // 4. JSON, then the callback schema (the caller is authenticated: naming the field is safe).
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw);
    } catch {
      return reject('invalid', errors(400, [{ field: 'body', message: 'body is not JSON' }]), { channelId });
    }
    // Trusted as the event id only when signed; an unsigned `webhook-id` is ignored.
    const webhookId = auth.signed ? headers['webhook-id'] : undefined;
    if (webhookId !== undefined && !WEBHOOK_ID_PATTERN.test(webhookId))
      return reject(
        'invalid',
        errors(400, [{ field: 'webhook-id', message: 'must be 1-128 printable characters' }]),
        { channelId },
      );
    const result = parseCallback(parsed);
    if (!result.ok)
      return reject('invalid', errors(400, result.errors), {
        channelId,
        fields: result.errors.map((e) => e.field),
      });
    const callback = result.callback;

    // 5. The payload must come from this channel's store.
    if (!producerMatches(callback.producer, known.channel.storeHash))
      return unauthorized(channelId, 'producer_mismatch');

    // 6. Scopes we do not act on are acknowledged so BigCommerce does not retry them.
    const decision = decideCallback(callback);
    if (decision.kind === 'ignore') {
      count(INGEST_METRICS.ignored);
      logger.debug('webhook ignored', { channelId, scope: callback.scope });
      return empty(200);
    }

    // 7. One SendMessage; the worker re-reads the order, so this is only a notification.
    const orderId = decision.orderId;
    const eventId = deriveEventId(
      { signedWebhookId: webhookId, hash: callback.hash, createdAt: callback.created_at, orderId },
      sha256Hex,
    );
    const orderEvent = buildOrderEvent({
      callback,
      channelId,
      orderId,
      eventId,
      receivedAt: new Date(now()),
    });
    try {
      await queue.send(orderEvent);
    } catch (error) {
      count(INGEST_METRICS.enqueueFailed);
      logger.error('enqueue failed', { channelId, orderId, eventId, error });
      return UNAVAILABLE();
    }
    count(INGEST_METRICS.accepted);
    // Debug only: a log line costs more than the rest of the hot path, and the worker logs every
    // event's outcome by eventId anyway; WebhookAccepted counts them.
    logger.debug('webhook accepted', {
      channelId,
      orderId,
      eventId,
      scope: callback.scope,
      signed: auth.signed,
    });
    return empty(200);
  };

  function unauthorized(channelId: string, detail: AuthFailure): HttpResult {
    return reject('unauthorized', UNAUTHORIZED(), { channelId, detail });
  }
}

export const WIRE_KEYS = [
  'CHANNELS_TABLE',
  'SECRETS_TABLE',
  'SECRET_NAME_PREFIX',
  'SECRET_LEGACY_FALLBACK',
  'ORDER_EVENTS_QUEUE_URL',
  'DYNAMODB_ENDPOINT',
  'SQS_ENDPOINT',
  'SECRETSMANAGER_ENDPOINT',
] as const;

/** Lambda (index.ts) and the local stack both build the function here. */
export function wire(env: Record<string, string | undefined>) {
  const { runtime, obs } = rt.forFunction(env, WIRE_KEYS, 'webhook-ingest');
  // Accepted requests are counted in memory and written once a minute (docs/webhook-ingest.md).
  const aggregated = aggregateCounts(obs.metrics);
  const access = rt.channelAccess(runtime);
  // Delivery exceptions are counted like the rest (written at once by a container's first invocation).
  const exceptions = makeDeliveryExceptionHandler({
    ...access,
    logger: obs.logger,
    metrics: aggregated.metrics,
  });
  const callbacks = makeHandler({
    ...access,
    queue: rt.orderEventQueue(runtime),
    logger: obs.logger,
    metrics: aggregated.metrics,
  });
  const handler: IngestHandler = (event, context) =>
    event.routeKey === DELIVERY_EXCEPTIONS_ROUTE_KEY ? exceptions(event) : callbacks(event, context);
  return withObservability(handler as (e: APIGatewayProxyEventV2, c: Context) => Promise<HttpResult>, obs, {
    timeoutEarlyInMillis: 0,
    aggregated,
  });
}
