import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Figure, Skipped } from './report';

export const ROOT = path.resolve(__dirname, '..');

/** What one BigCommerce request takes from AWS (docs/contract.md section 9): the hooks sweep and the cost model. */
export const BIGCOMMERCE_LATENCY_FROM_AWS_MS = 150;

/** Every Lambda function of the project, from the one list the CDK app and the local runtime use too. */
export { FUNCTION_NAMES as FUNCTIONS } from '../functions/common/routes';

/**
 * Quantities one group measures and a later one needs (the cost model reads the ingest and worker
 * groups' counts and durations). Per accepted webhook / applied event, steady state.
 */
export interface BenchFacts {
  ingest?: {
    /** Wall-clock ms of one request, one at a time, SendMessage to the local queue. */
    durationMs: number;
    logBytesPerRequest: number;
  };
  worker?: {
    /** Wall-clock ms of one invocation (a batch of `eventsPerInvocation` records). */
    durationMsPerInvocation: number;
    eventsPerInvocation: number;
    logBytesPerEvent: number;
    dynamoReadUnitsPerEvent: number;
    dynamoWriteUnitsPerEvent: number;
    bigCommerceRequestsPerEvent: number;
    /** Deferred events sent back to the queue, per event. */
    queueSendsPerEvent: number;
    secretsReadsPerEvent: number;
  };
}

export interface GroupContext {
  quick: boolean;
  /** Filled by the groups that measure them, read by later groups (run order: bench/main.ts GROUPS). */
  facts: BenchFacts;
  /** Progress goes to stderr so stdout stays JSON lines + the table. */
  log: (message: string) => void;
}

export interface GroupResult {
  figures: Figure[];
  skipped: Skipped[];
}

export const rootPath = (...parts: string[]) => path.join(ROOT, ...parts);

/** The project files a group needs; returns the missing ones (relative paths) so the group can skip. */
export const missingFiles = (...relative: string[]) => relative.filter((r) => !existsSync(rootPath(r)));

/** Rejects after `ms` with a message naming what took too long: every wait in the bench is bounded. */
export async function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`${what} took longer than ${ms} ms`)), ms);
        timer.unref();
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Sets `vars` in process.env for the duration of `fn` (Powertools reads process.env), then restores. */
export async function withEnv<T>(vars: Record<string, string>, fn: () => Promise<T>): Promise<T> {
  const saved = new Map(Object.keys(vars).map((k) => [k, process.env[k]]));
  Object.assign(process.env, vars);
  try {
    return await fn();
  } finally {
    for (const [k, v] of saved) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}
