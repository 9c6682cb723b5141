import type { SQSEvent } from 'aws-lambda';
import type { HookWorkQueue } from '../../../functions/adapters/hook-work-queue';
import type { HookWork } from '../../../functions/domain/hook-work';
import { sqsEvent, sqsRecord } from '../lambda';

/** hook-manager's work queue in memory: what was sent, with its delay; taken as SQS events. */
export class MemoryHookWorkQueue implements HookWorkQueue {
  readonly pending: { work: HookWork; delaySeconds?: number; messageId: string }[] = [];
  /** Every message ever sent, in order (taking does not remove them from here). */
  readonly sent: { work: HookWork; delaySeconds?: number }[] = [];
  /** The next this many sends reject, as SQS would when unavailable. */
  failNext = 0;
  private nextId = 1;

  async send(work: readonly HookWork[], delaySeconds?: number): Promise<void> {
    if (this.failNext > 0) {
      this.failNext--;
      throw new Error('SQS unavailable');
    }
    for (const w of work) {
      const entry = { work: w, ...(delaySeconds !== undefined && { delaySeconds }) };
      this.sent.push(entry);
      this.pending.push({ ...entry, messageId: `m${this.nextId++}` });
    }
  }

  /** Removes the pending messages `which` selects and returns each as a one-record SQS event. */
  take(which: (work: HookWork) => boolean = () => true): SQSEvent[] {
    const taken = this.pending.filter((p) => which(p.work));
    for (const p of taken) this.pending.splice(this.pending.indexOf(p), 1);
    return taken.map((p) => sqsEvent(sqsRecord(p.work, p.messageId)));
  }
}
