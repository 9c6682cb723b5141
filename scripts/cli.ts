/** What the operator scripts (dlq, reconcile) share: usage errors, a progress bar, the process entry. */
export class UsageError extends Error {
  override name = 'UsageError';
}

export interface ProgressStream {
  write(chunk: string): unknown;
  isTTY?: boolean;
}

/** `[####----]`: `done` of `total` as a bar of `width` cells (full when there is nothing to do). */
export const bar = (done: number, total: number, width: number) => {
  const filled = total === 0 ? width : Math.round((Math.min(done, total) / total) * width);
  return `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}]`;
};

export interface ScriptIo {
  stdout: (line: string) => void;
  stderr: ProgressStream;
}

/**
 * Runs a script's `main` and maps its outcome to an exit code: its own code, 2 for a usage error (with the
 * usage text), 1 for anything else (the message only: messages never carry a credential). `--help` or
 * `-h` anywhere in `argv` prints the usage and runs nothing (exit 0), whatever else is there.
 */
export async function runScript(
  name: string,
  usage: string,
  io: ScriptIo,
  argv: readonly string[],
  main: () => Promise<number>,
): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    io.stdout(usage);
    return 0;
  }
  try {
    return await main();
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr.write(`${name}: ${error.message}\n\n${usage}\n`);
      return 2;
    }
    io.stderr.write(`${name}: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
}

/** The process entry: real stdout/stderr, exit code from `main`. */
export function startScript(
  main: (argv: readonly string[], env: Record<string, string | undefined>, io: ScriptIo) => Promise<number>,
): void {
  void main(process.argv.slice(2), process.env, {
    stdout: (line) => console.log(line),
    stderr: process.stderr,
  }).then((code) => {
    process.exitCode = code;
  });
}
