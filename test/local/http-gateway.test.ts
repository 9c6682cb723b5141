import { request } from 'node:http';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { ROUTES } from '../../functions/common/routes';
import {
  createHttpGateway,
  fromHandlerResult,
  matchRoute,
  toApiGatewayEvent,
  type HealthReport,
  type HttpGateway,
  type InvokeRoute,
} from '../../local/http-gateway';

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

function call(
  port: number,
  method: string,
  path: string,
  body?: Buffer | string,
  headers: Record<string, string | string[]> = {},
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method, path, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({
          status: res.statusCode!,
          headers: res.headers,
          body: Buffer.concat(chunks).toString('utf8'),
        }),
      );
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('matchRoute', () => {
  test.each([
    ['POST', '/webhooks/bigcommerce/ch-1', 'POST /webhooks/bigcommerce/{channelId}', { channelId: 'ch-1' }],
    ['PUT', '/channels/a%20b', 'PUT /channels/{channelId}', { channelId: 'a b' }],
    [
      'GET',
      '/channels/c/orders/42',
      'GET /channels/{channelId}/orders/{orderId}',
      { channelId: 'c', orderId: '42' },
    ],
    ['DELETE', '/channels/c', 'DELETE /channels/{channelId}', { channelId: 'c' }],
  ])('%s %s → %s', (method, path, key, params) => {
    const match = matchRoute(ROUTES, method, path);
    expect(match && `${match.route.method} ${match.route.path}`).toBe(key);
    expect(match?.pathParameters).toEqual(params);
  });

  test.each([
    ['GET', '/webhooks/bigcommerce/ch-1'],
    ['POST', '/channels/c'],
    ['GET', '/channels/'],
    ['GET', '/channels/c/'],
    ['GET', '/channels/c/orders'],
    ['GET', '/nope'],
  ])('%s %s does not match', (method, path) => {
    expect(matchRoute(ROUTES, method, path)).toBeUndefined();
  });
});

describe('toApiGatewayEvent', () => {
  const match = matchRoute(ROUTES, 'POST', '/webhooks/bigcommerce/ch%2F1')!;
  const base = {
    method: 'POST',
    url: '/webhooks/bigcommerce/ch%2F1?a=1&a=2&b=x%20y',
    sourceIp: '127.0.0.1',
    httpVersion: '1.1',
  };

  test('builds a payload 2.0 event with lower-cased, comma-joined headers and decoded path parameters', () => {
    const now = new Date('2025-11-28T17:57:01.123Z');
    const event = toApiGatewayEvent(
      {
        ...base,
        rawHeaders: [
          'Content-Type',
          'application/json',
          'X-Multi',
          'one',
          'x-multi',
          'two',
          'User-Agent',
          'curl/8',
        ],
        body: Buffer.from('{"scope":"store/order/statusUpdated"}'),
      },
      match,
      now,
    );
    expect(event).toMatchObject({
      version: '2.0',
      routeKey: 'POST /webhooks/bigcommerce/{channelId}',
      rawPath: '/webhooks/bigcommerce/ch%2F1',
      rawQueryString: 'a=1&a=2&b=x%20y',
      headers: { 'content-type': 'application/json', 'x-multi': 'one,two', 'user-agent': 'curl/8' },
      queryStringParameters: { a: '1,2', b: 'x y' },
      pathParameters: { channelId: 'ch/1' },
      body: '{"scope":"store/order/statusUpdated"}',
      isBase64Encoded: false,
      requestContext: {
        routeKey: 'POST /webhooks/bigcommerce/{channelId}',
        stage: '$default',
        time: '28/Nov/2025:17:57:01 +0000',
        timeEpoch: now.getTime(),
        http: {
          method: 'POST',
          path: '/webhooks/bigcommerce/ch/1',
          sourceIp: '127.0.0.1',
          userAgent: 'curl/8',
          protocol: 'HTTP/1.1',
        },
      },
    });
    expect(event.requestContext.requestId).toMatch(/^[0-9a-f-]{36}$/);
  });

  test('base64-encodes binary and non-text bodies; no body → no body field', () => {
    const bytes = Buffer.from([0xff, 0x00, 0xfe, 0x41]);
    const binary = toApiGatewayEvent(
      { ...base, rawHeaders: ['content-type', 'application/json'], body: bytes },
      match,
    );
    expect(binary).toMatchObject({ isBase64Encoded: true, body: bytes.toString('base64') });
    const octets = toApiGatewayEvent(
      { ...base, rawHeaders: ['content-type', 'application/octet-stream'], body: Buffer.from('abc') },
      match,
    );
    expect(octets).toMatchObject({ isBase64Encoded: true, body: Buffer.from('abc').toString('base64') });
    const none = toApiGatewayEvent({ ...base, url: '/x', rawHeaders: [], body: Buffer.alloc(0) }, match);
    expect(none.body).toBeUndefined();
    expect(none.isBase64Encoded).toBe(false);
    expect(none.queryStringParameters).toBeUndefined();
  });

  test('moves cookies to their own list', () => {
    const event = toApiGatewayEvent(
      { ...base, rawHeaders: ['Cookie', 'a=1; b=2'], body: Buffer.alloc(0) },
      match,
    );
    expect(event.cookies).toEqual(['a=1', 'b=2']);
    expect(event.headers.cookie).toBeUndefined();
  });
});

describe('fromHandlerResult', () => {
  test('structured results keep status, headers, cookies and decode base64 bodies', () => {
    const answer = fromHandlerResult({
      statusCode: 201,
      headers: { 'X-Thing': 'y', 'content-type': 'application/octet-stream' },
      cookies: ['s=1'],
      body: Buffer.from([1, 2, 3]).toString('base64'),
      isBase64Encoded: true,
    });
    expect(answer).toEqual({
      statusCode: 201,
      headers: { 'x-thing': 'y', 'content-type': 'application/octet-stream' },
      cookies: ['s=1'],
      body: Buffer.from([1, 2, 3]),
    });
  });

  test('anything without a statusCode is a 200 JSON body', () => {
    expect(fromHandlerResult({ hello: 'world' })).toMatchObject({
      statusCode: 200,
      headers: { 'content-type': 'application/json' },
      body: Buffer.from('{"hello":"world"}'),
    });
    expect(fromHandlerResult('plain').body.toString()).toBe('plain');
  });
});

describe('the gateway server', () => {
  let gateway: HttpGateway;
  let port: number;
  const seen: Array<{ target: string; event: APIGatewayProxyEventV2 }> = [];
  let invoke: InvokeRoute;
  let healthReport: HealthReport = { ok: true, parts: { dynamodb: 'ok' } };

  beforeAll(async () => {
    gateway = createHttpGateway({
      routes: ROUTES,
      maxBodyBytes: 1024,
      invoke: (target, event) => invoke(target, event),
      health: async () => healthReport,
    });
    port = await gateway.listen(0);
  });
  afterAll(() => gateway.close());
  beforeEach(() => {
    seen.length = 0;
    invoke = async (target, event) => {
      seen.push({ target, event });
      return { statusCode: 202, headers: { 'x-route': event.routeKey }, body: event.body ?? '' };
    };
  });

  test.each(['127.0.0.1:{port}', 'localhost:{port}', 'LOCALHOST:{port}', '[::1]:{port}'])(
    'Host %s is served',
    async (host) => {
      const answer = await call(port, 'PUT', '/channels/c1', '{}', {
        host: host.replace('{port}', String(port)),
      });
      expect(answer.status).toBe(202);
      expect(seen).toHaveLength(1);
    },
  );

  test.each([
    'evil.example:{port}',
    'localhost.evil.example:{port}',
    '127.0.0.1.nip.io:{port}',
    '127.0.0.1',
    'localhost',
    '127.0.0.1:1',
    '10.0.0.5:{port}',
    'attacker.example',
  ])('Host "%s" is refused before any route runs (DNS rebinding)', async (host) => {
    for (const [method, path] of [
      ['PUT', '/channels/c1'],
      ['GET', '/health'],
      ['POST', '/webhooks/bigcommerce/c1'],
    ] as const) {
      const body = method === 'GET' ? undefined : '{}';
      const answer = await call(port, method, path, body, { host: host.replace('{port}', String(port)) });
      expect(answer.status).toBe(403);
      expect(JSON.parse(answer.body)).toEqual({
        errors: [{ field: 'host', message: expect.stringContaining('127.0.0.1') }],
      });
    }
    expect(seen).toHaveLength(0);
  });

  test('invokes the route target and maps its answer back', async () => {
    const answer = await call(port, 'POST', '/webhooks/bigcommerce/abc', '{"x":1}', {
      'content-type': 'application/json',
    });
    expect(answer).toMatchObject({
      status: 202,
      body: '{"x":1}',
      headers: { 'x-route': 'POST /webhooks/bigcommerce/{channelId}' },
    });
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({
      target: 'webhook-ingest',
      event: { pathParameters: { channelId: 'abc' } },
    });
  });

  test('passes a binary body base64-encoded', async () => {
    const bytes = Buffer.from([0xc3, 0x28, 0xa0, 0xa1]);
    await call(port, 'PUT', '/channels/x', bytes, { 'content-type': 'application/json' });
    expect(seen[0]!.event).toMatchObject({ isBase64Encoded: true, body: bytes.toString('base64') });
    expect(seen[0]!.target).toBe('channel-api');
  });

  test('unknown route or method → 404 JSON, without invoking anything', async () => {
    for (const [method, path] of [
      ['GET', '/nowhere'],
      ['PATCH', '/channels/x'],
    ] as const) {
      const answer = await call(port, method, path);
      expect(answer.status).toBe(404);
      expect(answer.headers['content-type']).toBe('application/json');
      expect(JSON.parse(answer.body)).toEqual({ errors: [{ message: 'Not Found' }] });
    }
    expect(seen).toHaveLength(0);
  });

  test('a throwing handler → 500 JSON', async () => {
    invoke = async () => {
      throw new Error('boom');
    };
    const answer = await call(port, 'GET', '/channels/x');
    expect(answer.status).toBe(500);
    expect(JSON.parse(answer.body)).toEqual({ errors: [{ message: 'Internal Server Error' }] });
  });

  test('a body over the cap → 413 without invoking', async () => {
    const answer = await call(port, 'POST', '/webhooks/bigcommerce/abc', Buffer.alloc(5000, 'a'), {
      'content-type': 'text/plain',
    });
    expect(answer.status).toBe(413);
    expect(seen).toHaveLength(0);
  });

  test('GET /health is ok only when every part is', async () => {
    healthReport = { ok: true, parts: { dynamodb: 'ok' } };
    const ok = await call(port, 'GET', '/health');
    expect(ok.status).toBe(200);
    expect(JSON.parse(ok.body)).toEqual({ status: 'ok' });
    healthReport = { ok: false, parts: { dynamodb: 'ok', sqs: 'starting' } };
    const down = await call(port, 'GET', '/health');
    expect(down.status).toBe(503);
    expect(JSON.parse(down.body)).toMatchObject({ status: 'unavailable', notReady: ['sqs'] });
  });

  test('a port in use fails listen with EADDRINUSE', async () => {
    const other = createHttpGateway({ routes: ROUTES, invoke, health: async () => healthReport });
    await expect(other.listen(port)).rejects.toMatchObject({ code: 'EADDRINUSE' });
    await other.close();
  });
});
