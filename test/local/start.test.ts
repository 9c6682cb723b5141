import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createServer, type Server } from 'node:net';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';

/** `npm start`'s command line (local/start.ts) as a user runs it: its own process, real stand-ins. */

const root = join(__dirname, '..', '..');
const tsx = join(root, 'node_modules', '.bin', 'tsx');

function start(env: Record<string, string>, args: string[] = ['--memory']) {
  const child = spawn(tsx, ['local/start.ts', ...args], {
    cwd: root,
    env: { ...process.env, POWERTOOLS_LOG_LEVEL: 'SILENT', ...env },
  }) as ChildProcessWithoutNullStreams;
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, exited, out: () => stdout, err: () => stderr };
}

test('a bad environment value: one line on stderr naming it, exit code 1', async () => {
  const run = start({ HOOK_VERIFY_INTERVAL_SECONDS: 'often' });
  expect(await run.exited).toBe(1);
  expect(run.err().trim().split('\n')).toEqual([
    'npm start: Invalid environment: HOOK_VERIFY_INTERVAL_SECONDS must be a whole number of seconds',
  ]);
});

test('a port in use: one line on stderr naming the variable, exit code 1', async () => {
  const busy: Server = createServer();
  await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
  const port = (busy.address() as AddressInfo).port;
  try {
    const run = start({ PORT: String(port), SANDBOX_PORT: '0' });
    expect(await run.exited).toBe(1);
    expect(run.err().trim().split('\n')).toEqual([
      `npm start: API port ${port} is already in use (set PORT to another port)`,
    ]);
  } finally {
    await new Promise((resolve) => busy.close(resolve));
  }
});

test('starts, prints the banner once /health is ok, and stops cleanly on SIGTERM (exit 0)', async () => {
  const run = start({ PORT: '0', SANDBOX_PORT: '0' });
  try {
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no banner: ${run.out()} ${run.err()}`)), 25_000);
      run.child.stdout.on('data', () => {
        const m = /health\s+(http:\/\/127\.0\.0\.1:\d+)\/health/.exec(run.out());
        if (m) {
          clearTimeout(timer);
          resolve(m[1]!);
        }
      });
      void run.exited.then(() => reject(new Error(`exited early: ${run.err()}`)));
    });
    expect(run.out()).toMatch(/sandbox\s+http:\/\/127\.0\.0\.1:\d+/);
    expect(run.out()).toContain('in memory (nothing is kept)');
    const res = await fetch(`${url}/health`);
    expect(await res.json()).toEqual({ status: 'ok' });
  } finally {
    run.child.kill('SIGTERM');
  }
  expect(await run.exited).toBe(0);
  expect(run.out()).toContain('stopped');
});
