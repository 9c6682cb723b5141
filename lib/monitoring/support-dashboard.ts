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

/** What a graph may set besides its title, width and left-hand metrics. */
type GraphExtras = Omit<cloudwatch.GraphWidgetProps, 'title' | 'width' | 'left'>;

/**
 * The one support dashboard of a stage: the support console (custom widget) and the Logs Insights
 * queries follow the channel/order variables at the top; the graphs show the whole stage.
 */
export class SupportDashboard extends Construct {
  readonly dashboard: cloudwatch.Dashboard;

  constructor(scope: Construct, id: string, props: SupportDashboardProps) {
    super(scope, id);
    const period = Duration.minutes(5);
    /** Count metrics of one function, in the order of `labels`: metric key (of `names`) → graph label. */
    const counts = <K extends string>(
      source: HouseFunction,
      names: Record<K, string>,
      labels: Partial<Record<K, string>>,
    ) =>
      (Object.entries(labels) as [K, string][]).map(([key, label]) =>
        serviceMetric(source, names[key], { label, period }),
      );
    const ingest = (labels: Partial<Record<keyof typeof INGEST_METRICS, string>>) =>
      counts(props.ingest, INGEST_METRICS, labels);
    const worker = (labels: Partial<Record<keyof typeof WORKER_METRICS, string>>) =>
      counts(props.worker, WORKER_METRICS, labels);
    /** One series a reason: `metricName` of `source` with the reason as the `dimension`. */
    const byReason = (
      source: HouseFunction,
      metricName: string,
      reasons: readonly string[],
      { dimension = 'reason', label = (reason: string) => reason } = {},
    ) =>
      reasons.map((reason) =>
        serviceMetric(source, metricName, {
          label: label(reason),
          dimensions: { [dimension]: reason },
          period,
        }),
      );
    const graph = (title: string, width: number, left: cloudwatch.IMetric[], more: GraphExtras = {}) =>
      new cloudwatch.GraphWidget({ title, width, left, ...more });
    const logTable = (title: string, logGroups: HouseFunction[], queryString: string) =>
      new cloudwatch.LogQueryWidget({
        title,
        logGroupNames: logGroups.map((f) => f.logGroup.logGroupName),
        queryString,
        view: cloudwatch.LogQueryVisualizationType.TABLE,
        width: 24,
        height: 8,
      });
    const functions = [props.ingest, props.worker, props.hookManager, props.channelApi, props.supportWidget];
    const everyFunction = (metric: (f: HouseFunction) => cloudwatch.IMetric) => functions.map(metric);

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
      logTable(
        'Outcomes of the chosen channel / order (order-worker logs)',
        [props.worker],
        RECENT_OUTCOMES_QUERY,
      ),
    );
    this.dashboard.addWidgets(
      new cloudwatch.AlarmStatusWidget({ title: 'Alarms', alarms: props.alarms, width: 24, height: 3 }),
    );

    this.dashboard.addWidgets(
      graph(
        'Webhooks',
        8,
        ingest({
          received: 'received',
          accepted: 'accepted',
          ignored: 'ignored (scope/duplicate)',
          enqueueFailed: 'enqueue failed (503)',
          forDeletedChannel: 'for a deleted channel (200, dropped)',
          deliveryException: 'BigCommerce delivery exceptions',
        }),
      ),
      graph(
        'Webhooks rejected by reason',
        8,
        byReason(props.ingest, INGEST_METRICS.rejected, REJECTION_REASONS),
        { stacked: true },
      ),
      graph(
        'Webhook route (API Gateway)',
        8,
        ['Count', '4xx', '5xx'].map((name) => props.webhookRouteMetric(name)),
        { right: [props.webhookRouteMetric('Latency', cloudwatch.Stats.p(99))] },
      ),
    );

    this.dashboard.addWidgets(
      graph(
        'Outcomes',
        24,
        worker({
          cancelled: 'cancelled',
          fulfilled: 'fulfilled',
          statusNotConfigured: 'status not configured',
          deferred: 'deferred',
          expired: 'expired',
        }),
      ),
    );
    // Orders whose OM status was left alone but a person should look, by reason (contract.md section 12).
    this.dashboard.addWidgets(
      graph(
        'Orders that need a person',
        16,
        byReason(props.worker, WORKER_METRICS.needsAttention, NEEDS_ATTENTION_REASONS, {
          dimension: NEEDS_ATTENTION_DIMENSION,
          label: (reason) => reason.replace(/_/g, ' '),
        }),
      ),
      graph(
        'Shipments recorded',
        8,
        worker({ partiallyShipped: 'partially shipped', shipmentRecorded: 'shipment recorded' }),
      ),
    );
    this.dashboard.addWidgets(
      graph(
        'Orders that need a person, by reason',
        12,
        byReason(props.worker, WORKER_METRICS.needsAttention, NEEDS_ATTENTION_REASONS),
        { stacked: true },
      ),
      graph('BigCommerce delivery exceptions and unauthorized callbacks', 12, [
        ...ingest({ deliveryException: 'delivery exceptions' }),
        ...byReason(props.ingest, INGEST_METRICS.rejected, [UNAUTHORIZED_REASON], {
          label: () => 'rejected as unauthorized',
        }),
      ]),
    );
    this.dashboard.addWidgets(
      graph(
        'Other outcomes',
        8,
        worker({
          alreadyInTargetStatus: 'already in target status',
          noAction: 'no action for BigCommerce status',
          bigCommerceOrderNotFound: 'order not found in BigCommerce',
          duplicateDropped: 'duplicate dropped',
        }),
      ),
      graph(
        'Worker failures and retries',
        8,
        worker({
          processingFailed: 'processing failed (retried)',
          writeConflict: 'write conflict (re-read)',
          deferralChained: 'long deferral chained',
          malformedDropped: 'malformed message dropped',
          unknownChannelDropped: 'unknown channel dropped',
        }),
      ),
      graph(
        'BigCommerce throttling (429)',
        8,
        worker({
          bigCommerceThrottled: 'throttled',
          throttledRequeued: 'sent back to the queue',
          staleReadRequeued: 'stale read sent back',
          omImportRecheck: 'OM import re-checks',
        }),
      ),
    );

    const everyMinute = { statistic: cloudwatch.Stats.MAXIMUM, period: Duration.minutes(1) };
    this.dashboard.addWidgets(
      graph('Dead-letter queue depth', 8, [
        props.deadLetterQueue.metricApproximateNumberOfMessagesVisible({
          ...everyMinute,
          label: 'messages in the dead-letter queue',
        }),
      ]),
      graph(
        'Age of oldest order event',
        8,
        [props.orderEventsQueue.metricApproximateAgeOfOldestMessage({ ...everyMinute, label: 'seconds' })],
        {
          leftAnnotations: [
            { value: OLDEST_MESSAGE_THRESHOLD.toSeconds(), label: 'alarm', color: cloudwatch.Color.RED },
          ],
        },
      ),
      graph('Order events queue', 8, [
        props.orderEventsQueue.metricApproximateNumberOfMessagesVisible({ label: 'waiting' }),
        props.orderEventsQueue.metricApproximateNumberOfMessagesNotVisible({ label: 'in flight' }),
        props.orderEventsQueue.metric('ApproximateNumberOfMessagesDelayed', {
          statistic: cloudwatch.Stats.MAXIMUM,
          label: 'delayed (deferred)',
        }),
      ]),
    );

    this.dashboard.addWidgets(
      graph(
        'Hooks',
        6,
        counts(props.hookManager, HOOK_METRICS, {
          created: 'created',
          reactivated: 're-activated',
          repaired: 'repaired',
          deleted: 'deleted',
          verifyFailed: 'verify failed',
        }),
      ),
      graph(
        'Channels verified',
        6,
        counts(props.hookManager, HOOK_METRICS, {
          channelsVerified: 'channels verified',
          sweepChannelsQueued: 'queued by sweeps',
        }),
      ),
      graph(
        'Reconcile (missed webhooks)',
        6,
        counts(props.hookManager, HOOK_METRICS, {
          reconcileEnqueued: 'events enqueued',
          reconcileFailed: 'reconcile failed',
          catchUpsQueued: 'catch-ups queued',
        }),
      ),
      graph(
        'Channel API',
        6,
        counts(props.channelApi, CHANNEL_API_METRICS, {
          requests: 'requests',
          errors: 'errors',
          saved: 'channels saved',
          deleted: 'channels deleted',
          eventPublishFailed: 'settings event not published',
          credentialsRefused: 'credentials refused (422)',
          credentialsUnverified: 'credentials not verified (saved)',
        }),
      ),
    );

    this.dashboard.addWidgets(
      graph(
        'Function errors',
        8,
        everyFunction((f) => f.function.metricErrors({ label: f.serviceName, period })),
      ),
      graph(
        'Function duration p99 (ms)',
        8,
        everyFunction((f) =>
          f.function.metricDuration({ label: f.serviceName, statistic: cloudwatch.Stats.p(99), period }),
        ),
      ),
      graph(
        'Function throttles',
        8,
        everyFunction((f) => f.function.metricThrottles({ label: f.serviceName, period })),
      ),
    );

    this.dashboard.addWidgets(
      logTable('Rejections of the chosen channel (webhook-ingest logs)', [props.ingest], REJECTIONS_QUERY),
    );
    this.dashboard.addWidgets(
      logTable(
        'Warnings and errors of the chosen channel / order (every function)',
        functions,
        PROBLEMS_QUERY,
      ),
    );
  }
}
