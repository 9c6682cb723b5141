/**
 * The calls the in-memory stores were given, as `<port>.<method> <key>`. Fakes built on one log share
 * it, so a test can assert the order of calls across ports (a send before a write).
 */
export class CallLog {
  readonly entries: string[] = [];
  add(entry: string) {
    this.entries.push(entry);
  }
  count(prefix: string) {
    return this.entries.filter((e) => e.startsWith(prefix)).length;
  }
}

/** Stored values are copied in and out, as a real store would: a test's later edits do not leak. */
export const clone = <T>(v: T): T => structuredClone(v);
