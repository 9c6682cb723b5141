import { randomUUID } from 'node:crypto';
import type { ScheduledEvent } from 'aws-lambda';
import { LOCAL_ACCOUNT_ID, LOCAL_REGION } from './lambda-context';

/**
 * The EventBridge schedule that runs hook-manager, locally: fires once shortly after start and then every
 * `intervalSeconds`. Runs never overlap: a tick that comes while the previous run is still going is skipped.
 */

export const SCHEDULE_RULE_NAME = 'hook-manager-verify';

export interface SchedulerOptions {
  intervalSeconds: number;
  invoke: (event: ScheduledEvent) => Promise<unknown>;
  /** Delay before the first run. Default 1000 ms. */
  initialDelayMs?: number;
  region?: string;
  onError?: (message: string, error: unknown) => void;
  onSkip?: () => void;
}

export interface Scheduler {
  /** Number of runs started so far. */
  runs(): number;
  /** Resolves when no run is in progress. */
  idle(): Promise<void>;
  /** Stops the timer and waits for a run in progress. */
  stop(): Promise<void>;
}

export function scheduledEvent(now: Date, region = LOCAL_REGION): ScheduledEvent {
  return {
    version: '0',
    id: randomUUID(),
    'detail-type': 'Scheduled Event',
    source: 'aws.events',
    account: LOCAL_ACCOUNT_ID,
    time: now.toISOString().replace(/\.\d{3}Z$/, 'Z'),
    region,
    resources: [`arn:aws:events:${region}:${LOCAL_ACCOUNT_ID}:rule/${SCHEDULE_RULE_NAME}`],
    detail: {},
  };
}

export function startScheduler(options: SchedulerOptions): Scheduler {
  const intervalMs = options.intervalSeconds * 1000;
  let current: Promise<void> | undefined;
  let count = 0;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let nextAt = Date.now() + (options.initialDelayMs ?? 1000);

  const tick = () => {
    if (stopped) return;
    if (current) {
      options.onSkip?.();
    } else {
      count += 1;
      current = options
        .invoke(scheduledEvent(new Date(), options.region))
        .then(
          () => undefined,
          (error: unknown) => options.onError?.('scheduled hook-manager run failed', error),
        )
        .finally(() => {
          current = undefined;
        });
    }
    // Fixed rate, like a schedule: the next tick is due one interval after this one was due.
    nextAt += intervalMs;
    // After a long pause (a laptop asleep), start again from now instead of firing every missed tick.
    if (nextAt < Date.now()) nextAt = Date.now() + intervalMs;
    timer = setTimeout(tick, Math.max(0, nextAt - Date.now()));
  };
  timer = setTimeout(tick, Math.max(0, nextAt - Date.now()));

  return {
    runs: () => count,
    idle: async () => {
      while (current) await current;
    },
    async stop() {
      stopped = true;
      clearTimeout(timer);
      while (current) await current;
    },
  };
}
