import { FUNCTION_NAMES } from '../../functions/common/routes';
import { assembleReport, formatChart, formatTable, jsonLine, verdict, type Figure } from '../../bench/report';
import { EXPECTED_FIGURES, expectedFigure } from '../../bench/targets';

describe('the targets table (bench/targets.ts)', () => {
  it('lists every section 9 figure once, round 1 and revision 2', () => {
    const names = EXPECTED_FIGURES.map((f) => f.name);
    expect(new Set(names).size).toBe(names.length);
    for (const name of [
      'ingest_ratio_vs_bare',
      'ingest_p99_ms',
      'ingest_requests_per_second',
      'worker_events_per_second',
      'worker_dynamodb_requests_per_event',
      'worker_bigcommerce_requests_per_event',
      'hooks_requests_per_healthy_channel',
      'hooks_10k_channels_seconds',
      'worker_bigcommerce_requests_per_deferred_chain',
      'om_import_to_effect_ms_p99',
      'worker_bigcommerce_requests_per_fulfillment',
      'hooks_100k_channels_seconds',
      'ingest_extra_cpu_us_per_request',
      'aws_cost_usd_per_million_webhooks',
    ])
      expect(names).toContain(name);
  });

  it('has a bundle and a cold init figure for every function the project deploys', () => {
    for (const fn of FUNCTION_NAMES) {
      expect(expectedFigure(`bundle_bytes_${fn}`)?.target).toEqual({ on: 'ratio', op: '<=', limit: 1.35 });
      expect(expectedFigure(`cold_init_ratio_${fn}`)?.target).toEqual({ on: 'ratio', op: '<=', limit: 1.25 });
    }
  });

  it('keeps the ingest ratio informational and holds the revision 2 targets', () => {
    expect(expectedFigure('ingest_ratio_vs_bare')?.target).toBeUndefined();
    expect(expectedFigure('ingest_extra_cpu_us_per_request')?.target).toEqual({
      on: 'value',
      op: '<=',
      limit: 25,
    });
    expect(expectedFigure('hooks_100k_channels_seconds')?.target).toEqual({
      on: 'value',
      op: '<=',
      limit: 900,
    });
    expect(expectedFigure('om_import_to_effect_ms_p99')?.target).toEqual({
      on: 'value',
      op: '<=',
      limit: 2000,
    });
  });
});

describe('assembleReport', () => {
  const expected = [
    { name: 'a_ms', unit: 'ms', target: { on: 'value', op: '<=', limit: 10 } as const },
    { name: 'b_requests', unit: 'requests', target: { on: 'value', op: '==', limit: 1 } as const },
    { name: 'c_info', unit: 'x' },
  ];

  it('judges produced figures by the table, overriding a module’s own target', () => {
    const produced: Figure[] = [
      { name: 'b_requests', value: 1, unit: 'requests', target: { on: 'value', op: '==', limit: 5 } },
      { name: 'a_ms', value: 12, unit: 'ms' },
    ];
    const rows = assembleReport(produced, expected, false);
    expect(rows.map((r) => [r.name, verdict(r)])).toEqual([
      ['a_ms', 'fail'],
      ['b_requests', 'pass'],
    ]);
  });

  it('prints an expected figure nobody produced as "not measured", a fail, in a full run', () => {
    const rows = assembleReport([{ name: 'a_ms', value: 3, unit: 'ms' }], expected, true);
    expect(rows.map((r) => [r.name, verdict(r)])).toEqual([
      ['a_ms', 'pass'],
      ['b_requests', 'fail'],
      ['c_info', 'fail'],
    ]);
    expect(JSON.parse(jsonLine(rows[1]!))).toEqual({
      name: 'b_requests',
      value: null,
      unit: 'requests',
      baseline: null,
      ratio: null,
    });
    const table = formatTable(rows);
    expect(table).toMatch(/^b_requests\s+not measured\s+requests\s+= 1 requests\s+fail$/m);
    expect(table.split('\n').at(-1)).toBe('targets: 1/3 met (missed: b_requests, c_info)');
  });

  it('leaves unproduced figures out of a partial run and keeps figures the table does not know', () => {
    const rows = assembleReport([{ name: 'z_extra', value: 1, unit: 'u' }], expected, false);
    expect(rows.map((r) => [r.name, verdict(r)])).toEqual([['z_extra', '-']]);
  });
});

describe('formatChart', () => {
  it('draws each judged figure against its target, clipped beyond the width', () => {
    const chart = formatChart([
      { name: 'half', value: 5, unit: 'ms', target: { on: 'value', op: '<=', limit: 10 } },
      { name: 'ratio', value: 9, unit: 'x', ratio: 1.5, target: { on: 'ratio', op: '<=', limit: 1 } },
      { name: 'missing', value: Number.NaN, unit: 'ms', notMeasured: true },
      { name: 'info', value: 3, unit: 'x' },
    ]).split('\n');
    expect(chart).toHaveLength(3);
    expect(chart[0]).toMatch(/^half {5}█{15}·{15}│ {2}5 \/ ≤ 10 ms {2}pass$/);
    expect(chart[1]).toMatch(/^ratio {4}█{30}│█{8}» {2}1\.5 \/ ratio ≤ 1 {2}fail$/);
    expect(chart[2]).toMatch(/^missing {2}\?{30}│ {2}not measured {2}fail$/);
  });
});
