import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { HouseFunction } from '../house-function';
import {
  CHANNEL_API_METRICS,
  HOOK_METRICS,
  INGEST_METRICS,
  REJECTION_REASONS,
  serviceMetric,
  WORKER_METRICS,
} from './metric-names';
import { OLDEST_MESSAGE_THRESHOLD } from './support-alarms';

export interface SupportDashboardProps {
  readonly stage: string;
  readonly ingest: HouseFunction;
  readonly worker: HouseFunction;
  readonly hookManager: HouseFunction;
  readonly channelApi: HouseFunction;
  readonly orderEventsQueue: sqs.IQueue;
  readonly deadLetterQueue: sqs.IQueue;
  /** Route-level API Gateway metric of the webhook route (`4xx`, `5xx`, `Latency`…). */
  readonly webhookRouteMetric: (metricName: string, statistic?: string) => cloudwatch.IMetric;
  readonly alarms: cloudwatch.IAlarm[];
}

/**
 * Logs Insights: every outcome the worker logged, newest first. Support narrows it to one order by
 * un-commenting the filter line (Logs Insights ignores lines starting with #).
 */
export const RECENT_OUTCOMES_QUERY = [
  'fields @timestamp, channelId, orderId, eventId, outcome, bigcommerceStatusId, statusBefore, statusAfter, attempt',
  '| filter ispresent(outcome)',
  '# | filter channelId = "<channel id>" and orderId = <BigCommerce order id>',
  '| sort @timestamp desc',
  '| limit 200',
].join('\n');

/** Logs Insights: webhooks webhook-ingest turned away, with the reason and channel. */
export const REJECTIONS_QUERY = [
  'fields @timestamp, channelId, reason, status, message',
  '| filter ispresent(reason)',
  '| sort @timestamp desc',
  '| limit 200',
].join('\n');

/** The one support dashboard (issue 7 item 3). */
export class SupportDashboard extends Construct {
  readonly dashboard: cloudwatch.Dashboard;

  constructor(scope: Construct, id: string, props: SupportDashboardProps) {
    super(scope, id);
    const period = Duration.minutes(5);
    const ingest = (name: string, label: string, dimensions?: Record<string, string>) =>
      serviceMetric(props.ingest.serviceName, name, { label, dimensions, period });
    const worker = (name: string, label: string) =>
      serviceMetric(props.worker.serviceName, name, { label, period });
    const hooks = (name: string, label: string) =>
      serviceMetric(props.hookManager.serviceName, name, { label, period });
    const channelApi = (name: string, label: string) =>
      serviceMetric(props.channelApi.serviceName, name, { label, period });
    const functions = [props.ingest, props.worker, props.hookManager, props.channelApi];

    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', {
      defaultInterval: Duration.hours(6),
      periodOverride: cloudwatch.PeriodOverride.AUTO,
    });

    this.dashboard.addWidgets(
      new cloudwatch.TextWidget({
        markdown: [
          `# OM ↔ BigCommerce order sync (${props.stage})`,
          'Webhooks in → order events queue → worker outcomes; hooks kept alive by hook-manager.',
          'Runbook for every alarm: docs/deploy.md "Alarms".',
        ].join('\n\n'),
        width: 24,
        height: 3,
      }),
    );
    this.dashboard.addWidgets(
      new cloudwatch.AlarmStatusWidget({ title: 'Alarms', alarms: props.alarms, width: 24, height: 3 }),
    );

    this.dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        title: 'Webhooks',
        left: [
          ingest(INGEST_METRICS.received, 'received'),
          ingest(INGEST_METRICS.accepted, 'accepted'),
          ingest(INGEST_METRICS.ignored, 'ignored (scope/duplicate)'),
          ingest(INGEST_METRICS.enqueueFailed, 'enqueue failed (503)'),
          ingest(INGEST_METRICS.forDeletedChannel, 'for a deleted channel (200, dropped)'),
          ingest(INGEST_METRICS.deliveryException, 'BigCommerce delivery exceptions'),
        ],
        width: 8,
      }),
      new cloudwatch.GraphWidget({
        title: 'Webhooks rejected by reason',
        left: REJECTION_REASONS.map((reason) => ingest(INGEST_METRICS.rejected, reason, { reason })),
        stacked: true,
        width: 8,
      }),
      new cloudwatch.GraphWidget({
        title: 'Webhook route (API Gateway)',
        left: [
          props.webhookRouteMetric('Count'),
          props.webhookRouteMetric('4xx'),
          props.webhookRouteMetric('5xx'),
        ],
        right: [props.webhookRouteMetric('Latency', cloudwatch.Stats.p(99))],
        width: 8,
      }),
    );

    this.dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        title: 'Outcomes',
        left: [
          worker(WORKER_METRICS.cancelled, 'cancelled'),
          worker(WORKER_METRICS.fulfilled, 'fulfilled'),
          worker(WORKER_METRICS.statusNotConfigured, 'status not configured'),
          worker(WORKER_METRICS.deferred, 'deferred'),
          worker(WORKER_METRICS.expired, 'expired'),
        ],
        width: 24,
      }),
    );
    this.dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        title: 'Other outcomes',
        left: [
          worker(WORKER_METRICS.alreadyInTargetStatus, 'already in target status'),
          worker(WORKER_METRICS.noAction, 'no action for BigCommerce status'),
          worker(WORKER_METRICS.bigCommerceOrderNotFound, 'order not found in BigCommerce'),
          worker(WORKER_METRICS.duplicateDropped, 'duplicate dropped'),
        ],
        width: 8,
      }),
      new cloudwatch.GraphWidget({
        title: 'Worker failures and retries',
        left: [
          worker(WORKER_METRICS.processingFailed, 'processing failed (retried)'),
          worker(WORKER_METRICS.writeConflict, 'write conflict (re-read)'),
          worker(WORKER_METRICS.deferralChained, 'long deferral chained'),
          worker(WORKER_METRICS.malformedDropped, 'malformed message dropped'),
          worker(WORKER_METRICS.unknownChannelDropped, 'unknown channel dropped'),
        ],
        width: 8,
      }),
      new cloudwatch.GraphWidget({
        title: 'BigCommerce throttling (429)',
        left: [worker(WORKER_METRICS.bigCommerceThrottled, 'throttled')],
        width: 8,
      }),
    );

    this.dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        title: 'Dead-letter queue depth',
        left: [
          props.deadLetterQueue.metricApproximateNumberOfMessagesVisible({
            statistic: cloudwatch.Stats.MAXIMUM,
            period: Duration.minutes(1),
            label: 'messages in the dead-letter queue',
          }),
        ],
        width: 8,
      }),
      new cloudwatch.GraphWidget({
        title: 'Age of oldest order event',
        left: [
          props.orderEventsQueue.metricApproximateAgeOfOldestMessage({
            statistic: cloudwatch.Stats.MAXIMUM,
            period: Duration.minutes(1),
            label: 'seconds',
          }),
        ],
        leftAnnotations: [
          { value: OLDEST_MESSAGE_THRESHOLD.toSeconds(), label: 'alarm', color: cloudwatch.Color.RED },
        ],
        width: 8,
      }),
      new cloudwatch.GraphWidget({
        title: 'Order events queue',
        left: [
          props.orderEventsQueue.metricApproximateNumberOfMessagesVisible({ label: 'waiting' }),
          props.orderEventsQueue.metricApproximateNumberOfMessagesNotVisible({ label: 'in flight' }),
          props.orderEventsQueue.metric('ApproximateNumberOfMessagesDelayed', {
            statistic: cloudwatch.Stats.MAXIMUM,
            label: 'delayed (deferred)',
          }),
        ],
        width: 8,
      }),
    );

    this.dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        title: 'Hooks',
        left: [
          hooks(HOOK_METRICS.created, 'created'),
          hooks(HOOK_METRICS.reactivated, 're-activated'),
          hooks(HOOK_METRICS.repaired, 'repaired'),
          hooks(HOOK_METRICS.deleted, 'deleted'),
          hooks(HOOK_METRICS.verifyFailed, 'verify failed'),
        ],
        width: 6,
      }),
      new cloudwatch.GraphWidget({
        title: 'Channels verified',
        left: [hooks(HOOK_METRICS.channelsVerified, 'channels verified')],
        width: 6,
      }),
      new cloudwatch.GraphWidget({
        title: 'Reconcile (missed webhooks)',
        left: [
          hooks(HOOK_METRICS.reconcileEnqueued, 'events enqueued'),
          hooks(HOOK_METRICS.reconcileFailed, 'reconcile failed'),
        ],
        width: 6,
      }),
      new cloudwatch.GraphWidget({
        title: 'Channel API',
        left: [
          channelApi(CHANNEL_API_METRICS.requests, 'requests'),
          channelApi(CHANNEL_API_METRICS.errors, 'errors'),
          channelApi(CHANNEL_API_METRICS.saved, 'channels saved'),
          channelApi(CHANNEL_API_METRICS.deleted, 'channels deleted'),
          channelApi(CHANNEL_API_METRICS.eventPublishFailed, 'settings event not published'),
          channelApi(CHANNEL_API_METRICS.credentialsRefused, 'credentials refused (422)'),
          channelApi(CHANNEL_API_METRICS.credentialsUnverified, 'credentials not verified (saved)'),
        ],
        width: 6,
      }),
    );

    this.dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        title: 'Function errors',
        left: functions.map((f) => f.function.metricErrors({ label: f.serviceName, period })),
        width: 8,
      }),
      new cloudwatch.GraphWidget({
        title: 'Function duration p99 (ms)',
        left: functions.map((f) =>
          f.function.metricDuration({ label: f.serviceName, statistic: cloudwatch.Stats.p(99), period }),
        ),
        width: 8,
      }),
      new cloudwatch.GraphWidget({
        title: 'Function throttles',
        left: functions.map((f) => f.function.metricThrottles({ label: f.serviceName, period })),
        width: 8,
      }),
    );

    this.dashboard.addWidgets(
      new cloudwatch.LogQueryWidget({
        title: 'Recent outcomes for an order (order-worker logs)',
        logGroupNames: [props.worker.logGroup.logGroupName],
        queryString: RECENT_OUTCOMES_QUERY,
        view: cloudwatch.LogQueryVisualizationType.TABLE,
        width: 24,
        height: 8,
      }),
    );
    this.dashboard.addWidgets(
      new cloudwatch.LogQueryWidget({
        title: 'Rejections (webhook-ingest logs)',
        logGroupNames: [props.ingest.logGroup.logGroupName],
        queryString: REJECTIONS_QUERY,
        view: cloudwatch.LogQueryVisualizationType.TABLE,
        width: 24,
        height: 8,
      }),
    );
  }
}
