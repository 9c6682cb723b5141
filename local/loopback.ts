import { Server } from 'node:net';

/**
 * The local runtime is reachable from this machine only (docs/contract.md section 15): every stand-in listens
 * on 127.0.0.1, and the gateway answers only requests addressed to a loopback name, so a web page
 * cannot drive the admin routes through DNS rebinding (its requests carry the attacker's host name).
 */
export const LOOPBACK_ADDRESS = '127.0.0.1';

const LOOPBACK_NAMES = ['127.0.0.1', 'localhost', '[::1]'];

/** `Host` must be a loopback name with the port the gateway listens on (browsers always send both). */
export function isLoopbackHost(host: string | undefined, port: number): boolean {
  if (host === undefined) return false;
  return LOOPBACK_NAMES.some((name) => host.toLowerCase() === `${name}:${port}`);
}

type Listen = Server['listen'];

/**
 * Runs `start` with every server it opens forced onto 127.0.0.1, for libraries that ignore their host
 * option (fauxqs 2.x always listens on 0.0.0.0). While `start` runs, any other server this process
 * opens is forced onto loopback too, which only ever narrows it. Throws if anything ended up elsewhere.
 */
export async function onLoopbackOnly<T>(start: () => Promise<T>): Promise<T> {
  const original = Server.prototype.listen;
  const opened: Server[] = [];
  const forced = function (this: Server, ...args: unknown[]) {
    opened.push(this);
    const [first] = args;
    if (first !== null && typeof first === 'object' && !('path' in first && first.path))
      args[0] = { ...first, host: LOOPBACK_ADDRESS };
    else if (typeof first === 'number' || (typeof first === 'string' && /^\d+$/.test(first))) {
      if (typeof args[1] === 'string') args[1] = LOOPBACK_ADDRESS;
      else args.splice(1, 0, LOOPBACK_ADDRESS);
    }
    return (original as (...a: unknown[]) => Server).apply(this, args);
  } as Listen;
  Server.prototype.listen = forced;
  let value: T;
  try {
    value = await start();
  } finally {
    Server.prototype.listen = original;
  }
  for (const server of opened) {
    const address = server.address();
    if (address !== null && typeof address === 'object' && address.address !== LOOPBACK_ADDRESS)
      throw new Error(`a stand-in listens on ${address.address}, not ${LOOPBACK_ADDRESS}`);
  }
  return value;
}
