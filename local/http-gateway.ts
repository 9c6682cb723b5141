import { isUtf8 } from 'node:buffer';
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { routeKey, type RouteDefinition } from '../functions/common/routes';
import { LOCAL_ACCOUNT_ID } from './lambda-context';
import { isLoopbackHost, LOOPBACK_ADDRESS } from './loopback';

/**
 * The local stand-in for API Gateway (HTTP API, payload format 2.0): matches the shared ROUTES, turns
 * the request into the same event API Gateway builds, invokes the route's function and maps the answer
 * back. Behaviour follows API Gateway where it is visible to a client: unmatched route (any method) → 404,
 * a throwing function → 500, an answer without `statusCode` → 200 JSON.
 */

export interface MatchedRoute {
  route: RouteDefinition;
  pathParameters: Record<string, string>;
}

export type InvokeRoute = (
  target: RouteDefinition['target'],
  event: APIGatewayProxyEventV2,
) => Promise<unknown>;

export interface HealthReport {
  ok: boolean;
  /** part name → 'ok' or what is wrong with it. */
  parts: Record<string, string>;
}

export interface HttpGatewayOptions {
  routes: readonly RouteDefinition[];
  invoke: InvokeRoute;
  health: () => Promise<HealthReport>;
  /** Larger than any handler's own limit so the handler's 413 is what callers see. Default 1 MiB. */
  maxBodyBytes?: number;
  onError?: (message: string, error: unknown) => void;
}

export interface HttpGateway {
  server: Server;
  /** Resolves with the bound port; rejects (e.g. EADDRINUSE) without leaving anything open. */
  listen(port: number, host?: string): Promise<number>;
  close(): Promise<void>;
}

export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

/** Splits on '/' keeping empty segments, so `/channels/a/` never matches `/channels/{channelId}`. */
export function matchRoute(
  routes: readonly RouteDefinition[],
  method: string,
  rawPath: string,
): MatchedRoute | undefined {
  const segments = rawPath.split('/');
  for (const route of routes) {
    if (route.method !== method) continue;
    const template = route.path.split('/');
    if (template.length !== segments.length) continue;
    const params: Record<string, string> = {};
    const matches = template.every((part, i) => {
      const actual = segments[i]!;
      const param = /^\{(\w+)\}$/.exec(part);
      if (!param) return part === actual;
      if (actual === '') return false;
      params[param[1]!] = safeDecode(actual);
      return true;
    });
    if (matches) return { route, pathParameters: params };
  }
  return undefined;
}

const safeDecode = (value: string) => {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
};

const TEXT_TYPES = [
  /^text\//,
  /^application\/(json|xml|javascript|x-www-form-urlencoded|graphql)\b/,
  /^application\/[\w.-]+\+(json|xml)\b/,
];

/** API Gateway passes text bodies as they are and base64-encodes everything else. */
export function isTextBody(contentType: string | undefined, body: Buffer): boolean {
  if (!contentType) return false;
  const type = contentType.trim().toLowerCase();
  return TEXT_TYPES.some((re) => re.test(type)) && isUtf8(body);
}

export interface RequestShape {
  method: string;
  /** Path and query as received, e.g. `/channels/a%20b?x=1`. */
  url: string;
  /** Alternating name/value list as Node's `rawHeaders` gives it. */
  rawHeaders: string[];
  body: Buffer;
  sourceIp: string;
  httpVersion: string;
}

const pad = (n: number) => String(n).padStart(2, '0');
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
/** API Gateway's `requestContext.time` format: `28/Nov/2025:17:57:01 +0000`. */
export const formatRequestTime = (d: Date) =>
  `${pad(d.getUTCDate())}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}:${pad(d.getUTCHours())}:${pad(
    d.getUTCMinutes(),
  )}:${pad(d.getUTCSeconds())} +0000`;

/** The payload format 2.0 event for a matched request. */
export function toApiGatewayEvent(
  request: RequestShape,
  match: MatchedRoute,
  now = new Date(),
): APIGatewayProxyEventV2 {
  const queryStart = request.url.indexOf('?');
  const rawPath = queryStart === -1 ? request.url : request.url.slice(0, queryStart);
  const rawQueryString = queryStart === -1 ? '' : request.url.slice(queryStart + 1);

  // Repeated headers are joined with commas; cookies move to their own list (as API Gateway does).
  const headers: Record<string, string> = {};
  const cookies: string[] = [];
  for (let i = 0; i + 1 < request.rawHeaders.length; i += 2) {
    const name = request.rawHeaders[i]!.toLowerCase();
    const value = request.rawHeaders[i + 1]!;
    if (name === 'cookie') {
      cookies.push(
        ...value
          .split(';')
          .map((c) => c.trim())
          .filter(Boolean),
      );
      continue;
    }
    headers[name] = name in headers ? `${headers[name]},${value}` : value;
  }

  const query: Record<string, string> = {};
  for (const [key, value] of new URLSearchParams(rawQueryString)) {
    query[key] = key in query ? `${query[key]},${value}` : value;
  }

  const hasBody = request.body.length > 0;
  const text = hasBody && isTextBody(headers['content-type'], request.body);
  const key = routeKey(match.route);
  const requestId = randomUUID();

  return {
    version: '2.0',
    routeKey: key,
    rawPath,
    rawQueryString,
    ...(cookies.length > 0 ? { cookies } : {}),
    headers,
    ...(rawQueryString !== '' ? { queryStringParameters: query } : {}),
    ...(Object.keys(match.pathParameters).length > 0 ? { pathParameters: match.pathParameters } : {}),
    requestContext: {
      accountId: LOCAL_ACCOUNT_ID,
      apiId: 'local',
      domainName: headers.host ?? 'localhost',
      domainPrefix: (headers.host ?? 'localhost').split('.')[0]!.split(':')[0]!,
      http: {
        method: request.method,
        path: safeDecode(rawPath),
        protocol: `HTTP/${request.httpVersion}`,
        sourceIp: request.sourceIp,
        userAgent: headers['user-agent'] ?? '',
      },
      requestId,
      routeKey: key,
      stage: '$default',
      time: formatRequestTime(now),
      timeEpoch: now.getTime(),
    },
    ...(hasBody ? { body: request.body.toString(text ? 'utf8' : 'base64') } : {}),
    isBase64Encoded: hasBody && !text,
  };
}

export interface HttpAnswer {
  statusCode: number;
  headers: Record<string, string>;
  cookies: string[];
  body: Buffer;
}

/** Maps a handler's return value to an HTTP answer as API Gateway does for payload format 2.0. */
export function fromHandlerResult(result: unknown): HttpAnswer {
  if (isStructured(result)) {
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(result.headers ?? {}))
      headers[name.toLowerCase()] = String(value);
    const body =
      result.body === undefined
        ? Buffer.alloc(0)
        : Buffer.from(result.body, result.isBase64Encoded ? 'base64' : 'utf8');
    return { statusCode: result.statusCode, headers, cookies: result.cookies ?? [], body };
  }
  // Anything else is "the response body": 200 with JSON content.
  const body = typeof result === 'string' ? result : (JSON.stringify(result) ?? '');
  return {
    statusCode: 200,
    headers: { 'content-type': 'application/json' },
    cookies: [],
    body: Buffer.from(body),
  };
}

const isStructured = (value: unknown): value is APIGatewayProxyStructuredResultV2 & { statusCode: number } =>
  typeof value === 'object' &&
  value !== null &&
  typeof (value as { statusCode?: unknown }).statusCode === 'number';

const jsonAnswer = (statusCode: number, body: unknown): HttpAnswer => ({
  statusCode,
  headers: { 'content-type': 'application/json' },
  cookies: [],
  body: Buffer.from(JSON.stringify(body)),
});

export const notFound = () => jsonAnswer(404, { errors: [{ message: 'Not Found' }] });

class BodyTooLarge extends Error {}

function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        // Stop buffering; the rest is drained so the 413 can still be written.
        req.removeAllListeners('data');
        req.resume();
        reject(new BodyTooLarge());
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function send(res: ServerResponse, answer: HttpAnswer): void {
  res.statusCode = answer.statusCode;
  for (const [name, value] of Object.entries(answer.headers)) res.setHeader(name, value);
  if (answer.cookies.length > 0) res.setHeader('set-cookie', answer.cookies);
  res.setHeader('content-length', answer.body.length);
  res.end(answer.body);
}

export function createHttpGateway(options: HttpGatewayOptions): HttpGateway {
  const limit = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const onError = options.onError ?? (() => undefined);

  async function handle(req: IncomingMessage): Promise<HttpAnswer> {
    // Before anything else: a request addressed to another name may come from a web page (DNS rebinding).
    const port = (req.socket.localPort ?? 0) as number;
    if (!isLoopbackHost(req.headers.host, port)) {
      req.resume();
      return jsonAnswer(403, {
        errors: [
          { field: 'host', message: `Host must be 127.0.0.1:${port}, localhost:${port} or [::1]:${port}` },
        ],
      });
    }
    const url = req.url ?? '/';
    const path = url.split('?')[0]!;
    if (path === '/health' && req.method === 'GET') {
      req.resume();
      const report = await options.health();
      return report.ok
        ? jsonAnswer(200, { status: 'ok' })
        : jsonAnswer(503, {
            status: 'unavailable',
            notReady: Object.entries(report.parts)
              .filter(([, state]) => state !== 'ok')
              .map(([part]) => part),
            parts: report.parts,
          });
    }
    const match = matchRoute(options.routes, req.method ?? 'GET', path);
    if (!match) {
      req.resume();
      return notFound();
    }
    let body: Buffer;
    try {
      body = await readBody(req, limit);
    } catch (error) {
      if (error instanceof BodyTooLarge)
        return jsonAnswer(413, { errors: [{ message: 'Request Entity Too Large' }] });
      throw error;
    }
    const event = toApiGatewayEvent(
      {
        method: req.method ?? 'GET',
        url,
        rawHeaders: req.rawHeaders,
        body,
        sourceIp: (req.socket.remoteAddress ?? '127.0.0.1').replace(/^::ffff:/, ''),
        httpVersion: req.httpVersion,
      },
      match,
    );
    try {
      return fromHandlerResult(await options.invoke(match.route.target, event));
    } catch (error) {
      onError(`${routeKey(match.route)} failed`, error);
      return jsonAnswer(500, { errors: [{ message: 'Internal Server Error' }] });
    }
  }

  const server = createServer((req, res) => {
    handle(req).then(
      (answer) => send(res, answer),
      (error: unknown) => {
        onError('gateway error', error);
        if (!res.headersSent) send(res, jsonAnswer(500, { errors: [{ message: 'Internal Server Error' }] }));
        else res.destroy();
      },
    );
  });

  return {
    server,
    listen: (port, host = LOOPBACK_ADDRESS) =>
      new Promise((resolve, reject) => {
        const onListenError = (error: Error) => reject(error);
        server.once('error', onListenError);
        server.listen(port, host, () => {
          server.off('error', onListenError);
          resolve((server.address() as AddressInfo).port);
        });
      }),
    close: () =>
      new Promise((resolve) => {
        if (!server.listening) return resolve();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
