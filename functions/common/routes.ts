/**
 * The HTTP contract (contract.md section 5), shared by API Gateway (lib/) and the local gateway (local/),
 * so both serve the same paths with the same route keys and path parameters.
 */
export type FunctionName =
  'webhook-ingest' | 'order-worker' | 'hook-manager' | 'channel-api' | 'support-widget';
export const FUNCTION_NAMES: readonly FunctionName[] = [
  'webhook-ingest',
  'order-worker',
  'hook-manager',
  'channel-api',
  'support-widget',
];

export interface RouteDefinition {
  method: 'GET' | 'PUT' | 'POST' | 'DELETE';
  /** API Gateway path template, `{name}` for a path parameter. */
  path: string;
  target: 'webhook-ingest' | 'channel-api' | 'support-widget';
  /** Only the webhook route is public; admin routes need IAM (SigV4) in AWS. */
  authorization: 'none' | 'iam';
  /**
   * Served by the local runtime only. In AWS the same view is the dashboard's custom widget, which
   * CloudWatch invokes with the console user's credentials; no HTTP route exposes it.
   */
  localOnly?: true;
}

export const ROUTES: readonly RouteDefinition[] = [
  {
    method: 'POST',
    path: '/webhooks/bigcommerce/{channelId}',
    target: 'webhook-ingest',
    authorization: 'none',
  },
  /** BigCommerce's `store/hook/deliveryException` (it wants them apart from the other callbacks). */
  {
    method: 'POST',
    path: '/webhooks/bigcommerce/{channelId}/delivery-exceptions',
    target: 'webhook-ingest',
    authorization: 'none',
  },
  { method: 'PUT', path: '/channels/{channelId}', target: 'channel-api', authorization: 'iam' },
  { method: 'GET', path: '/channels/{channelId}', target: 'channel-api', authorization: 'iam' },
  { method: 'DELETE', path: '/channels/{channelId}', target: 'channel-api', authorization: 'iam' },
  {
    method: 'PUT',
    path: '/channels/{channelId}/orders/{orderId}',
    target: 'channel-api',
    authorization: 'iam',
  },
  {
    method: 'GET',
    path: '/channels/{channelId}/orders/{orderId}',
    target: 'channel-api',
    authorization: 'iam',
  },
  /** In AWS channel-api answers it (a read of the channels table); locally the gateway checks every part. */
  { method: 'GET', path: '/health', target: 'channel-api', authorization: 'iam' },
  /** The support console (docs/contract.md section 14), `?channelId=&orderId=`. */
  { method: 'GET', path: '/support', target: 'support-widget', authorization: 'iam', localOnly: true },
];

/** The routes API Gateway serves (every route but the local-only ones). */
export const API_GATEWAY_ROUTES = ROUTES.filter(
  (r): r is RouteDefinition & { target: 'webhook-ingest' | 'channel-api' } => !r.localOnly,
);

export const routeKey = (route: Pick<RouteDefinition, 'method' | 'path'>) => `${route.method} ${route.path}`;
