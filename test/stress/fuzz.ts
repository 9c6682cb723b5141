import { createHash, randomBytes } from 'node:crypto';
import http from 'node:http';
import { DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import { GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import fc from 'fast-check';
import { Webhook } from 'standardwebhooks';
import { createRuntime, secretStore } from '../../functions/common/runtime';
import { API_GATEWAY_ROUTES } from '../../functions/common/routes';
import { startEventBus, type EventBusShim } from '../../local/event-bus';
import { loadHandlerModule } from '../../local/handlers';
import { createHttpGateway } from '../../local/http-gateway';
import { invokeHandler, type LambdaHandler } from '../../local/lambda-context';
import {
  ensureQueues,
  ensureTables,
  resourceEnv,
  tableNames,
  type QueueUrls,
  type TableNames,
} from '../../local/provision';
import { startFaultProxy, type FaultProxy } from './fault-proxy';
import { captureOutput, leakedSecrets } from './log-capture';

/**
 * Fuzzing (issue 8, item 2): generated requests against webhook-ingest and the admin routes (channel-api),
 * invoked in-process with API Gateway v2 events and, for a share of them, through the local HTTP gateway.
 * Every answer is checked: no crash (thrown error or timeout), no 5xx, the status the request calls for,
 * every rejection a 4xx `{"errors":[{…, "message"}]}` (naming the bad field where there is one), no
 * secret in any answer, and no state change for a rejected or read-only request (every successful
 * write through the recording proxies and every EventBridge event is attributed to the request that
 * caused it; a sample of requests also compares full snapshots of the tables and the queue).
 */

// --- Requests -------------------------------------------------------------------------------------------

type Target = 'webhook-ingest' | 'channel-api';

interface Planned {
  target: Target;
  kind: string;
  via: 'direct' | 'gateway';
  method: string;
  /** Route key for direct events (the gateway derives its own). */
  routeKey: string;
  pathParameters: Record<string, string>;
  /** The path as sent over HTTP (percent-encoded). */
  rawPath: string;
  headers: Record<string, string>;
  /** Body bytes, or a JS string (which may hold lone surrogates: only a direct event can carry one). */
  body?: Buffer | string;
  /** The API Gateway base64 flag for direct events (bytes are always sent base64). */
  base64Flag?: boolean;
  /** Acceptable statuses. */
  expect: number[];
  /** Whether an accepted answer may change state (false: ignored scopes, reads). */
  mayWrite: boolean;
  /** A field a 400 must name (any one of them, or a field inside it). */
  field?: string | string[];
  /** Updates the model of live channels after the answer. */
  after?: (status: number) => void;
}

interface Answer {
  status: number;
  body: string;
}

const pct = (value: string) =>
  [...Buffer.from(value, 'utf8')].map((b) => `%${b.toString(16).padStart(2, '0').toUpperCase()}`).join('');

const randomCase = (name: string, bits: number) =>
  [...name].map((ch, i) => ((bits >> (i % 30)) & 1 ? ch.toUpperCase() : ch.toLowerCase())).join('');

// --- The world the requests run against -----------------------------------------------------------------

interface KnownChannel {
  channelId: string;
  storeHash: string;
  webhookToken: string;
  clientSecret?: string;
}

interface World {
  signed: KnownChannel;
  tokenOnly: KnownChannel;
  /** Channel ids fuzzing may create, change and delete. */
  pool: string[];
  live: Set<string>;
  /** Random parts of every secret sent or stored: none may appear in an answer. */
  secrets: Set<string>;
  /** The last request accepted by ingest (for replays). */
  lastSigned?: { body: string; headers: Record<string, string>; channel: KnownChannel };
}

const CHANNEL_STATUSES = [
  'Awaiting Payment',
  'On Hold',
  'Awaiting Shipment',
  'Pending Fulfillment',
  'Dropship Requested',
];
const OM_STATUSES = ['Unprocessed', ...CHANNEL_STATUSES, 'Shipped', 'Cancelled'];
const poolStoreHash = (channelId: string) =>
  `fz${createHash('sha1').update(channelId).digest('hex').slice(0, 10)}`;

// --- Recipes (what fast-check generates) ----------------------------------------------------------------

const unicode = (maxLength: number) => fc.string({ unit: 'binary', maxLength });
const via = fc.constantFrom<'direct' | 'gateway'>(
  'direct',
  'direct',
  'direct',
  'direct',
  'direct',
  'gateway',
);
const caseBits = fc.integer({ min: 0, max: 2 ** 30 - 1 });

const callbackArb = fc.record({
  orderId: fc.integer({ min: 1, max: 2 ** 31 }),
  storeId: fc.oneof(
    fc.stringMatching(/^[0-9]{1,10}$/),
    fc.nat(),
    unicode(20).filter((s) => s.length > 0),
  ),
  hash: fc.oneof(
    fc.stringMatching(/^[0-9a-f]{40}$/),
    unicode(40).filter((s) => s.length > 0),
  ),
  createdAt: fc.option(fc.integer({ min: 0, max: 2 ** 32 }), { nil: undefined }),
  status: fc.option(
    fc.record({
      previous_status_id: fc.integer({ min: 0, max: 14 }),
      new_status_id: fc.integer({ min: 0, max: 14 }),
    }),
    { nil: undefined },
  ),
  type: fc.option(unicode(12), { nil: undefined }),
  extra: fc.dictionary(
    fc.string({ maxLength: 12 }).map((k) => `x_${k}`),
    fc.jsonValue({ maxDepth: 2 }),
    { maxKeys: 3 },
  ),
});
type CallbackRecipe = typeof callbackArb extends fc.Arbitrary<infer T> ? T : never;

/** Field mutations of an otherwise valid callback: [path, value (undefined: remove), expected statuses]. */
const FIELD_MUTATIONS: Array<[string, unknown, number[]]> = [
  ['scope', 123, [400]],
  ['scope', '', [400]],
  ['scope', 'x'.repeat(201), [400]],
  ['scope', undefined, [400]],
  ['store_id', -1, [400]],
  ['store_id', '', [400]],
  ['store_id', 1.5, [400]],
  ['store_id', {}, [400]],
  ['store_id', '9'.repeat(65), [400]],
  ['producer', 'stores/someoneelse', [401]],
  ['producer', '', [400]],
  ['producer', 7, [400]],
  ['producer', undefined, [400]],
  ['hash', '', [400]],
  ['hash', 12, [400]],
  ['hash', null, [400]],
  ['created_at', -1, [400]],
  ['created_at', 1.5, [400]],
  ['created_at', '1561479335', [400]],
  ['created_at', 1e21, [400]],
  ['data', null, [400]],
  ['data', [], [400]],
  ['data', 'order', [400]],
  ['data', undefined, [400]],
  ['data.id', 0, [400]],
  ['data.id', -1, [400]],
  ['data.id', 1.5, [400]],
  ['data.id', '250', [400]],
  ['data.id', null, [400]],
  ['data.id', 2 ** 53, [400]],
  ['data.id', undefined, [400]],
  ['data.status', 'x', [400]],
  ['data.status', { new_status_id: -1 }, [400]],
  ['data.status', { new_status_id: '5' }, [400]],
  ['data.status', { previous_status_id: 1.5 }, [400]],
];

const ingestRecipe = fc.oneof(
  {
    weight: 8,
    arbitrary: fc.record({
      kind: fc.constant('valid' as const),
      tokenOnly: fc.boolean(),
      cb: callbackArb,
      bits: caseBits,
      base64: fc.boolean(),
      via,
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('other-scope' as const),
      scope: fc.constantFrom(
        'store/order/created',
        'store/order/updated',
        'store/product/updated',
        'store/cart/created',
        'store/shipment/deleted',
      ),
      id: fc.jsonValue({ maxDepth: 1 }),
      cb: callbackArb,
      via,
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('tampered-body' as const),
      how: fc.constantFrom('order-id', 'append-space', 'flip-char', 'reorder-keys', 'unicode-escape'),
      cb: callbackArb,
      via,
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('tampered-signature' as const),
      how: fc.constantFrom(
        'flip',
        'random',
        'v2',
        'empty',
        'no-comma',
        'two-wrong',
        'wrong-secret',
        'changed-id',
      ),
      cb: callbackArb,
      via,
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('several-signatures' as const),
      validFirst: fc.boolean(),
      cb: callbackArb,
      via,
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('replay' as const),
      sameBody: fc.boolean(),
      cb: callbackArb,
      via,
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('timestamp' as const),
      offset: fc.oneof(fc.integer({ min: 301, max: 10 ** 7 }), fc.integer({ min: -(10 ** 7), max: -301 })),
      garbage: fc.option(fc.constantFrom('abc', '', '1e3', '-1', '99999999999999999999', '1.5'), {
        nil: undefined,
      }),
      cb: callbackArb,
      via,
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('bad-token' as const),
      how: fc.constantFrom(
        'missing',
        'empty',
        'wrong',
        'case',
        'prefix',
        'suffix',
        'huge',
        'unicode',
        'other-channel',
      ),
      garbage: unicode(30),
      cb: callbackArb,
      bits: caseBits,
      via,
    }),
  },
  {
    weight: 5,
    arbitrary: fc.record({
      kind: fc.constant('bad-field' as const),
      mutation: fc.nat(FIELD_MUTATIONS.length - 1),
      cb: callbackArb,
      via,
    }),
  },
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant('garbage-body' as const),
      body: fc.oneof(
        fc.jsonValue({ maxDepth: 4 }).map((v) => ({ text: JSON.stringify(v) ?? 'null' })),
        unicode(200).map((text) => ({ text })),
        fc.uint8Array({ maxLength: 300 }).map((bytes) => ({ bytes: Buffer.from(bytes) })),
        fc
          .constantFrom(
            '',
            ' ',
            'null',
            '[]',
            '{}',
            '{"scope":',
            '\uFEFF{}',
            '{"data":{"id":1}}',
            '0',
            '"x"',
            'true',
          )
          .map((text) => ({ text })),
        fc.integer({ min: 100, max: 3000 }).map((n) => ({ text: `${'['.repeat(n)}${']'.repeat(n)}` })),
        fc.constant({
          bytes: Buffer.from([0xc3, 0x28, 0xa0, 0xa1, 0xe2, 0x28, 0xa1, 0xf0, 0x28, 0x8c, 0xbc]),
        }),
      ),
      signed: fc.boolean(),
      tokenOnly: fc.boolean(),
      via,
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('size' as const),
      extraBytes: fc.constantFrom(-1, 0, 1, 2, 100, 70_000),
      multibyte: fc.boolean(),
      authenticated: fc.boolean(),
      unknownChannel: fc.boolean(),
      cb: callbackArb,
      via,
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('unknown-channel' as const),
      channelId: fc.oneof(
        fc.stringMatching(/^[A-Za-z0-9_-]{1,64}$/),
        unicode(20),
        fc.constantFrom('a'.repeat(65), '../fz-signed', 'fz signed', '%00', '.'),
      ),
      cb: callbackArb,
      via,
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('partial-signature' as const),
      keep: fc.constantFrom('webhook-id', 'webhook-timestamp', 'webhook-signature'),
      cb: callbackArb,
      via,
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('token-only-on-signed' as const),
      withSenderId: fc.boolean(),
      cb: callbackArb,
      via,
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      // The unsigned path: event id from hash, created_at and order id; a sender-chosen webhook-id is ignored.
      kind: fc.constant('unsigned-hash-id' as const),
      senderId: fc.option(unicode(20), { nil: undefined }),
      createdAtShift: fc.integer({ min: 0, max: 3 }),
      cb: callbackArb,
      via,
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('lying-base64' as const), cb: callbackArb }) },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('conflicting-case' as const),
      goodLast: fc.boolean(),
      cb: callbackArb,
      via,
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('bad-webhook-id' as const),
      id: fc.oneof(
        fc.constant('x'.repeat(129)),
        fc.constant('a b'),
        unicode(10).filter((s) => s.length > 0 && !/^[\x21-\x7e]{1,128}$/.test(s)),
      ),
      cb: callbackArb,
      via: fc.constant('direct' as const),
    }),
  },
);
type IngestRecipe = typeof ingestRecipe extends fc.Arbitrary<infer T> ? T : never;

const channelBodyArb = fc.record({
  cancel: fc.subarray(CHANNEL_STATUSES),
  fulfill: fc.subarray(CHANNEL_STATUSES),
  clientSecret: fc.option(unicode(20), { nil: undefined }),
  tokenPrefix: unicode(20),
  cancelIds: fc.option(fc.uniqueArray(fc.integer({ min: 0, max: 14 }), { minLength: 1, maxLength: 4 }), {
    nil: undefined,
  }),
  fulfillIds: fc.option(fc.uniqueArray(fc.integer({ min: 0, max: 14 }), { minLength: 1, maxLength: 4 }), {
    nil: undefined,
  }),
  echo: fc.boolean(),
});

/** Channel field mutations: [field, value (undefined: remove)]; every one is a 400 naming the field. */
const CHANNEL_MUTATIONS: Array<[string, unknown]> = [
  ['storeHash', 'ABC'],
  ['storeHash', ''],
  ['storeHash', 'a'.repeat(33)],
  ['storeHash', 42],
  ['storeHash', 'st\u00e9'],
  ['storeHash', undefined],
  ['accessToken', ''],
  ['accessToken', '   '],
  ['accessToken', 12345],
  ['accessToken', 'x'.repeat(4097)],
  ['accessToken', null],
  ['clientSecret', 7],
  ['clientSecret', ''],
  ['validCancellationStatuses', ['Shipped']],
  ['validCancellationStatuses', ['Unprocessed']],
  ['validCancellationStatuses', ['on hold']],
  ['validCancellationStatuses', 'On Hold'],
  ['validCancellationStatuses', [1]],
  ['validCancellationStatuses', null],
  ['validFulfillmentStatuses', ['Cancelled']],
  ['validFulfillmentStatuses', {}],
  ['validFulfillmentStatuses', undefined],
  ['cancelOnBigCommerceStatusIds', []],
  ['cancelOnBigCommerceStatusIds', [99]],
  ['cancelOnBigCommerceStatusIds', ['5']],
  ['cancelOnBigCommerceStatusIds', 5],
  ['fulfillOnBigCommerceStatusIds', [-1]],
  ['fulfillOnBigCommerceStatusIds', [2.5]],
  ['unknownSetting', true],
  ['__proto__', { polluted: true }],
];

const adminRecipe = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({
      kind: fc.constant('put-channel' as const),
      pool: fc.nat(),
      body: channelBodyArb,
      omitToken: fc.boolean(),
      via,
    }),
  },
  {
    weight: 6,
    arbitrary: fc.record({
      kind: fc.constant('put-channel-bad-field' as const),
      target: fc.constantFrom('signed', 'pool'),
      pool: fc.nat(),
      mutation: fc.nat(CHANNEL_MUTATIONS.length - 1),
      body: channelBodyArb,
      via,
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('put-channel-bad-body' as const),
      body: fc.oneof(
        fc
          .jsonValue({ maxDepth: 3 })
          .filter((v) => typeof v !== 'object' || v === null || Array.isArray(v))
          .map((v) => ({ text: JSON.stringify(v) ?? 'null' })),
        unicode(100).map((text) => ({ text })),
        fc.uint8Array({ minLength: 1, maxLength: 200 }).map((bytes) => ({ bytes: Buffer.from(bytes) })),
        fc.constantFrom('', '   ', '{', '{"storeHash":}', '[{}]').map((text) => ({ text })),
        fc
          .dictionary(fc.string({ maxLength: 40 }), fc.jsonValue({ maxDepth: 2 }), {
            minKeys: 1,
            maxKeys: 200,
          })
          .map((o) => ({ text: JSON.stringify(o) })),
      ),
      signedChannel: fc.boolean(),
      via,
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('put-channel-store-change' as const), via }) },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('bad-channel-id' as const),
      id: fc.oneof(
        fc.constantFrom('a'.repeat(65), 'a b', 'ch/1', '\u00e9t\u00e9', '..', '%', 'ch.1'),
        unicode(10).filter((s) => s.length > 0 && !/^[A-Za-z0-9_-]{1,64}$/.test(s)),
      ),
      method: fc.constantFrom('PUT', 'GET', 'DELETE'),
      via,
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('get-channel' as const),
      which: fc.oneof(fc.constant(-1), fc.constant(-2), fc.nat()),
      random: fc.stringMatching(/^[A-Za-z0-9_-]{1,64}$/),
      via,
    }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('delete-channel' as const), pool: fc.nat(), via }) },
  {
    weight: 5,
    arbitrary: fc.record({
      kind: fc.constant('put-order' as const),
      channel: fc.oneof(fc.constant(-1), fc.nat()),
      orderId: fc.integer({ min: 1, max: 20 }),
      status: fc.constantFrom(...OM_STATUSES),
      echo: fc.boolean(),
      via,
    }),
  },
  {
    weight: 5,
    arbitrary: fc.record({
      kind: fc.constant('put-order-bad' as const),
      how: fc.constantFrom('status', 'extra-field', 'order-id', 'body'),
      status: fc.oneof(
        unicode(30),
        fc.constantFrom('shipped', 'CANCELLED', ' Shipped', 'Shipped ', 'Awaiting  Payment'),
        fc.jsonValue({ maxDepth: 1 }).filter((v) => typeof v !== 'string'),
      ),
      orderId: fc.oneof(
        fc.constantFrom('0', '-1', '1.5', 'abc', '01', '99999999999999999', '9007199254740993', '1e3', ' 1'),
        unicode(8).filter((s) => !/^[1-9]\d{0,15}$/.test(s)),
      ),
      body: fc.oneof(fc.constantFrom('', '[]', 'null', '"Shipped"', '{'), unicode(40)),
      via,
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('get-order' as const),
      channel: fc.oneof(fc.constant(-1), fc.nat()),
      orderId: fc.oneof(
        fc.integer({ min: 1, max: 25 }).map(String),
        fc.constantFrom('0', 'x', '99999999999999999'),
      ),
      via,
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('unknown-route' as const),
      routeKey: fc.oneof(
        fc.constantFrom(
          'PATCH /channels/{channelId}',
          'POST /channels/{channelId}',
          '',
          'GET /healthz',
          'GET /channels',
          'get /health',
          'constructor',
          '__proto__',
          'toString',
        ),
        unicode(20),
      ),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('health' as const), via }) },
);
type AdminRecipe = typeof adminRecipe extends fc.Arbitrary<infer T> ? T : never;

export const requestRecipe = fc.oneof(
  { weight: 6, arbitrary: ingestRecipe.map((r) => ({ target: 'webhook-ingest' as const, r })) },
  { weight: 4, arbitrary: adminRecipe.map((r) => ({ target: 'channel-api' as const, r })) },
);
type Recipe = typeof requestRecipe extends fc.Arbitrary<infer T> ? T : never;

// --- From recipe to request -----------------------------------------------------------------------------

function callbackBody(
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

const webhookId = () => `msg_${randomBytes(12).toString('hex')}`;

function signature(secret: string, id: string, at: Date, body: string): string {
  return new Webhook(Buffer.from(secret, 'utf8').toString('base64')).sign(id, at, body);
}

function signedHeaders(
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

function withCase(headers: Record<string, string>, bits: number): Record<string, string> {
  const out: Record<string, string> = {};
  Object.entries(headers).forEach(([k, v], i) => (out[randomCase(k, bits >> i)] = v));
  return out;
}

function setPath(target: Record<string, unknown>, path: string, value: unknown) {
  const parts = path.split('.');
  let node = target;
  for (const part of parts.slice(0, -1)) node = node[part] as Record<string, unknown>;
  const last = parts[parts.length - 1]!;
  if (value === undefined) delete node[last];
  else node[last] = value;
}

function ingestRequest(
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

function planIngest(r: IngestRecipe, world: World): Planned {
  const channel = 'tokenOnly' in r && r.tokenOnly ? world.tokenOnly : world.signed;
  const { signed } = world;
  switch (r.kind) {
    case 'valid': {
      const body = JSON.stringify(callbackBody(r.cb, channel.storeHash));
      const headers = withCase(signedHeaders(channel, body), r.bits);
      const plan = ingestRequest(channel.channelId, {
        kind: r.tokenOnly ? 'valid (token only)' : 'valid (signed)',
        via: r.via,
        headers,
        body: r.base64 ? Buffer.from(body) : body,
        base64Flag: r.base64,
        expect: [200],
        mayWrite: true,
      });
      world.lastSigned = { body, headers, channel };
      return plan;
    }
    case 'other-scope': {
      const body = JSON.stringify(
        callbackBody(
          r.cb,
          signed.storeHash,
          r.scope,
          r.scope.startsWith('store/order/') ? r.cb.orderId : r.id,
        ),
      );
      return ingestRequest(signed.channelId, {
        kind: 'ignored scope',
        via: r.via,
        headers: signedHeaders(signed, body),
        body,
        expect: [200],
        mayWrite: false,
      });
    }
    case 'tampered-body': {
      const original = callbackBody(r.cb, signed.storeHash);
      const body = JSON.stringify(original);
      const headers = signedHeaders(signed, body);
      let sent: string;
      if (r.how === 'order-id')
        sent = JSON.stringify({ ...original, data: { ...(original.data as object), id: r.cb.orderId + 1 } });
      else if (r.how === 'append-space') sent = `${body} `;
      else if (r.how === 'flip-char') sent = body.replace('"scope"', '"scopE"');
      else if (r.how === 'reorder-keys')
        sent = JSON.stringify(Object.fromEntries(Object.entries(original).reverse()));
      else sent = body.replace('store/order', 'store\\/order');
      if (sent === body) sent = `${body}\n`;
      return ingestRequest(signed.channelId, {
        kind: `tampered body (${r.how})`,
        via: r.via,
        headers,
        body: sent,
        expect: [401],
        mayWrite: false,
      });
    }
    case 'tampered-signature': {
      const body = JSON.stringify(callbackBody(r.cb, signed.storeHash));
      const headers = signedHeaders(signed, body);
      const sig = headers['webhook-signature']!;
      const value = sig.slice(3);
      const flipped = `${value[0] === 'A' ? 'B' : 'A'}${value.slice(1)}`;
      if (r.how === 'flip') headers['webhook-signature'] = `v1,${flipped}`;
      else if (r.how === 'random') headers['webhook-signature'] = `v1,${randomBytes(32).toString('base64')}`;
      else if (r.how === 'v2') headers['webhook-signature'] = `v2,${value}`;
      else if (r.how === 'empty') headers['webhook-signature'] = '';
      else if (r.how === 'no-comma') headers['webhook-signature'] = value;
      else if (r.how === 'two-wrong')
        headers['webhook-signature'] = `v1,${flipped} v1,${randomBytes(32).toString('base64')}`;
      else if (r.how === 'wrong-secret') {
        const at = new Date(Number(headers['webhook-timestamp']) * 1000);
        headers['webhook-signature'] = signature(`${signed.clientSecret}x`, headers['webhook-id']!, at, body);
      } else headers['webhook-id'] = `${headers['webhook-id']}x`;
      return ingestRequest(signed.channelId, {
        kind: `tampered signature (${r.how})`,
        via: r.via,
        headers,
        body,
        expect: [401],
        mayWrite: false,
      });
    }
    case 'several-signatures': {
      const body = JSON.stringify(callbackBody(r.cb, signed.storeHash));
      const headers = signedHeaders(signed, body);
      const wrong = `v1,${randomBytes(32).toString('base64')}`;
      headers['webhook-signature'] = r.validFirst
        ? `${headers['webhook-signature']} ${wrong}`
        : `${wrong} ${headers['webhook-signature']}`;
      return ingestRequest(signed.channelId, {
        kind: 'several signatures, one valid',
        via: r.via,
        headers,
        body,
        expect: [200],
        mayWrite: true,
      });
    }
    case 'replay': {
      const last = world.lastSigned;
      if (!last)
        return planIngest(
          { kind: 'valid', tokenOnly: false, cb: r.cb, bits: 0, base64: false, via: r.via },
          world,
        );
      if (r.sameBody)
        // BigCommerce redelivers; so may an attacker within the 5 minutes: accepted, deduplicated by the worker.
        return ingestRequest(last.channel.channelId, {
          kind: 'replayed delivery',
          via: r.via,
          headers: last.headers,
          body: last.body,
          expect: [200],
          mayWrite: true,
        });
      const other = JSON.stringify(callbackBody(r.cb, last.channel.storeHash));
      const expectStatus = last.channel.clientSecret && other !== last.body ? [401] : [200];
      return ingestRequest(last.channel.channelId, {
        kind: 'replayed signature, other body',
        via: r.via,
        headers: last.headers,
        body: other,
        expect: expectStatus,
        mayWrite: expectStatus[0] === 200,
      });
    }
    case 'timestamp': {
      const body = JSON.stringify(callbackBody(r.cb, signed.storeHash));
      const at = new Date(Date.now() + r.offset * 1000);
      const headers = signedHeaders(signed, body, { at });
      if (r.garbage !== undefined) headers['webhook-timestamp'] = r.garbage;
      return ingestRequest(signed.channelId, {
        kind: r.garbage === undefined ? 'stale or future timestamp' : 'unparseable timestamp',
        via: r.via,
        headers,
        body,
        expect: [401],
        mayWrite: false,
      });
    }
    case 'bad-token': {
      const body = JSON.stringify(callbackBody(r.cb, signed.storeHash));
      const headers = signedHeaders(signed, body);
      const token = signed.webhookToken;
      if (r.how === 'missing') delete headers['x-webhook-token'];
      else if (r.how === 'empty') headers['x-webhook-token'] = '';
      else if (r.how === 'wrong') headers['x-webhook-token'] = randomBytes(32).toString('base64url');
      else if (r.how === 'case')
        headers['x-webhook-token'] =
          token === token.toUpperCase() ? token.toLowerCase() : token.toUpperCase();
      else if (r.how === 'prefix') headers['x-webhook-token'] = token.slice(0, -1);
      else if (r.how === 'suffix') headers['x-webhook-token'] = `${token}=`;
      else if (r.how === 'huge') headers['x-webhook-token'] = token.repeat(200);
      else if (r.how === 'unicode') headers['x-webhook-token'] = r.garbage.length > 0 ? r.garbage : '\u00e9';
      else headers['x-webhook-token'] = world.tokenOnly.webhookToken;
      // Header values must be Latin-1 on the wire: unicode tokens only in direct events.
      const wire = r.how === 'unicode' ? 'direct' : r.via;
      return ingestRequest(signed.channelId, {
        kind: `bad token (${r.how})`,
        via: wire,
        headers: withCase(headers, r.bits),
        body,
        expect: [401],
        mayWrite: false,
      });
    }
    case 'bad-field': {
      const [path, value, expect] = FIELD_MUTATIONS[r.mutation]!;
      const cb = callbackBody(r.cb, signed.storeHash) as Record<string, unknown>;
      setPath(cb, path, value);
      const body = JSON.stringify(cb);
      return ingestRequest(signed.channelId, {
        kind: `bad field ${path}`,
        via: r.via,
        headers: signedHeaders(signed, body),
        body,
        expect,
        mayWrite: false,
        ...(expect[0] === 400 ? { field: path } : {}),
      });
    }
    case 'garbage-body': {
      const target = r.tokenOnly ? world.tokenOnly : signed;
      const bytes = 'bytes' in r.body ? r.body.bytes : undefined;
      // What ingest will see as the raw body (invalid UTF-8 decodes with replacement characters).
      const seen = bytes ? bytes.toString('utf8') : (r.body as { text: string }).text;
      const headers = r.signed ? signedHeaders(target, seen) : { 'x-webhook-token': target.webhookToken };
      return ingestRequest(target.channelId, {
        kind: bytes ? 'garbage bytes' : 'garbage body',
        via: typeof (r.body as { text?: string }).text === 'string' && !isWellFormed(seen) ? 'direct' : r.via,
        headers,
        body: bytes ?? seen,
        // Unsigned on a channel with a client secret: refused before the body is even parsed.
        expect: !r.signed && target.clientSecret ? [401] : [400],
        mayWrite: false,
      });
    }
    case 'size': {
      const channelId = r.unknownChannel ? `nope-${randomBytes(4).toString('hex')}` : signed.channelId;
      const base = callbackBody(r.cb, signed.storeHash) as Record<string, unknown>;
      const pad = (n: number) => (r.multibyte ? '\u00e9'.repeat(Math.ceil(n / 2)) : 'p'.repeat(n));
      const limit = 65_536 + r.extraBytes;
      base.x_pad = '';
      let body = JSON.stringify(base);
      base.x_pad = pad(Math.max(0, limit - Buffer.byteLength(body)));
      body = JSON.stringify(base);
      const size = Buffer.byteLength(body);
      const headers = r.authenticated ? signedHeaders(signed, body) : {};
      const expect = size > 65_536 ? [413] : r.unknownChannel ? [404] : r.authenticated ? [200] : [401];
      return ingestRequest(channelId, {
        kind: size > 65_536 ? 'body over 64 KiB' : 'body at or just under 64 KiB',
        via: r.via,
        headers,
        body,
        expect,
        mayWrite: expect[0] === 200,
      });
    }
    case 'unknown-channel': {
      const channelId = [signed.channelId, world.tokenOnly.channelId, ...world.pool].includes(r.channelId)
        ? `${r.channelId}-x`
        : r.channelId;
      const body = JSON.stringify(callbackBody(r.cb, signed.storeHash));
      // A lone surrogate or an empty id cannot be sent over HTTP as such; those go in direct events.
      const wire = isWellFormed(channelId) && channelId !== '' ? r.via : 'direct';
      return ingestRequest(channelId, {
        kind: 'unknown channel',
        via: wire,
        headers: signedHeaders(signed, body),
        body,
        expect: [404],
        mayWrite: false,
      });
    }
    case 'partial-signature': {
      const body = JSON.stringify(callbackBody(r.cb, signed.storeHash));
      const full = signedHeaders(signed, body);
      const headers: Record<string, string> = {
        'x-webhook-token': full['x-webhook-token']!,
        [r.keep]: full[r.keep]!,
      };
      // A channel with a client secret needs all three (docs/webhook-ingest.md).
      return ingestRequest(signed.channelId, {
        kind: 'some signature headers',
        via: r.via,
        headers,
        body,
        expect: [401],
        mayWrite: false,
      });
    }
    case 'token-only-on-signed': {
      const body = JSON.stringify(callbackBody(r.cb, signed.storeHash));
      const headers: Record<string, string> = {
        'x-webhook-token': signed.webhookToken,
        'content-type': 'application/json',
        ...(r.withSenderId && { 'webhook-id': webhookId() }),
      };
      return ingestRequest(signed.channelId, {
        kind: 'token alone where a signature is required',
        via: r.via,
        headers,
        body,
        expect: [401],
        mayWrite: false,
      });
    }
    case 'unsigned-hash-id': {
      const cb = { ...r.cb, createdAt: (r.cb.createdAt ?? 1_700_000_000) + r.createdAtShift };
      const body = JSON.stringify(callbackBody(cb, world.tokenOnly.storeHash));
      const headers = signedHeaders(world.tokenOnly, body);
      // Header values must be sendable; anything else the gateway path would refuse on its own.
      if (r.senderId !== undefined && /^[\x20-\x7e]+$/.test(r.senderId)) headers['webhook-id'] = r.senderId;
      return ingestRequest(world.tokenOnly.channelId, {
        kind: 'unsigned (hash-derived event id)',
        via: r.via,
        headers,
        body,
        expect: [200],
        mayWrite: true,
      });
    }
    case 'lying-base64': {
      const body = JSON.stringify(callbackBody(r.cb, signed.storeHash));
      // isBase64Encoded set on a plain body: ingest decodes it into garbage, whose signature cannot match.
      return ingestRequest(signed.channelId, {
        kind: 'base64 flag on a plain body',
        via: 'direct',
        headers: signedHeaders(signed, body),
        body,
        base64Flag: true,
        expect: [400, 401],
        mayWrite: false,
      });
    }
    case 'conflicting-case': {
      const body = JSON.stringify(callbackBody(r.cb, signed.storeHash));
      const headers = signedHeaders(signed, body);
      const good = headers['x-webhook-token']!;
      delete headers['x-webhook-token'];
      const pair: Array<[string, string]> = [
        ['X-Webhook-Token', r.goodLast ? 'wrong' : good],
        ['x-webhook-token', r.goodLast ? good : 'wrong'],
      ];
      // Two spellings of one header: whichever wins, a wrong value must not be accepted silently.
      return ingestRequest(signed.channelId, {
        kind: 'one header twice',
        via: r.via,
        headers: { ...headers, ...Object.fromEntries(pair) },
        body,
        expect: [200, 401],
        mayWrite: true,
      });
    }
    case 'bad-webhook-id': {
      const body = JSON.stringify(callbackBody(r.cb, signed.storeHash));
      const headers = signedHeaders(signed, body, { id: r.id });
      return ingestRequest(signed.channelId, {
        kind: 'malformed webhook-id',
        via: 'direct',
        headers,
        body,
        expect: [400, 401],
        mayWrite: false,
      });
    }
  }
}

/** No lone surrogate (String.prototype.isWellFormed, which this project's TypeScript lib does not declare). */
const isWellFormed = (s: string) => !/\p{Surrogate}/u.test(s);

function adminRequest(
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

function channelBody(
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

function planAdmin(r: AdminRecipe, world: World): Planned {
  const poolId = (n: number) => world.pool[n % world.pool.length]!;
  const json = (value: unknown) => ({
    body: JSON.stringify(value),
    headers: { 'content-type': 'application/json' },
  });
  switch (r.kind) {
    case 'put-channel': {
      const channelId = poolId(r.pool);
      const live = world.live.has(channelId);
      // An update may leave the access token out (the stored one is kept); a new channel may not.
      const body = channelBody(r.body, poolStoreHash(channelId), world, !r.omitToken);
      const needsToken = !live && r.omitToken;
      // An id may not both cancel and fulfil, defaults included (DESIGN.md section 3).
      const cancelIds = r.body.cancelIds ?? [5];
      const overlap = (r.body.fulfillIds ?? [2, 10]).some((id) => cancelIds.includes(id));
      // Partially Shipped (3) never fulfils: it would ship the whole order (DESIGN.md section 11).
      const partial = r.body.fulfillIds?.includes(3) ?? false;
      const field = [
        ...(needsToken ? ['accessToken'] : []),
        ...(overlap ? ['cancelOnBigCommerceStatusIds', 'fulfillOnBigCommerceStatusIds'] : []),
        ...(partial ? ['fulfillOnBigCommerceStatusIds'] : []),
      ];
      return adminRequest(
        'PUT',
        '/channels/{channelId}',
        { channelId },
        {
          kind: overlap ? 'save channel (ids in both lists)' : 'save channel',
          via: r.via,
          ...json(body),
          expect: field.length > 0 ? [400] : [200],
          mayWrite: true,
          ...(field.length > 0 ? { field } : {}),
          after: (status) => {
            if (status === 200) world.live.add(channelId);
          },
        },
      );
    }
    case 'put-channel-bad-field': {
      const channelId = r.target === 'signed' ? world.signed.channelId : poolId(r.pool);
      const storeHash = r.target === 'signed' ? world.signed.storeHash : poolStoreHash(channelId);
      const body = channelBody(r.body, storeHash, world, true);
      const [field, value] = CHANNEL_MUTATIONS[r.mutation]!;
      if (field === '__proto__') {
        const text = JSON.stringify(body).replace(/^\{/, `{"__proto__":${JSON.stringify(value)},`);
        return adminRequest(
          'PUT',
          '/channels/{channelId}',
          { channelId },
          {
            kind: 'channel field __proto__',
            via: r.via,
            body: text,
            headers: { 'content-type': 'application/json' },
            expect: [400],
            mayWrite: false,
            field: '__proto__',
          },
        );
      }
      if (value === undefined) delete body[field];
      else body[field] = value;
      return adminRequest(
        'PUT',
        '/channels/{channelId}',
        { channelId },
        {
          kind: `channel field ${field}`,
          via: r.via,
          ...json(body),
          expect: [400],
          mayWrite: false,
          field,
        },
      );
    }
    case 'put-channel-bad-body': {
      const channelId = r.signedChannel ? world.signed.channelId : poolId(0);
      const bytes = 'bytes' in r.body ? r.body.bytes : undefined;
      const text = bytes ? undefined : (r.body as { text: string }).text;
      let parsed: unknown = undefined;
      try {
        parsed = text === undefined ? JSON.parse(bytes!.toString('utf8')) : JSON.parse(text);
      } catch {
        parsed = undefined;
      }
      // An object with only known keys could be a valid body; these never are (unknown or malformed).
      return adminRequest(
        'PUT',
        '/channels/{channelId}',
        { channelId },
        {
          kind: bytes ? 'channel body bytes' : 'channel body garbage',
          via: text !== undefined && !isWellFormed(text) ? 'direct' : r.via,
          body: bytes ?? text!,
          headers: { 'content-type': bytes ? 'application/octet-stream' : 'application/json' },
          expect: isPlainObjectWithOnlyKnownKeys(parsed) ? [200, 400] : [400],
          mayWrite: isPlainObjectWithOnlyKnownKeys(parsed),
        },
      );
    }
    case 'put-channel-store-change': {
      const body = {
        storeHash: 'someotherstore',
        accessToken: `t${randomBytes(8).toString('hex')}`,
        validCancellationStatuses: ['On Hold'],
        validFulfillmentStatuses: [],
      };
      return adminRequest(
        'PUT',
        '/channels/{channelId}',
        { channelId: world.signed.channelId },
        {
          kind: 'store hash change',
          via: r.via,
          ...json(body),
          expect: [400],
          mayWrite: false,
          field: 'storeHash',
        },
      );
    }
    case 'bad-channel-id': {
      const body =
        r.method === 'PUT'
          ? json({
              storeHash: 'abc',
              accessToken: 'x',
              validCancellationStatuses: [],
              validFulfillmentStatuses: [],
            })
          : { headers: {} };
      return adminRequest(
        r.method,
        '/channels/{channelId}',
        { channelId: r.id },
        {
          kind: `bad channel id (${r.method})`,
          via: r.via,
          ...body,
          expect: [400],
          mayWrite: false,
          field: 'channelId',
        },
      );
    }
    case 'get-channel': {
      const channelId = r.which === -1 ? world.signed.channelId : r.which === -2 ? r.random : poolId(r.which);
      const known =
        channelId === world.signed.channelId ||
        channelId === world.tokenOnly.channelId ||
        world.live.has(channelId);
      return adminRequest(
        'GET',
        '/channels/{channelId}',
        { channelId },
        { kind: 'read channel', via: r.via, headers: {}, expect: known ? [200] : [404], mayWrite: false },
      );
    }
    case 'delete-channel': {
      const channelId = poolId(r.pool);
      const live = world.live.has(channelId);
      return adminRequest(
        'DELETE',
        '/channels/{channelId}',
        { channelId },
        {
          kind: 'delete channel',
          via: r.via,
          headers: {},
          expect: live ? [204] : [404],
          mayWrite: live,
          after: (status) => {
            if (status === 204) world.live.delete(channelId);
          },
        },
      );
    }
    case 'put-order': {
      const channelId = r.channel === -1 ? world.signed.channelId : poolId(r.channel);
      const live = channelId === world.signed.channelId || world.live.has(channelId);
      const body: Record<string, unknown> = { status: r.status };
      if (r.echo) Object.assign(body, { channelId, orderId: r.orderId, history: [], updatedAt: 'x' });
      return adminRequest(
        'PUT',
        '/channels/{channelId}/orders/{orderId}',
        { channelId, orderId: String(r.orderId) },
        {
          kind: 'import order',
          via: r.via,
          ...json(body),
          expect: live ? [200] : [404],
          mayWrite: live,
        },
      );
    }
    case 'put-order-bad': {
      const channelId = world.signed.channelId;
      let orderId = '7';
      let body: string = JSON.stringify({ status: 'On Hold' });
      let field: string | undefined;
      if (r.how === 'status') {
        body = JSON.stringify({ status: r.status });
        field = 'status';
      } else if (r.how === 'extra-field') {
        body = JSON.stringify({ status: 'On Hold', version: 99 });
        field = 'version';
      } else if (r.how === 'order-id') {
        orderId = r.orderId;
        field = 'orderId';
      } else body = r.body;
      return adminRequest(
        'PUT',
        '/channels/{channelId}/orders/{orderId}',
        { channelId, orderId },
        {
          kind: `bad order import (${r.how})`,
          via: isWellFormed(body) ? r.via : 'direct',
          body,
          headers: { 'content-type': 'application/json' },
          expect: [400],
          mayWrite: false,
          ...(field ? { field } : {}),
        },
      );
    }
    case 'get-order': {
      const channelId = r.channel === -1 ? world.signed.channelId : poolId(r.channel);
      const validId = /^[1-9]\d{0,15}$/.test(r.orderId) && Number.isSafeInteger(Number(r.orderId));
      return adminRequest(
        'GET',
        '/channels/{channelId}/orders/{orderId}',
        { channelId, orderId: r.orderId },
        {
          kind: 'read order',
          via: r.via,
          headers: {},
          expect: validId ? [200, 404] : [400],
          mayWrite: false,
        },
      );
    }
    case 'health':
      return {
        target: 'channel-api',
        kind: 'health',
        via: r.via,
        method: 'GET',
        routeKey: 'GET /health',
        pathParameters: {},
        rawPath: '/health',
        headers: {},
        expect: [200],
        mayWrite: false,
      };
    case 'unknown-route':
      return {
        target: 'channel-api',
        kind: 'unknown route',
        via: 'direct',
        method: 'PATCH',
        routeKey: r.routeKey,
        pathParameters: { channelId: world.signed.channelId },
        rawPath: `/channels/${world.signed.channelId}`,
        headers: {},
        body: '{}',
        expect: [404],
        mayWrite: false,
      };
  }
}

const KNOWN_CHANNEL_KEYS = new Set([
  'storeHash',
  'accessToken',
  'clientSecret',
  'validCancellationStatuses',
  'validFulfillmentStatuses',
  'cancelOnBigCommerceStatusIds',
  'fulfillOnBigCommerceStatusIds',
  'channelId',
  'createdAt',
  'updatedAt',
  'webhook',
  'reconcile',
  'hasClientSecret',
]);

function isPlainObjectWithOnlyKnownKeys(value: unknown): boolean {
  return (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    Object.keys(value).every((k) => KNOWN_CHANNEL_KEYS.has(k))
  );
}

// --- Running --------------------------------------------------------------------------------------------

export interface FuzzOptions {
  requests: number;
  seed: number;
  standIns: { dynamodb: string; sqs: string };
  /** Share of requests whose full-state snapshot is compared before/after (when rejected). Default 0.1. */
  snapshotShare?: number;
  log?: (line: string) => void;
}

export interface FuzzSummary {
  requests: number;
  byTarget: Record<string, number>;
  byVia: Record<string, number>;
  byStatus: Record<string, number>;
  byKind: Record<string, number>;
  crashes: number;
  serverErrors: number;
  /** Rejected (or read-only / ignored) requests that changed state. */
  stateChanges: number;
  /** Answers with another status than the request calls for. */
  unexpectedStatus: number;
  /** 4xx answers without `{"errors":[{message}]}`, or not naming the bad field. */
  unclearRejections: number;
  /** Answers containing a secret. */
  leaks: number;
  /** Log lines the functions wrote during the run (at DEBUG), and how many secrets appeared in them. */
  logLines: number;
  logLeaks: number;
  snapshotsCompared: number;
  /** Accepted requests that may change state, and how many of them were seen writing (detector check). */
  acceptedChanges: number;
  acceptedChangesSeenWriting: number;
  failures: string[];
  seconds: number;
}

interface Snapshot {
  tables: string;
  queue: string;
}

async function scanAll(dynamo: DynamoDBClient, table: string): Promise<string[]> {
  const items: string[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const out = await dynamo.send(
      new ScanCommand({
        TableName: table,
        ConsistentRead: true,
        ...(start ? { ExclusiveStartKey: start as never } : {}),
      }),
    );
    for (const item of out.Items ?? []) items.push(JSON.stringify(item, Object.keys(item).sort()));
    start = out.LastEvaluatedKey;
  } while (start);
  return items.sort();
}

async function snapshot(
  dynamo: DynamoDBClient,
  sqs: SQSClient,
  tables: TableNames,
  queues: QueueUrls,
): Promise<Snapshot> {
  const [channels, orders, secrets, queue, dlq] = await Promise.all([
    scanAll(dynamo, tables.channels),
    scanAll(dynamo, tables.orders),
    scanAll(dynamo, tables.secrets),
    sqs.send(new GetQueueAttributesCommand({ QueueUrl: queues.queueUrl, AttributeNames: ['All'] })),
    sqs.send(
      new GetQueueAttributesCommand({
        QueueUrl: queues.deadLetterQueueUrl,
        AttributeNames: ['ApproximateNumberOfMessages'],
      }),
    ),
  ]);
  const a = queue.Attributes ?? {};
  return {
    tables: createHash('sha256')
      .update(JSON.stringify([channels, orders, secrets]))
      .digest('hex'),
    queue: JSON.stringify([
      a.ApproximateNumberOfMessages,
      a.ApproximateNumberOfMessagesNotVisible,
      a.ApproximateNumberOfMessagesDelayed,
      dlq.Attributes?.ApproximateNumberOfMessages,
    ]),
  };
}

function toEvent(p: Planned): APIGatewayProxyEventV2 {
  let body: string | undefined;
  let isBase64Encoded = false;
  if (Buffer.isBuffer(p.body)) {
    body = p.body.toString('base64');
    isBase64Encoded = true;
  } else if (p.body !== undefined) {
    body = p.body;
    isBase64Encoded = p.base64Flag ?? false;
  }
  const now = new Date();
  return {
    version: '2.0',
    routeKey: p.routeKey,
    rawPath: p.rawPath,
    rawQueryString: '',
    headers: p.headers,
    pathParameters: p.pathParameters,
    requestContext: {
      accountId: '000000000000',
      apiId: 'fuzz',
      domainName: 'localhost',
      domainPrefix: 'localhost',
      http: {
        method: p.method,
        path: p.rawPath,
        protocol: 'HTTP/1.1',
        sourceIp: '127.0.0.1',
        userAgent: 'fuzz',
      },
      requestId: randomBytes(8).toString('hex'),
      routeKey: p.routeKey,
      stage: '$default',
      time: now.toISOString(),
      timeEpoch: now.getTime(),
    },
    ...(body === undefined ? {} : { body }),
    isBase64Encoded,
  };
}

function viaGateway(base: string, p: Planned): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const body =
      p.body === undefined ? undefined : Buffer.isBuffer(p.body) ? p.body : Buffer.from(p.body, 'utf8');
    const headers: Record<string, string> = { ...p.headers };
    if (
      body &&
      Buffer.isBuffer(p.body) &&
      !Object.keys(headers).some((k) => k.toLowerCase() === 'content-type')
    )
      headers['content-type'] = 'application/octet-stream';
    if (body) headers['content-length'] = String(body.length);
    const url = new URL(base);
    // host/port/path rather than a URL string: WHATWG URL parsing would resolve %2E%2E before sending.
    const req = http.request(
      { host: url.hostname, port: url.port, path: p.rawPath, method: p.method, headers },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }),
        );
        res.on('error', reject);
      },
    );
    req.setTimeout(15_000, () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end(body);
  });
}

/** `{"errors":[{message, field?}]}` with a short, non-empty message; and naming `field` when given. */
function clearRejection(answer: Answer, field: string | string[] | undefined): string | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(answer.body);
  } catch {
    return 'body is not JSON';
  }
  const errors = (parsed as { errors?: unknown }).errors;
  if (!Array.isArray(errors) || errors.length === 0) return 'no errors list';
  for (const e of errors as Array<{ message?: unknown; field?: unknown }>) {
    if (typeof e?.message !== 'string' || e.message.trim() === '') return 'an error without a message';
    if (e.message.length > 1000) return `a message of ${e.message.length} characters`;
    if (e.field !== undefined && typeof e.field !== 'string') return 'a field that is not a string';
  }
  const fields = field === undefined ? [] : Array.isArray(field) ? field : [field];
  const names = (e: { field?: unknown }) =>
    typeof e.field === 'string' &&
    fields.some((f) => e.field === f || (e.field as string).startsWith(`${f}.`));
  if (fields.length > 0 && !(errors as Array<{ field?: unknown }>).some(names))
    return `no error names ${fields.join(' or ')} (${answer.body.slice(0, 200)})`;
  return undefined;
}

export async function runFuzz(options: FuzzOptions): Promise<FuzzSummary> {
  const started = Date.now();
  // Every log line of the functions is captured (at DEBUG, the most they ever say) and searched for secrets.
  const savedLevel = process.env.POWERTOOLS_LOG_LEVEL;
  process.env.POWERTOOLS_LOG_LEVEL = 'DEBUG';
  const output = captureOutput();
  const log = (line: string) => (options.log ? output.print(`${line}\n`) : undefined);
  let secrets = new Set<string>();
  const suffix = randomBytes(4).toString('hex');
  const prefix = `z${suffix}-`;
  const creds = { region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } };
  const dynamo = new DynamoDBClient({ ...creds, endpoint: options.standIns.dynamodb });
  const sqs = new SQSClient({ ...creds, endpoint: options.standIns.sqs });
  const cleanups: Array<() => Promise<void>> = [];
  const summary: FuzzSummary = {
    requests: 0,
    byTarget: {},
    byVia: {},
    byStatus: {},
    byKind: {},
    crashes: 0,
    serverErrors: 0,
    stateChanges: 0,
    unexpectedStatus: 0,
    unclearRejections: 0,
    leaks: 0,
    logLines: 0,
    logLeaks: 0,
    snapshotsCompared: 0,
    acceptedChanges: 0,
    acceptedChangesSeenWriting: 0,
    failures: [],
    seconds: 0,
  };
  const fail = (what: string, p: Planned, detail: string) => {
    if (summary.failures.length < 50)
      summary.failures.push(
        `${what}: ${p.target} ${p.kind} via ${p.via} ${p.method} ${p.rawPath.slice(0, 80)}: ${detail}`,
      );
  };
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => unhandled.push(reason);
  process.on('unhandledRejection', onUnhandled);

  try {
    const tables = tableNames(prefix);
    await ensureTables(dynamo, tables);
    const queues = await ensureQueues(sqs, prefix);
    const dynamoProxy: FaultProxy = await startFaultProxy({ upstream: options.standIns.dynamodb });
    cleanups.push(() => dynamoProxy.stop());
    const sqsProxy: FaultProxy = await startFaultProxy({ upstream: options.standIns.sqs });
    cleanups.push(() => sqsProxy.stop());
    const bus: EventBusShim = await startEventBus({ rules: [] });
    cleanups.push(() => bus.stop());

    const env: Record<string, string> = {
      ...resourceEnv({ dynamoEndpoint: dynamoProxy.url, sqsEndpoint: sqsProxy.url, tables, queues }),
      EVENT_BUS_NAME: 'default',
      EVENTBRIDGE_ENDPOINT: bus.url,
      POWERTOOLS_METRICS_DISABLED: 'true',
      POWERTOOLS_LOG_LEVEL: 'SILENT',
    };
    // Powertools reads these from process.env, not from wire's env.
    process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';
    const handlers: Record<Target, LambdaHandler> = {
      'webhook-ingest': (await loadHandlerModule('webhook-ingest')).wire(env),
      'channel-api': (await loadHandlerModule('channel-api')).wire(env),
    };
    const invoke = async (target: Target, event: APIGatewayProxyEventV2): Promise<Answer> => {
      const result = (await invokeHandler(handlers[target], event, {
        functionName: target,
        timeoutMs: 10_000,
      })) as {
        statusCode?: unknown;
        body?: unknown;
        isBase64Encoded?: boolean;
      };
      if (typeof result?.statusCode !== 'number')
        throw new Error(`answer without a statusCode: ${JSON.stringify(result)?.slice(0, 100)}`);
      const body =
        typeof result.body === 'string'
          ? result.isBase64Encoded
            ? Buffer.from(result.body, 'base64').toString('utf8')
            : result.body
          : '';
      return { status: result.statusCode, body };
    };

    const gateway = createHttpGateway({
      routes: API_GATEWAY_ROUTES,
      health: async () => ({ ok: true, parts: {} }),
      invoke: (target, event) =>
        invokeHandler(handlers[target as Target], event, { functionName: target, timeoutMs: 10_000 }),
    });
    const port = await gateway.listen(0, '127.0.0.1');
    cleanups.push(() => gateway.close());
    const gatewayUrl = `http://127.0.0.1:${port}`;

    // --- Two channels to aim at: one with a client secret (signed deliveries), one with the token only.
    const save = async (channelId: string, storeHash: string, clientSecret?: string) => {
      const accessToken = randomBytes(16).toString('hex');
      const answer = await invoke(
        'channel-api',
        toEvent(
          adminRequest(
            'PUT',
            '/channels/{channelId}',
            { channelId },
            {
              kind: 'setup',
              via: 'direct',
              headers: { 'content-type': 'application/json' },
              body: JSON.stringify({
                storeHash,
                accessToken,
                ...(clientSecret ? { clientSecret } : {}),
                validCancellationStatuses: ['On Hold'],
                validFulfillmentStatuses: [],
              }),
              expect: [200],
              mayWrite: true,
            },
          ),
        ),
      );
      if (answer.status !== 200)
        throw new Error(`setup: saving ${channelId} answered ${answer.status} ${answer.body}`);
      const stored = await secretStore(
        createRuntime({ SECRETS_TABLE: tables.secrets }, { dynamo: dynamo }),
      ).get(channelId);
      if (!stored) throw new Error(`setup: no secrets stored for ${channelId}`);
      return {
        accessToken,
        channel: {
          channelId,
          storeHash,
          webhookToken: stored.webhookToken,
          ...(clientSecret ? { clientSecret } : {}),
        },
      };
    };
    const signedSecret = randomBytes(16).toString('hex');
    const s = await save('fz-signed', 'fzsigned', signedSecret);
    const t = await save('fz-token', 'fztoken');
    const world: World = {
      signed: s.channel,
      tokenOnly: t.channel,
      pool: Array.from({ length: 8 }, (_, i) => `fz-p${i}`),
      live: new Set(),
      secrets: new Set([
        signedSecret,
        s.accessToken,
        t.accessToken,
        s.channel.webhookToken,
        t.channel.webhookToken,
      ]),
    };
    secrets = world.secrets;

    // --- The run: recipes sampled in chunks (so huge bodies are not all in memory), executed one at a time.
    const snapshotShare = options.snapshotShare ?? 0.1;
    const chunk = 250;
    const bar = Math.max(1, Math.floor(options.requests / 10));
    for (let done = 0; done < options.requests; done += chunk) {
      const recipes: Recipe[] = fc.sample(requestRecipe, {
        seed: options.seed + done,
        numRuns: Math.min(chunk, options.requests - done),
      });
      for (const recipe of recipes) {
        const p =
          recipe.target === 'webhook-ingest'
            ? planIngest(recipe.r as IngestRecipe, world)
            : planAdmin(recipe.r as AdminRecipe, world);
        const compare = Math.random() < snapshotShare;
        const before = compare ? await snapshot(dynamo, sqs, tables, queues) : undefined;
        const writesBefore = dynamoProxy.stats.writes.length + sqsProxy.stats.writes.length;
        const eventsBefore = bus.events.length;
        const sqsWritesBefore = sqsProxy.stats.writes.length;

        let answer: Answer | undefined;
        try {
          answer = p.via === 'gateway' ? await viaGateway(gatewayUrl, p) : await invoke(p.target, toEvent(p));
        } catch (error) {
          summary.crashes++;
          fail('crash', p, error instanceof Error ? `${error.name}: ${error.message}` : String(error));
        }
        await bus.idle();
        const wrote =
          dynamoProxy.stats.writes.length +
          sqsProxy.stats.writes.length -
          writesBefore +
          (bus.events.length - eventsBefore);

        summary.requests++;
        summary.byTarget[p.target] = (summary.byTarget[p.target] ?? 0) + 1;
        summary.byVia[p.via] = (summary.byVia[p.via] ?? 0) + 1;
        summary.byKind[p.kind] = (summary.byKind[p.kind] ?? 0) + 1;
        if (!answer) continue;
        const status = answer.status;
        summary.byStatus[status] = (summary.byStatus[status] ?? 0) + 1;
        p.after?.(status);

        if (status >= 500) {
          summary.serverErrors++;
          fail('5xx', p, `${status} ${answer.body.slice(0, 200)}`);
        }
        if (!p.expect.includes(status)) {
          summary.unexpectedStatus++;
          fail(
            'unexpected status',
            p,
            `${status}, expected ${p.expect.join(' or ')}: ${answer.body.slice(0, 200)}`,
          );
        }
        const rejected = status >= 400;
        if (rejected) {
          const problem = clearRejection(answer, status === 400 ? p.field : undefined);
          if (problem) {
            summary.unclearRejections++;
            fail('unclear rejection', p, `${status}: ${problem}`);
          }
        }
        for (const secret of world.secrets)
          if (answer.body.includes(secret)) {
            summary.leaks++;
            fail('secret in answer', p, `${status}`);
            break;
          }
        const mayChange = !rejected && p.mayWrite && p.method !== 'GET';
        if (mayChange) {
          summary.acceptedChanges++;
          if (wrote > 0) summary.acceptedChangesSeenWriting++;
          // DESIGN.md section 2: ingest makes one SQS call and nothing else.
          const sends = sqsProxy.stats.writes.length - sqsWritesBefore;
          if (p.target === 'webhook-ingest' && (wrote !== 1 || sends !== 1)) {
            summary.unexpectedStatus++;
            fail('accepted webhook not enqueued exactly once', p, `${wrote} write(s), ${sends} to SQS`);
          }
        }
        if (!mayChange && wrote > 0) {
          summary.stateChanges++;
          fail('state change', p, `${status} after ${wrote} write(s)`);
        }
        if (before && !mayChange) {
          const after = await snapshot(dynamo, sqs, tables, queues);
          summary.snapshotsCompared++;
          if (after.tables !== before.tables || after.queue !== before.queue) {
            summary.stateChanges++;
            fail(
              'state change (snapshot)',
              p,
              `${status}: tables ${after.tables === before.tables ? 'same' : 'changed'}, queue ${before.queue} -> ${after.queue}`,
            );
          }
        }
        if (summary.requests % bar === 0) log(`fuzz: ${summary.requests}/${options.requests}`);
      }
    }
    if (unhandled.length > 0) {
      summary.crashes += unhandled.length;
      summary.failures.push(`unhandled rejections: ${unhandled.map(String).join('; ').slice(0, 500)}`);
    }
  } finally {
    output.stop();
    if (savedLevel === undefined) delete process.env.POWERTOOLS_LOG_LEVEL;
    else process.env.POWERTOOLS_LOG_LEVEL = savedLevel;
    process.off('unhandledRejection', onUnhandled);
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
    dynamo.destroy();
    sqs.destroy();
  }
  summary.logLines = output.lines.length;
  const leaked = leakedSecrets(output.lines, secrets);
  summary.logLeaks = leaked.length;
  if (leaked.length > 0) summary.failures.push(`secrets in logs: ${leaked.length} of ${secrets.size}`);
  summary.seconds = (Date.now() - started) / 1000;
  return summary;
}

export function formatSummary(s: FuzzSummary): string {
  const sorted = (record: Record<string, number>) =>
    Object.entries(record)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([k, v]) => `${k} ${v}`)
      .join(', ');
  return [
    `requests              ${s.requests} (${sorted(s.byTarget)}; ${sorted(s.byVia)})`,
    `by status             ${sorted(s.byStatus)}`,
    `crashes               ${s.crashes}`,
    `5xx                   ${s.serverErrors}`,
    `state changes         ${s.stateChanges} (rejected or read-only requests; ${s.snapshotsCompared} full snapshots compared)`,
    `unexpected status     ${s.unexpectedStatus}`,
    `accepted changes      ${s.acceptedChanges} (${s.acceptedChangesSeenWriting} seen writing: the state check sees writes)`,
    `unclear rejections    ${s.unclearRejections}`,
    `secrets in answers    ${s.leaks}`,
    `secrets in logs       ${s.logLeaks} (${s.logLines} log lines captured at DEBUG)`,
    `kinds                 ${Object.keys(s.byKind).length}`,
    `time                  ${s.seconds.toFixed(1)} s`,
  ].join('\n');
}
