import { createInterface } from 'node:readline';
import { startLocalStack, type LocalStack } from '../../local/stack';
import { createRng } from './rng';
import { localStackOptions, type StackSettings } from './stack-host';
import type { WorkerFaultControl } from './worker-faults';

/**
 * The child side of `childProcessHost` (not a test): starts the local stack with the settings in
 * STRESS_STACK_SETTINGS, prints `{"type":"ready","url":…}`, reports injected worker crashes, and obeys
 * `{"cmd":"set","throwRate":…,"dropRate":…}` / `{"cmd":"stop"}` on stdin. The parent may SIGKILL it at any time.
 */
const emit = (message: Record<string, unknown>) => process.stdout.write(`${JSON.stringify(message)}\n`);

async function main(): Promise<void> {
  const settings = JSON.parse(process.env.STRESS_STACK_SETTINGS ?? '') as StackSettings;
  const control: WorkerFaultControl = {
    throwRate: settings.workerThrowRate,
    dropRate: settings.workerDropRate ?? 0,
    rng: createRng(settings.seed),
    onThrow: () => emit({ type: 'throw' }),
  };
  let stack: LocalStack | undefined;
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await stack?.stop();
    process.exit(0);
  };
  createInterface({ input: process.stdin })
    .on('line', (line) => {
      const command = JSON.parse(line) as { cmd: string; throwRate?: number; dropRate?: number };
      if (command.cmd === 'set') {
        control.throwRate = command.throwRate ?? 0;
        control.dropRate = command.dropRate ?? 0;
      }
      if (command.cmd === 'stop') void stop();
    })
    // The parent went away: do not outlive it.
    .on('close', () => void stop());
  try {
    stack = await startLocalStack(
      localStackOptions(settings, control, { info: () => undefined, error: () => emit({ type: 'error' }) }),
    );
  } catch (error) {
    emit({ type: 'failed', message: error instanceof Error ? error.message : String(error) });
    process.exit(1);
  }
  emit({ type: 'ready', url: stack.url });
}

void main();
