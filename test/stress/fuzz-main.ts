/**
 * `npm run test:fuzz [-- --requests 10000] [--seed N] [--concurrency 16]`
 *
 * Generated requests against webhook-ingest and the admin routes (docs/stress.md). Prints a summary and
 * the first failures; exit code 1 on any crash, 5xx, state change for a rejected request, unexpected
 * status, unclear rejection or secret in an answer.
 */
import { runFuzz } from './fuzz/runner';
import { DEFAULT_CONCURRENCY, failureCount, formatSummary } from './fuzz/summary';
import { startStandIns } from './stand-ins';

const USAGE = `usage: npm run test:fuzz [-- --requests N] [--seed N] [--concurrency N]

  --requests N      generated requests (default 10000)
  --seed N          fast-check seed (default 1)
  --concurrency N   requests in flight at once (default ${DEFAULT_CONCURRENCY})`;

const OPTIONS = { '--requests': 'requests', '--seed': 'seed', '--concurrency': 'concurrency' } as const;
type Args = Record<(typeof OPTIONS)[keyof typeof OPTIONS], number>;

function parseArgs(argv: string[]): Args | undefined {
  const args: Args = { requests: 10_000, seed: 1, concurrency: DEFAULT_CONCURRENCY };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const [name, inline] = arg.includes('=')
      ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)]
      : [arg, undefined];
    if (name === '--help' || name === '-h') return undefined;
    if (!Object.hasOwn(OPTIONS, name)) throw new Error(`unknown argument "${arg}"`);
    const value = inline ?? argv[++i];
    if (value === undefined || !/^\d+$/.test(value) || Number(value) < 1)
      throw new Error(`${name} must be a positive integer`);
    args[OPTIONS[name as keyof typeof OPTIONS]] = Number(value);
  }
  return args;
}

async function main(): Promise<number> {
  let args: ReturnType<typeof parseArgs>;
  try {
    args = parseArgs(process.argv.slice(2));
  } catch (error) {
    console.error(`test:fuzz: ${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (!args) {
    console.log(USAGE);
    return 0;
  }
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
  process.env.POWERTOOLS_METRICS_DISABLED = 'true';
  const standIns = await startStandIns();
  let summary;
  try {
    summary = await runFuzz({ ...args, standIns, log: (line) => process.stderr.write(`${line}\n`) });
  } finally {
    await standIns.stop();
  }
  console.log(`\nFuzzing: ${args.requests} requests, seed ${args.seed}, ${args.concurrency} in flight\n`);
  console.log(formatSummary(summary));
  if (failureCount(summary) > 0) {
    console.log('\nFailures (first 50):');
    for (const f of summary.failures) console.log(`  - ${f}`);
    console.log('\nFAILED');
    return 1;
  }
  console.log(
    '\nOK: 0 crashes, 0 5xx, 0 state changes for rejected input, every rejection a clear 4xx, no secret in answers or logs',
  );
  return 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  },
);
