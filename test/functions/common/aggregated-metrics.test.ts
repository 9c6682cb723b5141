import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { aggregateCounts, METRICS_FLUSH_INTERVAL_MS } from '../../../functions/common/aggregated-metrics';

/** A real Powertools Metrics whose EMF lines are captured, so the test reads what CloudWatch would. */
function captured() {
  const lines: Record<string, unknown>[] = [];
  const metrics = new Metrics({ namespace: 'Test', serviceName: 'svc' });
  // Powertools writes EMF through its own console; intercept stdout where it lands.
  const write = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    for (const line of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(line));
    return true;
  });
  const values = (name: string) => lines.filter((l) => name in l).map((l) => l[name]);
  return { metrics, lines, values, restore: () => write.mockRestore() };
}

describe('aggregateCounts', () => {
  const env = process.env;
  beforeEach(() => {
    process.env = { ...env, POWERTOOLS_METRICS_DISABLED: 'false', POWERTOOLS_DEV: 'false' };
  });
  afterEach(() => {
    process.env = env;
    jest.restoreAllMocks();
  });

  it('writes the first invocation at once, then sums counts and writes them once per interval', () => {
    const c = captured();
    let clock = 1_000_000;
    const a = aggregateCounts(c.metrics, { now: () => clock });
    a.metrics.addMetric('Received', MetricUnit.Count, 1);
    a.flushIfDue();
    expect(c.values('Received')).toEqual([1]);

    for (let i = 0; i < 250; i++) {
      clock += 100;
      a.metrics.addMetric('Received', MetricUnit.Count, 1);
      if (i % 2 === 0) a.metrics.addMetric('Accepted', MetricUnit.Count, 1);
      a.flushIfDue();
    }
    // 25 s later: nothing written yet.
    expect(c.values('Received')).toEqual([1]);
    clock += METRICS_FLUSH_INTERVAL_MS;
    a.flushIfDue();
    expect(c.values('Received')).toEqual([1, 250]);
    expect(c.values('Accepted')).toEqual([125]);
    c.restore();
  });

  it('writes nothing when nothing was counted', () => {
    const c = captured();
    const a = aggregateCounts(c.metrics, { now: () => 0 });
    a.flushIfDue();
    a.flush();
    expect(c.lines).toEqual([]);
    c.restore();
  });

  it('writes single metrics (rejections with a reason) at once, with their dimension', () => {
    const c = captured();
    const a = aggregateCounts(c.metrics, { now: () => 0 });
    a.flushIfDue();
    const single = a.metrics.singleMetric();
    single.addDimension('reason', 'invalid');
    single.addMetric('Rejected', MetricUnit.Count, 1);
    expect(c.lines).toHaveLength(1);
    expect(c.lines[0]).toMatchObject({ Rejected: 1, reason: 'invalid', service: 'svc' });
    c.restore();
  });

  it('keeps other units as values until the next write', () => {
    const c = captured();
    let clock = 0;
    const a = aggregateCounts(c.metrics, { now: () => clock, intervalMs: 10 });
    a.flushIfDue();
    a.metrics.addMetric('Bytes', MetricUnit.Bytes, 5);
    a.metrics.addMetric('Bytes', MetricUnit.Bytes, 7);
    expect(c.lines).toEqual([]);
    clock = 10;
    a.flushIfDue();
    expect(c.values('Bytes')).toEqual([[5, 7]]);
    c.restore();
  });
});
