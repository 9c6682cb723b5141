import { SendMessageBatchCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { HookWork } from '../domain/hook-work';
import { SQS_MAX_DELAY_SECONDS } from '../domain/retry-policy';

/** hook-manager's own SQS queue (sweep shards, listing continuations, delayed catch-ups). */
export interface HookWorkQueue {
  /**
   * Sends every message (SendMessageBatch, ten at a time), each delayed by `delaySeconds` (≤ 900).
   * Rejects naming the messages SQS did not accept.
   */
  send(work: readonly HookWork[], delaySeconds?: number): Promise<void>;
}

// --- SQS implementation --------------------------------------------------------------------------------

/** SendMessageBatch takes at most ten entries. */
const BATCH = 10;

export class SqsHookWorkQueue implements HookWorkQueue {
  constructor(
    private readonly client: SQSClient,
    private readonly queueUrl: string,
  ) {}

  async send(work: readonly HookWork[], delaySeconds?: number): Promise<void> {
    if (delaySeconds !== undefined && (delaySeconds < 0 || delaySeconds > SQS_MAX_DELAY_SECONDS))
      throw new RangeError(
        `delaySeconds must be between 0 and ${SQS_MAX_DELAY_SECONDS}, got ${delaySeconds}`,
      );
    for (let start = 0; start < work.length; start += BATCH) {
      const entries = work.slice(start, start + BATCH).map((w, i) => ({
        Id: String(start + i),
        MessageBody: JSON.stringify(w),
        ...(delaySeconds ? { DelaySeconds: Math.ceil(delaySeconds) } : {}),
      }));
      // A batch can partly fail (throttling of single entries): those are sent once more, then reported.
      let pending = entries;
      for (let attempt = 1; pending.length > 0; attempt++) {
        const answer = await this.client.send(
          new SendMessageBatchCommand({ QueueUrl: this.queueUrl, Entries: pending }),
        );
        const failed = new Set((answer.Failed ?? []).map((f) => f.Id));
        pending = pending.filter((e) => failed.has(e.Id));
        if (pending.length > 0 && attempt >= 2)
          throw new Error(
            `SQS did not accept ${pending.length} hook-work message(s): ${(answer.Failed ?? [])
              .map((f) => `${f.Id} ${f.Code}`)
              .join(', ')}`,
          );
      }
    }
  }
}
