import { HOOK_WORK_MAX_RECEIVE_COUNT, MAX_RECEIVE_COUNT } from '../../functions/common/limits';
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import type * as events from 'aws-cdk-lib/aws-events';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { HouseFunction } from '../house-function';
import {
  HOOK_METRICS,
  INGEST_METRICS,
  NEEDS_ATTENTION_REASONS,
  serviceMetric,
  UNAUTHORIZED_REASON,
  WORKER_METRICS,
} from './metric-names';

export interface SupportAlarmsProps {
  readonly stage: string;
  readonly ingest: HouseFunction;
  readonly worker: HouseFunction;
  readonly hookManager: HouseFunction;
  readonly orderEventsQueue: sqs.IQueue;
  readonly deadLetterQueue: sqs.IQueue;
  /** hook-manager's failure queue: failed schedule/event invocations and work messages that kept failing. */
  readonly hookManagerFailures: sqs.IQueue;
  /** Requests and 5xx answers of the webhook route (API Gateway, route level). */
  readonly webhookRouteMetric: (metricName: 'Count' | '4xx' | '5xx', period: Duration) => cloudwatch.IMetric;
  /** The rule that starts the scheduled sweep, and its rate. */
  readonly sweepSchedule: events.IRule;
  readonly verifyInterval: Duration;
  readonly alarmEmail?: string;
  readonly removalPolicy: RemovalPolicy;
}

/** An event waiting longer than this means the worker is not keeping up (or not running). */
export const OLDEST_MESSAGE_THRESHOLD = Duration.minutes(15);

/**
 * Error-rate thresholds (percent of requests or invocations) and how long they must hold: one retried
 * failure never pages; a sustained share of failures does. BigCommerce blocklists the whole domain
 * under 90% success, so the webhook route alarms well before that.
 */
export const ALARM_RATES = {
  webhook5xxPercent: 5,
  workerErrorPercent: 10,
  /** Rejected as unauthorized per 5 minutes, twice in a row: a secret rotated badly, or someone probing. */
  unauthorizedPer5Minutes: 25,
  /** Any 4xx of the webhook route per 5 minutes, twice in a row (API Gateway's 429 throttling included). */
  webhook4xxPer5Minutes: 200,
} as const;

/** A resource policy statement that lets CloudWatch (alarms) do `actions` on `resources`. */
const cloudWatchMay = (
  sid: string,
  actions: string[],
  resources: string[],
  conditions?: Record<string, unknown>,
) =>
  new iam.PolicyStatement({
    sid,
    principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
    actions,
    resources,
    conditions,
  });

/**
 * The support alarms (docs/deploy.md "Alarms" says what to do for each), all to one SNS topic encrypted
 * with a customer managed key (CloudWatch cannot publish to a topic under the AWS managed SNS key).
 * Every metric is read from this stage's namespace, so another stage's events never fire them.
 */
export class SupportAlarms extends Construct {
  readonly topic: sns.Topic;
  readonly deadLetterQueueNotEmpty: cloudwatch.Alarm;
  readonly oldestMessageTooOld: cloudwatch.Alarm;
  readonly ingest5xx: cloudwatch.Alarm;
  readonly orderExpired: cloudwatch.Alarm;
  readonly hookVerifyFailed: cloudwatch.Alarm;
  readonly workerErrors: cloudwatch.Alarm;
  readonly sweepMissing: cloudwatch.Alarm;
  readonly unauthorizedSurge: cloudwatch.Alarm;
  readonly route4xxSurge: cloudwatch.Alarm;
  readonly needsAttention: cloudwatch.Alarm;
  readonly deliveryException: cloudwatch.Alarm;
  readonly hookManagerFailed: cloudwatch.Alarm;
  private readonly stage: string;

  constructor(scope: Construct, id: string, props: SupportAlarmsProps) {
    super(scope, id);
    this.stage = props.stage;

    const key = new kms.Key(this, 'TopicKey', {
      description: 'Encrypts the OM BigCommerce alarm topic',
      enableKeyRotation: true,
      removalPolicy: props.removalPolicy,
      pendingWindow: Duration.days(7),
    });
    key.addToResourcePolicy(
      cloudWatchMay('AllowCloudWatchAlarmsToUseTheKey', ['kms:Decrypt', 'kms:GenerateDataKey*'], ['*']),
    );
    this.topic = new sns.Topic(this, 'Topic', {
      displayName: 'OM BigCommerce alarms',
      masterKey: key,
      enforceSSL: true,
    });
    // The topic policy replaces SNS's default one, so CloudWatch (this account's alarms) is named.
    this.topic.addToResourcePolicy(
      cloudWatchMay('AllowCloudWatchAlarmsToPublish', ['sns:Publish'], [this.topic.topicArn], {
        StringEquals: { 'aws:SourceAccount': this.topic.env.account },
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
    /**
     * The sum of `failures` (a missing one counts 0) in percent of the one metric of `total`, over five
     * minutes; 0 where there was no traffic. The keys name the metrics in the expression.
     */
    const percentOf = (
      total: Record<string, cloudwatch.IMetric>,
      failures: Record<string, cloudwatch.IMetric>,
      label: string,
    ) => {
      const [totalName] = Object.keys(total);
      const failed = Object.keys(failures)
        .map((name) => `FILL(${name}, 0)`)
        .join(' + ');
      return new cloudwatch.MathExpression({
        expression: `IF(${totalName} > 0, 100 * (${failed}) / ${totalName}, 0)`,
        usingMetrics: { ...total, ...failures },
        label,
        period: fiveMinutes,
      });
    };
    /** Alarm props: one count of `source`'s `metricName` in five minutes is enough. */
    const anyCount = (source: HouseFunction, metricName: string, alarmDescription: string) => ({
      ...anyOccurrence,
      metric: serviceMetric(source, metricName, { period: fiveMinutes }),
      alarmDescription,
    });
    /** `datapoints` of the last `periods` periods above the threshold. */
    const sustained = (datapoints: number, periods: number) => ({
      evaluationPeriods: periods,
      datapointsToAlarm: datapoints,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });

    /** Any message waiting in `queue` (a queue nothing consumes: it holds failures for a person). */
    const notEmpty = (queue: sqs.IQueue, period: Duration, alarmDescription: string) => ({
      ...anyOccurrence,
      metric: queue.metricApproximateNumberOfMessagesVisible({ statistic: cloudwatch.Stats.MAXIMUM, period }),
      alarmDescription,
    });

    this.deadLetterQueueNotEmpty = this.alarm(
      'DeadLetterQueueNotEmpty',
      notEmpty(
        props.deadLetterQueue,
        Duration.minutes(1),
        `Order events failed ${MAX_RECEIVE_COUNT} times and sit in the dead-letter queue.`,
      ),
      'Dead-letter queue not empty',
    );

    this.oldestMessageTooOld = this.alarm(
      'OldestMessageTooOld',
      {
        metric: props.orderEventsQueue.metricApproximateAgeOfOldestMessage({
          statistic: cloudwatch.Stats.MAXIMUM,
          period: Duration.minutes(1),
        }),
        threshold: OLDEST_MESSAGE_THRESHOLD.toSeconds(),
        ...sustained(3, 3),
        alarmDescription:
          'An order event has waited over 15 minutes: the worker is failing or not keeping up.',
      },
      'Oldest message',
    );

    // A Lambda error surfaces as a 500 too; the function metric keeps the alarm honest if the
    // route-level metric is ever missing. A rate over two of three periods: one retried failure is no page.
    this.ingest5xx = this.alarm(
      'Ingest5xx',
      {
        metric: percentOf(
          { requests: props.webhookRouteMetric('Count', fiveMinutes) },
          {
            route5xx: props.webhookRouteMetric('5xx', fiveMinutes),
            ingestErrors: props.ingest.function.metricErrors({ period: fiveMinutes }),
          },
          'Webhook 5xx + ingest errors, % of requests',
        ),
        threshold: ALARM_RATES.webhook5xxPercent,
        ...sustained(2, 3),
        alarmDescription: `Over ${ALARM_RATES.webhook5xxPercent}% of BigCommerce's deliveries got a 5xx (it blocklists the domain under 90% success).`,
      },
      'Ingest 5xx',
    );

    this.orderExpired = this.alarm(
      'OrderExpired',
      anyCount(
        props.worker,
        WORKER_METRICS.expired,
        'An event for an order OM has not processed expired; it is applied only if OM imports the order.',
      ),
      'Expired',
    );

    // The period is the sweep interval: each period holds exactly one sweep, so a quiet period is not
    // "no failures" by accident; two failing sweeps in a row (not one BigCommerce blip) raise it.
    const sweepPeriod = props.verifyInterval;
    this.hookVerifyFailed = this.alarm(
      'HookVerifyFailed',
      {
        metric: serviceMetric(props.hookManager, HOOK_METRICS.verifyFailed, { period: sweepPeriod }),
        threshold: 1,
        evaluationPeriods: 2,
        datapointsToAlarm: 2,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        alarmDescription:
          "hook-manager could not verify or repair a channel's BigCommerce hooks in two sweeps in a row.",
      },
      'Hook verify failures',
    );

    this.workerErrors = this.alarm(
      'WorkerErrors',
      {
        metric: percentOf(
          { invocations: props.worker.function.metricInvocations({ period: fiveMinutes }) },
          {
            errors: props.worker.function.metricErrors({ period: fiveMinutes }),
            failed: serviceMetric(props.worker, WORKER_METRICS.processingFailed, { period: fiveMinutes }),
          },
          'Worker errors + failed records, % of invocations',
        ),
        threshold: ALARM_RATES.workerErrorPercent,
        ...sustained(3, 3),
        alarmDescription: `For 15 minutes over ${ALARM_RATES.workerErrorPercent}% of order-worker invocations failed (records are retried, then dead-lettered).`,
      },
      'Worker errors',
    );

    // Heartbeat: the schedule fired and hook-manager reported a run. Two sweep intervals without both
    // (a disabled rule, a function that crashes before it counts anything) is a sweep that did not run.
    const heartbeatPeriod = Duration.seconds(props.verifyInterval.toSeconds() * 2);
    this.sweepMissing = this.alarm(
      'SweepMissing',
      {
        metric: new cloudwatch.MathExpression({
          expression: 'MIN([FILL(scheduled, 0), FILL(sweeps, 0)])',
          usingMetrics: {
            scheduled: new cloudwatch.Metric({
              namespace: 'AWS/Events',
              metricName: 'Invocations',
              dimensionsMap: { RuleName: props.sweepSchedule.ruleName },
              statistic: cloudwatch.Stats.SUM,
              period: heartbeatPeriod,
            }),
            sweeps: serviceMetric(props.hookManager, HOOK_METRICS.channelsVerified, {
              period: heartbeatPeriod,
            }).with({
              statistic: cloudwatch.Stats.SAMPLE_COUNT,
            }),
          },
          label: 'Scheduled sweeps that ran',
          period: heartbeatPeriod,
        }),
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
        // No data at all is exactly what a heartbeat alarm is for.
        treatMissingData: cloudwatch.TreatMissingData.BREACHING,
        alarmDescription: `The scheduled hook sweep did not run for ${heartbeatPeriod.toMinutes()} minutes: hooks are not verified or repaired.`,
      },
      'Sweep missing',
    );

    this.unauthorizedSurge = this.alarm(
      'UnauthorizedSurge',
      {
        metric: serviceMetric(props.ingest, INGEST_METRICS.rejected, {
          period: fiveMinutes,
          dimensions: { reason: UNAUTHORIZED_REASON },
        }),
        threshold: ALARM_RATES.unauthorizedPer5Minutes,
        ...sustained(2, 2),
        alarmDescription: `Over ${ALARM_RATES.unauthorizedPer5Minutes} webhooks per 5 minutes rejected as unauthorized, 10 minutes long.`,
      },
      'Unauthorized surge',
    );

    this.route4xxSurge = this.alarm(
      'WebhookRoute4xxSurge',
      {
        metric: props.webhookRouteMetric('4xx', fiveMinutes),
        threshold: ALARM_RATES.webhook4xxPer5Minutes,
        ...sustained(2, 2),
        alarmDescription: `Over ${ALARM_RATES.webhook4xxPer5Minutes} 4xx answers (429 throttling included) per 5 minutes on the webhook route, 10 minutes long: genuine deliveries may be refused.`,
      },
      'Webhook route 4xx surge',
    );

    this.needsAttention = this.alarm(
      'NeedsAttention',
      {
        ...anyOccurrence,
        metric: new cloudwatch.MathExpression({
          expression: NEEDS_ATTENTION_REASONS.map((_, i) => `FILL(r${i}, 0)`).join(' + '),
          usingMetrics: Object.fromEntries(
            NEEDS_ATTENTION_REASONS.map((reason, i) => [
              `r${i}`,
              serviceMetric(props.worker, WORKER_METRICS.needsAttention, {
                period: Duration.hours(1),
                dimensions: { reason },
              }),
            ]),
          ),
          label: 'Orders that need a person',
          period: Duration.hours(1),
        }),
        alarmDescription:
          'Orders need a person (disputed, manual verification, un-cancelled or archived in BigCommerce). Working hours, not a page.',
      },
      'Needs attention',
    );

    this.hookManagerFailed = this.alarm(
      'HookManagerFailed',
      notEmpty(
        props.hookManagerFailures,
        Duration.minutes(5),
        `hook-manager work failed for good (a sweep shard, listing or catch-up failed ${HOOK_WORK_MAX_RECEIVE_COUNT} times, or an invocation failed): its failure queue is not empty.`,
      ),
      'Hook manager failed',
    );

    this.deliveryException = this.alarm(
      'DeliveryException',
      anyCount(
        props.ingest,
        INGEST_METRICS.deliveryException,
        'BigCommerce reported that it cannot deliver webhooks to us (store/hook/deliveryException); GET /channels/{c} shows webhook.lastDeliveryException.',
      ),
      'Delivery exception',
    );
  }

  get alarms(): cloudwatch.Alarm[] {
    return [
      this.deadLetterQueueNotEmpty,
      this.oldestMessageTooOld,
      this.ingest5xx,
      this.orderExpired,
      this.hookVerifyFailed,
      this.workerErrors,
      this.sweepMissing,
      this.unauthorizedSurge,
      this.route4xxSurge,
      this.needsAttention,
      this.deliveryException,
      this.hookManagerFailed,
    ];
  }

  /** An alarm to the topic on ALARM and OK; its description names the stage and its runbook entry. */
  private alarm(id: string, props: cloudwatch.AlarmProps, runbookEntry: string): cloudwatch.Alarm {
    const alarm = new cloudwatch.Alarm(this, id, {
      ...props,
      alarmDescription: `[${this.stage}] ${props.alarmDescription} Runbook: docs/deploy.md "${runbookEntry}".`,
    });
    const action = new SnsAction(this.topic);
    alarm.addAlarmAction(action);
    alarm.addOkAction(action);
    return alarm;
  }
}
