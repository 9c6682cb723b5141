/** Parent side of bench/sandbox-host.ts: a BigCommerce sandbox in its own process. */
import { fork } from 'node:child_process';
import path from 'node:path';
import type { DesiredHook } from '../functions/domain/hook-plan';
import type { StoreInput } from '../local/sandbox/server';
import { withTimeout } from './common';
import type { RequestSummary, SandboxOp } from './sandbox-host';

export interface RemoteSandbox {
  url: string;
  createStores(stores: StoreInput[]): Promise<void>;
  addHooks(hooks: [storeHash: string, hook: DesiredHook][]): Promise<void>;
  setOrderStatuses(orders: [string, number, number][]): Promise<void>;
  /** Position in the request log; pass it to requestsSince. */
  mark(): Promise<number>;
  requestsSince(mark: number): Promise<RequestSummary>;
  hooks(storeHash: string): Promise<unknown[]>;
  stop(): Promise<void>;
}

type Reply = { id: number; result?: unknown; error?: string };

/** `latencyMs`: added to every API answer (150 measures as a real store answers from AWS). */
export async function startRemoteSandbox(options: { latencyMs?: number } = {}): Promise<RemoteSandbox> {
  const child = fork(path.join(__dirname, 'sandbox-host.ts'), [], {
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    env: {
      ...process.env,
      NODE_OPTIONS: '--no-warnings',
      SANDBOX_LATENCY_MS: String(options.latencyMs ?? 0),
    },
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  child.on('message', (reply: Reply) => {
    const waiter = pending.get(reply.id);
    if (!waiter) return;
    pending.delete(reply.id);
    if (reply.error !== undefined) waiter.reject(new Error(`sandbox: ${reply.error}`));
    else waiter.resolve(reply.result);
  });
  child.once('exit', (code) => {
    for (const w of pending.values()) w.reject(new Error(`sandbox process exited (${code})`));
    pending.clear();
  });
  const wait = (id: number, what: string, timeoutMs: number) =>
    withTimeout(
      new Promise<unknown>((resolve, reject) => pending.set(id, { resolve, reject })),
      timeoutMs,
      what,
    );

  let nextId = 1;
  const call = (message: SandboxOp, timeoutMs = 60_000) => {
    const id = nextId++;
    const answer = wait(id, `sandbox ${message.op}`, timeoutMs);
    child.send({ ...message, id });
    return answer;
  };
  const stop = async () => {
    if (child.connected) child.send({ op: 'stop', id: -1 });
    await withTimeout(exited, 10_000, 'stopping the sandbox').catch(() => {
      if (child.exitCode === null) child.kill('SIGKILL');
    });
  };

  let url: string;
  try {
    ({ url } = (await wait(0, 'starting the sandbox', 30_000)) as { url: string });
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    url,
    createStores: async (stores) => void (await call({ op: 'createStores', stores })),
    addHooks: async (hooks) => void (await call({ op: 'addHooks', hooks })),
    setOrderStatuses: async (orders) => void (await call({ op: 'setOrderStatuses', orders })),
    mark: async () => (await call({ op: 'mark' })) as number,
    requestsSince: async (mark) => (await call({ op: 'requestsSince', mark })) as RequestSummary,
    hooks: async (storeHash) => (await call({ op: 'hooks', storeHash })) as unknown[],
    stop,
  };
}
