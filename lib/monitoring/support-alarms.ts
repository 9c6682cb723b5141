import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { HouseFunction } from '../house-function';
import { HOOK_METRICS, INGEST_METRICS, serviceMetric, WORKER_METRICS } from './metric-names';

export interface SupportAlarmsProps {
  readonly ingest: HouseFunction;
  readonly worker: HouseFunction;
  readonly hookManager: HouseFunction;
  readonly orderEventsQueue: sqs.IQueue;
  readonly deadLetterQueue: sqs.IQueue;
  /** 5xx answers of the webhook route (API Gateway, route level). */
  readonly webhookRoute5xx: cloudwatch.IMetric;
  readonly alarmEmail?: string;
  readonly removalPolicy: RemovalPolicy;
}

/** An event waiting longer than this means the worker is not keeping up (or not running). */
export const OLDEST_MESSAGE_THRESHOLD = Duration.minutes(15);

/**
 * The support alarms (docs/deploy.md says what to do for each), all to one SNS topic encrypted with a
 * customer managed key (CloudWatch cannot publish to a topic under the AWS managed SNS key).
 */
export class SupportAlarms extends Construct {
  readonly topic: sns.Topic;
  readonly deadLetterQueueNotEmpty: cloudwatch.Alarm;
  readonly oldestMessageTooOld: cloudwatch.Alarm;
  readonly ingest5xx: cloudwatch.Alarm;
  readonly orderExpired: cloudwatch.Alarm;
  readonly hookVerifyFailed: cloudwatch.Alarm;
  readonly hookDeliveryException: cloudwatch.Alarm;
  readonly workerErrors: cloudwatch.Alarm;

  constructor(scope: Construct, id: string, props: SupportAlarmsProps) {
    super(scope, id);

    const key = new kms.Key(this, 'TopicKey', {
      description: 'Encrypts the OM BigCommerce alarm topic',
      enableKeyRotation: true,
      removalPolicy: props.removalPolicy,
      pendingWindow: Duration.days(7),
    });
    key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowCloudWatchAlarmsToUseTheKey',
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
      }),
    );
    this.topic = new sns.Topic(this, 'Topic', {
      displayName: 'OM BigCommerce alarms',
      masterKey: key,
      enforceSSL: true,
    });
    // The topic policy replaces SNS's default one, so CloudWatch (this account's alarms) is named.
    this.topic.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowCloudWatchAlarmsToPublish',
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['sns:Publish'],
        resources: [this.topic.topicArn],
        conditions: { StringEquals: { 'aws:SourceAccount': this.topic.env.account } },
      }),
    );
    if (props.alarmEmail) {
      this.topic.addSubscription(new subscriptions.EmailSubscription(props.alarmEmail));
    }

    const fiveMinutes = Duration.minutes(5);
    const anyOccurrence = {
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    };

    this.deadLetterQueueNotEmpty = this.alarm('DeadLetterQueueNotEmpty', {
      ...anyOccurrence,
      metric: props.deadLetterQueue.metricApproximateNumberOfMessagesVisible({
        statistic: cloudwatch.Stats.MAXIMUM,
        period: Duration.minutes(1),
      }),
      alarmDescription:
        'Order events failed 5 times and sit in the dead-letter queue. See docs/deploy.md "Dead-letter queue not empty".',
    });

    this.oldestMessageTooOld = this.alarm('OldestMessageTooOld', {
      metric: props.orderEventsQueue.metricApproximateAgeOfOldestMessage({
        statistic: cloudwatch.Stats.MAXIMUM,
        period: Duration.minutes(1),
      }),
      threshold: OLDEST_MESSAGE_THRESHOLD.toSeconds(),
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 3,
      datapointsToAlarm: 3,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      alarmDescription:
        'An order event has waited over 15 minutes: the worker is failing or not keeping up. See docs/deploy.md "Oldest message".',
    });

    // A Lambda error surfaces as a 500 too; the function metric keeps the alarm honest if the
    // route-level metric is ever missing.
    this.ingest5xx = this.alarm('Ingest5xx', {
      ...anyOccurrence,
      metric: new cloudwatch.MathExpression({
        expression: 'FILL(route5xx, 0) + FILL(ingestErrors, 0)',
        usingMetrics: {
          route5xx: props.webhookRoute5xx,
          ingestErrors: props.ingest.function.metricErrors({ period: fiveMinutes }),
        },
        label: 'Webhook 5xx + ingest errors',
        period: fiveMinutes,
      }),
      alarmDescription:
        'BigCommerce got 5xx answers from the webhook route (it blocklists the domain under 90% success). See docs/deploy.md "Ingest 5xx".',
    });

    this.orderExpired = this.alarm('OrderExpired', {
      ...anyOccurrence,
      metric: serviceMetric(props.worker.serviceName, WORKER_METRICS.expired, { period: fiveMinutes }),
      alarmDescription:
        'An event for an order OM never processed expired without being applied. See docs/deploy.md "Expired".',
    });

    this.hookVerifyFailed = this.alarm('HookVerifyFailed', {
      ...anyOccurrence,
      metric: serviceMetric(props.hookManager.serviceName, HOOK_METRICS.verifyFailed, {
        period: fiveMinutes,
      }),
      alarmDescription:
        'hook-manager could not verify or repair a channel\'s BigCommerce hooks. See docs/deploy.md "Hook verify failures".',
    });

    // BigCommerce's early warning: fix the route before the hook is deactivated or the domain blocklisted.
    this.hookDeliveryException = this.alarm('HookDeliveryException', {
      ...anyOccurrence,
      metric: serviceMetric(props.ingest.serviceName, INGEST_METRICS.deliveryException, {
        period: fiveMinutes,
      }),
      alarmDescription:
        'BigCommerce reports failing deliveries to a hook (GET /channels/{c} shows webhook.lastDeliveryException). See docs/deploy.md "Hook delivery exceptions".',
    });

    this.workerErrors = this.alarm('WorkerErrors', {
      ...anyOccurrence,
      metric: new cloudwatch.MathExpression({
        expression: 'FILL(errors, 0) + FILL(failed, 0)',
        usingMetrics: {
          errors: props.worker.function.metricErrors({ period: fiveMinutes }),
          failed: serviceMetric(props.worker.serviceName, WORKER_METRICS.processingFailed, {
            period: fiveMinutes,
          }),
        },
        label: 'Worker invocation errors + failed records',
        period: fiveMinutes,
      }),
      alarmDescription:
        'order-worker failed invocations or records (they are retried, then dead-lettered). See docs/deploy.md "Worker errors".',
    });
  }

  get alarms(): cloudwatch.Alarm[] {
    return [
      this.deadLetterQueueNotEmpty,
      this.oldestMessageTooOld,
      this.ingest5xx,
      this.orderExpired,
      this.hookVerifyFailed,
      this.workerErrors,
    ];
  }

  private alarm(id: string, props: cloudwatch.AlarmProps): cloudwatch.Alarm {
    const alarm = new cloudwatch.Alarm(this, id, props);
    const action = new SnsAction(this.topic);
    alarm.addAlarmAction(action);
    alarm.addOkAction(action);
    return alarm;
  }
}
