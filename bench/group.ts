/**
 * The frame every group that runs project code against the stand-ins shares: the skip while a file it
 * needs does not exist yet, and the start and stop of the stand-ins and of whatever else it starts.
 */
import { missingFiles, type GroupResult } from './common';
import { startStandIns, type StandIns } from './stand-ins';

/** Something a group starts (a driver, a sandbox) and must stop whatever happens. */
export interface Stoppable {
  stop(): Promise<void>;
}

/** Registers a started `Stoppable` with the frame, which stops it; returns it. */
export type Track = <T extends Stoppable>(started: T) => T;

/**
 * Runs `measure` of group `group` with fresh stand-ins; skipped (naming the missing files) while one of
 * `needs` (paths from the repository root) does not exist yet. Afterwards, whatever happened, what
 * `measure` passed to `track` stops in the order it was started, then the stand-ins.
 */
export async function standInGroup(
  group: string,
  needs: readonly string[],
  measure: (stand: StandIns, track: Track) => Promise<GroupResult>,
): Promise<GroupResult> {
  const missing = missingFiles(...needs);
  if (missing.length)
    return { figures: [], skipped: [{ group, reason: `${missing.join(', ')} does not exist yet` }] };
  const stand = await startStandIns();
  const started: Stoppable[] = [];
  try {
    return await measure(stand, (s) => {
      started.push(s);
      return s;
    });
  } finally {
    for (const s of started) await s.stop();
    await stand.stop();
  }
}
