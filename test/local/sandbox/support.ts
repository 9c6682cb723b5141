/**
 * Test helpers for the sandbox: the shape of a JSON value, a local webhook receiver, and a small HTTP
 * client. BigCommerce's published shapes are in test/support/bigcommerce-fixtures.ts.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** The "shape" of a JSON value: the same keys (recursively) and the same JSON types, values ignored. */
export const shapeOf = (value: unknown): unknown => {
  if (Array.isArray(value)) return value.map(shapeOf);
  if (value === null) return 'null';
  if (typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([k, v]) => [k, shapeOf(v)]),
    );
  }
  return typeof value;
};

export interface ApiResponse {
  status: number;
  headers: Headers;
  text: string;
  /** Parsed JSON, or undefined for an empty body. */
  body: unknown;
}

export const call = async (
  url: string,
  init: { method?: string; token?: string; body?: unknown; rawBody?: string } = {},
): Promise<ApiResponse> => {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (init.token !== undefined) headers['x-auth-token'] = init.token;
  let body: string | undefined = init.rawBody;
  if (init.body !== undefined) body = JSON.stringify(init.body);
  if (body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(url, { method: init.method ?? 'GET', headers, body });
  const text = await response.text();
  return {
    status: response.status,
    headers: response.headers,
    text,
    body: text ? JSON.parse(text) : undefined,
  };
};

export interface ReceivedCallback {
  headers: Record<string, string>;
  body: string;
}

export interface Receiver {
  url: string;
  received: ReceivedCallback[];
  /** Decides each answer: a status code (or a promise of one), or 'hang' to never answer. Default 200. */
  answer: (n: number) => number | 'hang' | Promise<number>;
  close(): Promise<void>;
}

/** A local webhook destination that records every callback. */
export const startReceiver = async (): Promise<Receiver> => {
  const received: ReceivedCallback[] = [];
  const receiver: Receiver = {
    url: '',
    received,
    answer: () => 200,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({
        headers: Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, String(v)])),
        body: Buffer.concat(chunks).toString('utf8'),
      });
      const answer = receiver.answer(received.length);
      if (answer !== 'hang') void Promise.resolve(answer).then((status) => res.writeHead(status).end());
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  receiver.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks/bigcommerce/ch1`;
  return receiver;
};
