/**
 * The BigCommerce sandbox (local/sandbox/server.ts) in its own process, rate limits off, optionally
 * answering after SANDBOX_LATENCY_MS, so its CPU is
 * not the measured process's (BigCommerce is remote in production). The parent (bench/sandbox.ts)
 * drives it over the IPC channel of `fork`: bulk store/order setup and counts of API requests.
 */
import type { DesiredHook } from '../functions/domain/hook-plan';
import { startSandbox, type Sandbox, type StoreInput } from '../local/sandbox/server';

export type SandboxOp =
  | { op: 'createStores'; stores: StoreInput[] }
  /** Hooks created as `POST /v3/hooks` would, in-process (no HTTP, no latency): for seeding. */
  | { op: 'addHooks'; hooks: [storeHash: string, hook: DesiredHook][] }
  | { op: 'setOrderStatuses'; orders: [storeHash: string, orderId: number, statusId: number][] }
  | { op: 'mark' }
  | { op: 'requestsSince'; mark: number }
  | { op: 'hooks'; storeHash: string }
  | { op: 'stop' };

export interface RequestSummary {
  total: number;
  /** `METHOD /v3/hooks` style keys (store hash and ids stripped) → count. */
  byRoute: Record<string, number>;
  /** Answers other than 2xx, by status. */
  errors: Record<string, number>;
}

const route = (method: string, path: string) =>
  `${method} ${path.replace(/^\/stores\/[^/]+/, '').replace(/\/\d+(?=\/|$)/g, '/{id}')}`;

let sandbox: Sandbox | undefined;

async function handle(message: SandboxOp & { id: number }): Promise<unknown> {
  const sb = sandbox;
  if (!sb) throw new Error('sandbox not started');
  switch (message.op) {
    case 'createStores':
      for (const s of message.stores) sb.createStore(s);
      return message.stores.length;
    case 'addHooks':
      for (const [storeHash, hook] of message.hooks) {
        const answer = sb.api(storeHash, 'POST', '/v3/hooks', { ...hook, is_active: true });
        if (answer.status !== 200) throw new Error(`adding a hook to ${storeHash} answered ${answer.status}`);
      }
      return message.hooks.length;
    case 'setOrderStatuses':
      for (const [storeHash, orderId, statusId] of message.orders)
        sb.setOrderStatus(storeHash, orderId, statusId);
      return message.orders.length;
    case 'mark':
      return sb.requests.length;
    case 'requestsSince': {
      const summary: RequestSummary = { total: 0, byRoute: {}, errors: {} };
      for (const r of sb.requests.slice(message.mark)) {
        summary.total++;
        const key = route(r.method, r.path);
        summary.byRoute[key] = (summary.byRoute[key] ?? 0) + 1;
        if (r.status < 200 || r.status > 299) summary.errors[r.status] = (summary.errors[r.status] ?? 0) + 1;
      }
      return summary;
    }
    case 'hooks':
      return sb.hooks(message.storeHash);
    case 'stop':
      await sb.stop();
      process.exit(0);
  }
}

process.on('message', (message: SandboxOp & { id: number }) => {
  handle(message).then(
    (result) => process.send?.({ id: message.id, result }),
    (error: unknown) =>
      process.send?.({ id: message.id, error: error instanceof Error ? error.message : String(error) }),
  );
});
process.on('disconnect', () => process.exit(0));

// SANDBOX_LATENCY_MS (the parent sets it): every API answer waits this long, as a store does from AWS.
const latencyMs = Number(process.env.SANDBOX_LATENCY_MS ?? 0);
startSandbox({ port: 0, host: '127.0.0.1', rateLimit: false, timeScale: 0.001, latencyMs }).then(
  (sb) => {
    sandbox = sb;
    process.send?.({ id: 0, result: { url: sb.url } });
  },
  (error: unknown) => {
    process.send?.({ id: 0, error: String(error) });
    process.exit(1);
  },
);
