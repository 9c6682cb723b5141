import { describeError } from '../common/describe-error';
import { randomBytes } from 'node:crypto';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import type { BigCommerceApi, BigCommerceCredentials } from '../adapters/bigcommerce-client';
import type { ChannelEventPublisher } from '../adapters/channel-events';
import { CHANNEL_ID_PATTERN, type Channel } from '../domain/channel';
import {
  buildChannel,
  buildSecrets,
  channelView,
  isLive,
  parseChannelSettings,
  sameSecrets,
} from '../domain/channel-settings';
import type { OmOrder } from '../domain/order';
import { parseOrderImport } from '../domain/order-import';
import { recheckMessage } from '../domain/recheck';
import { CHANNEL_API_METRICS } from '../common/metric-names';
import { empty, errors, json, rawBody, type FieldError, type HttpResult } from '../common/http';
import { withObservability, type Observability } from '../common/observability';
import type { Uses } from '../common/ports';
import * as rt from '../common/runtime';
import type { PORTS } from './ports';

/**
 * Admin routes (docs/contract.md section 5): channel settings and OM orders. One handler, dispatching on the
 * API Gateway route key. Secrets go to the SecretStore and never come back in an answer or a log line.
 */
export interface ChannelApiDeps extends Observability {
  channels: Uses<typeof PORTS, 'channels'>;
  /** Checks new or changed credentials before anything is saved. */
  bigcommerce: Pick<BigCommerceApi, 'probeOrdersAccess'>;
  secrets: Uses<typeof PORTS, 'secrets'>;
  orders: Uses<typeof PORTS, 'orders'>;
  events: ChannelEventPublisher;
  /** The order-events queue: an import re-checks the order's waiting events through it. */
  queue: Uses<typeof PORTS, 'orderEventQueue'>;
  now?: () => Date;
  /** The per-channel webhook token, generated on the first save. */
  newWebhookToken?: () => string;
}

export type ChannelApiEvent = Pick<
  APIGatewayProxyEventV2,
  'routeKey' | 'pathParameters' | 'body' | 'isBase64Encoded'
> &
  Partial<Pick<APIGatewayProxyEventV2, 'requestContext' | 'headers' | 'rawPath'>>;

export const generateWebhookToken = () => randomBytes(32).toString('base64url');

type Route = (event: ChannelApiEvent, deps: Required<ChannelApiDeps>) => Promise<HttpResult>;

const notFound = (what: string) => errors(404, [{ message: `${what} not found` }]);

function channelIdOf(event: ChannelApiEvent): string | FieldError {
  const id = event.pathParameters?.channelId;
  if (id === undefined || !CHANNEL_ID_PATTERN.test(id))
    return { field: 'channelId', message: 'channelId must be 1-64 letters, digits, "_" or "-"' };
  return id;
}

function orderIdOf(event: ChannelApiEvent): number | FieldError {
  const raw = event.pathParameters?.orderId ?? '';
  const id = /^[1-9]\d{0,15}$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isSafeInteger(id)) return { field: 'orderId', message: 'orderId must be a positive integer' };
  return id;
}

/** JSON body or a 400 naming the problem (never echoing the body: it may hold credentials). */
function jsonBody(event: ChannelApiEvent): { ok: true; value: unknown } | { ok: false; result: HttpResult } {
  const text = rawBody(event).toString('utf8');
  if (text.trim() === '')
    return { ok: false, result: errors(400, [{ message: 'body must be a JSON object' }]) };
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false, result: errors(400, [{ message: 'body is not valid JSON' }]) };
  }
}

const isFieldError = (v: unknown): v is FieldError => typeof v === 'object' && v !== null;

async function publish(
  deps: Required<ChannelApiDeps>,
  channelId: string,
  change: 'saved' | 'deleted',
  at: Date,
) {
  try {
    await deps.events.publishSettingsChanged({ channelId, change, at: at.toISOString() });
  } catch (error) {
    // The change is stored; the scheduled hook-manager run converges it. Say so, do not fail the caller.
    deps.logger.error('could not publish ChannelSettingsChanged; the scheduled run will converge it', {
      channelId,
      change,
      error: describeError(error),
    });
    deps.metrics.addMetric(CHANNEL_API_METRICS.eventPublishFailed, MetricUnit.Count, 1);
  }
}

/** An error as one line; `secret` (if given) masked, though adapters never put one in a message. */

/** The credentials probe answers within this (API Gateway allows 30 s for the whole request). */
export const CREDENTIALS_PROBE_TIMEOUT_MS = 8_000;

/**
 * New or changed credentials are tried once (`GET /v2/orders?limit=1`) before anything is stored:
 * refused ones are a 422 naming the field; an outage is not the merchant's fault, so the channel is
 * saved and the outage reported as the hook's last error.
 */
async function checkCredentials(
  deps: Required<ChannelApiDeps>,
  creds: BigCommerceCredentials,
): Promise<{ refused: FieldError } | { unverified: string } | undefined> {
  try {
    const access = await deps.bigcommerce.probeOrdersAccess(creds, {
      deadline: Date.now() + CREDENTIALS_PROBE_TIMEOUT_MS,
    });
    if (access === 'unauthorized')
      return { refused: { field: 'accessToken', message: 'BigCommerce rejected the access token' } };
    if (access === 'forbidden')
      return {
        refused: {
          field: 'accessToken',
          message:
            'the access token lacks the Orders read scope (store_v2_orders_read_only); grant Orders: read-only to the app or API account',
        },
      };
    if (access === 'unknown_store')
      return { refused: { field: 'storeHash', message: 'BigCommerce does not know this store hash' } };
    return undefined;
  } catch (error) {
    deps.metrics.addMetric(CHANNEL_API_METRICS.credentialsUnverified, MetricUnit.Count, 1);
    return { unverified: `credentials not verified: ${describeError(error, [creds.accessToken])}` };
  }
}

const putChannel: Route = async (event, deps) => {
  const channelId = channelIdOf(event);
  if (isFieldError(channelId)) return errors(400, [channelId]);
  const body = jsonBody(event);
  if (!body.ok) return body.result;

  const existing = await deps.channels.get(channelId);
  const live = isLive(existing);
  const storedSecrets = live ? await deps.secrets.get(channelId) : undefined;
  const parsed = parseChannelSettings(body.value, {
    requireAccessToken: storedSecrets === undefined,
    ...(live && { storedStoreHash: existing.storeHash }),
  });
  if (!parsed.ok) return errors(400, parsed.errors);

  const secrets = buildSecrets({
    input: parsed.input,
    existing: storedSecrets,
    newWebhookToken: deps.newWebhookToken(),
  });
  const credentialsChanged = storedSecrets?.accessToken !== secrets.accessToken;
  const check = credentialsChanged
    ? await checkCredentials(deps, { storeHash: parsed.input.storeHash, accessToken: secrets.accessToken })
    : undefined;
  if (check && 'refused' in check) {
    deps.metrics.addMetric(CHANNEL_API_METRICS.credentialsRefused, MetricUnit.Count, 1);
    deps.logger.warn('credentials refused by BigCommerce; nothing saved', {
      channelId,
      field: check.refused.field,
    });
    return errors(422, [check.refused]);
  }
  const now = deps.now();
  // Secrets first: a channel item never points at credentials that were not stored.
  // A save also migrates a channel still on the legacy combined secret (the store splits it).
  if (!sameSecrets(storedSecrets, secrets) || storedSecrets?.legacy)
    await deps.secrets.put(channelId, secrets);
  const channel = buildChannel({ channelId, input: parsed.input, existing, now });
  await deps.channels.put(channel);
  const previousHook = channel.hook ?? existing?.hook;
  const unverifiedHook =
    check && 'unverified' in check
      ? { ...(previousHook ?? { isActive: false }), lastError: check.unverified }
      : undefined;
  if (unverifiedHook) await deps.channels.recordHookState(channelId, unverifiedHook);
  await publish(deps, channelId, 'saved', now);

  const shown: Channel = {
    ...channel,
    ...(unverifiedHook && { hook: unverifiedHook }),
    ...(!unverifiedHook && channel.hook === undefined && existing?.hook && { hook: existing.hook }),
    ...(channel.reconcile === undefined && existing?.reconcile && { reconcile: existing.reconcile }),
  };
  deps.metrics.addMetric(CHANNEL_API_METRICS.saved, MetricUnit.Count, 1);
  deps.logger.info('channel saved', { channelId, created: !live });
  return json(200, channelView(shown, secrets.clientSecret !== undefined));
};

const getChannel: Route = async (event, deps) => {
  const channelId = channelIdOf(event);
  if (isFieldError(channelId)) return errors(400, [channelId]);
  const channel = await deps.channels.get(channelId);
  if (!isLive(channel)) return notFound('channel');
  const secrets = await deps.secrets.get(channelId);
  return json(200, channelView(channel, secrets?.clientSecret !== undefined));
};

const deleteChannel: Route = async (event, deps) => {
  const channelId = channelIdOf(event);
  if (isFieldError(channelId)) return errors(400, [channelId]);
  const channel = await deps.channels.get(channelId);
  if (!isLive(channel)) return notFound('channel');
  const now = deps.now();
  // A tombstone: everyone treats it as unknown; hook-manager removes the hooks, then purges it.
  await deps.channels.put({
    ...channel,
    validCancellationStatuses: [],
    validFulfillmentStatuses: [],
    updatedAt: now.toISOString(),
    deletedAt: now.toISOString(),
  });
  await publish(deps, channelId, 'deleted', now);
  deps.metrics.addMetric(CHANNEL_API_METRICS.deleted, MetricUnit.Count, 1);
  deps.logger.info('channel deleted', { channelId });
  return empty(204);
};

const orderView = (order: OmOrder) => ({
  channelId: order.channelId,
  orderId: order.orderId,
  // null while OM has not imported the order: the item then only holds the timeline of events seen.
  status: order.status ?? null,
  updatedAt: order.updatedAt,
  history: order.history,
  // Always present: support reads tracking here ([] until a fulfilment or shipment event stored some).
  shipments: order.shipments ?? [],
});

const putOrder: Route = async (event, deps) => {
  const fieldErrors: FieldError[] = [];
  const channelId = channelIdOf(event);
  if (isFieldError(channelId)) fieldErrors.push(channelId);
  const orderId = orderIdOf(event);
  if (isFieldError(orderId)) fieldErrors.push(orderId);
  const body = jsonBody(event);
  if (!body.ok) return fieldErrors.length > 0 ? errors(400, fieldErrors) : body.result;
  const parsed = parseOrderImport(body.value);
  if (!parsed.ok) fieldErrors.push(...parsed.errors);
  if (!parsed.ok || isFieldError(channelId) || isFieldError(orderId)) return errors(400, fieldErrors);
  const { status } = parsed;
  if (!isLive(await deps.channels.get(channelId))) return notFound('channel');
  const now = deps.now();
  const order = await deps.orders.importStatus(channelId, orderId, status, now);
  deps.logger.info('order status imported', { channelId, orderId, status });
  // Events waiting for OM are re-checked at once; if this send fails the answer is a 500 and OM's
  // retry of the same import sends it (the waiting events are still listed on the order).
  const recheck = recheckMessage(order, now);
  if (recheck) await deps.queue.send(recheck);
  return json(200, orderView(order));
};

const getOrder: Route = async (event, deps) => {
  const channelId = channelIdOf(event);
  const orderId = orderIdOf(event);
  const bad = [channelId, orderId].filter(isFieldError);
  if (bad.length > 0 || isFieldError(channelId) || isFieldError(orderId)) return errors(400, bad);
  if (!isLive(await deps.channels.get(channelId))) return notFound('channel');
  const order = await deps.orders.get(channelId, orderId);
  if (!order) return notFound('order');
  return json(200, orderView(order));
};

const HEALTH_PROBE_CHANNEL_ID = '_health';
/** Ready when the channels table answers (the same read every admin route starts with). */
const health: Route = async (_event, deps) => {
  try {
    await deps.channels.get(HEALTH_PROBE_CHANNEL_ID);
    return json(200, { status: 'ok' });
  } catch (error) {
    deps.logger.error('health check failed', { error: describeError(error) });
    return json(503, { status: 'unavailable' });
  }
};

export const CHANNEL_API_ROUTES: Readonly<Record<string, Route>> = {
  'GET /health': health,
  'PUT /channels/{channelId}': putChannel,
  'GET /channels/{channelId}': getChannel,
  'DELETE /channels/{channelId}': deleteChannel,
  'PUT /channels/{channelId}/orders/{orderId}': putOrder,
  'GET /channels/{channelId}/orders/{orderId}': getOrder,
};

export function makeHandler(deps: ChannelApiDeps) {
  const full: Required<ChannelApiDeps> = {
    now: () => new Date(),
    newWebhookToken: generateWebhookToken,
    ...deps,
  };
  return async (event: ChannelApiEvent, _context?: Context): Promise<HttpResult> => {
    // One count per request (also keeps the metrics middleware from warning about an empty set).
    full.metrics.addMetric(CHANNEL_API_METRICS.requests, MetricUnit.Count, 1);
    const route = Object.hasOwn(CHANNEL_API_ROUTES, event.routeKey)
      ? CHANNEL_API_ROUTES[event.routeKey]
      : undefined;
    if (!route) return errors(404, [{ message: 'route not found' }]);
    try {
      const result = await route(event, full);
      full.logger.debug('answered', { routeKey: event.routeKey, statusCode: result.statusCode });
      return result;
    } catch (error) {
      full.metrics.addMetric(CHANNEL_API_METRICS.errors, MetricUnit.Count, 1);
      // Only the error's name and message: never the request body, which may carry credentials.
      full.logger.error('request failed', {
        routeKey: event.routeKey,
        channelId: event.pathParameters?.channelId,
        error: describeError(error),
      });
      return errors(500, [{ message: 'internal error' }]);
    }
  };
}

export const CHANNEL_API_ENV_KEYS = [
  'CHANNELS_TABLE',
  'ORDERS_TABLE',
  'SECRETS_TABLE',
  'SECRET_NAME_PREFIX',
  'EVENT_BUS_NAME',
  'ORDER_EVENTS_QUEUE_URL',
  'BIGCOMMERCE_API_URL',
  'DYNAMODB_ENDPOINT',
  'EVENTBRIDGE_ENDPOINT',
  'SQS_ENDPOINT',
  'SECRETSMANAGER_ENDPOINT',
] as const;

export function wire(env: Record<string, string | undefined>) {
  const { runtime, obs } = rt.forFunction(env, CHANNEL_API_ENV_KEYS, 'channel-api');
  const handler = makeHandler({
    ...rt.channelAccess(runtime),
    orders: rt.orderStore(runtime),
    // One try: the merchant is waiting, and an outage saves the channel anyway.
    bigcommerce: rt.bigCommerce(runtime, { maxAttempts: 1 }),
    events: rt.channelEvents(runtime),
    queue: rt.orderEventQueue(runtime),
    ...obs,
  });
  return withObservability(handler, obs);
}
