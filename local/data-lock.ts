import { mkdir, open, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * One `npm start` per data directory: LevelDB (dynalite) and SQLite (fauxqs) must not be opened twice.
 * A lock file holds the owner's pid; a lock left by a process that is gone is taken over.
 */
export class DataDirInUseError extends Error {
  override name = 'DataDirInUseError';
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
};

export async function lockDataDir(dir: string): Promise<() => Promise<void>> {
  await mkdir(dir, { recursive: true });
  const file = join(dir, 'npm-start.lock');
  for (let attempt = 0; attempt < 2; attempt += 1) {
    try {
      const handle = await open(file, 'wx');
      await handle.writeFile(String(process.pid));
      await handle.close();
      return () => rm(file, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const owner = Number((await readFile(file, 'utf8').catch(() => '')).trim());
      if (Number.isInteger(owner) && owner > 0 && alive(owner))
        throw new DataDirInUseError(
          `the data directory ${dir} is in use by another npm start (pid ${owner}); stop it, or use --memory or --data-dir`,
        );
      await rm(file, { force: true });
    }
  }
  throw new DataDirInUseError(`could not lock the data directory ${dir}`);
}
