import fc from 'fast-check';
import { MAX_BODY_BYTES } from '../../../functions/webhook-ingest/answers';
import { callbackBody, CLIENT_SECRET, harness, request, signHeaders, STORE_HASH, TOKEN } from './harness';

/**
 * Random bodies and headers against the handler with fake stores and queue:
 * - never a 5xx unless SQS fails (and then only for a request that would have been enqueued);
 * - never an enqueue unless the request carried the channel's token (and, when signed, a valid signature).
 */

const channelIdArb = fc.oneof(
  { weight: 6, arbitrary: fc.constant('ch1') },
  {
    weight: 1,
    arbitrary: fc.constantFrom('nosig', 'nosecrets', 'gone', 'nobody', '', 'a/b', 'x'.repeat(65)),
  },
  { weight: 1, arbitrary: fc.string({ maxLength: 20 }) },
);

/** Mostly near-valid callbacks (so the deeper branches are reached), plus arbitrary JSON and junk. */
const callbackArb = fc
  .record({
    scope: fc.constantFrom(
      'store/order/statusUpdated',
      'store/order/created',
      'store/shipment/created',
      'store/cart/created',
      '',
    ),
    store_id: fc.oneof(fc.constant('1025646'), fc.integer(), fc.constant(''), fc.boolean()),
    producer: fc.constantFrom(`stores/${STORE_HASH}`, 'stores/other', '', 'stores/'),
    hash: fc.oneof(
      fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: 1, maxLength: 40 }),
      fc.constant(''),
    ),
    created_at: fc.option(fc.oneof(fc.integer({ min: 0 }), fc.string()), { nil: undefined }),
    data: fc.oneof(
      fc.record({
        type: fc.constant('order'),
        id: fc.oneof(fc.integer({ min: -5, max: 1_000_000 }), fc.string(), fc.double()),
        status: fc.option(
          fc.record({
            previous_status_id: fc.integer({ min: -1, max: 14 }),
            new_status_id: fc.oneof(fc.integer({ min: 0, max: 14 }), fc.string()),
          }),
          { nil: undefined },
        ),
      }),
      fc.constant(null),
      fc.string(),
    ),
  })
  .map((b) => JSON.stringify(b));

const bodyArb = fc.oneof(
  { weight: 6, arbitrary: callbackArb },
  { weight: 3, arbitrary: fc.constant(JSON.stringify(callbackBody())) },
  { weight: 1, arbitrary: fc.json() },
  { weight: 1, arbitrary: fc.string() },
  { weight: 1, arbitrary: fc.constant('x'.repeat(MAX_BODY_BYTES + 1)) },
);

type SigMode = 'none' | 'valid' | 'wrongSecret' | 'stale' | 'junk' | 'partial';
const requestArb = fc.record({
  channelId: channelIdArb,
  body: bodyArb,
  tokenName: fc.constantFrom('x-webhook-token', 'X-Webhook-Token', 'X-WEBHOOK-TOKEN'),
  token: fc.oneof(
    { weight: 4, arbitrary: fc.constant(TOKEN) },
    { weight: 1, arbitrary: fc.constant(undefined) },
    { weight: 1, arbitrary: fc.string() },
    { weight: 1, arbitrary: fc.constant(TOKEN.slice(0, -1)) },
  ),
  // Valid signatures weigh more: a channel with a client secret accepts nothing else, and the properties
  // must reach the accept path (and its SQS failures) often.
  sig: fc.oneof(
    { weight: 3, arbitrary: fc.constant<SigMode>('valid') },
    { weight: 2, arbitrary: fc.constantFrom<SigMode>('none', 'wrongSecret', 'stale', 'junk', 'partial') },
  ),
  extraHeaders: fc.dictionary(fc.string({ minLength: 1, maxLength: 15 }), fc.string({ maxLength: 30 }), {
    maxKeys: 3,
  }),
  base64: fc.boolean(),
});

type Req = typeof requestArb extends fc.Arbitrary<infer T> ? T : never;

function headersFor(r: Req): Record<string, string> {
  const headers: Record<string, string> = {};
  // Random extra headers must not smuggle in the ones under test.
  for (const [k, v] of Object.entries(r.extraHeaders))
    if (!/^(x-webhook-token|webhook-(id|timestamp|signature))$/i.test(k)) headers[k] = v;
  if (r.token !== undefined) headers[r.tokenName] = r.token;
  const sign = (opts: Parameters<typeof signHeaders>[1]) => signHeaders(r.body, opts);
  if (r.sig === 'valid') Object.assign(headers, sign({}));
  if (r.sig === 'wrongSecret') Object.assign(headers, sign({ secret: 'not-the-secret' }));
  if (r.sig === 'stale') Object.assign(headers, sign({ at: new Date(Date.now() - 3_600_000) }));
  if (r.sig === 'junk')
    Object.assign(headers, {
      'webhook-id': 'msg_1',
      'webhook-timestamp': 'x',
      'webhook-signature': 'v1,junk',
    });
  if (r.sig === 'partial') headers['webhook-signature'] = sign({})['webhook-signature']!;
  return headers;
}

/** What "authenticated" means, stated independently of the implementation. */
function authenticated(r: Req): boolean {
  if (r.token !== TOKEN) return false;
  const channelVerifiesSignatures = r.channelId === 'ch1'; // the only live channel with a client secret
  // A channel with a client secret requires a valid signature on every callback (token alone → 401).
  return !channelVerifiesSignatures || r.sig === 'valid';
}

test('ch1 is the only live channel with a client secret (assumption of authenticated())', () => {
  const h = harness();
  expect([...h.secrets.items].filter(([, s]) => s.clientSecret === CLIENT_SECRET).map(([id]) => id)).toEqual([
    'ch1',
    'gone',
  ]);
});

test('never a 5xx while SQS works; never an enqueue without authentication', async () => {
  const h = harness();
  const seen = new Set<number>();
  await fc.assert(
    fc.asyncProperty(requestArb, async (r) => {
      const before = h.queue.sent.length;
      const res = await h.handler(
        request({ channelId: r.channelId, body: r.body, headers: headersFor(r), base64: r.base64 }),
      );
      seen.add(res.statusCode);
      expect([200, 400, 401, 404, 413]).toContain(res.statusCode);
      const enqueued = h.queue.sent.length - before;
      expect(enqueued).toBeLessThanOrEqual(1);
      if (enqueued === 1) {
        expect(authenticated(r)).toBe(true);
        expect(['ch1', 'nosig']).toContain(r.channelId);
        expect(res.statusCode).toBe(200);
      }
    }),
    { numRuns: 600 },
  );
  // The generators reach every answer, so the property is not vacuous.
  expect([...seen].sort()).toEqual([200, 400, 401, 404, 413]);
  expect(h.queue.sent.length).toBeGreaterThan(0);
});

test('with SQS failing at random: 503 only for authenticated requests, no other 5xx', async () => {
  const h = harness();
  const attempts: number[] = [];
  let served = 0;
  await fc.assert(
    fc.asyncProperty(requestArb, fc.boolean(), async (r, sqsDown) => {
      h.queue.failAfter = sqsDown ? 0 : Infinity;
      const before = h.queue.sent.length;
      const res = await h.handler(
        request({ channelId: r.channelId, body: r.body, headers: headersFor(r), base64: r.base64 }),
      );
      if (res.statusCode === 503) {
        expect(sqsDown).toBe(true);
        expect(authenticated(r)).toBe(true);
        attempts.push(1);
      } else {
        expect(res.statusCode).toBeLessThan(500);
      }
      if (h.queue.sent.length > before) served += 1;
    }),
    { numRuns: 600 },
  );
  expect(attempts.length).toBeGreaterThan(0);
  expect(served).toBeGreaterThan(0);
});
