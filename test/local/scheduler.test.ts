import type { ScheduledEvent } from 'aws-lambda';
import { scheduledEvent, startScheduler, type Scheduler } from '../../local/scheduler';
import { waitFor } from '../support/wait';

test('scheduledEvent has the EventBridge scheduled-event shape', () => {
  const event = scheduledEvent(new Date('2025-11-28T18:00:00.456Z'), 'eu-west-1');
  expect(event).toEqual({
    version: '0',
    id: expect.stringMatching(/^[0-9a-f-]{36}$/),
    'detail-type': 'Scheduled Event',
    source: 'aws.events',
    account: '000000000000',
    time: '2025-11-28T18:00:00Z',
    region: 'eu-west-1',
    resources: ['arn:aws:events:eu-west-1:000000000000:rule/hook-manager-verify'],
    detail: {},
  });
});

describe('startScheduler', () => {
  let scheduler: Scheduler | undefined;
  afterEach(() => scheduler?.stop());

  test('runs once shortly after start, then every interval', async () => {
    const events: ScheduledEvent[] = [];
    scheduler = startScheduler({
      intervalSeconds: 0.05,
      initialDelayMs: 0,
      invoke: async (e) => void events.push(e),
    });
    await waitFor(() => events.length >= 3, { what: 'three runs' });
    expect(new Set(events.map((e) => e.id)).size).toBe(events.length);
    expect(events.every((e) => e['detail-type'] === 'Scheduled Event')).toBe(true);
  });

  test('never overlaps runs: ticks during a run are skipped', async () => {
    let running = 0;
    let maxRunning = 0;
    let skipped = 0;
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    scheduler = startScheduler({
      intervalSeconds: 0.02,
      initialDelayMs: 0,
      invoke: async () => {
        running += 1;
        maxRunning = Math.max(maxRunning, running);
        await gate;
        running -= 1;
      },
      onSkip: () => (skipped += 1),
    });
    await waitFor(() => skipped >= 3, { what: 'skipped ticks' });
    expect(scheduler.runs()).toBe(1);
    release();
    await waitFor(() => scheduler!.runs() >= 2, { what: 'the next run after the slow one' });
    expect(maxRunning).toBe(1);
  });

  test('a failing run is reported and the schedule goes on', async () => {
    const errors: string[] = [];
    let calls = 0;
    scheduler = startScheduler({
      intervalSeconds: 0.02,
      initialDelayMs: 0,
      invoke: async () => {
        calls += 1;
        throw new Error('hook-manager failed');
      },
      onError: (message) => errors.push(message),
    });
    await waitFor(() => calls >= 2, { what: 'a second run' });
    expect(errors.length).toBeGreaterThanOrEqual(1);
  });

  test('stop() waits for the run in progress and stops the timer', async () => {
    let finished = false;
    let calls = 0;
    scheduler = startScheduler({
      intervalSeconds: 0.01,
      initialDelayMs: 0,
      invoke: async () => {
        calls += 1;
        await new Promise((resolve) => setTimeout(resolve, 50));
        finished = true;
      },
    });
    await waitFor(() => calls === 1, { what: 'the first run' });
    await scheduler.stop();
    expect(finished).toBe(true);
    const after = calls;
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(calls).toBe(after);
  });
});
