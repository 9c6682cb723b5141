import type { OrderEventQueue } from '../../../functions/adapters/order-event-queue';
import type { OrderEvent } from '../../../functions/domain/order-event';
import { CallLog, clone } from './call-log';

export class MemoryQueue implements OrderEventQueue {
  /** Every send that went through, with its delay when one was asked. */
  readonly sends: { event: OrderEvent; delaySeconds?: number }[] = [];
  /** The next this many sends fail. */
  failures = 0;
  /** Sends fail once this many went through. */
  failAfter = Infinity;
  constructor(readonly log = new CallLog()) {}

  async send(event: OrderEvent, delaySeconds?: number) {
    this.log.add(`queue.send ${event.orderId}`);
    if (this.failures > 0) {
      this.failures--;
      throw new Error('SQS unavailable');
    }
    if (this.sends.length >= this.failAfter) throw new Error('SQS unavailable');
    this.sends.push({ event: clone(event), ...(delaySeconds === undefined ? {} : { delaySeconds }) });
  }

  /** The events sent, without their delays. */
  get sent(): OrderEvent[] {
    return this.sends.map((s) => s.event);
  }
}
