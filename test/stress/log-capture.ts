/**
 * Captures everything this process writes to stdout/stderr (the functions' Powertools log lines among
 * it), so a stress run can check that no secret ever reaches a log. Structured (JSON) lines are kept
 * from the terminal; plain progress lines still reach it, and so does `print`.
 */
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
