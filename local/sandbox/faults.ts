/**
 * Injected faults: the next `count` BigCommerce API answers whose path matches are replaced (status, headers,
 * body) and/or delayed. Faults are consumed first-registered first; control routes are never affected.
 */
import { z } from 'zod';

export const faultSchema = z.object({
  storeHash: z.string().min(1).optional(),
  /** A regular expression source or a plain substring, tested against the full request path (no query). */
  pathPattern: z.string().min(1),
  count: z.number().int().positive(),
  status: z.number().int().min(100).max(599).optional(),
  headers: z.record(z.string(), z.string()).optional(),
  delayMs: z.number().int().nonnegative().optional(),
  body: z.unknown().optional(),
});
export type Fault = z.infer<typeof faultSchema>;

interface ActiveFault extends Fault {
  left: number;
  regex?: RegExp;
}

const compile = (pattern: string): RegExp | undefined => {
  try {
    return new RegExp(pattern);
  } catch {
    return undefined; // not a valid regex: substring matching only
  }
};

export class FaultList {
  private faults: ActiveFault[] = [];

  add(fault: Fault): void {
    const parsed = faultSchema.parse(fault);
    this.faults.push({ ...parsed, left: parsed.count, regex: compile(parsed.pathPattern) });
  }

  /** Takes one use of the first fault matching this request, if any. */
  take(storeHash: string, path: string): Fault | undefined {
    const fault = this.faults.find(
      (f) =>
        (f.storeHash === undefined || f.storeHash === storeHash) &&
        (path.includes(f.pathPattern) || (f.regex?.test(path) ?? false)),
    );
    if (!fault) return undefined;
    fault.left--;
    if (fault.left === 0) this.faults = this.faults.filter((f) => f !== fault);
    return fault;
  }
}
