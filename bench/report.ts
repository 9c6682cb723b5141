/**
 * Pure helpers of the benchmark report: statistics, targets, the JSON lines and the table.
 * No I/O here, so test/bench/report.test.ts can pin the format (docs/contract.md section 9).
 */

/** A figure's target; `on` says whether the value or the ratio against the baseline is judged. */
export interface Target {
  on: 'value' | 'ratio';
  op: '<=' | '<' | '==';
  limit: number;
}

export interface Figure {
  name: string;
  value: number;
  unit: string;
  /** Measured side by side in the same run; absent when the figure has no baseline. */
  baseline?: number;
  /** value / baseline (or the ratio the figure is about, e.g. of medians). */
  ratio?: number;
  target?: Target;
  /** Context for the table only (concurrency, scaling, sample size); never in the JSON line. */
  note?: string;
}

export interface Skipped {
  group: string;
  reason: string;
}

export type Verdict = 'pass' | 'fail' | '-';

const sortedCopy = (values: readonly number[]) => [...values].sort((a, b) => a - b);

function assertSamples(values: readonly number[], what: string): void {
  if (values.length === 0) throw new Error(`${what} of no samples`);
  if (values.some((v) => !Number.isFinite(v))) throw new Error(`${what} of a non-finite sample`);
}

/** Median; the mean of the two middle samples for an even count. */
export function median(values: readonly number[]): number {
  assertSamples(values, 'median');
  const s = sortedCopy(values);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/**
 * Nearest-rank percentile (p in (0, 100]): the smallest sample with at least p % of samples at or
 * below it. It is always an observed latency, never an interpolation between two.
 */
export function percentile(values: readonly number[], p: number): number {
  assertSamples(values, 'percentile');
  if (!(p > 0 && p <= 100)) throw new Error(`percentile must be in (0, 100], got ${p}`);
  const s = sortedCopy(values);
  const rank = Math.ceil((p / 100) * s.length);
  return s[Math.max(0, rank - 1)]!;
}

/** value / baseline; throws on a baseline that is not a positive number (a broken measurement). */
export function ratio(value: number, baseline: number): number {
  if (!(baseline > 0) || !Number.isFinite(baseline)) throw new Error(`baseline must be > 0, got ${baseline}`);
  return value / baseline;
}

/** Rounds to `digits` significant decimals without turning integers into floats. */
export function round(value: number, digits = 3): number {
  if (Number.isInteger(value)) return value;
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

/** One line per figure, always the same five keys in the same order (null where there is no baseline). */
export function jsonLine(figure: Figure): string {
  return JSON.stringify({
    name: figure.name,
    value: round(figure.value),
    unit: figure.unit,
    baseline: figure.baseline === undefined ? null : round(figure.baseline),
    ratio: figure.ratio === undefined ? null : round(figure.ratio),
  });
}

export function verdict(figure: Figure): Verdict {
  const t = figure.target;
  if (!t) return '-';
  const subject = t.on === 'ratio' ? figure.ratio : figure.value;
  if (subject === undefined || !Number.isFinite(subject)) return 'fail';
  // Judge the figure as it is printed, so a rounded 1.150 never fails a "≤ 1.15".
  const x = round(subject);
  switch (t.op) {
    case '<=':
      return x <= t.limit ? 'pass' : 'fail';
    case '<':
      return x < t.limit ? 'pass' : 'fail';
    case '==':
      return x === t.limit ? 'pass' : 'fail';
  }
}

export function describeTarget(target: Target | undefined, unit: string): string {
  if (!target) return '';
  const op = { '<=': '≤', '<': '<', '==': '=' }[target.op];
  return target.on === 'ratio' ? `ratio ${op} ${target.limit}` : `${op} ${target.limit} ${unit}`.trim();
}

/** Human formatting for the table: integers with thousands separators, others to 3 decimals. */
export function formatNumber(value: number | undefined): string {
  if (value === undefined) return '';
  if (!Number.isFinite(value)) return String(value);
  const r = round(value);
  return Number.isInteger(r)
    ? r.toLocaleString('en-US')
    : r.toLocaleString('en-US', { minimumFractionDigits: 0, maximumFractionDigits: 3 });
}

const COLUMNS = ['figure', 'value', 'unit', 'baseline', 'ratio', 'target', 'result', 'note'] as const;
const RIGHT_ALIGNED = new Set<string>(['value', 'baseline', 'ratio']);

/** A plain-text table of every figure, then one line per skipped group. */
export function formatTable(figures: readonly Figure[], skipped: readonly Skipped[] = []): string {
  const rows = figures.map((f) => [
    f.name,
    formatNumber(f.value),
    f.unit,
    formatNumber(f.baseline),
    formatNumber(f.ratio),
    describeTarget(f.target, f.unit),
    verdict(f),
    f.note ?? '',
  ]);
  const widths = COLUMNS.map((c, i) => Math.max(c.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, i) =>
        RIGHT_ALIGNED.has(COLUMNS[i]!) ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!),
      )
      .join('  ')
      .trimEnd();
  const out = [line(COLUMNS), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)];
  for (const s of skipped) out.push(`skipped: ${s.group}: ${s.reason}`);
  const judged = figures.filter((f) => f.target);
  const failed = judged.filter((f) => verdict(f) === 'fail');
  out.push(
    `targets: ${judged.length - failed.length}/${judged.length} met` +
      (failed.length ? ` (missed: ${failed.map((f) => f.name).join(', ')})` : ''),
  );
  return out.join('\n');
}

/** The same table as Markdown, for docs/benchmarks.md. */
export function formatMarkdown(figures: readonly Figure[]): string {
  const esc = (s: string) => s.replace(/\|/g, '\\|');
  const head = `| ${COLUMNS.join(' | ')} |`;
  const sep = `| ${COLUMNS.map((c) => (RIGHT_ALIGNED.has(c) ? '--:' : '---')).join(' | ')} |`;
  const rows = figures.map(
    (f) =>
      `| ${[
        `\`${f.name}\``,
        formatNumber(f.value),
        f.unit,
        formatNumber(f.baseline),
        formatNumber(f.ratio),
        describeTarget(f.target, f.unit),
        verdict(f),
        f.note ?? '',
      ]
        .map(esc)
        .join(' | ')} |`,
  );
  return [head, sep, ...rows].join('\n');
}

export interface BenchArgs {
  quick: boolean;
  only: string[] | undefined;
  markdown: boolean;
}

/** `--quick`, `--only <group>[,<group>]` (repeatable, also `--only=…`), `--markdown`. */
export function parseArgs(argv: readonly string[], groups: readonly string[]): BenchArgs {
  const args: BenchArgs = { quick: false, only: undefined, markdown: false };
  const addOnly = (value: string | undefined) => {
    if (!value) throw new Error(`--only needs a group: ${groups.join(', ')}`);
    for (const g of value.split(',').map((s) => s.trim())) {
      if (!groups.includes(g)) throw new Error(`unknown group "${g}"; groups: ${groups.join(', ')}`);
      (args.only ??= []).push(g);
    }
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--quick') args.quick = true;
    else if (a === '--markdown') args.markdown = true;
    else if (a === '--only') addOnly(argv[++i]);
    else if (a.startsWith('--only=')) addOnly(a.slice('--only='.length));
    else throw new Error(`unknown argument "${a}"; use --quick, --only <group>, --markdown`);
  }
  return args;
}

/**
 * Runs `tasks` with at most `concurrency` in flight and collects the results in input order.
 * A failing task rejects the whole run (after the tasks already started have settled).
 */
export async function pool<T>(
  count: number,
  concurrency: number,
  task: (index: number) => Promise<T>,
): Promise<T[]> {
  if (!(concurrency >= 1)) throw new Error(`concurrency must be ≥ 1, got ${concurrency}`);
  const results = new Array<T>(count);
  let next = 0;
  let failure: { error: unknown } | undefined;
  const lane = async () => {
    while (!failure && next < count) {
      const i = next++;
      try {
        results[i] = await task(i);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, lane));
  if (failure) throw failure.error;
  return results;
}
