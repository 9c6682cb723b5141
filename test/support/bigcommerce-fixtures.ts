/**
 * BigCommerce's published API as the tests know it: the JSON Schemas and examples under
 * test/fixtures/bigcommerce (see its README for the source and version).
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';

const FIXTURES = path.join(__dirname, '../fixtures/bigcommerce');

const readJson = (...parts: string[]): unknown =>
  JSON.parse(readFileSync(path.join(FIXTURES, ...parts), 'utf8')) as unknown;

const ajv = new Ajv({ allErrors: true, allowUnionTypes: true });
addFormats(ajv);
for (const file of readdirSync(path.join(FIXTURES, 'schemas'))) {
  ajv.addSchema(readJson('schemas', file) as object);
}

/** Validation errors of `data` against `schemas/<name>.json` ([] when valid). */
export const schemaErrors = (name: string, data: unknown): string[] => {
  const validate = ajv.getSchema(`${name}.json`);
  if (!validate) throw new Error(`no schema test/fixtures/bigcommerce/schemas/${name}.json`);
  if (validate(data)) return [];
  return (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? ''}`);
};

/** The published example order (components/responses/order_Resp). */
export const exampleOrder = (): Record<string, unknown> =>
  readJson('examples', 'order.json') as Record<string, unknown>;

/** File names of every published callback example, e.g. `store_order_statusUpdated.json`. */
export const callbackExampleFiles = (): string[] =>
  readdirSync(path.join(FIXTURES, 'callbacks'))
    .filter((f) => f.endsWith('.json'))
    .sort();

/** The raw text of a callback example (its `producer` is `stores/{store_hash}`). */
export const callbackExampleText = (file: string): string =>
  readFileSync(path.join(FIXTURES, 'callbacks', file), 'utf8');

/** A callback example by scope file name, e.g. `store_order_updated`. */
export const callbackExample = (name: string): Record<string, unknown> =>
  JSON.parse(callbackExampleText(`${name}.json`)) as Record<string, unknown>;
