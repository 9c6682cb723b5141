import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { isLoopbackHost, onLoopbackOnly } from '../../local/loopback';

const close = (server: Server) => new Promise((resolve) => server.close(resolve));

describe('onLoopbackOnly', () => {
  test.each([
    [
      'an options object naming 0.0.0.0 (what fauxqs passes)',
      (s: Server, done: () => void) => s.listen({ port: 0, host: '0.0.0.0' }, done),
    ],
    ['a port and 0.0.0.0', (s: Server, done: () => void) => s.listen(0, '0.0.0.0', done)],
    ['a port alone (all interfaces by default)', (s: Server, done: () => void) => s.listen(0, done)],
  ])('a server started with %s listens on 127.0.0.1', async (_name, listen) => {
    const server = await onLoopbackOnly(
      () =>
        new Promise<Server>((resolve) => {
          const s = createServer();
          listen(s, () => resolve(s));
        }),
    );
    expect((server.address() as AddressInfo).address).toBe('127.0.0.1');
    await close(server);
  });

  test('servers opened afterwards are not affected', async () => {
    await onLoopbackOnly(async () => undefined);
    const server = createServer();
    await new Promise<void>((resolve) => server.listen({ port: 0, host: '0.0.0.0' }, resolve));
    expect((server.address() as AddressInfo).address).toBe('0.0.0.0');
    await close(server);
  });
});

test('isLoopbackHost wants a loopback name with the port', () => {
  expect(isLoopbackHost('127.0.0.1:3000', 3000)).toBe(true);
  expect(isLoopbackHost('[::1]:3000', 3000)).toBe(true);
  expect(isLoopbackHost('localhost:3000', 3001)).toBe(false);
  expect(isLoopbackHost(undefined, 3000)).toBe(false);
});
