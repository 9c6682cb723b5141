import { NEGATIVE_CONTROL, SCENARIOS, runScenario, type ScenarioResult } from './faults';
import { formatTable } from './ledger';
import { captureOutput, FAULTS_LOG_LEVEL, leakedSecrets } from './log-capture';
import { standInsFromEnv } from './stand-ins';

/**
 * The fault matrix at a small size inside `npm test` (the full run is `npm run test:faults`): every
 * scenario at once, each on its own tables, queues, sandbox and proxies; the ledger must balance in each.
 */
const ORDERS = 24;
/** The scenarios that prove one behaviour each (not a fault rate) run smaller: the file runs under load. */
const FOCUSED = new Set(['several-stores', 'unsigned', 'shipped-then-cancelled', 'long-wait-chained']);
const ordersOf = (name: string) => (FOCUSED.has(name) ? 10 : ORDERS);
/**
 * How much slower an unthrottled store's median time-to-effect may be next to a throttled one. The
 * failure the issue reported was more than 5 s; measured today about 2 s extra (docs/stress.md).
 */
const OTHER_STORE_EXTRA_MS = 3_000;
const results = new Map<string, ScenarioResult>();
const secrets: string[] = [];
let logLines: string[] = [];

beforeAll(async () => {
  const standIns = standInsFromEnv();
  if (!standIns) throw new Error('stand-ins not started: run through jest (globalSetup)');
  // Every log line of the matrix, to search for secrets.
  const savedLevel = process.env.POWERTOOLS_LOG_LEVEL;
  process.env.POWERTOOLS_LOG_LEVEL = FAULTS_LOG_LEVEL;
  const output = captureOutput();
  const settled = await Promise.allSettled(
    [...SCENARIOS, NEGATIVE_CONTROL].map(async (spec) => {
      results.set(
        spec.name,
        await runScenario(spec, {
          orders: ordersOf(spec.name),
          seed: 8,
          standIns,
          deferMaxAgeSeconds: 6,
          quietTimeoutMs: 90_000,
          onSecrets: (list) => secrets.push(...list),
        }),
      );
    }),
  ).finally(() => {
    output.stop();
    process.env.POWERTOOLS_LOG_LEVEL = savedLevel;
    if (savedLevel === undefined) delete process.env.POWERTOOLS_LOG_LEVEL;
  });
  logLines = output.lines;
  const failures = settled.filter((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failures.length > 0) throw failures[0]!.reason;
  // The table, for whoever reads the test output.
  console.log(formatTable(SCENARIOS.map((s) => results.get(s.name)!.row)));
}, 240_000);

test('no token, client secret or access token appears in any log line of the matrix', () => {
  expect(secrets.length).toBeGreaterThanOrEqual(3 * SCENARIOS.length);
  expect(logLines.length).toBeGreaterThan(100);
  expect(leakedSecrets(logLines, secrets)).toEqual([]);
});

describe.each(SCENARIOS.map((s) => [s.name, s] as const))('fault scenario %s', (name, spec) => {
  test('every accepted webhook has exactly one terminal outcome and every order ends as the gate demands', () => {
    const result = results.get(name)!;
    expect(result.problems).toEqual([]);
    expect(result.settled).toBe(true);
    expect(result.row).toMatchObject({
      lost: 0,
      duplicated: 0,
      wrongFinal: 0,
      undelivered: 0,
      duplicatedChains: 0,
      orders: ordersOf(name),
    });
    expect(result.row.events).toBeGreaterThan(ordersOf(name));
  });

  test('the faults it names were actually injected', () => {
    const { faults } = results.get(name)!.row;
    if (spec.ingestSendFailureRate) expect(faults['ingest 503']).toBeGreaterThan(0);
    if (spec.anySendFailureRate) expect(faults['sqs send 500']).toBeGreaterThan(0);
    if (spec.workerThrowRate) expect(faults['worker crashes']).toBeGreaterThan(0);
    if (spec.dynamoThrottleRate) expect(faults['ddb throttles']).toBeGreaterThan(0);
    if (spec.bigcommerce) {
      expect(faults['bc 429']).toBeGreaterThan(0);
      expect(faults['bc 500']).toBeGreaterThan(0);
      expect(faults['bc outages']).toBeGreaterThan(0);
    }
    // Each original arrives twice more (a copy, a late re-POST); the unsigned run's shifted twins are events.
    const originals = results.get(name)!.row.events - (faults['created_at shifted (new events)'] ?? 0);
    if (spec.duplicates) expect(faults.copies).toBeGreaterThanOrEqual(2 * originals);
    if (spec.unsigned) expect(faults['created_at shifted (new events)']).toBeGreaterThan(0);
    if (spec.longWaitSeconds) expect(results.get(name)!.row.deferred).toBeGreaterThan(0);
    if (spec.longWaitSeconds) expect(faults['chained waits (>900 s)']).toBeGreaterThan(0);
    if (spec.shippedThenCancelled) expect(faults['shipped then cancelled']).toBeGreaterThanOrEqual(2);
    if (spec.kills) expect(faults.kills).toBe(spec.kills);
    if (spec.reorderMaxMs) expect(faults.reordered).toBeGreaterThan(0);
    const injected = Object.values(faults).reduce((a, b) => a + b, 0);
    if (name === 'baseline') expect(injected).toBe(0);
    else expect(injected).toBeGreaterThan(0);
  });
});

test('a store out of quota: the changes arrived with the quota spent, and nothing was dead-lettered', () => {
  const row = results.get('rate-limited-neighbour')!.row;
  // The worker may see 429s (sent back) or be paced by its own gate first (sent back without a request).
  expect(row.faults['neighbour 429']).toBeGreaterThan(0);
  expect(row.deadLettered).toBe(0);
  expect(row.lost).toBe(0);
});

test("several stores: a throttled store's neighbours are not delayed behind it, and nothing is dead-lettered", () => {
  const { row, otherStores } = results.get('several-stores')!;
  expect(row.faults['neighbour 429']).toBeGreaterThan(0);
  expect(otherStores!.timings).toHaveLength(3);
  // Compared with the same stores once nothing is throttled (same machine load): waiting behind the
  // throttled store's spent quota (4 s, in 2 s windows) would add seconds.
  otherStores!.timings.forEach((t, i) =>
    expect(t.p50Ms).toBeLessThan(otherStores!.unthrottled[i]!.p50Ms + OTHER_STORE_EXTRA_MS),
  );
  expect(otherStores!.deadLetteredAllStores).toBe(0);
  expect(row.deadLettered).toBe(0);
});

test('unsigned deliveries: copies of one callback are one event, one hash with another created_at is another', () => {
  const { row } = results.get('unsigned')!;
  // Every original and its shifted twin were both accepted, and each has exactly one outcome.
  expect(row.events).toBe(2 * row.faults['created_at shifted (new events)']!);
  expect(row).toMatchObject({ lost: 0, duplicated: 0, wrongFinal: 0 });
});

test('shipped then cancelled within a second: each order follows the cancellation, once', () => {
  const { row, problems } = results.get('shipped-then-cancelled')!;
  expect(row.faults['shipped then cancelled']).toBeGreaterThanOrEqual(2);
  expect(row.applied).toBeGreaterThan(0);
  expect(problems).toEqual([]);
  expect(row).toMatchObject({ duplicated: 0, wrongFinal: 0 });
});

test('an outage of BigCommerce dead-letters events, and replaying them completes them', () => {
  const row = results.get('bigcommerce-faults')!.row;
  expect(row.deadLettered).toBeGreaterThan(0);
  expect(row.lost).toBe(0);
});

test('the ledger is not blind: a worker that acknowledges batches without processing them shows lost events', () => {
  const result = results.get(NEGATIVE_CONTROL.name)!;
  expect(result.row.lost).toBeGreaterThan(0);
  expect(result.problems.some((p) => p.includes('has no terminal outcome'))).toBe(true);
});
