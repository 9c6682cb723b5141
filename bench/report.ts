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
  /** Expected (bench/targets.ts) but no module produced it: printed as such, judged a fail. */
  notMeasured?: true;
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
    value: figure.notMeasured ? null : round(figure.value),
    unit: figure.unit,
    baseline: figure.baseline === undefined ? null : round(figure.baseline),
    ratio: figure.ratio === undefined ? null : round(figure.ratio),
  });
}

export function verdict(figure: Figure): Verdict {
  if (figure.notMeasured) return 'fail';
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

const valueCell = (f: Figure) => (f.notMeasured ? 'not measured' : formatNumber(f.value));

/** A figure's cells in COLUMNS order; `name` is how the table shows the figure's name. */
const cellsOf = (f: Figure, name = f.name) => [
  name,
  valueCell(f),
  f.unit,
  formatNumber(f.baseline),
  formatNumber(f.ratio),
  describeTarget(f.target, f.unit),
  verdict(f),
  f.note ?? '',
];

const COLUMNS = ['figure', 'value', 'unit', 'baseline', 'ratio', 'target', 'result', 'note'] as const;
const RIGHT_ALIGNED = new Set<string>(['value', 'baseline', 'ratio']);

/** A plain-text table of every figure, then one line per skipped group. */
export function formatTable(figures: readonly Figure[], skipped: readonly Skipped[] = []): string {
  const rows = figures.map((f) => cellsOf(f));
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
  const judged = figures.filter((f) => f.target || f.notMeasured);
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
  const rows = figures.map((f) => `| ${cellsOf(f, `\`${f.name}\``).map(esc).join(' | ')} |`);
  return [head, sep, ...rows].join('\n');
}

/** The expected figures as bench/targets.ts lists them (name, unit, target). */
export interface Expectation {
  name: string;
  unit: string;
  target?: Target;
}

/**
 * The report's rows: every expected figure in the table's order with the table's target (the one
 * source; a module's own target is overridden), then any figure the table does not know (as measured).
 * `complete` (a full run, not `--only`): an expected figure no module produced is a "not measured" fail.
 */
export function assembleReport(
  produced: readonly Figure[],
  expected: readonly Expectation[],
  complete: boolean,
): Figure[] {
  const byName = new Map(produced.map((f) => [f.name, f]));
  const rows: Figure[] = [];
  for (const e of expected) {
    const figure = byName.get(e.name);
    if (figure) {
      const row: Figure = { ...figure };
      delete row.target;
      if (e.target) row.target = e.target;
      rows.push(row);
    } else if (complete)
      rows.push({ name: e.name, value: Number.NaN, unit: e.unit, target: e.target, notMeasured: true });
  }
  const known = new Set(expected.map((e) => e.name));
  rows.push(...produced.filter((f) => !known.has(f.name)));
  return rows;
}

const CHART_WIDTH = 40;
/** Where the target sits on the bar; a bar longer than this is over the target. */
const CHART_TARGET_AT = 30;

/**
 * A text bar chart of every judged figure against its target: the bar is the judged number as a share
 * of its limit, the target is the `│` at three quarters of the width (longer bars are clipped with `»`).
 */
export function formatChart(figures: readonly Figure[]): string {
  const judged = figures.filter((f) => f.target || f.notMeasured);
  const width = Math.max(0, ...judged.map((f) => f.name.length));
  return judged
    .map((f) => {
      const label = f.name.padEnd(width);
      if (f.notMeasured || !f.target) return `${label}  ${'?'.repeat(CHART_TARGET_AT)}│  not measured  fail`;
      const subject = (f.target.on === 'ratio' ? f.ratio : f.value) ?? Number.NaN;
      const share = f.target.limit > 0 ? subject / f.target.limit : Number.NaN;
      const cells = Number.isFinite(share) ? Math.round(share * CHART_TARGET_AT) : 0;
      const bar = Array.from({ length: CHART_WIDTH }, (_, i) =>
        i === CHART_TARGET_AT ? '│' : i < cells ? '█' : i < CHART_TARGET_AT ? '·' : ' ',
      ).join('');
      const clipped = cells > CHART_WIDTH ? bar.slice(0, -1) + '»' : bar;
      const what = `${formatNumber(subject)} / ${describeTarget(f.target, f.unit)}`;
      return `${label}  ${clipped.trimEnd()}  ${what}  ${verdict(f)}`;
    })
    .join('\n');
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
