/**
 * Powertools Metrics warns "No application metrics to publish" on every invocation that adds none, even
 * with POWERTOOLS_METRICS_DISABLED=true; a stress run makes thousands. The CLI entry points drop exactly
 * that line from stderr so the report stays readable. Nothing else is filtered.
 */
const NOISE = 'No application metrics to publish';

export function dropMetricsNoise(): void {
  for (const stream of [process.stdout, process.stderr]) {
    const write = stream.write.bind(stream) as (...args: unknown[]) => boolean;
    stream.write = ((chunk: unknown, ...rest: unknown[]) => {
      if (typeof chunk === 'string' && chunk.includes(NOISE)) return true;
      if (Buffer.isBuffer(chunk) && chunk.includes(NOISE)) return true;
      return write(chunk, ...rest);
    }) as typeof stream.write;
  }
}
