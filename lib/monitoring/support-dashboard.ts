import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { HouseFunction } from '../house-function';
import {
  CHANNEL_API_METRICS,
  HOOK_METRICS,
  INGEST_METRICS,
  NEEDS_ATTENTION_REASONS,
  REJECTION_REASONS,
  UNAUTHORIZED_REASON,
  serviceMetric,
  WORKER_METRICS,
} from './metric-names';
import { OLDEST_MESSAGE_THRESHOLD } from './support-alarms';
import { NEEDS_ATTENTION_DIMENSION } from '../../functions/order-worker/deps';

export interface SupportDashboardProps {
  readonly stage: string;
  readonly ingest: HouseFunction;
  readonly worker: HouseFunction;
  readonly hookManager: HouseFunction;
  readonly channelApi: HouseFunction;
  /** The custom widget's function: the support console of docs/contract.md section 14. */
  readonly supportWidget: HouseFunction;
  readonly orderEventsQueue: sqs.IQueue;
  readonly deadLetterQueue: sqs.IQueue;
  /** Route-level API Gateway metric of the webhook route (`4xx`, `5xx`, `Latency`…). */
  readonly webhookRouteMetric: (metricName: string, statistic?: string) => cloudwatch.IMetric;
  readonly alarms: cloudwatch.IAlarm[];
}

/** The dashboard of a stage; fixed so that runbooks and bookmarks can name it. */
export const dashboardNameFor = (stage: string) => `OmBigCommerce-${stage}`;

/**
 * Dashboard variables (pattern type): CloudWatch replaces these tokens everywhere in the dashboard
 * (custom widget params and Logs Insights queries) with what support typed. The defaults mean "any":
 * `*` for the channel, `0` for the order (BigCommerce order ids start at 1), and keep every query valid.
 */
export const VARIABLES = {
  channelId: { token: '__channelId__', any: '*', label: 'Channel id (* = any)' },
  orderId: { token: '__orderId__', any: '0', label: 'BigCommerce order id (0 = any)' },
} as const;

const CHANNEL_FILTER = `| filter "${VARIABLES.channelId.token}" = "${VARIABLES.channelId.any}" or channelId = "${VARIABLES.channelId.token}"`;
// Unquoted: the order id is a number in the logs; the default 0 keeps the expression numeric too.
const ORDER_FILTER = `| filter ${VARIABLES.orderId.token} = ${VARIABLES.orderId.any} or orderId = ${VARIABLES.orderId.token}`;

/** Logs Insights: every outcome the worker logged for the chosen channel/order, newest first. */
export const RECENT_OUTCOMES_QUERY = [
  'fields @timestamp, channelId, orderId, eventId, outcome, reason, error, bigcommerceStatusId, statusBefore, statusAfter, attempt',
  '| filter ispresent(outcome) or ispresent(error)',
  CHANNEL_FILTER,
  ORDER_FILTER,
  '| sort @timestamp desc',
  '| limit 200',
].join('\n');

/** Logs Insights: webhooks webhook-ingest turned away for the chosen channel, with the reason. */
export const REJECTIONS_QUERY = [
  'fields @timestamp, channelId, reason, error, status, message',
  '| filter ispresent(reason) or ispresent(error)',
  CHANNEL_FILTER,
  '| sort @timestamp desc',
  '| limit 200',
].join('\n');

/** Logs Insights: warnings and errors of every function for the chosen channel/order. */
export const PROBLEMS_QUERY = [
  'fields @timestamp, service, level, message, channelId, orderId, reason, error',
  '| filter level = "WARN" or level = "ERROR" or ispresent(error)',
  CHANNEL_FILTER,
  `| filter ${VARIABLES.orderId.token} = ${VARIABLES.orderId.any} or orderId = ${VARIABLES.orderId.token} or not ispresent(orderId)`,
  '| sort @timestamp desc',
  '| limit 200',
].join('\n');

/**
 * The one support dashboard of a stage: the support console (custom widget) and the Logs Insights
 * queries follow the channel/order variables at the top; the graphs show the whole stage.
 */
export class SupportDashboard extends Construct {
  readonly dashboard: cloudwatch.Dashboard;

  constructor(scope: Construct, id: string, props: SupportDashboardProps) {
    super(scope, id);
    const period = Duration.minutes(5);
    const ingest = (name: string, label: string, dimensions?: Record<string, string>) =>
      serviceMetric(props.ingest, name, { label, dimensions, period });
    const worker = (name: string, label: string, dimensions?: Record<string, string>) =>
      serviceMetric(props.worker, name, { label, dimensions, period });
    const hooks = (name: string, label: string) => serviceMetric(props.hookManager, name, { label, period });
    const channelApi = (name: string, label: string) =>
      serviceMetric(props.channelApi, name, { label, period });
    const functions = [props.ingest, props.worker, props.hookManager, props.channelApi, props.supportWidget];

    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', {
      dashboardName: dashboardNameFor(props.stage),
      defaultInterval: Duration.hours(6),
      periodOverride: cloudwatch.PeriodOverride.AUTO,
      variables: (['channelId', 'orderId'] as const).map(
        (id) =>
          new cloudwatch.DashboardVariable({
            id,
            type: cloudwatch.VariableType.PATTERN,
            inputType: cloudwatch.VariableInputType.INPUT,
            value: VARIABLES[id].token,
            label: VARIABLES[id].label,
            defaultValue: cloudwatch.DefaultValue.value(VARIABLES[id].any),
            visible: true,
          }),
      ),
    });

    this.dashboard.addWidgets(
      new cloudwatch.TextWidget({
        markdown: [
          `# OM ↔ BigCommerce order sync (${props.stage})`,
          'Webhooks in → order events queue → worker outcomes; hooks kept alive by hook-manager.',
          'Type a **channel id** and a **BigCommerce order id** in the variables above: the support console and the log queries follow them. Runbook for every alarm: docs/deploy.md "Alarms".',
        ].join('\n\n'),
        width: 24,
        height: 3,
      }),
    );
    this.dashboard.addWidgets(
      new cloudwatch.CustomWidget({
        title: 'Support console: order timeline, channel settings and hook health',
        functionArn: props.supportWidget.function.functionArn,
        params: { channelId: VARIABLES.channelId.token, orderId: VARIABLES.orderId.token },
        updateOnRefresh: true,
        updateOnResize: false,
        updateOnTimeRangeChange: false,
        width: 24,
        height: 12,
      }),
    );
    this.dashboard.addWidgets(
      new cloudwatch.LogQueryWidget({
        title: 'Outcomes of the chosen channel / order (order-worker logs)',
        logGroupNames: [props.worker.logGroup.logGroupName],
        queryString: RECENT_OUTCOMES_QUERY,
        view: cloudwatch.LogQueryVisualizationType.TABLE,
        width: 24,
        height: 8,
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
    // Orders whose OM status was left alone but a person should look, by reason (contract.md section 12).
    this.dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        title: 'Orders that need a person',
        left: NEEDS_ATTENTION_REASONS.map((reason) =>
          serviceMetric(props.worker, WORKER_METRICS.needsAttention, {
            label: reason.replace(/_/g, ' '),
            dimensions: { [NEEDS_ATTENTION_DIMENSION]: reason },
            period,
          }),
        ),
        width: 16,
      }),
      new cloudwatch.GraphWidget({
        title: 'Shipments recorded',
        left: [
          worker(WORKER_METRICS.partiallyShipped, 'partially shipped'),
          worker(WORKER_METRICS.shipmentRecorded, 'shipment recorded'),
        ],
        width: 8,
      }),
    );
    this.dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        title: 'Orders that need a person, by reason',
        left: NEEDS_ATTENTION_REASONS.map((reason) =>
          worker(WORKER_METRICS.needsAttention, reason, { reason }),
        ),
        stacked: true,
        width: 12,
      }),
      new cloudwatch.GraphWidget({
        title: 'BigCommerce delivery exceptions and unauthorized callbacks',
        left: [
          ingest(INGEST_METRICS.deliveryException, 'delivery exceptions'),
          ingest(INGEST_METRICS.rejected, 'rejected as unauthorized', { reason: UNAUTHORIZED_REASON }),
        ],
        width: 12,
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
        left: [
          worker(WORKER_METRICS.bigCommerceThrottled, 'throttled'),
          worker(WORKER_METRICS.throttledRequeued, 'sent back to the queue'),
          worker(WORKER_METRICS.staleReadRequeued, 'stale read sent back'),
          worker(WORKER_METRICS.omImportRecheck, 'OM import re-checks'),
        ],
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
        left: [
          hooks(HOOK_METRICS.channelsVerified, 'channels verified'),
          hooks(HOOK_METRICS.sweepChannelsQueued, 'queued by sweeps'),
        ],
        width: 6,
      }),
      new cloudwatch.GraphWidget({
        title: 'Reconcile (missed webhooks)',
        left: [
          hooks(HOOK_METRICS.reconcileEnqueued, 'events enqueued'),
          hooks(HOOK_METRICS.reconcileFailed, 'reconcile failed'),
          hooks(HOOK_METRICS.catchUpsQueued, 'catch-ups queued'),
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
        title: 'Rejections of the chosen channel (webhook-ingest logs)',
        logGroupNames: [props.ingest.logGroup.logGroupName],
        queryString: REJECTIONS_QUERY,
        view: cloudwatch.LogQueryVisualizationType.TABLE,
        width: 24,
        height: 8,
      }),
    );
    this.dashboard.addWidgets(
      new cloudwatch.LogQueryWidget({
        title: 'Warnings and errors of the chosen channel / order (every function)',
        logGroupNames: functions.map((f) => f.logGroup.logGroupName),
        queryString: PROBLEMS_QUERY,
        view: cloudwatch.LogQueryVisualizationType.TABLE,
        width: 24,
        height: 8,
      }),
    );
  }
}
