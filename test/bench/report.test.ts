import {
  describeTarget,
  formatMarkdown,
  formatNumber,
  formatTable,
  jsonLine,
  median,
  parseArgs,
  percentile,
  pool,
  ratio,
  round,
  verdict,
  type Figure,
} from '../../bench/report';

describe('median', () => {
  it.each([
    [[5], 5],
    [[3, 1, 2], 2],
    [[4, 1, 3, 2], 2.5],
    [[10, 10, 10, 1000], 10],
  ])('of %j is %d', (values, expected) => {
    expect(median(values)).toBe(expected);
  });

  it('does not reorder its input', () => {
    const values = [3, 1, 2];
    median(values);
    expect(values).toEqual([3, 1, 2]);
  });

  it('rejects no samples and non-finite samples', () => {
    expect(() => median([])).toThrow('no samples');
    expect(() => median([1, Number.NaN])).toThrow('non-finite');
  });
});

describe('percentile (nearest rank)', () => {
  const hundred = Array.from({ length: 100 }, (_, i) => 100 - i); // 100..1, unsorted on purpose

  it.each([
    [50, 50],
    [99, 99],
    [100, 100],
    [1, 1],
    [0.5, 1],
  ])('p%d of 1..100 is %d', (p, expected) => {
    expect(percentile(hundred, p)).toBe(expected);
  });

  it('is always an observed sample', () => {
    expect(percentile([1, 2, 3, 4, 1000], 99)).toBe(1000);
    expect(percentile([10, 20], 50)).toBe(10);
    expect(percentile([10, 20], 51)).toBe(20);
  });

  it('rejects p outside (0, 100] and no samples', () => {
    expect(() => percentile([1], 0)).toThrow('(0, 100]');
    expect(() => percentile([1], 101)).toThrow('(0, 100]');
    expect(() => percentile([], 50)).toThrow('no samples');
  });
});

describe('ratio and round', () => {
  it('divides by a positive baseline', () => {
    expect(ratio(3, 2)).toBe(1.5);
  });

  it.each([0, -1, Number.NaN, Number.POSITIVE_INFINITY])('rejects baseline %d', (b) => {
    expect(() => ratio(1, b)).toThrow('baseline must be > 0');
  });

  it('rounds to 3 decimals and leaves integers alone', () => {
    expect(round(1.23456)).toBe(1.235);
    expect(round(1216626)).toBe(1216626);
    expect(round(0.0004)).toBe(0);
  });
});

describe('jsonLine', () => {
  it('prints the five keys of docs/contract.md section 9 in order', () => {
    const line = jsonLine({
      name: 'ingest_ratio_vs_bare',
      value: 1.07123,
      unit: 'x',
      baseline: 4.2,
      ratio: 1.07123,
      target: { on: 'value', op: '<=', limit: 1.15 },
      note: 'never printed',
    });
    expect(line).toBe(
      '{"name":"ingest_ratio_vs_bare","value":1.071,"unit":"x","baseline":4.2,"ratio":1.071}',
    );
  });

  it('prints null baseline and ratio for a figure without a baseline', () => {
    expect(JSON.parse(jsonLine({ name: 'ingest_p99_ms', value: 12.5, unit: 'ms' }))).toEqual({
      name: 'ingest_p99_ms',
      value: 12.5,
      unit: 'ms',
      baseline: null,
      ratio: null,
    });
  });
});

describe('verdict', () => {
  const fig = (value: number, target: Figure['target'], r?: number): Figure => ({
    name: 'x',
    value,
    unit: 'u',
    ratio: r,
    target,
  });

  it.each<[Figure, string]>([
    [fig(1.15, { on: 'value', op: '<=', limit: 1.15 }), 'pass'],
    [fig(1.1504, { on: 'value', op: '<=', limit: 1.15 }), 'pass'], // judged as printed (1.15)
    [fig(1.151, { on: 'value', op: '<=', limit: 1.15 }), 'fail'],
    [fig(299, { on: 'value', op: '<', limit: 300 }), 'pass'],
    [fig(300, { on: 'value', op: '<', limit: 300 }), 'fail'],
    [fig(1, { on: 'value', op: '==', limit: 1 }), 'pass'],
    [fig(1.01, { on: 'value', op: '==', limit: 1 }), 'fail'],
    [fig(900, { on: 'ratio', op: '<=', limit: 1.5 }, 1.4), 'pass'],
    [fig(900, { on: 'ratio', op: '<=', limit: 1.5 }, 1.6), 'fail'],
    [fig(900, { on: 'ratio', op: '<=', limit: 1.5 }), 'fail'], // a ratio target without a ratio
    [fig(900, undefined), '-'],
  ])('%j → %s', (figure, expected) => {
    expect(verdict(figure)).toBe(expected);
  });
});

describe('formatting', () => {
  it('formats numbers for people', () => {
    expect(formatNumber(1216626)).toBe('1,216,626');
    expect(formatNumber(1.23456)).toBe('1.235');
    expect(formatNumber(2.5)).toBe('2.5');
    expect(formatNumber(undefined)).toBe('');
  });

  it('describes targets', () => {
    expect(describeTarget({ on: 'ratio', op: '<=', limit: 1.5 }, 'bytes')).toBe('ratio ≤ 1.5');
    expect(describeTarget({ on: 'value', op: '<', limit: 300 }, 's')).toBe('< 300 s');
    expect(describeTarget({ on: 'value', op: '==', limit: 1 }, 'requests')).toBe('= 1 requests');
    expect(describeTarget(undefined, 's')).toBe('');
  });

  const figures: Figure[] = [
    {
      name: 'bundle_bytes_webhook-ingest',
      value: 700000,
      unit: 'bytes',
      baseline: 600000,
      ratio: 700000 / 600000,
      target: { on: 'ratio', op: '<=', limit: 1.5 },
    },
    {
      name: 'hooks_10k_channels_seconds',
      value: 400,
      unit: 's',
      target: { on: 'value', op: '<', limit: 300 },
      note: 'concurrency 32',
    },
    { name: 'ingest_p99_ms', value: 9.5, unit: 'ms' },
  ];

  it('prints an aligned table with target, result and note, then skips and a summary', () => {
    const table = formatTable(figures, [
      { group: 'worker', reason: 'functions/order-worker/handler.ts missing' },
    ]);
    const lines = table.split('\n');
    expect(lines[0]).toMatch(/^figure\s+value\s+unit\s+baseline\s+ratio\s+target\s+result\s+note$/);
    expect(lines[1]).toMatch(/^-+( +-+)+$/);
    expect(lines[2]).toMatch(
      /^bundle_bytes_webhook-ingest\s+700,000\s+bytes\s+600,000\s+1\.167\s+ratio ≤ 1\.5\s+pass$/,
    );
    expect(lines[3]).toMatch(/^hooks_10k_channels_seconds\s+400\s+s\s+< 300 s\s+fail\s+concurrency 32$/);
    expect(lines[4]).toMatch(/^ingest_p99_ms\s+9\.5\s+ms\s+-$/);
    expect(lines).toContain('skipped: worker: functions/order-worker/handler.ts missing');
    expect(lines.at(-1)).toBe('targets: 1/2 met (missed: hooks_10k_channels_seconds)');
    // Values are right-aligned: every value ends where the "value" header ends.
    const valueEnd = lines[0]!.indexOf('value') + 'value'.length;
    expect(lines[0]!.indexOf('value')).toBeGreaterThan(0);
    for (const [row, value] of [
      [lines[2]!, '700,000'],
      [lines[3]!, '400'],
      [lines[4]!, '9.5'],
    ] as const)
      expect(row.slice(valueEnd - value.length, valueEnd)).toBe(value);
  });

  it('prints the same figures as Markdown', () => {
    const md = formatMarkdown(figures).split('\n');
    expect(md[0]).toBe('| figure | value | unit | baseline | ratio | target | result | note |');
    expect(md[1]).toBe('| --- | --: | --- | --: | --: | --- | --- | --- |');
    expect(md[2]).toBe(
      '| `bundle_bytes_webhook-ingest` | 700,000 | bytes | 600,000 | 1.167 | ratio ≤ 1.5 | pass |  |',
    );
    expect(md).toHaveLength(5);
  });
});

describe('parseArgs', () => {
  const groups = ['bundles', 'ingest', 'worker', 'hooks'];

  it('defaults to a full run of every group', () => {
    expect(parseArgs([], groups)).toEqual({ quick: false, only: undefined, markdown: false });
  });

  it('reads --quick, --only (both spellings, lists) and --markdown', () => {
    expect(parseArgs(['--quick', '--only', 'ingest,worker', '--only=hooks', '--markdown'], groups)).toEqual({
      quick: true,
      only: ['ingest', 'worker', 'hooks'],
      markdown: true,
    });
  });

  it('names an unknown group or argument', () => {
    expect(() => parseArgs(['--only', 'nope'], groups)).toThrow('unknown group "nope"');
    expect(() => parseArgs(['--only'], groups)).toThrow('--only needs a group');
    expect(() => parseArgs(['--fast'], groups)).toThrow('unknown argument "--fast"');
  });
});

describe('pool', () => {
  it('keeps input order and never exceeds the concurrency', async () => {
    let inFlight = 0;
    let peak = 0;
    const results = await pool(20, 3, async (i) => {
      inFlight++;
      peak = Math.max(peak, inFlight);
      await new Promise((resolve) => setTimeout(resolve, (i * 7) % 5));
      inFlight--;
      return i * 2;
    });
    expect(results).toEqual(Array.from({ length: 20 }, (_, i) => i * 2));
    expect(peak).toBe(3);
  });

  it('rejects with the first failure and starts no new task after it', async () => {
    const started: number[] = [];
    await expect(
      pool(10, 2, async (i) => {
        started.push(i);
        if (i === 1) throw new Error('boom');
        await new Promise((resolve) => setTimeout(resolve, 5));
        return i;
      }),
    ).rejects.toThrow('boom');
    expect(started.length).toBeLessThan(10);
  });

  it('rejects a concurrency below 1', async () => {
    await expect(pool(1, 0, async () => 1)).rejects.toThrow('concurrency');
  });
});
