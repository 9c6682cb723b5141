import { MetricUnit, type Metrics } from '@aws-lambda-powertools/metrics';

/** How often a busy container writes its summed counts (EMF) at most. */
export const METRICS_FLUSH_INTERVAL_MS = 60_000;

/** The part of Powertools Metrics a handler uses (no chaining); what `aggregateCounts` hands it instead. */
export interface CountingMetrics {
  addMetric(...args: Parameters<Metrics['addMetric']>): void;
  singleMetric(): Pick<Metrics, 'addDimension' | 'addMetric'>;
}

export interface AggregatedMetrics {
  metrics: CountingMetrics;
  /** Writes the sums (one EMF line) when the last write is at least the interval ago. */
  flushIfDue(): void;
  /** Writes the sums now, if there are any. */
  flush(): void;
}

/**
 * Counts that add up in the container and are written at most once per interval, so a hot path does
 * not pay for an EMF line per invocation. `addMetric` with unit Count sums; other units are stored in
 * Powertools until the next write; `singleMetric()` (rejections with a reason) is still written at
 * once. The first invocation of a container writes at once (nothing was written yet).
 * What it loses is in docs/webhook-ingest.md ("Metrics").
 */
export function aggregateCounts(
  target: Metrics,
  options: { intervalMs?: number; now?: () => number } = {},
): AggregatedMetrics {
  const intervalMs = options.intervalMs ?? METRICS_FLUSH_INTERVAL_MS;
  const now = options.now ?? Date.now;
  const sums = new Map<string, number>();
  let stored = false;
  let lastFlush = -Infinity;

  const flush = () => {
    lastFlush = now();
    if (sums.size === 0 && !stored) return;
    for (const [name, sum] of sums) target.addMetric(name, MetricUnit.Count, sum);
    sums.clear();
    stored = false;
    target.publishStoredMetrics();
  };

  const metrics: CountingMetrics = {
    addMetric(name, unit, value, resolution) {
      if (unit === MetricUnit.Count) sums.set(name, (sums.get(name) ?? 0) + value);
      else {
        target.addMetric(name, unit, value, resolution);
        stored = true;
      }
    },
    singleMetric: () => target.singleMetric(),
  };
  return {
    metrics,
    flush,
    flushIfDue: () => {
      if (now() - lastFlush >= intervalMs) flush();
    },
  };
}
