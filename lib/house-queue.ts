import { Duration, type RemovalPolicy } from 'aws-cdk-lib';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';

/** A queue with the house defaults: SQS-managed encryption at rest, TLS only. */
export const houseQueue = (scope: Construct, id: string, props: sqs.QueueProps): sqs.Queue =>
  new sqs.Queue(scope, id, { encryption: sqs.QueueEncryption.SQS_MANAGED, enforceSSL: true, ...props });

export interface ConsumedQueueProps {
  /** The consuming function's timeout: the visibility timeout is six times it (AWS guidance). */
  readonly consumerTimeout: Duration;
  readonly retentionPeriod: Duration;
  /** Where a message goes after `maxReceiveCount` failed receives. */
  readonly deadLetterQueue: sqs.IQueue;
  readonly maxReceiveCount: number;
  readonly removalPolicy?: RemovalPolicy;
}

/** A queue a Lambda event source consumes, so a slow batch is never handed to a second invocation. */
export const consumedQueue = (scope: Construct, id: string, props: ConsumedQueueProps): sqs.Queue =>
  houseQueue(scope, id, {
    visibilityTimeout: Duration.seconds(props.consumerTimeout.toSeconds() * 6),
    retentionPeriod: props.retentionPeriod,
    deadLetterQueue: { queue: props.deadLetterQueue, maxReceiveCount: props.maxReceiveCount },
    removalPolicy: props.removalPolicy,
  });
