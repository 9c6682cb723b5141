/**
 * An error as one short line for a log or a stored `lastError`, with every given secret value masked
 * (a client that quoted a token in its message would otherwise leak it).
 */
export function describeError(error: unknown, secrets: readonly (string | undefined)[] = []): string {
  let text = error instanceof Error ? `${error.name}: ${error.message}` : 'unknown error';
  for (const value of secrets) if (value) text = text.split(value).join('[redacted]');
  return text.slice(0, 300);
}
