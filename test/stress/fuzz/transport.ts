import { httpCall } from '../http-call';
import { randomBytes } from 'node:crypto';
import { type APIGatewayProxyEventV2 } from 'aws-lambda';
import { type Answer, type Planned } from './model';

export function toEvent(p: Planned): APIGatewayProxyEventV2 {
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

export function viaGateway(base: string, p: Planned): Promise<Answer> {
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
  return httpCall({ host: url.hostname, port: url.port, path: p.rawPath, method: p.method, headers }, body);
}
