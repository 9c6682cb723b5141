import { createHash } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRng, type Rng } from './rng';

/**
 * A fault-injecting HTTP proxy on 127.0.0.1 in front of dynalite or fauxqs. The handlers are pointed at it
 * through DYNAMODB_ENDPOINT / SQS_ENDPOINT, so faults reach the real adapter and handler code unchanged.
 * The AWS SDK speaks JSON protocols here (`x-amz-target: DynamoDB_20120810.PutItem`,
 * `AmazonSQS.SendMessage`), so a rule can match on the operation and on the request body.
 *
 * It also records every call that succeeded and changes state (fuzzing's "no state change for rejected
 * input" check).
 */
export interface AwsCall {
  /** `x-amz-target`, e.g. `DynamoDB_20120810.UpdateItem`; '' when absent. */
  target: string;
  /** The operation, e.g. `UpdateItem`. */
  operation: string;
  body: string;
}

export interface FaultAnswer {
  status: number;
  body: string;
  headers?: Record<string, string>;
}

export interface FaultRule {
  name: string;
  match: (call: AwsCall) => boolean;
  /** Probability that a matching call is answered with the fault. */
  rate: number;
  /**
   * Decide by the request body rather than at random: the SDK's own retries of one call (same body) then
   * all fail, so the caller sees the failure at `rate` whatever the SDK's retry quota.
   */
  sticky?: boolean;
  answer: FaultAnswer;
}

export const dynamoThrottle = (): FaultAnswer => ({
  status: 400,
  headers: { 'content-type': 'application/x-amz-json-1.0' },
  body: JSON.stringify({
    __type: 'com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException',
    message: 'The level of configured provisioned throughput for the table was exceeded (injected)',
  }),
});

export const sqsInternalError = (): FaultAnswer => ({
  status: 500,
  headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amzn-query-error': 'InternalError;Receiver' },
  body: JSON.stringify({
    __type: 'com.amazonaws.sqs#InternalError',
    message: 'We encountered an internal error (injected)',
  }),
});

/** Operations whose success changes stored state. */
export const MUTATING_OPERATIONS = new Set([
  'PutItem',
  'UpdateItem',
  'DeleteItem',
  'BatchWriteItem',
  'TransactWriteItems',
  'SendMessage',
  'SendMessageBatch',
  'DeleteMessage',
  'DeleteMessageBatch',
  'PurgeQueue',
  'CreateQueue',
  'DeleteQueue',
  'CreateTable',
  'DeleteTable',
]);

export interface ProxyStats {
  /** Calls per operation (forwarded or faulted). */
  calls: Record<string, number>;
  /** Faults answered per rule name. */
  injected: Record<string, number>;
  /** Successful state-changing calls, in order (operation names). */
  writes: string[];
}

/**
 * Changes a call before it is forwarded (not a fault: e.g. compressing the time a message waits).
 * `body` is sent instead of the caller's; `answer` may then adjust the upstream's answer to match what
 * the caller sent (an SQS checksum of the message).
 */
export interface CallRewrite {
  body: string;
  answer?: (text: string) => string;
}

export interface FaultProxy {
  url: string;
  stats: ProxyStats;
  setRules(rules: FaultRule[]): void;
  setRewrite(rewrite: ((call: AwsCall) => CallRewrite | undefined) | undefined): void;
  /** Total faults answered so far. */
  injectedTotal(): number;
  stop(): Promise<void>;
}

const readAll = (req: http.IncomingMessage): Promise<Buffer> =>
  new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });

/** The operation of a JSON-protocol call, or of a query-protocol call (`Action=` in the form body). */
function operationOf(target: string, body: string): string {
  if (target) return target.slice(target.lastIndexOf('.') + 1);
  const action = /(?:^|&)Action=([A-Za-z]+)/.exec(body);
  return action?.[1] ?? '';
}

/** A number in [0, 1) fixed by the body (and the proxy's salt). */
const stickyRoll = (salt: string, body: string) =>
  createHash('sha256').update(salt).update(body).digest().readUInt32BE(0) / 4294967296;

export async function startFaultProxy(options: {
  upstream: string;
  seed?: number;
  rng?: Rng;
}): Promise<FaultProxy> {
  const upstream = new URL(options.upstream);
  const rng = options.rng ?? createRng(options.seed ?? 1);
  const salt = String(rng.next());
  const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
  let rules: FaultRule[] = [];
  let rewrite: ((call: AwsCall) => CallRewrite | undefined) | undefined;
  const stats: ProxyStats = { calls: {}, injected: {}, writes: [] };

  const server = http.createServer((req, res) => {
    void (async () => {
      let body: Buffer;
      try {
        body = await readAll(req);
      } catch {
        res.destroy();
        return;
      }
      const text = body.toString('utf8');
      const targetHeader = req.headers['x-amz-target'];
      const target = typeof targetHeader === 'string' ? targetHeader : '';
      const call: AwsCall = { target, operation: operationOf(target, text), body: text };
      stats.calls[call.operation] = (stats.calls[call.operation] ?? 0) + 1;

      const rule = rules.find((r) => r.match(call));
      const faulted = rule && (rule.sticky ? stickyRoll(salt, text) < rule.rate : rng.chance(rule.rate));
      if (rule && faulted) {
        stats.injected[rule.name] = (stats.injected[rule.name] ?? 0) + 1;
        const headers = { 'x-amzn-requestid': `fault-${Date.now()}`, ...rule.answer.headers };
        res.writeHead(rule.answer.status, {
          ...headers,
          'content-length': Buffer.byteLength(rule.answer.body),
        });
        res.end(rule.answer.body);
        return;
      }

      const changed = rewrite?.(call);
      const sent = changed ? Buffer.from(changed.body, 'utf8') : body;
      const headers = {
        ...req.headers,
        host: upstream.host,
        ...(changed ? { 'content-length': String(sent.length) } : {}),
      };
      const forward = http.request(
        { host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers, agent },
        (upstreamRes) => {
          const status = upstreamRes.statusCode ?? 502;
          if (status >= 200 && status < 300 && MUTATING_OPERATIONS.has(call.operation))
            stats.writes.push(call.operation);
          if (!changed?.answer) {
            res.writeHead(status, upstreamRes.headers);
            upstreamRes.pipe(res);
            return;
          }
          const adjust = changed.answer;
          void readAll(upstreamRes).then(
            (raw) => {
              const out = Buffer.from(adjust(raw.toString('utf8')), 'utf8');
              const { 'transfer-encoding': _chunked, ...upstreamHeaders } = upstreamRes.headers;
              res.writeHead(status, { ...upstreamHeaders, 'content-length': String(out.length) });
              res.end(out);
            },
            () => res.destroy(),
          );
        },
      );
      forward.on('error', () => {
        if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' });
        res.end('upstream unreachable');
      });
      forward.end(sent);
    })();
  });
  // A client killed mid-request (the worker-kill scenario) must not take the proxy down.
  server.on('clientError', (_error, socket) => socket.destroy());

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    stats,
    setRules: (next) => {
      rules = next;
    },
    setRewrite: (next) => {
      rewrite = next;
    },
    injectedTotal: () => Object.values(stats.injected).reduce((a, b) => a + b, 0),
    stop: () =>
      new Promise<void>((resolve) => {
        agent.destroy();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
