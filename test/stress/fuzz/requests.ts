import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { Webhook } from 'standardwebhooks';
import { type KnownChannel, type Planned, type World, pct, randomCase } from './model';
import { channelBodyArb } from './recipes-admin';
import { type CallbackRecipe } from './recipes-ingest';

// --- From recipe to request -----------------------------------------------------------------------------

export function callbackBody(
  cb: CallbackRecipe,
  storeHash: string,
  scope = 'store/order/statusUpdated',
  id: unknown = cb.orderId,
) {
  const data: Record<string, unknown> = { type: cb.type ?? 'order', id };
  if (cb.status) data.status = cb.status;
  return {
    ...cb.extra,
    scope,
    store_id: cb.storeId,
    data,
    hash: cb.hash,
    ...(cb.createdAt === undefined ? {} : { created_at: cb.createdAt }),
    producer: `stores/${storeHash}`,
  };
}

export const webhookId = () => `msg_${randomBytes(12).toString('hex')}`;

export function signature(secret: string, id: string, at: Date, body: string): string {
  return new Webhook(Buffer.from(secret, 'utf8').toString('base64')).sign(id, at, body);
}

export function signedHeaders(
  channel: KnownChannel,
  body: string,
  options: { at?: Date; id?: string } = {},
): Record<string, string> {
  const headers: Record<string, string> = {
    'x-webhook-token': channel.webhookToken,
    'content-type': 'application/json',
  };
  if (channel.clientSecret) {
    const id = options.id ?? webhookId();
    const at = options.at ?? new Date();
    headers['webhook-id'] = id;
    headers['webhook-timestamp'] = String(Math.floor(at.getTime() / 1000));
    headers['webhook-signature'] = signature(channel.clientSecret, id, at, body);
  }
  return headers;
}

export function withCase(headers: Record<string, string>, bits: number): Record<string, string> {
  const out: Record<string, string> = {};
  Object.entries(headers).forEach(([k, v], i) => (out[randomCase(k, bits >> i)] = v));
  return out;
}

export function setPath(target: Record<string, unknown>, path: string, value: unknown) {
  const parts = path.split('.');
  let node = target;
  for (const part of parts.slice(0, -1)) node = node[part] as Record<string, unknown>;
  const last = parts[parts.length - 1]!;
  if (value === undefined) delete node[last];
  else node[last] = value;
}

export function ingestRequest(
  channelId: string,
  options: Omit<Planned, 'target' | 'method' | 'routeKey' | 'pathParameters' | 'rawPath'>,
): Planned {
  return {
    target: 'webhook-ingest',
    method: 'POST',
    routeKey: 'POST /webhooks/bigcommerce/{channelId}',
    pathParameters: { channelId },
    rawPath: `/webhooks/bigcommerce/${pct(channelId)}`,
    ...options,
  };
}

/** No lone surrogate (String.prototype.isWellFormed, which this project's TypeScript lib does not declare). */
export const isWellFormed = (s: string) => !/\p{Surrogate}/u.test(s);

export function adminRequest(
  method: string,
  template: string,
  params: Record<string, string>,
  options: Omit<Planned, 'target' | 'method' | 'routeKey' | 'pathParameters' | 'rawPath'>,
): Planned {
  const rawPath = template.replace(/\{(\w+)\}/g, (_m, name: string) => pct(params[name] ?? ''));
  const wellFormed = Object.values(params).every((v) => isWellFormed(v) && v !== '');
  return {
    target: 'channel-api',
    method,
    routeKey: `${method} ${template}`,
    pathParameters: params,
    rawPath,
    ...options,
    via: wellFormed ? options.via : 'direct',
  };
}

export function channelBody(
  r: typeof channelBodyArb extends fc.Arbitrary<infer T> ? T : never,
  storeHash: string,
  world: World,
  includeToken: boolean,
): Record<string, unknown> {
  const secret = randomBytes(12).toString('hex');
  world.secrets.add(secret);
  const body: Record<string, unknown> = {
    storeHash,
    validCancellationStatuses: r.cancel,
    validFulfillmentStatuses: r.fulfill,
  };
  if (includeToken) body.accessToken = `${r.tokenPrefix.trim()}${secret}`;
  if (r.clientSecret !== undefined) {
    const clientSecret = randomBytes(12).toString('hex');
    world.secrets.add(clientSecret);
    body.clientSecret = `${r.clientSecret.trim()}${clientSecret}`;
  }
  if (r.cancelIds) body.cancelOnBigCommerceStatusIds = r.cancelIds;
  if (r.fulfillIds) body.fulfillOnBigCommerceStatusIds = r.fulfillIds;
  if (r.echo)
    Object.assign(body, {
      createdAt: '2020-01-01T00:00:00.000Z',
      hasClientSecret: true,
      webhook: { isActive: false },
    });
  return body;
}

/** Rejected as unauthenticated, nothing written; or accepted, one message sent. */
export const UNAUTHORIZED = { expect: [401], mayWrite: false };
export const ACCEPTED = { expect: [200], mayWrite: true };

/** A POST to ingest: where, what, how, and what it may lead to. */
export const post = (
  channelId: string,
  kind: string,
  via: Planned['via'],
  headers: Record<string, string>,
  body: Planned['body'],
  outcome: Pick<Planned, 'expect' | 'mayWrite'>,
) => ingestRequest(channelId, { kind, via, headers, body, ...outcome });
