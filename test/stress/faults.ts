import { createHash, randomBytes } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { ensureQueues, ensureTables, tableNames, type QueueUrls } from '../../local/provision';
import { startSandbox, type Sandbox } from '../../local/sandbox/server';
import { createRuntime, secretStore } from '../../functions/common/runtime';
import { runDlq } from '../../scripts/dlq';
import { deriveEventId } from '../../functions/domain/callback';
import {
  dynamoThrottle,
  sqsInternalError,
  startFaultProxy,
  type AwsCall,
  type CallRewrite,
  type FaultProxy,
  type FaultRule,
} from './fault-proxy';
import { computeLedger, type LedgerOrder, type ScenarioRow } from './ledger';
import {
  BC_CREATED_STATUS,
  CHANNEL_SETTINGS,
  planOrders,
  shipThenCancel,
  type OrderPlan,
} from './order-plan';
import { createRng, type Rng } from './rng';
import { cancelAndTime, checkOtherStores, setUpOtherStores, type StoreTiming } from './other-stores';
import { childProcessHost, inProcessHost, type StackHost, type StackSettings } from './stack-host';
import { startWebhookRelay, type WebhookRelay } from './webhook-relay';

/**
 * The fault matrix: N orders through the local stack with the sandbox delivering real
 * signed webhooks, one kind of fault per scenario and then all together, each checked by the ledger.
 * Used by faults-main.ts (`npm run test:faults`) and faults.test.ts (a small N inside `npm test`).
 */
export interface ScenarioSpec {
  name: string;
  /** What is injected, for the report. */
  injects: string;
  /** SendMessage of new events (attempt 1, i.e. ingest) fails with a 500 for this share of ingest calls. */
  ingestSendFailureRate?: number;
  /** Every other SendMessage (the worker's deferrals) fails at this rate, call by call. */
  anySendFailureRate?: number;
  /** An order-worker invocation crashes after the first half of its batch at this rate. */
  workerThrowRate?: number;
  /** Every DynamoDB data call is answered ProvisionedThroughputExceededException at this rate. */
  dynamoThrottleRate?: number;
  /**
   * Per order: 429s, 500s and a 3 s delay on GET /v2/orders/{id}, each for this share of orders; and an
   * outage (500s until the faults are switched off: every receive fails, so the events are dead-lettered
   * and must complete when the dead-letter queue is replayed) for this share of orders, at least one.
   */
  bigcommerce?: { throttled: number; failing: number; slow: number; outage: number };
  /** Each delivery is delivered three times: the original, a concurrent copy and a late re-POST. */
  duplicates?: boolean;
  /** Each delivery is held a random 0..this ms before it reaches ingest, so deliveries overtake each other. */
  reorderMaxMs?: number;
  /** The stack process (worker, poller, ingest) is SIGKILLed and started again this many times. */
  kills?: number;
  /** Negative control only: share of worker invocations acknowledged without processing (records lost). */
  sabotageDropRate?: number;
  /** The sandbox's per-store rate limit (off otherwise). */
  rateLimit?: { quota: number; windowMs: number };
  /** Another app on the same store spends its quota as fast as it can for this long, from the drive on. */
  noisyNeighbourMs?: number;
  /**
   * The channel has no client secret: ingest authenticates by token and derives the event id from the
   * callback's hash, created_at and order id. Once everything is delivered, every delivery is re-POSTed
   * with created_at one second later: one hash, another created_at, so another event.
   */
  unsigned?: boolean;
  /**
   * Every retry waits this long (DEFER_DELAYS_SECONDS `N`, N > 900): the worker chains it with
   * `notBefore`. The SQS proxy compresses each chained wait by the run's time scale (0.002: 1,800 s → 3.6 s),
   * so the first message comes back before `notBefore` and the worker must send it on for the rest.
   */
  longWaitSeconds?: number;
  /**
   * More stores on the same stack, not throttled: their orders are cancelled in BigCommerce while this
   * scenario's store is out of quota, and timed until OM shows them Cancelled.
   */
  otherStores?: { stores: number; orders: number };
  /** Share of orders shipped then cancelled in BigCommerce back to back (at least two orders). */
  shippedThenCancelled?: number;
}

export const SCENARIOS: readonly ScenarioSpec[] = [
  { name: 'baseline', injects: 'nothing (control run)' },
  {
    name: 'sqs-send-failures',
    injects:
      'SendMessage at ingest answered 500 InternalError for 35% of calls (the SDK retries until its retry quota is spent; the rest answer 503 and BigCommerce redelivers)',
    ingestSendFailureRate: 0.35,
  },
  {
    name: 'worker-throws',
    injects: '30% of order-worker invocations crash after handling the first half of their batch',
    workerThrowRate: 0.3,
  },
  {
    name: 'dynamodb-throttling',
    injects:
      '25% of DynamoDB calls answered ProvisionedThroughputExceededException (ingest, worker, channel-api, hook-manager)',
    dynamoThrottleRate: 0.25,
  },
  {
    name: 'bigcommerce-faults',
    injects:
      'GET /v2/orders/{id}: 1-3 429s (30% of orders), 1-4 500s (30%), one 3 s delay (15%), 500s until the end of the run for 3% (at least one order: dead-lettered, then replayed)',
    bigcommerce: { throttled: 0.3, failing: 0.3, slow: 0.15, outage: 0.03 },
  },
  {
    name: 'duplicates-x3',
    injects:
      'every delivery arrives 3 times: original, a concurrent copy, a late re-POST of the signed delivery',
    duplicates: true,
  },
  {
    name: 'reordered',
    injects:
      'every delivery held 0-400 ms at random before ingest, so later status changes overtake earlier ones',
    reorderMaxMs: 400,
  },
  {
    name: 'worker-killed',
    injects:
      'the stack process (ingest, poller, worker) SIGKILLed twice mid-run and started again on the same data',
    kills: 2,
  },
  {
    name: 'rate-limited-neighbour',
    injects:
      "the store's rate limit on (40 requests per 2 s) while another app on the store spends the quota for 4 s: the worker's 429s go back to the queue, none to the dead-letter queue",
    rateLimit: { quota: 40, windowMs: 2_000 },
    noisyNeighbourMs: 4_000,
  },
  {
    name: 'several-stores',
    injects:
      "4 stores on one stack; one has its rate limit on (40 requests per 2 s) and its quota spent by another app for 4 s while the other 3 stores' orders are cancelled and timed",
    rateLimit: { quota: 40, windowMs: 2_000 },
    noisyNeighbourMs: 4_000,
    otherStores: { stores: 3, orders: 12 },
  },
  {
    name: 'unsigned',
    injects:
      'a channel without client secret (event id = digest of hash, created_at, order id): every delivery 3 times, then once more with created_at + 1 s (a second event)',
    unsigned: true,
    duplicates: true,
  },
  {
    name: 'shipped-then-cancelled',
    injects:
      'orders shipped then cancelled in BigCommerce back to back (30%), deliveries held 0-400 ms so the cancellation often arrives first',
    shippedThenCancelled: 0.3,
    reorderMaxMs: 400,
  },
  {
    name: 'long-wait-chained',
    injects:
      "every retry waits 1,800 s (twice SQS's 900 s maximum): chained with notBefore, time compressed ×0.002 at the SQS proxy",
    longWaitSeconds: 1_800,
  },
  {
    name: 'all-together',
    injects: 'all of the above at once (lower rates)',
    ingestSendFailureRate: 0.2,
    anySendFailureRate: 0.2,
    workerThrowRate: 0.15,
    dynamoThrottleRate: 0.1,
    bigcommerce: { throttled: 0.15, failing: 0.15, slow: 0.08, outage: 0.02 },
    duplicates: true,
    reorderMaxMs: 300,
    kills: 1,
  },
];

/**
 * Not part of the matrix: a worker that acknowledges some batches without processing them. The ledger
 * must report lost events and wrong final statuses for it (faults.test.ts), or it could not fail.
 */
export const NEGATIVE_CONTROL: ScenarioSpec = {
  name: 'control-lossy-worker',
  injects: '20% of order-worker invocations acknowledged without processing (a bug the ledger must catch)',
  sabotageDropRate: 0.2,
};

export interface RunOptions {
  orders: number;
  seed: number;
  standIns: { dynamodb: string; sqs: string };
  /** Sandbox delivery retry schedule factor. Default 0.002 (first retry after 120 ms). */
  timeScale?: number;
  /** DEFER_MAX_AGE_SECONDS: orders never processed in OM expire after this. Default 8. */
  deferMaxAgeSeconds?: number;
  /** Visibility timeout the poller asks for. Default 4 s (longer than the 3 s BigCommerce delay). */
  visibilityTimeoutSeconds?: number;
  /** Upper bound for each wait for the system to go quiet. Default 120 s. */
  quietTimeoutMs?: number;
  log?: (line: string) => void;
  /** Told the scenario's access token, client secret and webhook token, to search the logs for. */
  onSecrets?: (secrets: string[]) => void;
}

export interface ScenarioResult {
  row: ScenarioRow;
  problems: string[];
  /** False when a wait for quiet hit its bound (the ledger was still computed). */
  settled: boolean;
  /** The unthrottled stores' time-to-effect, and dead-lettered messages of every store of the stack. */
  otherStores?: {
    /** While the scenario's store was out of quota. */
    timings: StoreTiming[];
    /** The same stores afterwards, nothing throttled (the control under the same load). */
    unthrottled: StoreTiming[];
    deadLetteredAllStores: number;
  };
}

/** Sandbox redeliveries (and the long-wait scenario's chained waits) run this much faster than real time. */
const DEFAULT_TIME_SCALE = 0.002;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await fn(items[i]!);
      }
    }),
  );
  return out;
}

/** OM's side of the admin API: retried on 5xx and while the stack is down, as a real client would. */
async function api(
  host: StackHost,
  method: string,
  path: string,
  body?: unknown,
  seen?: { serverErrors: number },
  deadlineMs = 60_000,
): Promise<{ status: number; json: unknown }> {
  const deadline = Date.now() + deadlineMs;
  let last = '';
  while (Date.now() < deadline) {
    const base = host.url();
    if (base) {
      try {
        const res = await fetch(`${base}${path}`, {
          method,
          ...(body === undefined
            ? {}
            : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
          signal: AbortSignal.timeout(15_000),
        });
        const text = await res.text();
        if (res.status < 500)
          return { status: res.status, json: text ? (JSON.parse(text) as unknown) : undefined };
        last = `${res.status} ${text.slice(0, 200)}`;
        if (seen) seen.serverErrors++;
      } catch (error) {
        last = error instanceof Error ? error.message : String(error);
      }
    } else last = 'stack down';
    await sleep(100);
  }
  throw new Error(`${method} ${path} kept failing: ${last}`);
}

async function queueDepth(sqs: SQSClient, queueUrl: string): Promise<number> {
  const out = await sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: queueUrl,
      AttributeNames: [
        'ApproximateNumberOfMessages',
        'ApproximateNumberOfMessagesNotVisible',
        'ApproximateNumberOfMessagesDelayed',
      ],
    }),
  );
  const a = out.Attributes ?? {};
  return (
    Number(a.ApproximateNumberOfMessages ?? 0) +
    Number(a.ApproximateNumberOfMessagesNotVisible ?? 0) +
    Number(a.ApproximateNumberOfMessagesDelayed ?? 0)
  );
}

/** Messages received by a poller and not yet deleted (what a kill leaves unacknowledged). */
async function inFlight(sqs: SQSClient, queueUrl: string): Promise<number> {
  const out = await sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: queueUrl,
      AttributeNames: ['ApproximateNumberOfMessagesNotVisible'],
    }),
  );
  return Number(out.Attributes?.ApproximateNumberOfMessagesNotVisible ?? 0);
}

const isIdle = (sandbox: Sandbox) =>
  Promise.race([sandbox.settled().then(() => true), sleep(0).then(() => false)]);

/** Waits until no delivery is pending, nothing is held in the relay and the queue is empty, three polls in a row. */
async function waitQuiet(
  parts: { sandbox: Sandbox; relay: WebhookRelay; sqs: SQSClient; queueUrl: string; host: StackHost },
  timeoutMs: number,
): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  let calm = 0;
  while (Date.now() < deadline) {
    const quiet =
      parts.host.url() !== undefined &&
      parts.relay.idle() &&
      (await isIdle(parts.sandbox)) &&
      (await queueDepth(parts.sqs, parts.queueUrl)) === 0;
    calm = quiet ? calm + 1 : 0;
    if (calm >= 3) return true;
    await sleep(250);
  }
  return false;
}

/** `"attempt":1` inside the JSON-encoded MessageBody of a SendMessage call. */
const FIRST_ATTEMPT = /\\"attempt\\":1[,}]/;

function proxyRules(spec: ScenarioSpec): { dynamo: FaultRule[]; sqs: FaultRule[] } {
  const sqs: FaultRule[] = [];
  if (spec.ingestSendFailureRate)
    sqs.push({
      name: 'sqs send',
      // Ingest's messages are first attempts; the worker's deferrals carry attempt ≥ 2 and a delay.
      match: (c) => c.operation === 'SendMessage' && FIRST_ATTEMPT.test(c.body),
      rate: spec.ingestSendFailureRate,
      // Per ingest call (its body holds the receive time): every SDK retry of a failing call fails too.
      sticky: true,
      answer: sqsInternalError(),
    });
  if (spec.anySendFailureRate)
    sqs.push({
      name: 'sqs send',
      match: (c) => c.operation === 'SendMessage',
      rate: spec.anySendFailureRate,
      answer: sqsInternalError(),
    });
  const dynamo: FaultRule[] = spec.dynamoThrottleRate
    ? [
        {
          name: 'ddb throttle',
          match: (c) =>
            ['GetItem', 'PutItem', 'UpdateItem', 'DeleteItem', 'Query', 'Scan'].includes(c.operation),
          rate: spec.dynamoThrottleRate,
          answer: dynamoThrottle(),
        },
      ]
    : [];
  return { dynamo, sqs };
}

/** An outage lasts until the run switches faults off and drains what is left of it. */
const OUTAGE_500S = 1000;

/** Registers this scenario's BigCommerce faults on each order's GET path. */
function injectBigCommerceFaults(
  sandbox: Sandbox,
  storeHash: string,
  plans: OrderPlan[],
  spec: NonNullable<ScenarioSpec['bigcommerce']>,
  rng: Rng,
): { delays: number; outages: number[] } {
  let delays = 0;
  const outages: number[] = [];
  // Orders that get each kind of fault whatever the dice say, so even a short run has all of them.
  const [firstOutage, firstThrottled, firstFailing, firstSlow] = rng.shuffle(plans.map((_, i) => i));
  plans.forEach((plan, index) => {
    const pathPattern = `/stores/${storeHash}/v2/orders/${plan.orderId}$`;
    if (index === firstOutage || rng.chance(spec.outage)) {
      // Nothing else for this order: its first event fails every try until it is dead-lettered.
      sandbox.injectFault({ storeHash, pathPattern, count: OUTAGE_500S, status: 500 });
      outages.push(plan.orderId);
      return;
    }
    if (index === firstThrottled || rng.chance(spec.throttled))
      sandbox.injectFault({
        storeHash,
        pathPattern,
        count: rng.int(1, 3),
        status: 429,
        headers: {
          'X-Rate-Limit-Time-Reset-Ms': String(rng.int(100, 1000)),
          'X-Rate-Limit-Requests-Left': '0',
        },
      });
    if (index === firstFailing || rng.chance(spec.failing))
      sandbox.injectFault({ storeHash, pathPattern, count: rng.int(1, 4), status: 500 });
    if (index === firstSlow || rng.chance(spec.slow)) {
      sandbox.injectFault({ storeHash, pathPattern, count: 1, delayMs: 3000 });
      delays++;
    }
  });
  return { delays, outages };
}

/** The order the noisy neighbour reads (no such order: it only spends the quota). */
const neighbourPath = (storeHash: string) => `/stores/${storeHash}/v2/orders/999999`;

/**
 * Parallel readers of the noisy neighbour: more than the whole quota (40 per 2 s) in flight at once, so
 * each window's first burst spends it however slowly a loaded machine answers (16 lanes missed it in CI
 * when each request took over 800 ms). A lane told 429 waits for the next window.
 */
const NEIGHBOUR_LANES = 48;

/**
 * Another app on the store reading as fast as it can for `ms`: the store's quota is spent.
 * `exhausted` resolves at its first 429 (or when it stops), so the run can drive into an empty quota.
 */
function spendQuota(sandbox: Sandbox, storeHash: string, accessToken: string, ms: number) {
  const until = Date.now() + ms;
  let requests = 0;
  let limited = 0;
  let onExhausted!: () => void;
  const exhausted = new Promise<void>((resolve) => (onExhausted = resolve));
  const lane = async () => {
    while (Date.now() < until) {
      const res = await fetch(`${sandbox.url}${neighbourPath(storeHash)}`, {
        headers: { 'X-Auth-Token': accessToken, accept: 'application/json' },
      });
      await res.arrayBuffer();
      requests++;
      if (res.status === 429) {
        limited++;
        onExhausted();
        // Back at the window's start, when the quota is there to spend again: light on the machine.
        const resetMs = Number(res.headers.get('X-Rate-Limit-Time-Reset-Ms') ?? 20);
        await sleep(Math.min(Math.max(resetMs, 1), Math.max(0, until - Date.now())));
      }
    }
  };
  const done = Promise.all(Array.from({ length: NEIGHBOUR_LANES }, lane)).then(() => {
    onExhausted();
    return { requests, limited };
  });
  return { exhausted, done };
}

/** 429 and 500 answers the worker got for single orders (before the outages are drained). */
function countBigCommerceFaults(sandbox: Sandbox): { 429: number; 500: number } {
  const answers = sandbox.requests.filter((r) => /\/v2\/orders\/\d+$/.test(r.path));
  return {
    429: answers.filter((r) => r.status === 429).length,
    500: answers.filter((r) => r.status === 500).length,
  };
}

/** "BigCommerce is back": uses up what is left of each outage fault with our own GETs. */
async function endOutages(
  sandbox: Sandbox,
  storeHash: string,
  accessToken: string,
  orderIds: number[],
): Promise<void> {
  for (const orderId of orderIds) {
    for (let i = 0; i <= OUTAGE_500S; i++) {
      const res = await fetch(`${sandbox.url}/stores/${storeHash}/v2/orders/${orderId}`, {
        headers: { 'X-Auth-Token': accessToken, accept: 'application/json' },
      });
      await res.arrayBuffer();
      if (res.status === 200) break;
    }
  }
}

/** Orders whose accepted events reached ingest in another order than BigCommerce sent them. */
function countReordered(sandbox: Sandbox, storeHash: string, relay: WebhookRelay): number {
  const sentOrder = new Map<string, number>();
  sandbox
    .deliveries(storeHash)
    .filter((d) => d.attempt === 1)
    .forEach((d, i) => sentOrder.set(d.webhookId, i));
  const byOrder = new Map<number, Array<{ id: string; at: number }>>();
  for (const e of relay.log) {
    if (e.copy !== 0 || e.orderId === undefined || !sentOrder.has(e.webhookId)) continue;
    const list = byOrder.get(e.orderId) ?? [];
    if (!list.some((x) => x.id === e.webhookId)) list.push({ id: e.webhookId, at: e.forwardedAt });
    byOrder.set(e.orderId, list);
  }
  let reordered = 0;
  for (const list of byOrder.values()) {
    const arrived = [...list].sort((a, b) => a.at - b.at).map((x) => x.id);
    const sent = [...list].sort((a, b) => sentOrder.get(a.id)! - sentOrder.get(b.id)!).map((x) => x.id);
    if (arrived.join() !== sent.join()) reordered++;
  }
  return reordered;
}

/**
 * Compresses a chained wait (`DelaySeconds` 900 with `notBefore` in the message) by `scale`: the message
 * comes back after ⌊900·scale⌋ s, while its `notBefore` is only scale × the real remaining wait away, so
 * the worker sees it early and must chain it once more. The answer's checksum is the caller's body's.
 */
function compressChainedWaits(scale: number, seen: { chained: number }) {
  return (call: AwsCall): CallRewrite | undefined => {
    if (call.operation !== 'SendMessage') return undefined;
    const request = JSON.parse(call.body) as { MessageBody: string; DelaySeconds?: number };
    const message = JSON.parse(request.MessageBody) as { notBefore?: string };
    if (!message.notBefore) return undefined;
    seen.chained++;
    const now = Date.now();
    const notBefore = new Date(now + (Date.parse(message.notBefore) - now) * scale).toISOString();
    const md5 = createHash('md5').update(request.MessageBody, 'utf8').digest('hex');
    return {
      body: JSON.stringify({
        ...request,
        MessageBody: JSON.stringify({ ...message, notBefore }),
        DelaySeconds: Math.floor((request.DelaySeconds ?? 0) * scale),
      }),
      answer: (text) => JSON.stringify({ ...(JSON.parse(text) as object), MD5OfMessageBody: md5 }),
    };
  };
}

const sha256Hex = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

/**
 * The id the worker files an accepted delivery under: its `webhook-id` when signed, otherwise the digest
 * of the callback's hash, created_at and order id (the domain's own derivation: the unsigned scenario
 * checks that ingest uses it, i.e. that copies collapse and a shifted created_at does not).
 */
function eventIdOf(unsigned: boolean, webhookId: string, body: string): string {
  if (!unsigned) return webhookId;
  const callback = JSON.parse(body) as { hash: string; created_at?: number; data: { id: number } };
  return deriveEventId(
    { hash: callback.hash, createdAt: callback.created_at, orderId: callback.data.id },
    sha256Hex,
  );
}

/** One second later: the same callback hash, another created_at. */
function shiftCreatedAt(body: string): string {
  const callback = JSON.parse(body) as { created_at: number };
  return JSON.stringify({ ...callback, created_at: callback.created_at + 1 });
}

export async function runScenario(spec: ScenarioSpec, options: RunOptions): Promise<ScenarioResult> {
  const started = Date.now();
  const log = options.log ?? (() => undefined);
  const say = (line: string) => log(`[${spec.name}] ${line}`);
  const quietTimeoutMs = options.quietTimeoutMs ?? 120_000;
  const rng = createRng(options.seed + [...spec.name].reduce((h, c) => (h * 31 + c.charCodeAt(0)) >>> 0, 7));
  const suffix = randomBytes(4).toString('hex');
  const storeHash = `st${suffix}`;
  const channelId = `ch-${spec.name}-${suffix}`;
  const accessToken = randomBytes(16).toString('hex');
  const clientSecret = randomBytes(16).toString('hex');
  const prefix = `f${suffix}-`;
  const creds = { region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } };
  // Our own view of the stand-ins, never faulted.
  const sqsDirect = new SQSClient({ ...creds, endpoint: options.standIns.sqs });
  const dynamoDirect = new DynamoDBClient({ ...creds, endpoint: options.standIns.dynamodb });

  const cleanups: Array<() => Promise<void>> = [];
  try {
    const dynamoProxy: FaultProxy = await startFaultProxy({
      upstream: options.standIns.dynamodb,
      rng: rng.fork(),
    });
    cleanups.push(() => dynamoProxy.stop());
    const sqsProxy: FaultProxy = await startFaultProxy({ upstream: options.standIns.sqs, rng: rng.fork() });
    cleanups.push(() => sqsProxy.stop());
    const sandbox = await startSandbox({
      port: 0,
      timeScale: options.timeScale ?? DEFAULT_TIME_SCALE,
      rateLimit: spec.rateLimit ?? false,
    });
    cleanups.push(() => sandbox.stop());
    const relay = await startWebhookRelay({ rng: rng.fork() });
    cleanups.push(() => relay.stop());

    await ensureTables(dynamoDirect, tableNames(prefix));
    const queues: QueueUrls = await ensureQueues(sqsDirect, prefix);

    const settings: StackSettings = {
      dynamodbEndpoint: dynamoProxy.url,
      sqsEndpoint: sqsProxy.url,
      prefix,
      bigcommerceApiUrl: sandbox.url,
      webhookBaseUrl: relay.url,
      deferDelaysSeconds: spec.longWaitSeconds ? String(spec.longWaitSeconds) : '1',
      deferMaxAgeSeconds: options.deferMaxAgeSeconds ?? 8,
      visibilityTimeoutSeconds: options.visibilityTimeoutSeconds ?? 4,
      workerThrowRate: 0,
      seed: rng.int(1, 2 ** 30),
    };
    const host = spec.kills ? childProcessHost(settings) : inProcessHost(settings);
    cleanups.push(() => host.stop());
    relay.setTarget(await host.start());
    const quiet = () =>
      waitQuiet({ sandbox, relay, sqs: sqsDirect, queueUrl: queues.queueUrl, host }, quietTimeoutMs);

    // --- Setup, no faults: the store, the channel (hook-manager subscribes), the orders in both systems.
    sandbox.createStore({ storeHash, accessToken, clientSecret });
    const saved = await api(host, 'PUT', `/channels/${channelId}`, {
      storeHash,
      accessToken,
      ...(spec.unsigned ? {} : { clientSecret }),
      ...CHANNEL_SETTINGS,
    });
    if (saved.status !== 200)
      throw new Error(`PUT channel answered ${saved.status}: ${JSON.stringify(saved.json)}`);
    const stored = await secretStore(
      createRuntime({ SECRETS_TABLE: tableNames(prefix).secrets }, { dynamo: dynamoDirect }),
    ).get(channelId);
    options.onSecrets?.([accessToken, clientSecret, ...(stored ? [stored.webhookToken] : [])]);
    const hookDeadline = Date.now() + 30_000;
    while (!(sandbox.hooks(storeHash) as Array<{ is_active: boolean }>).some((h) => h.is_active)) {
      if (Date.now() > hookDeadline) throw new Error('hook-manager did not create the hook');
      await sleep(50);
    }

    const plans = planOrders(rng, options.orders);
    // At least one event that waits: a long-wait run without any would prove nothing.
    if (spec.longWaitSeconds)
      plans[0] = { ...plans[0]!, om: { kind: 'stuck', initial: 'Unprocessed' }, bcChanges: [5] };
    const shippedThenCancelled = spec.shippedThenCancelled
      ? shipThenCancel(plans, rng.fork(), spec.shippedThenCancelled)
      : 0;
    for (const plan of plans) sandbox.setOrderStatus(storeHash, plan.orderId, BC_CREATED_STATUS);
    await mapLimit(plans, 16, async (plan) => {
      const initial = plan.om.kind === 'gated' ? plan.om.status : plan.om.initial;
      if (initial === null) return;
      const res = await api(host, 'PUT', `/channels/${channelId}/orders/${plan.orderId}`, {
        status: initial,
      });
      if (res.status !== 200) throw new Error(`import of order ${plan.orderId} answered ${res.status}`);
    });
    const adminCall = (method: string, path: string, body?: unknown) => api(host, method, path, body);
    const others = spec.otherStores
      ? await setUpOtherStores(sandbox, adminCall, {
          count: spec.otherStores.stores,
          orders: spec.otherStores.orders,
          channelPrefix: channelId,
          onSecrets: options.onSecrets,
        })
      : [];
    say(`setup done: ${plans.length} orders (${Date.now() - started} ms)`);

    // --- Faults on.
    /** 5xx answers the OM driver got from the admin API under faults (it retries them). */
    const adminAnswers = { serverErrors: 0 };
    const rules = proxyRules(spec);
    dynamoProxy.setRules(rules.dynamo);
    sqsProxy.setRules(rules.sqs);
    const chainedWaits = { chained: 0 };
    if (spec.longWaitSeconds)
      sqsProxy.setRewrite(compressChainedWaits(options.timeScale ?? DEFAULT_TIME_SCALE, chainedWaits));
    host.setWorkerFaults({ throwRate: spec.workerThrowRate ?? 0, dropRate: spec.sabotageDropRate ?? 0 });
    relay.settings.holdMaxMs = spec.reorderMaxMs ?? 0;
    relay.settings.extraCopies = spec.duplicates ? 1 : 0;
    relay.settings.copyDelayMaxMs = 200;
    const bcFaults = spec.bigcommerce
      ? injectBigCommerceFaults(sandbox, storeHash, plans, spec.bigcommerce, rng.fork())
      : { delays: 0, outages: [] };

    const neighbour = spec.noisyNeighbourMs
      ? spendQuota(sandbox, storeHash, accessToken, spec.noisyNeighbourMs)
      : undefined;
    // The merchant's changes arrive while the other app has the quota spent.
    if (neighbour) await neighbour.exhausted;

    // --- Drive: each order's BigCommerce status changes back to back (a merchant clicking twice), orders in
    // random order, paced so deliveries overlap without flooding the machine.
    // The other stores' cancellations start with this store's changes, while its quota is spent.
    const timing = others.length > 0 ? cancelAndTime(sandbox, adminCall, others, 30_000, 0) : undefined;
    const shuffled = rng.shuffle(plans);
    if (spec.reorderMaxMs)
      relay.settings.forceReorderOrderId = shuffled.find((p) => p.bcChanges.length >= 2)?.orderId;
    for (let i = 0; i < shuffled.length; i++) {
      const plan = shuffled[i]!;
      for (const status of plan.bcChanges) sandbox.setOrderStatus(storeHash, plan.orderId, status);
      if (i % 25 === 24) await sleep(20);
    }
    say(`drive done (${Date.now() - started} ms)`);

    // --- OM processes the late orders a moment later: their deferred events must then act.
    await sleep(300);
    await mapLimit(
      plans.filter((p) => p.om.kind === 'late'),
      16,
      async (plan) => {
        if (plan.om.kind !== 'late') return;
        const res = await api(
          host,
          'PUT',
          `/channels/${channelId}/orders/${plan.orderId}`,
          { status: plan.om.later },
          adminAnswers,
        );
        if (res.status !== 200)
          throw new Error(`late import of order ${plan.orderId} answered ${res.status}`);
      },
    );
    say(`late imports done (${Date.now() - started} ms)`);

    // --- Kill the stack process mid-run and start it again on the same data.
    let kills = 0;
    let killedInFlight = 0;
    for (let k = 0; k < (spec.kills ?? 0); k++) {
      await sleep(rng.int(200, 800));
      killedInFlight += await inFlight(sqsDirect, queues.queueUrl);
      await host.kill();
      relay.setTarget(undefined);
      kills++;
      say(`killed (${Date.now() - started} ms)`);
      await sleep(rng.int(200, 600));
      relay.setTarget(await host.start());
      say(`restarted (${Date.now() - started} ms)`);
    }

    // --- Late duplicates: once BigCommerce has delivered everything, every signed delivery is re-POSTed
    // once more, mostly after the worker has processed it.
    let replayedDeliveries = 0;
    let shiftedDeliveries = 0;
    if (spec.duplicates || spec.unsigned) {
      const deadline = Date.now() + quietTimeoutMs;
      await sleep(1000);
      while (!((await isIdle(sandbox)) && relay.idle()) && Date.now() < deadline) await sleep(100);
      const seen = new Set<string>();
      const originals = sandbox
        .deliveries(storeHash)
        .filter(
          (d) =>
            d.status !== undefined &&
            d.status >= 200 &&
            d.status < 300 &&
            !seen.has(d.webhookId) &&
            seen.add(d.webhookId),
        );
      if (spec.duplicates) {
        await mapLimit(originals, 16, async (d) => {
          await relay.replay(new URL(d.url).pathname, d.requestHeaders, d.body);
          replayedDeliveries++;
        });
        say(`late duplicates re-POSTed: ${replayedDeliveries}`);
      }
      if (spec.unsigned) {
        // Unsigned, so the body may change: one hash, created_at a second later — a new event each.
        await mapLimit(
          originals.filter((d) => d.scope === 'store/order/statusUpdated'),
          16,
          async (d) => {
            const status = await relay.replay(
              new URL(d.url).pathname,
              d.requestHeaders,
              shiftCreatedAt(d.body),
            );
            if (status !== undefined && status >= 200 && status < 300) shiftedDeliveries++;
          },
        );
        say(`re-POSTed with created_at + 1 s: ${shiftedDeliveries}`);
      }
    }

    const spent = neighbour ? await neighbour.done : { requests: 0, limited: 0 };
    const timed = await timing;
    let settled = await quiet();
    say(`quiet under faults: ${settled} (${Date.now() - started} ms)`);

    // --- Faults off; the operator replays the dead-letter queue; wait until that is worked off too.
    dynamoProxy.setRules([]);
    sqsProxy.setRules([]);
    host.setWorkerFaults({ throwRate: 0 });
    relay.settings.holdMaxMs = 0;
    relay.settings.extraCopies = 0;
    const bcFaultAnswers = countBigCommerceFaults(sandbox);
    await endOutages(sandbox, storeHash, accessToken, bcFaults.outages);
    const dlq = await runDlq({
      sqs: sqsDirect,
      deadLetterQueueUrl: queues.deadLetterQueueUrl,
      queueUrl: queues.queueUrl,
      command: 'replay',
      waitTimeSeconds: 1,
    });
    const deadLettered = new Set(dlq.matched.flatMap((m) => (m.event ? [m.event.eventId] : [])));
    if (dlq.replayed > 0) say(`replayed ${dlq.replayed} dead-lettered message(s)`);
    settled = (await quiet()) && settled;

    // --- The ledger.
    const accepted = new Map<string, number>();
    // Only this scenario's channel (other stores of the several-stores scenario share the relay).
    const ownPath = (path: string) => path.split('?')[0]!.split('/').includes(channelId);
    for (const e of relay.log)
      if (
        ownPath(e.path) &&
        e.scope === 'store/order/statusUpdated' &&
        e.status !== undefined &&
        e.status >= 200 &&
        e.status < 300 &&
        e.orderId !== undefined
      )
        accepted.set(eventIdOf(spec.unsigned === true, e.webhookId, e.body), e.orderId);
    const published = new Set(
      sandbox
        .deliveries(storeHash)
        .filter((d) => d.scope === 'store/order/statusUpdated')
        .map((d) => eventIdOf(spec.unsigned === true, d.webhookId, d.body)),
    );
    const fetched = await mapLimit(plans, 16, async (plan) => {
      const res = await api(host, 'GET', `/channels/${channelId}/orders/${plan.orderId}`);
      return [plan.orderId, res.status === 200 ? (res.json as LedgerOrder) : undefined] as const;
    });
    const bigcommerceReads = new Map<number, number>();
    for (const r of sandbox.requests) {
      const match = /\/v2\/orders\/(\d+)$/.exec(r.path);
      if (match && r.status === 200 && r.method === 'GET')
        bigcommerceReads.set(Number(match[1]), (bigcommerceReads.get(Number(match[1])) ?? 0) + 1);
    }
    const ledger = computeLedger({
      plans,
      accepted,
      published,
      orders: new Map(fetched),
      deadLettered,
      bigcommerceReads,
    });

    const faults: Record<string, number> = {
      'sqs send 500': sqsProxy.stats.injected['sqs send'] ?? 0,
      'ingest 503': relay.log.filter((e) => e.status === 503).length,
      'worker crashes': host.workerThrows(),
      'ddb throttles': dynamoProxy.injectedTotal(),
      'bc 429': spec.bigcommerce ? bcFaultAnswers[429] : 0,
      'bc 500': spec.bigcommerce ? bcFaultAnswers[500] : 0,
      'bc 3s delays': bcFaults.delays,
      'bc outages': bcFaults.outages.length,
      copies: relay.log.filter((e) => e.copy !== 0).length,
      reordered: spec.reorderMaxMs ? countReordered(sandbox, storeHash, relay) : 0,
      kills,
      'in flight at kills': killedInFlight,
      'admin 5xx (retried)': adminAnswers.serverErrors,
      'neighbour requests': spent.requests,
      'neighbour 429': spent.limited,
      'created_at shifted (new events)': shiftedDeliveries,
      'shipped then cancelled': shippedThenCancelled,
      'other stores': others.length,
      'chained waits (>900 s)': chainedWaits.chained,
      'worker 429 (sent back)': spec.rateLimit
        ? sandbox.requests.filter((r) => r.status === 429 && r.path !== neighbourPath(storeHash)).length
        : 0,
    };
    const row: ScenarioRow = {
      scenario: spec.name,
      ...ledger.counts,
      faults,
      seconds: (Date.now() - started) / 1000,
    };
    // The same stores' other half, cancelled with no store throttled: the time-to-effect under this load.
    const control =
      others.length > 0 ? await cancelAndTime(sandbox, adminCall, others, 30_000, 1) : undefined;
    const problems = [...ledger.problems, ...(timed?.problems ?? []), ...(control?.problems ?? [])];
    if (others.length > 0) problems.push(...(await checkOtherStores(adminCall, others)));
    return {
      row,
      problems,
      settled,
      ...(timed && control
        ? {
            otherStores: {
              timings: timed.timings,
              unthrottled: control.timings,
              deadLetteredAllStores: dlq.matched.length,
            },
          }
        : {}),
    };
  } finally {
    for (const cleanup of cleanups.reverse()) {
      try {
        await cleanup();
      } catch (error) {
        say(`cleanup failed: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    sqsDirect.destroy();
    dynamoDirect.destroy();
  }
}
