import type { AttributeValue } from '@aws-sdk/client-dynamodb';

// @aws-sdk/util-dynamodb is not a dependency, and every item is plain JSON (strings, numbers, booleans,
// null, lists, maps), so one small explicit mapping serves every table. Lists are `L` (not sets: sets
// cannot be empty).

export type Json = string | number | boolean | null | Json[] | { [key: string]: Json | undefined };

/** Plain JSON value → DynamoDB attribute; anything else (NaN, a function…) is a TypeError. */
export function toAttribute(value: unknown): AttributeValue {
  if (value === null) return { NULL: true };
  switch (typeof value) {
    case 'string':
      return { S: value };
    case 'number':
      if (!Number.isFinite(value)) throw new TypeError(`cannot store the number ${value}`);
      return { N: String(value) };
    case 'boolean':
      return { BOOL: value };
    case 'object':
      if (Array.isArray(value)) return { L: value.map(toAttribute) };
      return { M: toItem(value) };
    default:
      throw new TypeError(`cannot store a value of type ${typeof value}`);
  }
}

/** Omits undefined members (DynamoDB has no "undefined"). */
export function toItem(record: object): Record<string, AttributeValue> {
  const item: Record<string, AttributeValue> = {};
  for (const [key, member] of Object.entries(record))
    if (member !== undefined) item[key] = toAttribute(member);
  return item;
}

/** Sets (written by hand, never by these adapters) read as lists; an unknown type as null. */
function fromAttribute(attr: AttributeValue): Json {
  if (attr.S !== undefined) return attr.S;
  if (attr.N !== undefined) return Number(attr.N);
  if (attr.BOOL !== undefined) return attr.BOOL;
  if (attr.L !== undefined) return attr.L.map(fromAttribute);
  if (attr.M !== undefined) return fromItem(attr.M);
  if (attr.SS !== undefined) return attr.SS;
  if (attr.NS !== undefined) return attr.NS.map(Number);
  return null;
}

/** A DynamoDB item as plain JSON. */
export const fromItem = (item: Record<string, AttributeValue>): { [key: string]: Json } =>
  Object.fromEntries(Object.entries(item).map(([key, attr]) => [key, fromAttribute(attr)]));
