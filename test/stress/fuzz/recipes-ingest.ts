import fc from 'fast-check';

// --- Recipes (what fast-check generates) ----------------------------------------------------------------

export const unicode = (maxLength: number) => fc.string({ unit: 'binary', maxLength });
export const via = fc.constantFrom<'direct' | 'gateway'>(
  'direct',
  'direct',
  'direct',
  'direct',
  'direct',
  'gateway',
);
export const caseBits = fc.integer({ min: 0, max: 2 ** 30 - 1 });

export const callbackArb = fc.record({
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
export type CallbackRecipe = typeof callbackArb extends fc.Arbitrary<infer T> ? T : never;

/** Field mutations of an otherwise valid callback: [path, value (undefined: remove), expected statuses]. */
export const FIELD_MUTATIONS: Array<[string, unknown, number[]]> = [
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

export const ingestRecipe = fc.oneof(
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
export type IngestRecipe = typeof ingestRecipe extends fc.Arbitrary<infer T> ? T : never;
