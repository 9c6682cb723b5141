import type { Logger } from '@aws-lambda-powertools/logger';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { CountingMetrics } from '../common/aggregated-metrics';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { CHANNEL_ID_PATTERN, tombstoneExpired } from '../domain/channel';
import { parseDeliveryException } from '../domain/delivery-exception';
import { empty, errors, rawBody, type HttpResult } from '../common/http';
import { INGEST_METRICS, type IngestMetric } from '../common/metric-names';
import type { Uses } from '../common/ports';
import {
  lowerCaseHeaders,
  MAX_BODY_BYTES,
  TOO_LARGE,
  UNAUTHORIZED,
  UNAVAILABLE,
  UNKNOWN_CHANNEL,
} from './answers';
import { authenticateRequest, prepareChannelAuth, producerMatches } from './authenticate';
import type { PORTS } from './ports';

/** The route BigCommerce sends `store/hook/deliveryException` to (apart from the order callbacks). */
export const DELIVERY_EXCEPTIONS_ROUTE_KEY = 'POST /webhooks/bigcommerce/{channelId}/delivery-exceptions';

export interface DeliveryExceptionDeps {
  channels: Uses<typeof PORTS, 'channels'>;
  secrets: Uses<typeof PORTS, 'secrets'>;
  logger: Pick<Logger, 'info' | 'warn' | 'error'>;
  metrics: Pick<CountingMetrics, 'addMetric'>;
  now?: () => number;
}

/**
 * POST /webhooks/bigcommerce/{channelId}/delivery-exceptions: authenticated like the order callbacks
 * (token, signature when present, producer), then recorded on the channel, counted
 * (WebhookDeliveryException, which alarms) and logged. Rare, so no cache: every call reads the channel.
 */
export function makeDeliveryExceptionHandler(deps: DeliveryExceptionDeps) {
  const now = deps.now ?? Date.now;
  const count = (name: IngestMetric) => deps.metrics.addMetric(name, MetricUnit.Count, 1);
  const rejected = (answer: HttpResult, log: Record<string, unknown>): HttpResult => {
    deps.logger.warn('delivery exception rejected', { status: answer.statusCode, ...log });
    return answer;
  };

  return async (event: APIGatewayProxyEventV2): Promise<HttpResult> => {
    const channelId = event.pathParameters?.channelId;
    const raw = rawBody(event).toString('utf8');
    if (Buffer.byteLength(raw) > MAX_BODY_BYTES) return rejected(TOO_LARGE(), { channelId });
    if (channelId === undefined || !CHANNEL_ID_PATTERN.test(channelId))
      return rejected(UNKNOWN_CHANNEL(), {});
    // The channel first: an unknown or deleted channel costs no secret read.
    let channel, stored;
    try {
      channel = await deps.channels.get(channelId);
      if (!channel || tombstoneExpired(channel, new Date(now())))
        return rejected(UNKNOWN_CHANNEL(), { channelId });
      if (channel.deletedAt !== undefined) {
        count(INGEST_METRICS.forDeletedChannel);
        return empty(200);
      }
      stored = await deps.secrets.getWebhookAuth(channelId);
    } catch (error) {
      deps.logger.error('channel lookup failed', { channelId, error });
      return UNAVAILABLE();
    }
    const headers = lowerCaseHeaders(event.headers);
    const auth = stored
      ? authenticateRequest(prepareChannelAuth(stored), headers, raw)
      : ({ ok: false, reason: 'channel_has_no_secrets' } as const);
    if (!auth.ok) return rejected(UNAUTHORIZED(), { channelId, detail: auth.reason });

    let body: unknown;
    try {
      body = JSON.parse(raw);
    } catch {
      return rejected(errors(400, [{ message: 'body is not JSON' }]), { channelId });
    }
    const parsed = parseDeliveryException(body, new Date(now()));
    if (!parsed.ok) {
      deps.logger.warn('delivery exception rejected', { status: 400, channelId });
      return errors(400, parsed.errors);
    }
    if (!producerMatches(parsed.producer, channel.storeHash))
      return rejected(UNAUTHORIZED(), { channelId, detail: 'producer_mismatch' });

    try {
      await deps.channels.recordDeliveryException(channelId, parsed.exception);
    } catch (error) {
      // As for a callback we cannot enqueue: BigCommerce retries a 503.
      deps.logger.error('recording the delivery exception failed', { channelId, error });
      return UNAVAILABLE();
    }
    count(INGEST_METRICS.deliveryException);
    deps.logger.warn('BigCommerce reports failing deliveries to a hook of this channel', {
      channelId,
      ...parsed.exception,
    });
    return empty(200);
  };
}
