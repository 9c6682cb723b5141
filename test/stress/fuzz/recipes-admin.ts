import fc from 'fast-check';
import { CHANNEL_STATUSES, OM_STATUSES } from './model';
import { ingestRecipe, unicode, via } from './recipes-ingest';

export const channelBodyArb = fc.record({
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
export const CHANNEL_MUTATIONS: Array<[string, unknown]> = [
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

export const adminRecipe = fc.oneof(
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
export type AdminRecipe = typeof adminRecipe extends fc.Arbitrary<infer T> ? T : never;

export const requestRecipe = fc.oneof(
  { weight: 6, arbitrary: ingestRecipe.map((r) => ({ target: 'webhook-ingest' as const, r })) },
  { weight: 4, arbitrary: adminRecipe.map((r) => ({ target: 'channel-api' as const, r })) },
);
export type Recipe = typeof requestRecipe extends fc.Arbitrary<infer T> ? T : never;
