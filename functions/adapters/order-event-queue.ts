import type { OrderEvent } from '../domain/order-event';
import { SQS_MAX_DELAY_SECONDS } from '../domain/retry-policy';
import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';

/** The order-events SQS queue. */
export interface OrderEventQueue {
  /** One SendMessage; `delaySeconds` ≤ 900 (SQS maximum). Rejects when SQS does not accept it. */
  send(event: OrderEvent, delaySeconds?: number): Promise<void>;
}

// --- SQS implementation --------------------------------------------------------------------------------

export class SqsOrderEventQueue implements OrderEventQueue {
  constructor(
    private readonly client: SQSClient,
    private readonly queueUrl: string,
  ) {}

  async send(event: OrderEvent, delaySeconds?: number): Promise<void> {
    if (delaySeconds !== undefined && (delaySeconds < 0 || delaySeconds > SQS_MAX_DELAY_SECONDS)) {
      throw new RangeError(
        `delaySeconds must be between 0 and ${SQS_MAX_DELAY_SECONDS}, got ${delaySeconds}`,
      );
    }
    await this.client.send(
      new SendMessageCommand({
        QueueUrl: this.queueUrl,
        MessageBody: JSON.stringify(event),
        ...(delaySeconds ? { DelaySeconds: Math.ceil(delaySeconds) } : {}),
      }),
    );
  }
}
