/**
 * Test helpers for the sandbox: validators built from BigCommerce's own OpenAPI files (ajv over the
 * spec's components, `$ref`s resolved inside the document, OpenAPI 3.0 `nullable` understood by ajv),
 * the callback examples, a local webhook receiver, and a small HTTP client.
 */
import { readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { parse } from 'yaml';

export const SPEC_DIR = path.resolve(__dirname, '../../../../shared/bigcommerce');
export type SpecFile = 'webhooks.v3.yml' | 'orders.v2.yml';

const specs: Record<SpecFile, Record<string, unknown>> = {
  'webhooks.v3.yml': parse(readFileSync(path.join(SPEC_DIR, 'webhooks.v3.yml'), 'utf8')) as Record<
    string,
    unknown
  >,
  'orders.v2.yml': parse(readFileSync(path.join(SPEC_DIR, 'orders.v2.yml'), 'utf8')) as Record<
    string,
    unknown
  >,
};

const ajv = new Ajv({ strict: false, allErrors: true, validateSchema: false });
addFormats(ajv);
ajv.addFormat('url', true);
for (const [file, doc] of Object.entries(specs)) ajv.addSchema({ ...doc, $id: file });

const escape = (segment: string) => segment.replace(/~/g, '~0').replace(/\//g, '~1');

/** JSON pointer of a path operation's response schema, e.g. `('webhooks.v3.yml', '/hooks', 'post', '200')`. */
export const responsePointer = (file: SpecFile, apiPath: string, method: string, status: string) => {
  let pointer = `/paths/${escape(apiPath)}/${method}/responses/${status}`;
  const response = specAt(file, pointer) as { $ref?: string } | undefined;
  if (response?.$ref) pointer = response.$ref.slice(1); // responses are often `$ref`s into components
  return `${pointer}/content/application~1json/schema`;
};

/** JSON pointer of a component, e.g. `('schemas', 'webhook_Full')`. */
export const componentPointer = (kind: 'schemas' | 'responses', name: string) =>
  kind === 'responses'
    ? `/components/responses/${name}/content/application~1json/schema`
    : `/components/schemas/${name}`;

/** Validation errors of `data` against the schema at `pointer` in `file` ([] when valid). */
export const schemaErrors = (file: SpecFile, pointer: string, data: unknown): string[] => {
  const validate = ajv.getSchema(`${file}#${pointer}`);
  if (!validate) throw new Error(`no schema at ${file}#${pointer}`);
  if (validate(data)) return [];
  return (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? ''}`);
};

/** Reads a value inside a spec by JSON pointer (for examples and property lists). */
export const specAt = (file: SpecFile, pointer: string): unknown =>
  pointer
    .split('/')
    .slice(1)
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce<unknown>((node, key) => (node as Record<string, unknown> | undefined)?.[key], specs[file]);

/** Every property name a schema documents, following `$ref` and `allOf`. */
export const documentedProperties = (file: SpecFile, pointer: string): Set<string> => {
  const names = new Set<string>();
  const walk = (node: unknown): void => {
    if (typeof node !== 'object' || node === null) return;
    const schema = node as Record<string, unknown>;
    if (typeof schema.$ref === 'string') return walk(specAt(file, schema.$ref.slice(1)));
    for (const name of Object.keys((schema.properties as object | undefined) ?? {})) names.add(name);
    for (const part of (schema.allOf as unknown[] | undefined) ?? []) walk(part);
  };
  walk(specAt(file, pointer));
  return names;
};

export const callbackExample = (name: string): Record<string, unknown> =>
  JSON.parse(readFileSync(path.join(SPEC_DIR, 'callbacks', `${name}.json`), 'utf8')) as Record<
    string,
    unknown
  >;

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
