import { createObservability, type Observability } from '../../functions/common/observability';

/** A metric as the handler added it; `dimensions` only on metrics published on their own. */
interface MetricRecord {
  name: string;
  dimensions: Record<string, string>;
}

/** A log line: level, message, and the objects passed after it merged (an Error under `error`). */
interface LogRecord {
  level: string;
  message: string;
  attributes: Record<string, unknown>;
}

/**
 * Enough of Powertools' Logger and Metrics for a handler (`logger`, `metricsPort`), recording what was
 * logged and added so a test can read it back.
 */
export class FakeObservability {
  readonly recorded: MetricRecord[] = [];
  readonly logs: LogRecord[] = [];
  private entry =
    (level: string) =>
    (message: unknown, ...rest: unknown[]) => {
      const objects = rest.filter((r) => typeof r === 'object' && r !== null);
      this.logs.push({
        level,
        message: String(message),
        attributes: Object.assign({}, ...objects.map((o) => (o instanceof Error ? { error: o } : o))),
      });
    };
  readonly logger = {
    debug: this.entry('debug'),
    info: this.entry('info'),
    warn: this.entry('warn'),
    error: this.entry('error'),
  };
  readonly metricsPort = {
    addMetric: (name: string) => void this.recorded.push({ name, dimensions: {} }),
    singleMetric: () => {
      const dimensions: Record<string, string> = {};
      const single = {
        addDimension: (name: string, value: string) => {
          dimensions[name] = value;
          return single;
        },
        addMetric: (name: string) => void this.recorded.push({ name, dimensions: { ...dimensions } }),
      };
      return single;
    },
  };

  /** Metric names in the order they were added. */
  get metrics(): string[] {
    return this.recorded.map((m) => m.name);
  }
  metricCount(name: string) {
    return this.metrics.filter((m) => m === name).length;
  }
  /** Metrics published with dimensions, as `Name{dim=value}`. */
  get dimensioned(): string[] {
    return this.recorded
      .filter((m) => Object.keys(m.dimensions).length > 0)
      .map(
        (m) =>
          `${m.name}{${Object.entries(m.dimensions)
            .map(([k, v]) => `${k}=${v}`)
            .join(',')}}`,
      );
  }
  /** Metric names, a `reason` dimension appended as `Name:reason`. */
  names() {
    return this.recorded.map((m) => (m.dimensions.reason ? `${m.name}:${m.dimensions.reason}` : m.name));
  }
  /** Everything logged, serialised (errors with their message) — for "no secret in logs" checks. */
  logText() {
    return JSON.stringify(this.logs, (_k, v: unknown) =>
      v instanceof Error ? { name: v.name, message: v.message } : v,
    );
  }
}

/**
 * A real Powertools set whose output the test can read: every log line written (to scan for secrets)
 * and every metric added. `restore` puts stdout, stderr and console back.
 */
export function capturingObservability(service: string): {
  obs: Observability;
  lines: string[];
  metrics: Array<{ name: string; value: number }>;
  restore: () => void;
} {
  const obs = createObservability(service);
  obs.logger.setLogLevel('DEBUG');
  const lines: string[] = [];
  const metrics: Array<{ name: string; value: number }> = [];
  const capture = (chunk: unknown) => {
    lines.push(String(chunk));
    return true;
  };
  const out = jest.spyOn(process.stdout, 'write').mockImplementation(capture);
  const err = jest.spyOn(process.stderr, 'write').mockImplementation(capture);
  const consoles = (['log', 'info', 'warn', 'error', 'debug'] as const).map((m) =>
    jest
      .spyOn(console, m)
      .mockImplementation((...args: unknown[]) => void lines.push(args.map(String).join(' '))),
  );
  jest.spyOn(obs.metrics, 'addMetric').mockImplementation((name, _unit, value) => {
    metrics.push({ name, value });
    return obs.metrics;
  });
  return {
    obs,
    lines,
    metrics,
    restore: () => {
      out.mockRestore();
      err.mockRestore();
      consoles.forEach((c) => c.mockRestore());
    },
  };
}

/** Each metric's name → the sum of the values added. */
export const metricTotals = (metrics: Array<{ name: string; value: number }>) =>
  metrics.reduce<Record<string, number>>(
    (acc, m) => ({ ...acc, [m.name]: (acc[m.name] ?? 0) + m.value }),
    {},
  );
