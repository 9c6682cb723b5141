import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { httpCall } from './http-call';
import type { Rng } from './rng';

/**
 * The public face of the webhook route during a fault run: WEBHOOK_BASE_URL points here, so the hooks
 * hook-manager creates in the sandbox deliver through this relay to whichever local stack is running
 * now (the worker-kill scenario restarts the stack on a new port). On the way it can hold each delivery
 * for a random time (reordering), send extra copies (duplicates), and it logs every answer: the ledger's
 * list of accepted webhooks is the set of `webhook-id`s that were answered 2xx here.
 */
export interface RelayLogEntry {
  webhookId: string;
  scope: string;
  orderId: number | undefined;
  /** 0: the sandbox's own attempt; 1, 2…: extra copies; 'replay': re-POSTed from the sandbox record. */
  copy: number | 'replay';
  /** The path it was POSTed to (names the channel). */
  path: string;
  /** The body as forwarded (an unsigned delivery's event id is derived from it). */
  body: string;
  /** When the relay began forwarding it (after any hold). */
  forwardedAt: number;
  status?: number;
  error?: string;
  at: number;
}

export interface RelaySettings {
  /** Hold each delivery a random time in [0, holdMaxMs] before forwarding (reorders deliveries). */
  holdMaxMs: number;
  /**
   * The first delivery for this order id is held twice `holdMaxMs` (plus 200 ms), so the order's later
   * status changes overtake it: one reordering that does not depend on chance.
   */
  forceReorderOrderId?: number;
  /** Extra copies of each delivery, sent concurrently after a random wait in [0, copyDelayMaxMs]. */
  extraCopies: number;
  copyDelayMaxMs: number;
}

export interface WebhookRelay {
  url: string;
  log: RelayLogEntry[];
  settings: RelaySettings;
  /** Where deliveries go now (the stack's base URL), or undefined while it is down (answers 502). */
  setTarget(url: string | undefined): void;
  /** POSTs a recorded delivery again through the relay (same headers and body, as signed). */
  replay(path: string, headers: Record<string, string>, body: string): Promise<number | undefined>;
  /** True while no delivery or copy is held or in flight. */
  idle(): boolean;
  stop(): Promise<void>;
}

const HOP_HEADERS = new Set(['host', 'connection', 'content-length', 'keep-alive', 'transfer-encoding']);

function describe(headers: Record<string, string>, body: string) {
  let scope = '';
  let orderId: number | undefined;
  try {
    const parsed = JSON.parse(body) as { scope?: unknown; data?: { id?: unknown } };
    if (typeof parsed.scope === 'string') scope = parsed.scope;
    if (typeof parsed.data?.id === 'number') orderId = parsed.data.id;
  } catch {
    // not JSON: logged with an empty scope
  }
  const id = Object.entries(headers).find(([k]) => k.toLowerCase() === 'webhook-id')?.[1] ?? '';
  return { webhookId: id, scope, orderId };
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export async function startWebhookRelay(options: {
  rng: Rng;
  settings?: Partial<RelaySettings>;
}): Promise<WebhookRelay> {
  const { rng } = options;
  const settings: RelaySettings = { holdMaxMs: 0, extraCopies: 0, copyDelayMaxMs: 0, ...options.settings };
  const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
  const log: RelayLogEntry[] = [];
  let target: string | undefined;
  let busy = 0;

  const urlOptions = (url: URL) => ({
    host: url.hostname,
    port: url.port,
    path: `${url.pathname}${url.search}`,
  });
  const forward = (path: string, headers: Record<string, string>, body: string) =>
    target
      ? httpCall(
          {
            ...urlOptions(new URL(path, target)),
            method: 'POST',
            agent,
            headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) },
          },
          body,
        )
      : Promise.reject(new Error('stack down'));

  const send = async (
    path: string,
    headers: Record<string, string>,
    body: string,
    copy: RelayLogEntry['copy'],
  ): Promise<{ status: number; body: string } | undefined> => {
    busy++;
    const entry: RelayLogEntry = {
      ...describe(headers, body),
      path,
      body,
      copy,
      forwardedAt: Date.now(),
      at: Date.now(),
    };
    try {
      const answer = await forward(path, headers, body);
      entry.status = answer.status;
      return answer;
    } catch (error) {
      entry.error = error instanceof Error ? error.message : String(error);
      return undefined;
    } finally {
      entry.at = Date.now();
      log.push(entry);
      busy--;
    }
  };

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('error', () => res.destroy());
    req.on('end', () => {
      busy++;
      void (async () => {
        const body = Buffer.concat(chunks).toString('utf8');
        const headers: Record<string, string> = {};
        for (const [name, value] of Object.entries(req.headers))
          if (!HOP_HEADERS.has(name) && typeof value === 'string') headers[name] = value;
        const path = req.url ?? '/';
        if (settings.holdMaxMs > 0) {
          const forced =
            settings.forceReorderOrderId !== undefined &&
            describe(headers, body).orderId === settings.forceReorderOrderId;
          if (forced) settings.forceReorderOrderId = undefined;
          await sleep(forced ? 2 * settings.holdMaxMs + 200 : rng.int(0, settings.holdMaxMs));
        }
        for (let copy = 1; copy <= settings.extraCopies; copy++) {
          busy++;
          void sleep(rng.int(0, settings.copyDelayMaxMs))
            .then(() => send(path, headers, body, copy))
            .finally(() => busy--);
        }
        const answer = await send(path, headers, body, 0);
        if (answer) res.writeHead(answer.status, { 'content-type': 'application/json' }).end(answer.body);
        else
          res
            .writeHead(502, { 'content-type': 'application/json' })
            .end('{"errors":[{"message":"stack down"}]}');
      })().finally(() => busy--);
    });
  });
  server.on('clientError', (_error, socket) => socket.destroy());
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });

  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    log,
    settings,
    setTarget: (url) => {
      target = url;
    },
    replay: async (path, headers, body) => {
      const clean: Record<string, string> = {};
      for (const [name, value] of Object.entries(headers))
        if (!HOP_HEADERS.has(name.toLowerCase())) clean[name] = value;
      return (await send(path, clean, body, 'replay'))?.status;
    },
    idle: () => busy === 0,
    stop: () =>
      new Promise<void>((resolve) => {
        agent.destroy();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
