import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { MAX_RECEIVE_COUNT } from '../functions/common/limits';
import { consumedQueue, houseQueue } from './house-queue';

export interface OrderEventsQueueProps {
  /** The consumer's Lambda timeout; the queue's visibility timeout is six times it (AWS guidance). */
  readonly consumerTimeout: Duration;
  readonly removalPolicy: RemovalPolicy;
}

/**
 * The order-events queue (webhook-ingest → order-worker; the worker also re-sends deferred events
 * with a delay) and its dead-letter queue. Both SQS-managed SSE and TLS-only.
 */
export class OrderEventsQueue extends Construct {
  readonly queue: sqs.Queue;
  readonly deadLetterQueue: sqs.Queue;

  constructor(scope: Construct, id: string, props: OrderEventsQueueProps) {
    super(scope, id);
    this.deadLetterQueue = houseQueue(this, 'DeadLetterQueue', {
      retentionPeriod: Duration.days(14),
      removalPolicy: props.removalPolicy,
    });
    this.queue = consumedQueue(this, 'Queue', {
      consumerTimeout: props.consumerTimeout,
      retentionPeriod: Duration.days(4),
      deadLetterQueue: this.deadLetterQueue,
      maxReceiveCount: MAX_RECEIVE_COUNT,
      removalPolicy: props.removalPolicy,
    });
  }
}
