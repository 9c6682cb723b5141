import { runFuzz } from './fuzz/runner';
import { formatSummary, type FuzzSummary } from './fuzz/summary';
import { standInsFromEnv } from './stand-ins';

/**
 * Fuzzing at a small size inside `npm test` (the full run is `npm run test:fuzz`, 10,000 requests):
 * generated requests against webhook-ingest and channel-api, in-process and through the local gateway.
 */
let summary: FuzzSummary;

beforeAll(async () => {
  const standIns = standInsFromEnv();
  if (!standIns) throw new Error('stand-ins not started: run through jest (globalSetup)');
  summary = await runFuzz({ requests: 1000, seed: 42, standIns, snapshotShare: 0.2 });
  console.log(formatSummary(summary));
}, 120_000);

test('no crash, no 5xx', () => {
  expect(summary.failures.filter((f) => f.startsWith('crash') || f.startsWith('5xx'))).toEqual([]);
  expect(summary.crashes).toBe(0);
  expect(summary.serverErrors).toBe(0);
});

test('no state change for rejected or read-only input', () => {
  expect(summary.failures.filter((f) => f.startsWith('state change'))).toEqual([]);
  expect(summary.stateChanges).toBe(0);
  expect(summary.snapshotsCompared).toBeGreaterThan(50);
});

test('every answer has the status the request calls for; every rejection is a clear 4xx naming the field', () => {
  expect(summary.failures).toEqual([]);
  expect(summary.unexpectedStatus).toBe(0);
  expect(summary.unclearRejections).toBe(0);
});

test('no secret in any answer or any log line', () => {
  expect(summary.leaks).toBe(0);
  expect(summary.logLines).toBeGreaterThan(100);
  expect(summary.logLeaks).toBe(0);
});

test('the unsigned and hash-id paths and the signature requirement were exercised', () => {
  expect(summary.byKind['unsigned (hash-derived event id)']).toBeGreaterThan(10);
  expect(summary.byKind['token alone where a signature is required']).toBeGreaterThan(10);
});

test('the run covered both functions, both paths, and accepted as well as rejected requests', () => {
  expect(summary.requests).toBe(1000);
  expect(summary.byTarget['webhook-ingest']).toBeGreaterThan(300);
  expect(summary.byTarget['channel-api']).toBeGreaterThan(200);
  expect(summary.byVia.gateway).toBeGreaterThan(50);
  for (const status of ['200', '400', '401', '404', '413'])
    expect(summary.byStatus[status]).toBeGreaterThan(0);
  expect(Object.keys(summary.byKind).length).toBeGreaterThan(40);
});

test('requests ran concurrently, never more than 16 in flight (the default)', () => {
  expect(summary.concurrency).toBe(16);
  // Requests that may change state run alone, so the runs of rejections between them set the peak.
  expect(summary.maxInFlight).toBeGreaterThan(4);
  expect(summary.maxInFlight).toBeLessThanOrEqual(16);
});

test('the state check is not blind: every accepted change was seen writing', () => {
  expect(summary.acceptedChanges).toBeGreaterThan(100);
  expect(summary.acceptedChangesSeenWriting).toBe(summary.acceptedChanges);
});
