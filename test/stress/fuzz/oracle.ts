import { type Answer, type Planned } from './model';
import { type Snapshot } from './snapshot';
import { type FuzzSummary } from './summary';

/**
 * The checks on one answer: the expected status (from the planner's model of the world), no 5xx, a clear
 * rejection, no secret, and no state change unless the request was accepted and may write.
 */

/** What the run saw around one request: writes in its window and, for a sample, snapshots. */
export interface Observed {
  wrote: number;
  sends: number;
  snapshots?: { before: Snapshot; after: () => Promise<Snapshot> };
}

/** A request whose expected answer or effect depends on state, or that may change it, runs alone. */
export const runsAlone = (p: Planned) => p.mayWrite || p.after !== undefined;

const MAX_FAILURES = 50;

export function fail(summary: FuzzSummary, what: string, p: Planned, detail: string) {
  if (summary.failures.length < MAX_FAILURES)
    summary.failures.push(
      `${what}: ${p.target} ${p.kind} via ${p.via} ${p.method} ${p.rawPath.slice(0, 80)}: ${detail}`,
    );
}

const count = (record: Record<string, number>, key: string) => (record[key] = (record[key] ?? 0) + 1);

export async function judge(
  summary: FuzzSummary,
  p: Planned,
  answer: Answer | undefined,
  observed: Observed,
  secrets: Set<string>,
): Promise<void> {
  summary.requests++;
  count(summary.byTarget, p.target);
  count(summary.byVia, p.via);
  count(summary.byKind, p.kind);
  if (!answer) return;
  const { status } = answer;
  count(summary.byStatus, String(status));
  p.after?.(status);

  if (status >= 500) {
    summary.serverErrors++;
    fail(summary, '5xx', p, `${status} ${answer.body.slice(0, 200)}`);
  }
  if (!p.expect.includes(status)) {
    summary.unexpectedStatus++;
    fail(
      summary,
      'unexpected status',
      p,
      `${status}, expected ${p.expect.join(' or ')}: ${answer.body.slice(0, 200)}`,
    );
  }
  const rejected = status >= 400;
  const problem = rejected ? clearRejection(answer, status === 400 ? p.field : undefined) : undefined;
  if (problem) {
    summary.unclearRejections++;
    fail(summary, 'unclear rejection', p, `${status}: ${problem}`);
  }
  if ([...secrets].some((secret) => answer.body.includes(secret))) {
    summary.leaks++;
    fail(summary, 'secret in answer', p, `${status}`);
  }
  await judgeState(summary, p, status, observed);
}

async function judgeState(summary: FuzzSummary, p: Planned, status: number, observed: Observed) {
  const { wrote, sends } = observed;
  const mayChange = status < 400 && p.mayWrite && p.method !== 'GET';
  if (mayChange) {
    summary.acceptedChanges++;
    if (wrote > 0) summary.acceptedChangesSeenWriting++;
    // docs/contract.md section 2: ingest makes one SQS call and nothing else.
    if (p.target === 'webhook-ingest' && (wrote !== 1 || sends !== 1)) {
      summary.unexpectedStatus++;
      fail(summary, 'accepted webhook not enqueued exactly once', p, `${wrote} write(s), ${sends} to SQS`);
    }
    return;
  }
  if (wrote > 0) {
    summary.stateChanges++;
    fail(summary, 'state change', p, `${status} after ${wrote} write(s)`);
  }
  if (!observed.snapshots) return;
  const { before } = observed.snapshots;
  const after = await observed.snapshots.after();
  summary.snapshotsCompared++;
  if (after.tables !== before.tables || after.queue !== before.queue) {
    summary.stateChanges++;
    fail(
      summary,
      'state change (snapshot)',
      p,
      `${status}: tables ${after.tables === before.tables ? 'same' : 'changed'}, queue ${before.queue} -> ${after.queue}`,
    );
  }
}

/** `{"errors":[{message, field?}]}` with a short, non-empty message; and naming `field` when given. */
export function clearRejection(answer: Answer, field: string | string[] | undefined): string | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(answer.body);
  } catch {
    return 'body is not JSON';
  }
  const errors = (parsed as { errors?: unknown }).errors;
  if (!Array.isArray(errors) || errors.length === 0) return 'no errors list';
  for (const e of errors as Array<{ message?: unknown; field?: unknown }>) {
    if (typeof e?.message !== 'string' || e.message.trim() === '') return 'an error without a message';
    if (e.message.length > 1000) return `a message of ${e.message.length} characters`;
    if (e.field !== undefined && typeof e.field !== 'string') return 'a field that is not a string';
  }
  const fields = field === undefined ? [] : Array.isArray(field) ? field : [field];
  const names = (e: { field?: unknown }) =>
    typeof e.field === 'string' &&
    fields.some((f) => e.field === f || (e.field as string).startsWith(`${f}.`));
  if (fields.length > 0 && !(errors as Array<{ field?: unknown }>).some(names))
    return `no error names ${fields.join(' or ')} (${answer.body.slice(0, 200)})`;
  return undefined;
}
