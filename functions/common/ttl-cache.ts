/**
 * A tiny per-container cache: hot Lambda containers reuse channel settings and secrets for `ttlMs`
 * instead of reading them on every request. Concurrent misses for one key share one load.
 */
export interface TtlCache<V> {
  get(key: string, load: () => Promise<V>): Promise<V>;
  delete(key: string): void;
  clear(): void;
}

export function createTtlCache<V>(options: {
  ttlMs: number;
  /** A shorter (or longer) life for some loaded values, e.g. a brief one for "not found". */
  ttlFor?: (value: V) => number;
  now?: () => number;
  maxEntries?: number;
}): TtlCache<V> {
  const now = options.now ?? Date.now;
  const maxEntries = options.maxEntries ?? 10_000;
  const entries = new Map<string, { value: Promise<V>; expiresAt: number }>();
  return {
    get(key, load) {
      const hit = entries.get(key);
      if (hit && hit.expiresAt > now()) return hit.value;
      if (entries.size >= maxEntries) entries.delete(entries.keys().next().value as string);
      const value = load();
      const entry = { value, expiresAt: now() + options.ttlMs };
      entries.set(key, entry);
      if (options.ttlFor) {
        const ttlFor = options.ttlFor;
        value.then(
          (v) => void (entry.expiresAt = now() + ttlFor(v)),
          () => undefined,
        );
      }
      // A failed load is not cached: the next call tries again.
      value.catch(() => {
        if (entries.get(key)?.value === value) entries.delete(key);
      });
      return value;
    },
    delete: (key) => void entries.delete(key),
    clear: () => entries.clear(),
  };
}
