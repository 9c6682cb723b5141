import { spawn } from 'node:child_process';
import { join } from 'node:path';
import type { LocalStack } from '../../local/stack';
import { startTestStack, stopTestStack } from '../support/local-stack';

/** `npm run demo` (scripts/demo.ts) against a local stack: it must reach its expected outcome. */

const root = join(__dirname, '..', '..');
let stack: LocalStack;

beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(() => stopTestStack(stack));

function runDemo(args: string[]): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(join(root, 'node_modules', '.bin', 'tsx'), ['scripts/demo.ts', ...args], {
      cwd: root,
    });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (out += c.toString()));
    child.on('exit', (code) => resolve({ code, out }));
  });
}

test('the demo cancels the selected order, leaves the other one alone and fulfils one with tracking', async () => {
  const { code, out } = await runDemo([
    '--api',
    stack.url,
    '--sandbox',
    stack.sandboxUrl!,
    '--timeout',
    '20',
  ]);
  expect(out).toMatch(/status: Cancelled/);
  expect(out).toMatch(/cancelled\s+\(Awaiting Shipment → Cancelled\)/);
  expect(out).toMatch(/status_not_configured\s+\(On Hold → On Hold\)/);
  expect(out).toMatch(/fulfilled\s+\(On Hold → Shipped\)/);
  expect(out).toMatch(/shipment \d+: ups 1Z[0-9A-F]{12}/);
  expect(code).toBe(0);
});

test('the demo fails with exit code 1 and says why when the stack is not there', async () => {
  const { code, out } = await runDemo([
    '--api',
    'http://127.0.0.1:9',
    '--sandbox',
    'http://127.0.0.1:9',
    '--timeout',
    '1',
  ]);
  expect(code).toBe(1);
  expect(out).toContain('is `npm start` running?');
});
