export interface FuzzOptions {
  requests: number;
  seed: number;
  standIns: { dynamodb: string; sqs: string };
  /** Share of requests whose full-state snapshot is compared before/after (when rejected). Default 0.1. */
  snapshotShare?: number;
  /** Requests in flight at once (default 16); those that may change state run alone. */
  concurrency?: number;
  log?: (line: string) => void;
}

export const DEFAULT_CONCURRENCY = 16;

export interface FuzzSummary {
  requests: number;
  /** The concurrency asked for, and the most requests seen in flight at once. */
  concurrency: number;
  maxInFlight: number;
  byTarget: Record<string, number>;
  byVia: Record<string, number>;
  byStatus: Record<string, number>;
  byKind: Record<string, number>;
  crashes: number;
  serverErrors: number;
  /** Rejected (or read-only / ignored) requests that changed state. */
  stateChanges: number;
  /** Answers with another status than the request calls for. */
  unexpectedStatus: number;
  /** 4xx answers without `{"errors":[{message}]}`, or not naming the bad field. */
  unclearRejections: number;
  /** Answers containing a secret. */
  leaks: number;
  /** Log lines the functions wrote during the run (at DEBUG), and how many secrets appeared in them. */
  logLines: number;
  logLeaks: number;
  snapshotsCompared: number;
  /** Accepted requests that may change state, and how many of them were seen writing (detector check). */
  acceptedChanges: number;
  acceptedChangesSeenWriting: number;
  failures: string[];
  seconds: number;
}

export function formatSummary(s: FuzzSummary): string {
  const sorted = (record: Record<string, number>) =>
    Object.entries(record)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([k, v]) => `${k} ${v}`)
      .join(', ');
  return [
    `requests              ${s.requests} (${sorted(s.byTarget)}; ${sorted(s.byVia)})`,
    `concurrency           ${s.concurrency} (at most ${s.maxInFlight} in flight; requests that may change state ran alone)`,
    `by status             ${sorted(s.byStatus)}`,
    `crashes               ${s.crashes}`,
    `5xx                   ${s.serverErrors}`,
    `state changes         ${s.stateChanges} (rejected or read-only requests; ${s.snapshotsCompared} full snapshots compared)`,
    `unexpected status     ${s.unexpectedStatus}`,
    `accepted changes      ${s.acceptedChanges} (${s.acceptedChangesSeenWriting} seen writing: the state check sees writes)`,
    `unclear rejections    ${s.unclearRejections}`,
    `secrets in answers    ${s.leaks}`,
    `secrets in logs       ${s.logLeaks} (${s.logLines} log lines captured at DEBUG)`,
    `kinds                 ${Object.keys(s.byKind).length}`,
    `time                  ${s.seconds.toFixed(1)} s`,
  ].join('\n');
}

export function emptySummary(concurrency: number): FuzzSummary {
  return {
    requests: 0,
    concurrency,
    maxInFlight: 0,
    byTarget: {},
    byVia: {},
    byStatus: {},
    byKind: {},
    crashes: 0,
    serverErrors: 0,
    stateChanges: 0,
    unexpectedStatus: 0,
    unclearRejections: 0,
    leaks: 0,
    logLines: 0,
    logLeaks: 0,
    snapshotsCompared: 0,
    acceptedChanges: 0,
    acceptedChangesSeenWriting: 0,
    failures: [],
    seconds: 0,
  };
}

/** Failures that make the run fail (exit code 1). */
export const failureCount = (s: FuzzSummary) =>
  s.crashes +
  s.serverErrors +
  s.stateChanges +
  s.unexpectedStatus +
  s.unclearRejections +
  s.leaks +
  s.logLeaks;
