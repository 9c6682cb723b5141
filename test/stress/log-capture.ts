/**
 * Captures everything this process writes to stdout/stderr (the functions' Powertools log lines among
 * it), so a stress run can check that no secret ever reaches a log. Structured (JSON) lines are kept
 * from the terminal; plain progress lines still reach it, and so does `print`.
 */
/**
 * The fault matrix logs at INFO: every rejection, failure and worker outcome line, without the per-request
 * debug lines whose volume slows ten concurrent scenarios down enough to time out. Fuzzing, one request at
 * a time, logs at DEBUG.
 */
export const FAULTS_LOG_LEVEL = 'INFO';

export interface OutputCapture {
  readonly lines: string[];
  print(text: string): void;
  stop(): void;
}

export function captureOutput(): OutputCapture {
  const streams = [process.stdout, process.stderr] as const;
  const originals = streams.map((s) => s.write.bind(s));
  const lines: string[] = [];
  for (const stream of streams)
    stream.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
      const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
      lines.push(text);
      if (!text.trimStart().startsWith('{')) originals[streams.indexOf(stream)]!(text);
      const done = rest.find((r) => typeof r === 'function') as (() => void) | undefined;
      done?.();
      return true;
    }) as typeof stream.write;
  return {
    lines,
    print: (text) => void originals[1]!(text),
    stop: () => streams.forEach((s, i) => (s.write = originals[i] as typeof s.write)),
  };
}

/** The secrets (given as values) that appear in any line; each reported by position, never by value. */
export function leakedSecrets(lines: readonly string[], secrets: Iterable<string>): number[] {
  const text = lines.join('\n');
  return [...secrets].flatMap((secret, i) => (secret.length >= 8 && text.includes(secret) ? [i] : []));
}
