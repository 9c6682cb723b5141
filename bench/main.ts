/**
 * `npm run bench [-- --quick] [-- --only <group>[,<group>]] [-- --markdown]`
 * One JSON line per figure on stdout (DESIGN.md section 9), then a readable table. Progress goes to stderr.
 * Exits 0 whether or not targets are met; non-zero only when a group crashed.
 */
import './esm-interop';
import os from 'node:os';
import { withTimeout, type GroupContext, type GroupResult } from './common';
import { formatMarkdown, formatTable, jsonLine, parseArgs, type Figure, type Skipped } from './report';

type Group = (ctx: GroupContext) => Promise<GroupResult>;

/** Loaded lazily so a group's imports (functions still being written) cannot break the others. */
const GROUPS: Record<string, () => Promise<Group>> = {
  bundles: async () => (await import('./bundles')).runBundles,
  ingest: async () => (await import('./ingest')).runIngest,
  'ingest-cpu': async () => (await import('./ingest-cpu')).runIngestCpu,
  worker: async () => (await import('./worker')).runWorker,
  hooks: async () => (await import('./hooks')).runHooks,
};

async function main(): Promise<number> {
  const args = parseArgs(process.argv.slice(2), Object.keys(GROUPS));
  const started = Date.now();
  const loadAtStart = os.loadavg()[0]!;
  const groupTimeoutMs = (args.quick ? 3 : 30) * 60_000;
  const ctx: GroupContext = {
    quick: args.quick,
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
      for (const f of result.figures) {
        figures.push(f);
        process.stdout.write(jsonLine(f) + '\n');
      }
      for (const s of result.skipped) {
        skipped.push(s);
        process.stdout.write(`skipped: ${s.group}: ${s.reason}\n`);
      }
    } catch (error) {
      crashed.push(name);
      process.stderr.write(
        `bench group ${name} crashed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
      );
    }
  }
  process.stdout.write('\n' + formatTable(figures, skipped) + '\n');
  if (args.markdown) process.stdout.write('\n' + formatMarkdown(figures) + '\n');
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
