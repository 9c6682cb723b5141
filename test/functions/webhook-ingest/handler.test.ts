import { orderEventSchema } from '../../../functions/domain/order-event';
import { MAX_BODY_BYTES } from '../../../functions/webhook-ingest/answers';
import { UNKNOWN_CHANNEL_CACHE_TTL_MS } from '../../../functions/webhook-ingest/handler';
import {
  callbackBody,
  channel,
  CLIENT_SECRET,
  harness,
  request,
  signHeaders,
  STORE_HASH,
  TOKEN,
} from './harness';
import { callbackExampleFiles, callbackExampleText } from '../../support/bigcommerce-fixtures';

const token = { 'x-webhook-token': TOKEN };
const SIGNED = 'signed';
const signed = (body: string) => ({ ...token, ...signHeaders(body) });
const valid = JSON.stringify(callbackBody());

type Case = {
  name: string;
  setup?: (h: ReturnType<typeof harness>) => void;
  channelId?: string;
  body?: string;
  /** SIGNED: the token and a valid signature of `body`. */
  headers?: Record<string, string> | typeof SIGNED;
  status: number;
  enqueued: number;
  metric: string;
  /** The field a 400 must name. */
  field?: string;
};

/** The status table (docs/contract.md section 5), including the precedence between overlapping faults. */
const cases: Case[] = [
  {
    name: 'valid, token only, channel without a client secret',
    channelId: 'nosig',
    body: valid,
    headers: token,
    status: 200,
    enqueued: 1,
    metric: 'WebhookAccepted',
  },
  {
    name: 'valid, token only, channel with a client secret (signature required)',
    body: valid,
    headers: token,
    status: 401,
    enqueued: 0,
    metric: 'WebhookRejected:unauthorized',
  },
  {
    name: 'valid, token and signature',
    body: valid,
    headers: { ...token, ...signHeaders(valid) },
    status: 200,
    enqueued: 1,
    metric: 'WebhookAccepted',
  },
  {
    name: 'scope not acted on',
    body: JSON.stringify(callbackBody({ scope: 'store/order/created', data: { type: 'order', id: 250 } })),
    headers: SIGNED,
    status: 200,
    enqueued: 0,
    metric: 'WebhookIgnored',
  },
  {
    name: 'not JSON',
    body: '{"scope":',
    headers: SIGNED,
    status: 400,
    enqueued: 0,
    metric: 'WebhookRejected:invalid',
    field: 'body',
  },
  {
    name: 'empty body',
    body: '',
    headers: SIGNED,
    status: 400,
    enqueued: 0,
    metric: 'WebhookRejected:invalid',
    field: 'body',
  },
  {
    name: 'order callback without data.id',
    body: JSON.stringify(callbackBody({ data: { type: 'order' } })),
    headers: SIGNED,
    status: 400,
    enqueued: 0,
    metric: 'WebhookRejected:invalid',
    field: 'data.id',
  },
  {
    name: 'store_id missing',
    body: JSON.stringify(callbackBody({ store_id: undefined })),
    headers: SIGNED,
    status: 400,
    enqueued: 0,
    metric: 'WebhookRejected:invalid',
    field: 'store_id',
  },
  {
    name: 'signed webhook-id not a printable token',
    body: valid,
    headers: { ...token, ...signHeaders(valid, { id: 'has spaces in it' }) },
    status: 400,
    enqueued: 0,
    metric: 'WebhookRejected:invalid',
    field: 'webhook-id',
  },
  { name: 'token missing', body: valid, status: 401, enqueued: 0, metric: 'WebhookRejected:unauthorized' },
  {
    name: 'token empty',
    body: valid,
    headers: { 'x-webhook-token': '' },
    status: 401,
    enqueued: 0,
    metric: 'WebhookRejected:unauthorized',
  },
  {
    name: 'token wrong',
    body: valid,
    headers: { 'x-webhook-token': `${TOKEN}x` },
    status: 401,
    enqueued: 0,
    metric: 'WebhookRejected:unauthorized',
  },
  {
    name: 'token wrong and body not JSON (auth before parsing)',
    body: 'nope',
    headers: { 'x-webhook-token': 'wrong' },
    status: 401,
    enqueued: 0,
    metric: 'WebhookRejected:unauthorized',
  },
  {
    name: 'token wrong and body invalid',
    body: JSON.stringify({ scope: 1 }),
    status: 401,
    enqueued: 0,
    metric: 'WebhookRejected:unauthorized',
  },
  {
    name: 'signature bad',
    body: valid,
    headers: { ...token, ...signHeaders(valid, { secret: 'another-secret' }) },
    status: 401,
    enqueued: 0,
    metric: 'WebhookRejected:unauthorized',
  },
  {
    name: 'signature bad and body not JSON (auth before parsing)',
    body: 'nope',
    headers: { ...token, ...signHeaders('other') },
    status: 401,
    enqueued: 0,
    metric: 'WebhookRejected:unauthorized',
  },
  {
    name: 'producer is another store',
    body: JSON.stringify(callbackBody({ producer: 'stores/zzz999' })),
    headers: SIGNED,
    status: 401,
    enqueued: 0,
    metric: 'WebhookRejected:unauthorized',
  },
  {
    name: 'producer is another store and signature valid',
    body: JSON.stringify(callbackBody({ producer: 'stores/zzz999' })),
    headers: { ...token, ...signHeaders(JSON.stringify(callbackBody({ producer: 'stores/zzz999' }))) },
    status: 401,
    enqueued: 0,
    metric: 'WebhookRejected:unauthorized',
  },
  {
    name: 'channel has no stored secrets',
    channelId: 'nosecrets',
    body: valid,
    headers: token,
    status: 401,
    enqueued: 0,
    metric: 'WebhookRejected:unauthorized',
  },
  {
    name: 'unknown channel',
    channelId: 'nobody',
    body: valid,
    headers: token,
    status: 404,
    enqueued: 0,
    metric: 'WebhookRejected:unknown_channel',
  },
  {
    // BigCommerce scores failures over the whole destination domain: acknowledged and dropped.
    name: 'deleted channel',
    channelId: 'gone',
    body: valid,
    headers: token,
    status: 200,
    enqueued: 0,
    metric: 'WebhookForDeletedChannel',
  },
  {
    name: 'deleted channel, no token, body not JSON',
    channelId: 'gone',
    body: 'x',
    status: 200,
    enqueued: 0,
    metric: 'WebhookForDeletedChannel',
  },
  {
    name: 'deleted channel whose tombstone expired: never known',
    channelId: 'expired',
    body: valid,
    headers: token,
    status: 404,
    enqueued: 0,
    metric: 'WebhookRejected:unknown_channel',
  },
  {
    name: 'malformed channel id',
    channelId: 'bad%20id',
    body: valid,
    headers: token,
    status: 404,
    enqueued: 0,
    metric: 'WebhookRejected:unknown_channel',
  },
  {
    name: 'unknown channel, no token, body not JSON',
    channelId: 'nobody',
    body: 'x',
    status: 404,
    enqueued: 0,
    metric: 'WebhookRejected:unknown_channel',
  },
  {
    name: 'body over 64 KiB',
    body: JSON.stringify(callbackBody({ pad: 'x'.repeat(MAX_BODY_BYTES) })),
    headers: token,
    status: 413,
    enqueued: 0,
    metric: 'WebhookRejected:too_large',
  },
  {
    name: 'body over 64 KiB for an unknown channel without a token',
    channelId: 'nobody',
    body: 'x'.repeat(MAX_BODY_BYTES + 1),
    status: 413,
    enqueued: 0,
    metric: 'WebhookRejected:too_large',
  },
  {
    name: 'SQS fails',
    setup: (h) => void (h.queue.failAfter = 0),
    body: valid,
    headers: SIGNED,
    status: 503,
    enqueued: 0,
    metric: 'EnqueueFailed',
  },
  {
    name: 'SQS fails for an ignored scope (no SQS call)',
    setup: (h) => void (h.queue.failAfter = 0),
    body: JSON.stringify(callbackBody({ scope: 'store/shipment/deleted', data: { id: 12, orderId: 251 } })),
    headers: SIGNED,
    status: 200,
    enqueued: 0,
    metric: 'WebhookIgnored',
  },
  {
    name: 'channel storage fails',
    setup: (h) => void (h.channels.failGet = true),
    body: valid,
    headers: token,
    status: 503,
    enqueued: 0,
    metric: 'WebhookReceived',
  },
];

describe('status table', () => {
  test.each(cases)('$name → $status', async (c) => {
    const h = harness();
    c.setup?.(h);
    const headers = c.headers === SIGNED ? signed(c.body ?? '') : c.headers;
    const res = await h.handler(request({ channelId: c.channelId, body: c.body, headers }));
    expect(res.statusCode).toBe(c.status);
    expect(h.queue.sent).toHaveLength(c.enqueued);
    expect(h.obs.names()).toEqual(
      c.metric === 'WebhookReceived' ? ['WebhookReceived'] : ['WebhookReceived', c.metric],
    );
    if (c.status === 200) expect(res.body).toBeUndefined();
    else expect(JSON.parse(res.body!)).toEqual({ errors: expect.any(Array) });
    if (c.field)
      expect(JSON.parse(res.body!).errors.map((e: { field: string }) => e.field)).toContain(c.field);
    if (c.status === 401) expect(JSON.parse(res.body!)).toEqual({ errors: [{ message: 'unauthorized' }] });
  });

  test('a body of exactly 64 KiB is accepted', async () => {
    const h = harness();
    const base = JSON.stringify(callbackBody());
    const body = base + ' '.repeat(MAX_BODY_BYTES - Buffer.byteLength(base));
    expect(Buffer.byteLength(body)).toBe(MAX_BODY_BYTES);
    expect((await h.handler(request({ body, headers: signed(body) }))).statusCode).toBe(200);
  });

  test('the size limit counts bytes, not characters', async () => {
    const h = harness();
    const body = JSON.stringify(callbackBody({ pad: 'é'.repeat(MAX_BODY_BYTES / 2) }));
    expect(body.length).toBeLessThan(MAX_BODY_BYTES + 100);
    expect((await h.handler(request({ body, headers: token }))).statusCode).toBe(413);
  });
});

describe('accepted callbacks', () => {
  test('enqueues one well-formed message with the webhook-id as event id', async () => {
    const h = harness();
    const res = await h.handler(
      request({ body: valid, headers: { ...token, ...signHeaders(valid, { id: 'msg_abc' }) } }),
    );
    expect(res.statusCode).toBe(200);
    expect(h.queue.sent).toEqual([
      {
        v: 1,
        channelId: 'ch1',
        orderId: 250,
        scope: 'store/order/statusUpdated',
        eventId: 'msg_abc',
        statusHint: { previousStatusId: 9, newStatusId: 5 },
        receivedAt: '2026-04-01T12:00:00.000Z',
        attempt: 1,
        source: 'webhook',
      },
    ]);
    expect(orderEventSchema.parse(h.queue.sent[0])).toEqual(h.queue.sent[0]);
  });

  test('unsigned: the event id is a stable digest of hash, created_at and order id', async () => {
    const h = harness();
    const send = (body: string) => h.handler(request({ channelId: 'nosig', body, headers: token }));
    await send(valid);
    await send(valid);
    await send(JSON.stringify(callbackBody({ data: { id: 251 } })));
    await send(JSON.stringify(callbackBody({ created_at: 1561479399 })));
    const [a, b, otherOrder, otherTime] = h.queue.sent.map((e) => e.eventId);
    expect(a).toMatch(/^h:[0-9a-f]{64}$/);
    expect(b).toBe(a);
    expect(otherOrder).not.toBe(a);
    expect(otherTime).not.toBe(a);
  });

  test('an unsigned webhook-id header never becomes the event id', async () => {
    const h = harness();
    const send = (id: string) =>
      h.handler(request({ channelId: 'nosig', body: valid, headers: { ...token, 'webhook-id': id } }));
    expect((await send('chosen-by-sender')).statusCode).toBe(200);
    expect((await send('another-choice')).statusCode).toBe(200);
    expect((await send('has spaces in it')).statusCode).toBe(200);
    const ids = h.queue.sent.map((e) => e.eventId);
    expect(ids[0]).toMatch(/^h:[0-9a-f]{64}$/);
    expect(new Set(ids).size).toBe(1);
  });

  test('header names in any casing and base64-encoded bodies', async () => {
    const h = harness();
    const signed = signHeaders(valid);
    const headers = {
      'X-Webhook-Token': TOKEN,
      'Webhook-Id': signed['webhook-id']!,
      'WEBHOOK-TIMESTAMP': signed['webhook-timestamp']!,
      'Webhook-Signature': signed['webhook-signature']!,
    };
    expect((await h.handler(request({ body: valid, headers, base64: true }))).statusCode).toBe(200);
    const tampered = {
      ...headers,
      'Webhook-Signature': signHeaders(valid, { secret: 'nope' })['webhook-signature']!,
    };
    expect((await h.handler(request({ body: valid, headers: tampered, base64: true }))).statusCode).toBe(401);
    expect(h.queue.sent).toHaveLength(1);
  });

  test.each(callbackExampleFiles())(
    'documented example %s is accepted (signed, producer of this store)',
    async (file) => {
      const h = harness();
      const body = callbackExampleText(file).replace('{store_hash}', STORE_HASH);
      const res = await h.handler(request({ body, headers: { ...token, ...signHeaders(body) } }));
      expect(res.statusCode).toBe(200);
      const acted =
        file === 'store_order_statusUpdated.json' || /^store_shipment_(created|updated)/.test(file);
      expect(h.queue.sent).toHaveLength(acted ? 1 : 0);
      expect(h.obs.names()).toContain(acted ? 'WebhookAccepted' : 'WebhookIgnored');
      if (file === 'store_order_statusUpdated.json')
        expect(h.queue.sent[0]).toMatchObject({
          orderId: 250,
          statusHint: { previousStatusId: 0, newStatusId: 11 },
        });
      else if (acted) {
        // A shipment names its order in data.orderId; the worker reads the order, so there is no hint.
        expect(h.queue.sent[0]).toMatchObject({
          orderId: 251,
          scope: file.replace(/_/g, '/').replace('.json', ''),
        });
        expect(h.queue.sent[0]).not.toHaveProperty('statusHint');
      }
    },
  );

  test('a statusUpdated without data.status or created_at is enqueued without a hint', async () => {
    const h = harness();
    const body = JSON.stringify(callbackBody({ created_at: undefined, data: { type: 'order', id: 77 } }));
    expect((await h.handler(request({ body, headers: signed(body) }))).statusCode).toBe(200);
    expect(h.queue.sent[0]).toMatchObject({ orderId: 77 });
    expect(h.queue.sent[0]).not.toHaveProperty('statusHint');
  });
});

describe('signatures', () => {
  const minutes = (n: number) => new Date(Date.now() + n * 60_000);
  const sigCases: [string, () => Record<string, string>, string, number][] = [
    ['valid', () => signHeaders(valid), valid, 200],
    ['valid, 4 minutes old', () => signHeaders(valid, { at: minutes(-4) }), valid, 200],
    ['valid, 4 minutes ahead', () => signHeaders(valid, { at: minutes(4) }), valid, 200],
    ['tampered body', () => signHeaders(valid), valid.replace('250', '251'), 401],
    ['wrong secret', () => signHeaders(valid, { secret: `${CLIENT_SECRET}x` }), valid, 401],
    ['timestamp 6 minutes old', () => signHeaders(valid, { at: minutes(-6) }), valid, 401],
    ['timestamp 6 minutes in the future', () => signHeaders(valid, { at: minutes(6) }), valid, 401],
    ['timestamp not a number', () => ({ ...signHeaders(valid), 'webhook-timestamp': 'soon' }), valid, 401],
    ['id changed after signing', () => ({ ...signHeaders(valid), 'webhook-id': 'msg_other' }), valid, 401],
    [
      'several signatures, the valid one last',
      () => {
        const s = signHeaders(valid);
        const wrong = signHeaders(valid, { secret: 'other' })['webhook-signature'];
        return { ...s, 'webhook-signature': `${wrong} v1,AAAA ${s['webhook-signature']}` };
      },
      valid,
      200,
    ],
    [
      'several signatures, the valid one first',
      () => {
        const s = signHeaders(valid);
        return { ...s, 'webhook-signature': `${s['webhook-signature']} v1,AAAA` };
      },
      valid,
      200,
    ],
    [
      'several signatures, none valid',
      () => {
        const s = signHeaders(valid);
        const a = signHeaders(valid, { secret: 'a' })['webhook-signature'];
        const b = signHeaders(valid, { secret: 'b' })['webhook-signature'];
        return { ...s, 'webhook-signature': `${a} ${b}` };
      },
      valid,
      401,
    ],
    [
      'right signature under an unknown version',
      () => {
        const s = signHeaders(valid);
        return { ...s, 'webhook-signature': s['webhook-signature']!.replace(/^v1,/, 'v2,') };
      },
      valid,
      401,
    ],
  ];
  test.each(sigCases.map(([name, headers, body, status]) => [name, status, headers, body] as const))(
    '%s → %i',
    async (_name, status, headers, body) => {
      const h = harness();
      const res = await h.handler(request({ body, headers: { ...token, ...headers() } }));
      expect(res.statusCode).toBe(status);
      expect(h.queue.sent).toHaveLength(status === 200 ? 1 : 0);
    },
  );

  test('a valid signature does not replace the token', async () => {
    const h = harness();
    expect((await h.handler(request({ body: valid, headers: signHeaders(valid) }))).statusCode).toBe(401);
    expect(
      (await h.handler(request({ body: valid, headers: { 'x-webhook-token': 'x', ...signHeaders(valid) } })))
        .statusCode,
    ).toBe(401);
  });

  test('signature headers on a channel without a client secret: the token decides, unsigned', async () => {
    const h = harness();
    const bogus = { ...signHeaders(valid, { secret: 'whatever' }) };
    expect(
      (await h.handler(request({ channelId: 'nosig', body: valid, headers: { ...token, ...bogus } })))
        .statusCode,
    ).toBe(200);
    expect(h.queue.sent[0]?.eventId).toMatch(/^h:/);
  });

  test.each(['webhook-id', 'webhook-timestamp', 'webhook-signature'])(
    'a channel with a client secret refuses a callback without %s, whatever the token',
    async (left) => {
      const h = harness();
      const headers: Record<string, string> = signed(valid);
      delete headers[left];
      const res = await h.handler(request({ body: valid, headers }));
      expect(res.statusCode).toBe(401);
      expect(h.queue.sent).toHaveLength(0);
      expect(h.obs.logs.map((l) => l.attributes.detail)).toContain('missing_signature');
    },
  );
});

describe('logging and caching', () => {
  test('rejections log a reason but never the token, signature or secrets', async () => {
    const h = harness();
    const sig = signHeaders(valid);
    await h.handler(request({ body: valid, headers: { 'x-webhook-token': 'wrong-token-value' } }));
    await h.handler(
      request({ body: valid, headers: { ...token, ...signHeaders(valid, { secret: 'bad' }) } }),
    );
    await h.handler(
      request({ body: valid, headers: { ...token, ...signHeaders(valid, { at: new Date(0) }) } }),
    );
    const foreign = JSON.stringify(callbackBody({ producer: 'stores/x' }));
    await h.handler(request({ body: foreign, headers: signed(foreign) }));
    await h.handler(request({ body: valid, headers: token }));
    await h.handler(request({ body: valid, headers: { ...token, ...sig } }));
    h.queue.failAfter = 0;
    await h.handler(request({ body: valid, headers: { ...token, ...sig } }));
    const details = h.obs.logs.map((l) => l.attributes.detail).filter(Boolean);
    expect(details).toEqual([
      'bad_token',
      'bad_signature',
      'stale_timestamp',
      'producer_mismatch',
      'missing_signature',
    ]);
    const text = h.obs.logText();
    for (const secret of [
      TOKEN,
      'wrong-token-value',
      CLIENT_SECRET,
      'access-TOKEN-xyz',
      sig['webhook-signature']!,
    ])
      expect(text).not.toContain(secret);
    expect(text).not.toContain(sig['webhook-signature']!.slice(3));
  });

  test('channel and secrets are read once per TTL and per channel, then again after it', async () => {
    const h = harness({ cacheTtlMs: 60_000 });
    for (let i = 0; i < 5; i += 1) await h.handler(request({ body: valid, headers: signed(valid) }));
    expect(h.reads).toEqual({ channels: 1, secrets: 1 });
    h.state.clock += 60_001;
    await h.handler(request({ body: valid, headers: signed(valid) }));
    expect(h.reads).toEqual({ channels: 2, secrets: 2 });
  });

  test('an unknown or deleted channel costs one cached channel read and no secret read', async () => {
    const h = harness({ cacheTtlMs: 60_000 });
    for (let i = 0; i < 50; i += 1) {
      expect((await h.handler(request({ channelId: 'nobody', body: valid }))).statusCode).toBe(404);
      // Deleted: acknowledged and dropped.
      expect((await h.handler(request({ channelId: 'gone', body: valid, headers: token }))).statusCode).toBe(
        200,
      );
    }
    expect(h.reads).toEqual({ channels: 2, secrets: 0 });
  });

  test('"unknown channel" is cached briefly: a channel created meanwhile works within seconds', async () => {
    const h = harness({ cacheTtlMs: 60_000 });
    const send = () => h.handler(request({ channelId: 'late', body: valid, headers: token }));
    expect((await send()).statusCode).toBe(404);
    h.channels.items.set('late', channel('late'));
    h.secrets.items.set('late', { accessToken: 'a', webhookToken: TOKEN });
    h.state.clock += UNKNOWN_CHANNEL_CACHE_TTL_MS - 1;
    expect((await send()).statusCode).toBe(404);
    expect(h.reads.channels).toBe(1);
    h.state.clock += 2;
    expect((await send()).statusCode).toBe(200);
    expect(h.reads).toEqual({ channels: 2, secrets: 1 });
  });

  test('a failed lookup is not cached', async () => {
    const h = harness();
    h.channels.failGet = true;
    expect((await h.handler(request({ body: valid, headers: signed(valid) }))).statusCode).toBe(503);
    h.channels.failGet = false;
    expect((await h.handler(request({ body: valid, headers: signed(valid) }))).statusCode).toBe(200);
  });

  test('a rotated token takes effect after the cache TTL', async () => {
    const h = harness({ cacheTtlMs: 60_000 });
    const send = (t: string) =>
      h.handler(request({ channelId: 'nosig', body: valid, headers: { 'x-webhook-token': t } }));
    expect((await send(TOKEN)).statusCode).toBe(200);
    h.secrets.items.set('nosig', { accessToken: 'a', webhookToken: 'new-token' });
    expect((await send(TOKEN)).statusCode).toBe(200);
    h.state.clock += 60_001;
    expect((await send(TOKEN)).statusCode).toBe(401);
    expect((await send('new-token')).statusCode).toBe(200);
  });

  test('the ingest asks for webhook authentication material only', async () => {
    const h = harness();
    await h.handler(request({ body: valid, headers: signed(valid) }));
    expect(h.reads.secrets).toBe(1);
    expect(h.obs.logText()).not.toContain('access-TOKEN-xyz');
  });
});
