import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Context } from 'aws-lambda';
import type { SupportReader } from '../adapters/support-reader';
import type { HttpResult } from '../common/http';
import { withObservability, type Observability } from '../common/observability';
import * as rt from '../common/runtime';
import { renderSupportDocument, renderSupportFragment } from '../domain/support-html';
import {
  ordersNeedingAttention,
  parseSupportQuery,
  toSupportChannel,
  toSupportOrder,
  type SupportPage,
  type SupportQuery,
} from '../domain/support-view';
import { SUPPORT_WIDGET_METRICS } from './metric-names';

/**
 * The support console (contract.md section 14). CloudWatch calls it as a custom widget with the dashboard
 * variables as `channelId`/`orderId` params and shows the HTML it returns; the local runtime routes
 * `GET /support?channelId=&orderId=` to it and gets the same view as a page. Read-only.
 */
export interface SupportWidgetDeps extends Observability {
  reader: SupportReader;
}

/** How many channels the overview checks, and how many recent orders the channel view looks through. */
export const OVERVIEW_CHANNEL_LIMIT = 1000;
export const RECENT_ORDER_LIMIT = 200;
export const NEEDS_ATTENTION_SHOWN = 25;

/** What CloudWatch sends: the widget's params at the top level, plus `widgetContext` (or `describe`). */
export interface CustomWidgetEvent {
  describe?: boolean;
  widgetContext?: { dashboardName?: string; params?: Record<string, unknown> };
  channelId?: unknown;
  orderId?: unknown;
}

export interface SupportHttpEvent {
  routeKey: string;
  queryStringParameters?: Record<string, string | undefined>;
}

export const SUPPORT_ROUTE_PATH = '/support';

/** Shown in the dashboard's "custom widget" documentation panel. */
export const WIDGET_DOCS = [
  '## OM ↔ BigCommerce support console',
  'Type a **channel id** and an **order id** in the dashboard variables at the top.',
  "- both: the order's timeline (status, every event with outcome, reason and BigCommerce status, shipments) and the channel's settings and hook health",
  '- only a channel: its hook health and its recent orders that need attention',
  '- neither (`*`): the channels whose hooks are unhealthy',
  '',
  'Params: `{"channelId": "<id or *>", "orderId": "<BigCommerce order id or *>"}`.',
].join('\n');

const text = (value: unknown) =>
  typeof value === 'string' ? value : typeof value === 'number' ? String(value) : undefined;

const isHttp = (event: unknown): event is SupportHttpEvent =>
  typeof (event as { routeKey?: unknown } | null)?.routeKey === 'string';

async function buildPage(query: SupportQuery, reader: SupportReader): Promise<SupportPage> {
  if (query.kind === 'overview') {
    const { items, complete } = await reader.channels(OVERVIEW_CHANNEL_LIMIT);
    const channels = items.map(toSupportChannel);
    return {
      kind: 'overview',
      unhealthy: channels.filter((c) => c.health.state === 'unhealthy'),
      channelsScanned: channels.length,
      complete,
    };
  }
  const rawChannel = await reader.channel(query.channelId);
  if (!rawChannel) return { kind: 'channel_not_found', channelId: query.channelId };
  const channel = toSupportChannel(rawChannel);
  if (query.kind === 'channel') {
    const recent = (await reader.recentOrders(query.channelId, RECENT_ORDER_LIMIT)).map(toSupportOrder);
    return {
      kind: 'channel',
      channel,
      needsAttention: ordersNeedingAttention(recent, NEEDS_ATTENTION_SHOWN),
    };
  }
  const rawOrder = await reader.order(query.channelId, query.orderId);
  if (!rawOrder) return { kind: 'order_not_found', channel, orderId: query.orderId };
  return { kind: 'order', channel, order: toSupportOrder(rawOrder) };
}

const SECURITY_HEADERS = {
  'content-type': 'text/html; charset=utf-8',
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
  // No scripts at all; the form may only submit to this page.
  'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'",
};

export function makeHandler(deps: SupportWidgetDeps) {
  const { logger, metrics } = deps;

  async function page(input: { channelId?: string; orderId?: string }): Promise<SupportPage> {
    const parsed = parseSupportQuery(input);
    if (!parsed.ok) return { kind: 'invalid', errors: parsed.errors };
    try {
      return await buildPage(parsed.query, deps.reader);
    } catch (error) {
      metrics.addMetric(SUPPORT_WIDGET_METRICS.errors, MetricUnit.Count, 1);
      logger.error('support view failed', {
        query: parsed.query,
        error: error instanceof Error ? `${error.name}: ${error.message}` : 'unknown error',
      });
      return {
        kind: 'invalid',
        errors: [{ message: 'Could not read the tables; see the support-widget logs.' }],
      };
    }
  }

  return async (
    event: CustomWidgetEvent | SupportHttpEvent,
    _context?: Context,
  ): Promise<string | HttpResult> => {
    metrics.addMetric(SUPPORT_WIDGET_METRICS.requests, MetricUnit.Count, 1);
    if (isHttp(event)) {
      const q = event.queryStringParameters ?? {};
      const input = { channelId: q.channelId, orderId: q.orderId };
      const body = renderSupportDocument(await page(input), input, { linkBase: SUPPORT_ROUTE_PATH });
      return { statusCode: 200, headers: SECURITY_HEADERS, body };
    }
    if (event.describe) return WIDGET_DOCS;
    const params = { ...event.widgetContext?.params, ...event };
    return renderSupportFragment(
      await page({ channelId: text(params.channelId), orderId: text(params.orderId) }),
    );
  };
}

export const SUPPORT_WIDGET_ENV_KEYS = ['CHANNELS_TABLE', 'ORDERS_TABLE', 'DYNAMODB_ENDPOINT'] as const;

export function wire(env: Record<string, string | undefined>) {
  const { runtime, obs } = rt.forFunction(env, SUPPORT_WIDGET_ENV_KEYS, 'support-widget');
  return withObservability(makeHandler({ reader: rt.supportReader(runtime), ...obs }), obs);
}
