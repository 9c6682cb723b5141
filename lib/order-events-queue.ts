import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { MAX_RECEIVE_COUNT } from '../functions/common/limits';

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
    this.deadLetterQueue = new sqs.Queue(this, 'DeadLetterQueue', {
      retentionPeriod: Duration.days(14),
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      removalPolicy: props.removalPolicy,
    });
    this.queue = new sqs.Queue(this, 'Queue', {
      visibilityTimeout: Duration.seconds(props.consumerTimeout.toSeconds() * 6),
      retentionPeriod: Duration.days(4),
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: MAX_RECEIVE_COUNT },
      removalPolicy: props.removalPolicy,
    });
  }
}
