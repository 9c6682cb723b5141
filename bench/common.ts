import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Figure, Skipped } from './report';

export const ROOT = path.resolve(__dirname, '..');

export const FUNCTIONS = [
  'webhook-ingest',
  'order-worker',
  'hook-manager',
  'channel-api',
  'support-widget',
] as const;
export type FunctionName = (typeof FUNCTIONS)[number];

export interface GroupContext {
  quick: boolean;
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
