import { Logger } from '@aws-lambda-powertools/logger';
import { MetricResolution, Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Context } from 'aws-lambda';

export const METRICS_NAMESPACE = 'OmBigCommerce';

/**
 * Structured logs and EMF metrics per function. Tracing is Lambda's active X-Ray tracing (set in CDK);
 * the Powertools Tracer is left out on purpose: its X-Ray SDK adds ~120 KB to every bundle and
 * process-wide async hooks that cost the ingest hot path about a quarter of its CPU (docs/benchmarks.md).
 */
export interface Observability {
  logger: Logger;
  metrics: Metrics;
}

type MetricsLogger = NonNullable<ConstructorParameters<typeof Metrics>[0]>['logger'];
type Values = number | number[];
type Unit = Parameters<Metrics['addMetric']>[1];
type Resolution = Parameters<Metrics['addMetric']>[3];

// Powertools' limits (constants.ts of @aws-lambda-powertools/metrics): it flushes early at these sizes.
const MAX_METRICS = 100;
const MAX_VALUES_PER_METRIC = 100;
const MAX_METRIC_NAME_LENGTH = 255;
const TRUTHY = new Set(['1', 'y', 'yes', 't', 'true', 'on']);
const envFlag = (name: string) => TRUTHY.has((process.env[name] ?? '').trim().toLowerCase());
const MAX_FRAGMENTS = 1000;
/** JSON.stringify of a number: non-finite numbers are null. */
const jsonNumber = (value: number) => (Number.isFinite(value) ? String(value) : 'null');
/** Integer-like keys come first in a JS object, so JSON.stringify would not keep them in place. */
const isIndexLike = (key: string) => /^(?:0|[1-9][0-9]*)$/.test(key);
/**
 * One line to stdout, as Powertools' own `new Console({ stdout: process.stdout })` writes it, minus the
 * console's per-call formatting and listener bookkeeping; like node:console, an error writing the
 * line never crashes the function (a no-op listener catches the 'error' event it would raise).
 */
function writeLine(line: string): void {
  try {
    process.stdout.write(`${line}\n`, onWriteError);
  } catch {
    // node:console ignores synchronous write errors too.
  }
}
const ignore = () => undefined;
const onWriteError = (error: Error | null | undefined) => {
  if (error && process.stdout.listenerCount('error') === 0) process.stdout.once('error', ignore);
};
/** The metric name used once, at start, to read Powertools' EMF template back. */
const PROBE = 'HouseMetricsProbe';

/**
 * Powertools Metrics with a lean path for what every invocation of our functions does: add a few
 * `Count` metrics (standard resolution, no dimensions or metadata) and flush them as one EMF line.
 * Powertools does that in ~20 µs (a dozen environment reads, unit validation and object copies per
 * call); the lean path keeps the counts in a plain object and writes the same EMF document — same
 * keys in the same order, the namespace and default dimensions Powertools itself computed at start
 * (read back from its own `serializeMetrics()`), same early flushes at 100 metrics / 100 values, same
 * stdout console. Anything else (other units, high resolution, dimensions, metadata, a timestamp, a
 * name that collides with a default dimension) hands this invocation's counts to Powertools and lets
 * it do the rest until the next flush; so do Lambda multi-concurrency (`AWS_LAMBDA_MAX_CONCURRENCY`,
 * where Powertools keeps per-invocation stores) and POWERTOOLS_DEV. `singleMetric()` is Powertools'.
 */
class HouseMetrics extends Metrics {
  /** False when the lean path must not be used (see above); for good once default dimensions change. */
  #leanAllowed = false;
  /**
   * The EMF line around the metrics, as Powertools serialises it (namespace, dimension names, default
   * dimension values), cut into the text before the timestamp, between it and the metric definitions,
   * and after those (where the default dimensions go).
   */
  #head = '';
  #middle = '';
  #tail = '';
  #defaults: Record<string, unknown> = {};
  /** Per metric name: its definition and its key, as JSON text. */
  readonly #fragments = new Map<string, { definition: string; key: string }>();
  /** This invocation's counts while on the lean path (insertion order, like Powertools' own store). */
  #counts = new Map<string, Values>();
  /** False from the first call the lean path does not cover until the next flush. */
  #leanNow = true;
  /** Set at the end of the constructor: Powertools' constructor calls setDefaultDimensions itself. */
  private constructed = false;

  constructor(options: { serviceName: string; namespace: string; logger: MetricsLogger }) {
    super(options);
    // Ask Powertools what it writes around one metric: that is the template the lean path fills in.
    super.addMetric(PROBE, MetricUnit.Count, 1);
    const { _aws, [PROBE]: _probe, ...defaults } = super.serializeMetrics() as unknown as Record<
      string,
      unknown
    > & { _aws: { CloudWatchMetrics: { Namespace: string; Dimensions: string[][] }[] } };
    super.clearMetrics();
    const directive = _aws.CloudWatchMetrics[0];
    this.#defaults = defaults;
    if (directive) {
      this.#head = '{"_aws":{"Timestamp":';
      this.#middle = `,"CloudWatchMetrics":[{"Namespace":${JSON.stringify(directive.Namespace)},"Dimensions":${JSON.stringify(directive.Dimensions)},"Metrics":[`;
      this.#tail = `]}]}${JSON.stringify(defaults).slice(1, -1).replace(/^(?=.)/, ',')}`;
    }
    this.#leanAllowed =
      directive !== undefined &&
      options.namespace !== '' &&
      !Object.keys(defaults).some(isIndexLike) &&
      (process.env.AWS_LAMBDA_MAX_CONCURRENCY ?? '').trim() === '' &&
      !envFlag('POWERTOOLS_DEV');
    this.constructed = true;
  }

  /** Moves the lean counts into Powertools' store; Powertools does everything until the next flush. */
  #handOver(): void {
    if (!this.#leanNow) return;
    this.#leanNow = false;
    const counts = this.#counts;
    this.#counts = new Map();
    for (const [name, values] of counts)
      for (const value of Array.isArray(values) ? values : [values]) super.addMetric(name, MetricUnit.Count, value);
  }

  override addMetric(name: string, unit: Unit, value: number, resolution?: Resolution): this {
    if (
      !this.#leanNow ||
      !this.#leanAllowed ||
      unit !== MetricUnit.Count ||
      (resolution !== undefined && resolution !== MetricResolution.Standard) ||
      typeof name !== 'string' ||
      name.length < 1 ||
      name.length > MAX_METRIC_NAME_LENGTH ||
      typeof value !== 'number' ||
      Object.hasOwn(this.#defaults, name) ||
      isIndexLike(name)
    ) {
      this.#handOver();
      super.addMetric(name, unit, value, resolution);
      // Powertools holds this invocation's metrics now, even if it flushed early inside that call.
      this.#leanNow = false;
      return this;
    }
    // Powertools' early flushes: before a metric when 100 are stored, after the 100th value of one.
    if (this.#counts.size >= MAX_METRICS) this.publishStoredMetrics();
    const counts = this.#counts;
    const stored = counts.get(name);
    if (stored === undefined) counts.set(name, value);
    else if (Array.isArray(stored)) {
      stored.push(value);
      if (stored.length === MAX_VALUES_PER_METRIC) this.publishStoredMetrics();
    } else counts.set(name, [stored, value]);
    return this;
  }

  override publishStoredMetrics(): this {
    if (!this.#leanNow || this.#counts.size === 0) {
      // Powertools' own flush (also what warns about an invocation that counted nothing).
      this.#leanNow = false;
      super.publishStoredMetrics();
      this.#leanNow = true;
      return this;
    }
    const counts = this.#counts;
    this.#counts = new Map();
    if (this.isDisabled()) return this;
    // What JSON.stringify makes of Powertools' EMF object, written out: {_aws, ...defaults, ...counts}.
    let definitions = '';
    let values = '';
    for (const [name, value] of counts) {
      const fragment = this.#fragment(name);
      definitions += definitions === '' ? fragment.definition : `,${fragment.definition}`;
      values += `,${fragment.key}${Array.isArray(value) ? `[${value.map(jsonNumber).join(',')}]` : jsonNumber(value)}`;
    }
    writeLine(`${this.#head}${Date.now()}${this.#middle}${definitions}${this.#tail}${values}}`);
    return this;
  }

  #fragment(name: string): { definition: string; key: string } {
    let fragment = this.#fragments.get(name);
    if (fragment === undefined) {
      const json = JSON.stringify(name);
      fragment = { definition: `{"Name":${json},"Unit":"Count"}`, key: `${json}:` };
      // Our metric names are a handful of constants; never let odd callers grow this without bound.
      if (this.#fragments.size < MAX_FRAGMENTS) this.#fragments.set(name, fragment);
    }
    return fragment;
  }

  override hasStoredMetrics(): boolean {
    return this.#counts.size > 0 || super.hasStoredMetrics();
  }

  override clearMetrics(): void {
    this.#counts = new Map();
    super.clearMetrics();
  }

  override serializeMetrics(): ReturnType<Metrics['serializeMetrics']> {
    this.#handOver();
    return super.serializeMetrics();
  }

  // Everything below puts more than counts into the EMF document: Powertools takes over.
  override addDimension(name: string, value: string): this {
    this.#handOver();
    return super.addDimension(name, value);
  }

  override addDimensions(dimensions: Parameters<Metrics['addDimensions']>[0]): this {
    this.#handOver();
    return super.addDimensions(dimensions);
  }

  override addMetadata(key: string, value: string): this {
    this.#handOver();
    return super.addMetadata(key, value);
  }

  override setTimestamp(timestamp: number | Date): this {
    this.#handOver();
    return super.setTimestamp(timestamp);
  }

  override setDefaultDimensions(dimensions: Parameters<Metrics['setDefaultDimensions']>[0]): this {
    if (this.constructed) this.#stopLean();
    return super.setDefaultDimensions(dimensions);
  }

  override clearDefaultDimensions(): void {
    this.#stopLean();
    super.clearDefaultDimensions();
  }

  /** The template's default dimensions are stale from now on. */
  #stopLean(): void {
    this.#handOver();
    this.#leanAllowed = false;
  }
}

/**
 * Powertools Logger whose `level` is remembered between changes: the getter reads an environment
 * variable on every call (a few µs on the hot path, where handlers ask it to skip building debug
 * lines). The level only changes through `setLogLevel` (sampling, ALC, callers), which forgets it;
 * under Lambda multi-concurrency the level is per invocation, so there the getter is Powertools'.
 */
class HouseLogger extends Logger {
  private rememberedLevel: number | undefined;
  private readonly perInvocationLevel = (process.env.AWS_LAMBDA_MAX_CONCURRENCY ?? '').trim() !== '';

  override get level(): number {
    if (this.perInvocationLevel) return super.level;
    return (this.rememberedLevel ??= super.level);
  }

  override setLogLevel(logLevel: Parameters<Logger['setLogLevel']>[0]): void {
    this.rememberedLevel = undefined;
    super.setLogLevel(logLevel);
  }
}

/** One logger/metrics pair per function; POWERTOOLS_* variables still apply (level, disabling). */
export function createObservability(serviceName: string): Observability {
  const logger = new HouseLogger({ serviceName });
  const forward =
    (level: 'debug' | 'info' | 'warn' | 'error') =>
    (...args: unknown[]) =>
      logger[level](args.map(String).join(' '));
  // An invocation that counts nothing (an ignored webhook, a quiet sweep) is normal, not worth a warning.
  const metricsLogger = {
    debug: forward('debug'),
    info: forward('info'),
    error: forward('error'),
    warn: (...args: unknown[]) => {
      if (!String(args[0]).startsWith('No application metrics')) forward('warn')(...args);
    },
  };
  return {
    logger,
    metrics: new HouseMetrics({
      serviceName,
      namespace: process.env.POWERTOOLS_METRICS_NAMESPACE ?? METRICS_NAMESPACE,
      logger: metricsLogger,
    }),
  };
}

/**
 * Wraps a handler with what the Powertools middy middlewares did for us (`injectLambdaContext`, then
 * `logMetrics` with `throwOnEmptyMetrics: false`), calling the same Powertools methods in the same
 * order, without middy's per-invocation machinery: before the handler, the log sampling decision is
 * refreshed, the Lambda context is added to every log line and the event is logged if
 * POWERTOOLS_LOGGER_LOG_EVENT asks for it; after it (returned or thrown), the metrics are flushed
 * (one EMF line) and the log buffer is cleared.
 */
export function withObservability<E, R>(
  handler: (event: E, context: Context) => Promise<R>,
  obs: Observability,
): (event: E, context: Context) => Promise<R> {
  const { logger, metrics } = obs;
  // Without a sample rate the refresh only sets the level it already has (nothing here changes it);
  // Lambda multi-concurrency keeps a level per invocation, so there it always runs.
  const refreshSampling =
    Number(process.env.POWERTOOLS_LOGGER_SAMPLE_RATE ?? 0) !== 0 ||
    (process.env.AWS_LAMBDA_MAX_CONCURRENCY ?? '').trim() !== '';
  return async (event, context) => {
    if (refreshSampling) logger.refreshSampleRateCalculation();
    logger.addContext(context);
    logger.logEventIfEnabled(event);
    try {
      return await handler(event, context);
    } finally {
      try {
        metrics.publishStoredMetrics();
      } finally {
        logger.clearBuffer();
      }
    }
  };
}
