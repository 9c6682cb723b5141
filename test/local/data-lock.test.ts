import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataDirInUseError, lockDataDir } from '../../local/data-lock';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'om-lock-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

test('one holder at a time; released on unlock', async () => {
  const unlock = await lockDataDir(dir);
  await expect(lockDataDir(dir)).rejects.toThrow(DataDirInUseError);
  await expect(lockDataDir(dir)).rejects.toThrow(`in use by another npm start (pid ${process.pid})`);
  await unlock();
  const again = await lockDataDir(dir);
  await again();
  expect(existsSync(join(dir, 'npm-start.lock'))).toBe(false);
});

test('a lock left by a process that is gone is taken over', async () => {
  // pid 2^22+ is above Linux's pid_max default, so no such process exists.
  await writeFile(join(dir, 'npm-start.lock'), '4999999');
  const unlock = await lockDataDir(dir);
  await unlock();
});
