import { createHash } from 'node:crypto';

// --- Requests -------------------------------------------------------------------------------------------

export type Target = 'webhook-ingest' | 'channel-api';

export interface Planned {
  target: Target;
  kind: string;
  via: 'direct' | 'gateway';
  method: string;
  /** Route key for direct events (the gateway derives its own). */
  routeKey: string;
  pathParameters: Record<string, string>;
  /** The path as sent over HTTP (percent-encoded). */
  rawPath: string;
  headers: Record<string, string>;
  /** Body bytes, or a JS string (which may hold lone surrogates: only a direct event can carry one). */
  body?: Buffer | string;
  /** The API Gateway base64 flag for direct events (bytes are always sent base64). */
  base64Flag?: boolean;
  /** Acceptable statuses. */
  expect: number[];
  /** Whether an accepted answer may change state (false: ignored scopes, reads). */
  mayWrite: boolean;
  /** A field a 400 must name (any one of them, or a field inside it). */
  field?: string | string[];
  /** Updates the model of live channels after the answer. */
  after?: (status: number) => void;
}

export interface Answer {
  status: number;
  body: string;
}

export const pct = (value: string) =>
  [...Buffer.from(value, 'utf8')].map((b) => `%${b.toString(16).padStart(2, '0').toUpperCase()}`).join('');

export const randomCase = (name: string, bits: number) =>
  [...name].map((ch, i) => ((bits >> (i % 30)) & 1 ? ch.toUpperCase() : ch.toLowerCase())).join('');

// --- The world the requests run against -----------------------------------------------------------------

export interface KnownChannel {
  channelId: string;
  storeHash: string;
  webhookToken: string;
  clientSecret?: string;
}

export interface World {
  signed: KnownChannel;
  tokenOnly: KnownChannel;
  /** Channel ids fuzzing may create, change and delete. */
  pool: string[];
  live: Set<string>;
  /** Random parts of every secret sent or stored: none may appear in an answer. */
  secrets: Set<string>;
  /** The last request accepted by ingest (for replays). */
  lastSigned?: { body: string; headers: Record<string, string>; channel: KnownChannel };
}

export const CHANNEL_STATUSES = [
  'Awaiting Payment',
  'On Hold',
  'Awaiting Shipment',
  'Pending Fulfillment',
  'Dropship Requested',
];
export const OM_STATUSES = ['Unprocessed', ...CHANNEL_STATUSES, 'Shipped', 'Cancelled'];
export const poolStoreHash = (channelId: string) =>
  `fz${createHash('sha1').update(channelId).digest('hex').slice(0, 10)}`;
