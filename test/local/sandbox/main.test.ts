/** `npm run sandbox`: settings from the environment, one clear line on failure, clean stop on SIGTERM. */
import { spawn } from 'node:child_process';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { parseSandboxEnv } from '../../../local/sandbox/main';

const ROOT = path.resolve(__dirname, '../../..');

describe('parseSandboxEnv', () => {
  it('defaults to port 3100, time scale 1 and no added latency', () => {
    expect(parseSandboxEnv({})).toEqual({ port: 3100, timeScale: 1, latencyMs: 0 });
    expect(
      parseSandboxEnv({ SANDBOX_PORT: '0', SANDBOX_TIME_SCALE: '0.001', SANDBOX_LATENCY_MS: '150' }),
    ).toEqual({ port: 0, timeScale: 0.001, latencyMs: 150 });
    expect(parseSandboxEnv({ SANDBOX_TIME_SCALE: '1e-4' })).toEqual({
      port: 3100,
      timeScale: 0.0001,
      latencyMs: 0,
    });
  });

  it.each([
    [{ SANDBOX_PORT: 'abc' }, 'SANDBOX_PORT'],
    [{ SANDBOX_PORT: '70000' }, 'SANDBOX_PORT'],
    [{ SANDBOX_TIME_SCALE: '0' }, 'SANDBOX_TIME_SCALE'],
    [{ SANDBOX_TIME_SCALE: '-1' }, 'SANDBOX_TIME_SCALE'],
    [{ SANDBOX_TIME_SCALE: 'fast' }, 'SANDBOX_TIME_SCALE'],
    [{ SANDBOX_LATENCY_MS: '-5' }, 'SANDBOX_LATENCY_MS'],
  ])('rejects %j naming %s', (env, name) => {
    expect(() => parseSandboxEnv(env)).toThrow(name);
  });
});

/** Runs main.ts with tsx; resolves with the exit code and output once it exits. */
const run = (env: Record<string, string>, onStdout?: (text: string, kill: () => void) => void) =>
  new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    const child = spawn(path.join(ROOT, 'node_modules/.bin/tsx'), ['local/sandbox/main.ts'], {
      cwd: ROOT,
      env: { ...process.env, ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      onStdout?.(stdout, () => child.kill('SIGTERM'));
    });
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });

const errorLines = (stderr: string) =>
  stderr
    .split('\n')
    .filter((l) => l.trim() && !l.includes('ExperimentalWarning') && !l.includes('--trace-warnings'));

describe('main', () => {
  it('exits 1 with one line for a bad setting', async () => {
    const result = await run({ SANDBOX_PORT: 'nope' });
    expect(result.code).toBe(1);
    expect(errorLines(result.stderr)).toEqual([expect.stringContaining('SANDBOX_PORT')]);
  });

  it('exits 1 with one line when the port is in use', async () => {
    const busy = http.createServer();
    await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
    const port = (busy.address() as AddressInfo).port;
    try {
      const result = await run({ SANDBOX_PORT: String(port) });
      expect(result.code).toBe(1);
      expect(errorLines(result.stderr)).toEqual([expect.stringContaining(`port ${port} is already in use`)]);
    } finally {
      busy.close();
    }
  });

  it('prints a banner and stops cleanly on SIGTERM', async () => {
    let killed = false;
    const result = await run({ SANDBOX_PORT: '0' }, (out, kill) => {
      if (!killed && out.includes('BigCommerce sandbox on http://127.0.0.1:')) {
        killed = true;
        kill();
      }
    });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('stopping');
  });
});
