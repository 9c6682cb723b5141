/**
 * `npm run test:faults [-- --orders 500] [--scenario NAME[,NAME]] [--seed N] [--parallel K] [--max-age S]`
 *
 * The fault matrix with its ledger (docs/stress.md): each scenario drives N orders through the local
 * stack with the sandbox delivering signed webhooks while one kind of fault is injected (then all
 * together), and prints one table row per scenario. Exit code 1 when any row has lost events, duplicated
 * effects, wrong final statuses or undelivered callbacks, or did not settle.
 */
import { formatTable } from './ledger';
import { SCENARIOS, runScenario, type ScenarioResult, type ScenarioSpec } from './faults';
import { startStandIns } from './stand-ins';
import { captureOutput, FAULTS_LOG_LEVEL, leakedSecrets } from './log-capture';

interface Args {
  orders: number;
  seed: number;
  scenarios: ScenarioSpec[];
  parallel: number;
  quietTimeoutMs: number;
  deferMaxAgeSeconds: number;
}

const USAGE = `usage: npm run test:faults [-- --orders N] [--scenario NAME[,NAME…]] [--seed N] [--parallel K]
                           [--max-age S] [--quiet-timeout S]

  --orders N         orders per scenario (default 500)
  --scenario LIST    only these scenarios (${SCENARIOS.map((s) => s.name).join(', ')})
  --seed N           seed for every random choice (default 1)
  --parallel K       scenarios run at the same time (default 3)
  --max-age S        DEFER_MAX_AGE_SECONDS: orders never processed in OM expire after this (default 20)
  --quiet-timeout S  bound for each wait for the system to go quiet, in seconds (default 240)`;

function parseArgs(argv: string[]): Args | undefined {
  const args: Args = {
    orders: 500,
    seed: 1,
    scenarios: [...SCENARIOS],
    parallel: 3,
    quietTimeoutMs: 240_000,
    deferMaxAgeSeconds: 20,
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const [name, inline] = arg.includes('=')
      ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)]
      : [arg, undefined];
    const value = () => {
      const v = inline ?? argv[++i];
      if (v === undefined) throw new Error(`${name} needs a value`);
      return v;
    };
    const positive = (v: string) => {
      if (!/^\d+$/.test(v) || Number(v) < 1)
        throw new Error(`${name} must be a positive integer (got "${v}")`);
      return Number(v);
    };
    if (name === '--help' || name === '-h') return undefined;
    else if (name === '--orders') args.orders = positive(value());
    else if (name === '--seed') args.seed = positive(value());
    else if (name === '--parallel') args.parallel = positive(value());
    else if (name === '--quiet-timeout') args.quietTimeoutMs = positive(value()) * 1000;
    else if (name === '--max-age') args.deferMaxAgeSeconds = positive(value());
    else if (name === '--scenario') {
      const names = value().split(',');
      args.scenarios = names.map((n) => {
        const spec = SCENARIOS.find((s) => s.name === n);
        if (!spec) throw new Error(`unknown scenario "${n}" (${SCENARIOS.map((s) => s.name).join(', ')})`);
        return spec;
      });
    } else throw new Error(`unknown argument "${arg}"`);
  }
  return args;
}

async function main(): Promise<number> {
  let args: Args | undefined;
  try {
    args = parseArgs(process.argv.slice(2));
  } catch (error) {
    console.error(`test:faults: ${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (!args) {
    console.log(USAGE);
    return 0;
  }
  // Every log line of the matrix is captured and searched for the scenarios' secrets.
  process.env.POWERTOOLS_LOG_LEVEL = FAULTS_LOG_LEVEL;
  process.env.POWERTOOLS_METRICS_DISABLED = 'true';
  const output = captureOutput();
  const secrets: string[] = [];
  const standIns = await startStandIns();
  const results: ScenarioResult[] = [];
  const log = (line: string) => output.print(`${line}\n`);
  try {
    log(`fault matrix: ${args.scenarios.length} scenario(s) × ${args.orders} orders, seed ${args.seed}`);
    const queue = [...args.scenarios];
    await Promise.all(
      Array.from({ length: Math.min(args.parallel, queue.length) }, async () => {
        for (let spec = queue.shift(); spec; spec = queue.shift()) {
          const result = await runScenario(spec, {
            orders: args.orders,
            seed: args.seed,
            standIns,
            quietTimeoutMs: args.quietTimeoutMs,
            deferMaxAgeSeconds: args.deferMaxAgeSeconds,
            log,
            onSecrets: (list) => secrets.push(...list),
          });
          log(
            `[${spec.name}] done in ${result.row.seconds.toFixed(1)} s: lost ${result.row.lost}, duplicated ${result.row.duplicated}, wrong final ${result.row.wrongFinal}`,
          );
          results.push(result);
        }
      }),
    );
  } finally {
    await standIns.stop();
    output.stop();
  }
  const logLeaks = leakedSecrets(output.lines, secrets).length;
  const position = (r: ScenarioResult) => args.scenarios.findIndex((s) => s.name === r.row.scenario);
  results.sort((a, b) => position(a) - position(b));

  console.log(`\nFault matrix: ${args.orders} orders per scenario, seed ${args.seed}\n`);
  console.log(formatTable(results.map((r) => r.row)));
  for (const r of results)
    if (r.otherStores) {
      console.log(
        `\n${r.row.scenario}: unthrottled stores' time-to-effect (BigCommerce cancel → OM Cancelled), dead-lettered across all stores ${r.otherStores.deadLetteredAllStores}`,
      );
      r.otherStores.timings.forEach((t, i) => {
        const c = r.otherStores!.unthrottled[i]!;
        console.log(
          `  ${t.channelId}: ${t.orders} orders next to the throttled store p50 ${t.p50Ms} ms, max ${t.maxMs} ms; ` +
            `${c.orders} afterwards p50 ${c.p50Ms} ms, max ${c.maxMs} ms`,
        );
      });
    }
  console.log(
    `\nsecrets in logs: ${logLeaks} (${output.lines.length} log lines captured at ${FAULTS_LOG_LEVEL}, ${secrets.length} secrets searched)`,
  );
  let failed = logLeaks > 0 || secrets.length === 0;
  for (const r of results) {
    const bad =
      r.row.lost + r.row.duplicated + r.row.wrongFinal + r.row.undelivered > 0 ||
      r.problems.length > 0 ||
      !r.settled;
    if (!bad) continue;
    failed = true;
    console.log(
      `\n${r.row.scenario}: ${r.settled ? '' : 'did not settle in time; '}${r.problems.length} problem(s)`,
    );
    for (const p of r.problems.slice(0, 20)) console.log(`  - ${p}`);
  }
  console.log(
    failed
      ? '\nFAILED: the ledger does not balance, or a secret reached a log (see above)'
      : '\nOK: 0 lost, 0 duplicated, every final status as the gate demands, no secret in any log line',
  );
  return failed ? 1 : 0;
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
