/**
 * `npm run bench [-- --quick] [-- --only <group>[,<group>]] [-- --markdown]`
 * One JSON line per figure on stdout (docs/contract.md section 9), then a readable table. Progress goes to stderr.
 * Exits 0 whether or not targets are met; non-zero only when a group crashed.
 */
import './esm-interop';
import os from 'node:os';
import { withTimeout, type GroupContext, type GroupResult } from './common';
import {
  assembleReport,
  formatChart,
  formatMarkdown,
  formatTable,
  jsonLine,
  parseArgs,
  type Figure,
  type Skipped,
} from './report';
import { EXPECTED_FIGURES } from './targets';

type Group = (ctx: GroupContext) => Promise<GroupResult>;

/**
 * Loaded lazily so a group's imports (functions still being written) cannot break the others. Run in
 * this order: `cost` reads what `ingest-cpu` and `worker` measured (GroupContext.facts), so it is last.
 * Targets are not here: bench/targets.ts.
 */
const GROUPS: Record<string, () => Promise<Group>> = {
  bundles: async () => (await import('./bundles')).runBundles,
  ingest: async () => (await import('./ingest')).runIngest,
  'ingest-cpu': async () => (await import('./ingest-cpu')).runIngestCpu,
  worker: async () => (await import('./worker')).runWorker,
  deferral: async () => (await import('./deferral')).runDeferral,
  hooks: async () => (await import('./hooks')).runHooks,
  fulfillment: async () => (await import('./fulfillment')).runFulfillment,
  cost: async () => (await import('./cost-figure')).runCost,
};

async function main(): Promise<number> {
  const args = parseArgs(process.argv.slice(2), Object.keys(GROUPS));
  const started = Date.now();
  const loadAtStart = os.loadavg()[0]!;
  // Generous: a shared machine under heavy load runs the quick bundles group for several minutes.
  const groupTimeoutMs = (args.quick ? 10 : 30) * 60_000;
  const ctx: GroupContext = {
    quick: args.quick,
    facts: {},
    log: (message) =>
      process.stderr.write(`[bench ${((Date.now() - started) / 1000).toFixed(1)}s] ${message}\n`),
  };
  const figures: Figure[] = [];
  const skipped: Skipped[] = [];
  const crashed: string[] = [];
  for (const name of args.only ?? Object.keys(GROUPS)) {
    ctx.log(`${name}: start${args.quick ? ' (quick)' : ''}`);
    try {
      // A hung group is reported as crashed; process.exit at the end takes its children with it.
      const result = await withTimeout((await GROUPS[name]!())(ctx), groupTimeoutMs, `bench group ${name}`);
      figures.push(...result.figures);
      skipped.push(...result.skipped);
    } catch (error) {
      crashed.push(name);
      process.stderr.write(
        `bench group ${name} crashed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
      );
    }
  }
  // A full run lists every expected figure; one that no group produced is "not measured" (a fail).
  const rows = assembleReport(figures, EXPECTED_FIGURES, args.only === undefined);
  for (const f of rows) process.stdout.write(jsonLine(f) + '\n');
  for (const s of skipped) process.stdout.write(`skipped: ${s.group}: ${s.reason}\n`);
  process.stdout.write('\n' + formatTable(rows, skipped) + '\n');
  process.stdout.write('\n' + formatChart(rows) + '\n');
  if (args.markdown) process.stdout.write('\n' + formatMarkdown(rows) + '\n');
  const cpus = os.cpus();
  process.stdout.write(
    `\n${args.quick ? 'quick' : 'full'} run: ${((Date.now() - started) / 1000).toFixed(1)} s on Node ${process.version}, ` +
      `${cpus.length} × ${cpus[0]?.model.trim() ?? 'unknown CPU'}, load average ${loadAtStart.toFixed(2)} at start, ` +
      `${os.loadavg()[0]!.toFixed(2)} at end` +
      (crashed.length ? `; CRASHED: ${crashed.join(', ')}` : '') +
      '\n',
  );
  return crashed.length ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`bench: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(2);
  },
);
