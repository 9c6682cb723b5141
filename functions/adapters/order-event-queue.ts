import type { OrderEvent } from '../domain/order-event';

/** The order-events SQS queue. */
export interface OrderEventQueue {
  /** One SendMessage; `delaySeconds` ≤ 900 (SQS maximum). Rejects when SQS does not accept it. */
  send(event: OrderEvent, delaySeconds?: number): Promise<void>;
}
