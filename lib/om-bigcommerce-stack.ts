import { Aws, CfnOutput, RemovalPolicy, Stack, type StackProps, Tags } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import type { Construct } from 'constructs';
import { ChannelSecretNames } from './channel-secret-names';
import { ChannelApiFunction } from './functions/channel-api-function';
import { HookManagerFunction } from './functions/hook-manager-function';
import { functionTimeout } from './house-function';
import { OrderWorkerFunction } from './functions/order-worker-function';
import { SupportWidgetFunction } from './functions/support-widget-function';
import { WebhookIngestFunction } from './functions/webhook-ingest-function';
import { OmHttpApi, WEBHOOK_ROUTE } from './http-api';
import { SupportAlarms } from './monitoring/support-alarms';
import { SupportDashboard } from './monitoring/support-dashboard';
import { OrderEventsQueue } from './order-events-queue';
import { isProductionStage, type StageSettings, validateSettings } from './settings';
import { metricsNamespaceFor, setStageContext } from './stage-context';
import { DataTables } from './tables';
import { WebhookEdge } from './webhook-edge';

export interface OmBigCommerceStackProps extends StackProps {
  readonly settings: StageSettings;
}

/**
 * Everything of docs/contract.md section 2 in one stack: HTTP API → webhook-ingest → SQS → order-worker →
 * DynamoDB; hook-manager on a schedule and on ChannelSettingsChanged; channel-api behind IAM; the
 * support dashboard and alarms.
 */
export class OmBigCommerceStack extends Stack {
  readonly tables: DataTables;
  readonly queues: OrderEventsQueue;
  readonly secrets: ChannelSecretNames;
  readonly ingest: WebhookIngestFunction;
  readonly worker: OrderWorkerFunction;
  readonly hookManager: HookManagerFunction;
  readonly channelApi: ChannelApiFunction;
  readonly supportWidget: SupportWidgetFunction;
  /** ChannelSettingsChanged travels on this stage's own bus: no other stage's hook-manager hears it. */
  readonly channelEvents: events.EventBus;
  readonly httpApi: OmHttpApi;
  /** CloudFront + WAF in front of the webhook route, when `webhookRateLimit` is on. */
  readonly webhookEdge?: WebhookEdge;
  readonly alarms: SupportAlarms;
  readonly dashboard: SupportDashboard;

  constructor(scope: Construct, id: string, props: OmBigCommerceStackProps) {
    super(scope, id, props);
    const settings = validateSettings(props.settings);
    // Before any child: every function reads its metrics namespace and log level from here.
    setStageContext(this, { stage: settings.stage, logLevel: settings.logLevel });
    // Production keeps its data (and its logs) when the stack goes; other stages clean up after themselves.
    const removalPolicy = isProductionStage(settings.stage) ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;
    const logRemovalPolicy = removalPolicy;

    Tags.of(this).add('project', 'om-bigcommerce');
    Tags.of(this).add('stage', settings.stage);

    this.tables = new DataTables(this, 'Tables', { removalPolicy });
    this.queues = new OrderEventsQueue(this, 'OrderEvents', {
      consumerTimeout: functionTimeout('order-worker'),
      removalPolicy,
    });
    this.secrets = new ChannelSecretNames(this, { legacyFallback: settings.legacySecretFallback });
    this.channelEvents = new events.EventBus(this, 'ChannelEvents', {
      description: `ChannelSettingsChanged of the ${settings.stage} stage (channel-api → hook-manager)`,
    });

    this.ingest = new WebhookIngestFunction(this, 'WebhookIngest', {
      channelsTable: this.tables.channels,
      orderEventsQueue: this.queues.queue,
      secrets: this.secrets,
      logRemovalPolicy,
    });
    this.channelApi = new ChannelApiFunction(this, 'ChannelApi', {
      channelsTable: this.tables.channels,
      ordersTable: this.tables.orders,
      secrets: this.secrets,
      eventBus: this.channelEvents,
      orderEventsQueue: this.queues.queue,
      bigCommerceApiUrl: settings.bigCommerceApiUrl,
      logRemovalPolicy,
    });
    this.httpApi = new OmHttpApi(this, 'Http', {
      targets: { 'webhook-ingest': this.ingest.function, 'channel-api': this.channelApi.function },
      // With the edge on, the custom domain names the distribution instead (docs/security.md).
      customDomain: settings.webhookRateLimit > 0 ? undefined : settings.customDomain,
      throttle: settings.throttle,
      logRemovalPolicy,
    });
    if (settings.webhookRateLimit > 0) {
      this.webhookEdge = new WebhookEdge(this, 'WebhookEdge', {
        httpApi: this.httpApi,
        rateLimit: settings.webhookRateLimit,
        customDomain: settings.customDomain,
      });
    }
    const webhookBaseUrl = this.webhookEdge?.webhookBaseUrl ?? this.httpApi.webhookBaseUrl;
    this.worker = new OrderWorkerFunction(this, 'OrderWorker', {
      channelsTable: this.tables.channels,
      ordersTable: this.tables.orders,
      orderEventsQueue: this.queues.queue,
      secrets: this.secrets,
      bigCommerceApiUrl: settings.bigCommerceApiUrl,
      deferDelays: settings.deferDelays,
      deferMaxAge: settings.deferMaxAge,
      logRemovalPolicy,
    });
    // No cycle: the API integrates ingest and channel-api only; hook-manager just reads its URL.
    this.hookManager = new HookManagerFunction(this, 'HookManager', {
      channelsTable: this.tables.channels,
      orderEventsQueue: this.queues.queue,
      secrets: this.secrets,
      bigCommerceApiUrl: settings.bigCommerceApiUrl,
      webhookBaseUrl,
      formerWebhookBaseUrls: settings.formerWebhookBaseUrls,
      verifyInterval: settings.hookVerifyInterval,
      eventBus: this.channelEvents,
      logRemovalPolicy,
    });

    this.supportWidget = new SupportWidgetFunction(this, 'SupportWidget', {
      channelsTable: this.tables.channels,
      ordersTable: this.tables.orders,
      logRemovalPolicy,
    });

    // What both the alarms and the dashboard watch.
    const watched = {
      stage: settings.stage,
      ingest: this.ingest,
      worker: this.worker,
      hookManager: this.hookManager,
      orderEventsQueue: this.queues.queue,
      deadLetterQueue: this.queues.deadLetterQueue,
    };
    this.alarms = new SupportAlarms(this, 'Alarms', {
      ...watched,
      webhookRouteMetric: (metricName, period) =>
        this.httpApi.routeMetric(WEBHOOK_ROUTE, metricName, { period }),
      sweepSchedule: this.hookManager.scheduleRule,
      hookManagerFailures: this.hookManager.failures,
      verifyInterval: settings.hookVerifyInterval,
      alarmEmail: settings.alarmEmail,
      removalPolicy,
    });
    this.dashboard = new SupportDashboard(this, 'Support', {
      ...watched,
      channelApi: this.channelApi,
      supportWidget: this.supportWidget,
      webhookRouteMetric: (metricName, statistic) =>
        this.httpApi.routeMetric(WEBHOOK_ROUTE, metricName, { statistic }),
      alarms: this.alarms.alarms,
    });

    new CfnOutput(this, 'WebhookBaseUrl', {
      description: 'Base of the webhook route; hook destinations are <base>/webhooks/bigcommerce/<channelId>',
      value: webhookBaseUrl,
    });
    new CfnOutput(this, 'ApiUrl', {
      description: 'HTTP API endpoint (admin routes need SigV4, service execute-api)',
      value: this.httpApi.api.apiEndpoint,
    });
    if (this.httpApi.domainName) {
      new CfnOutput(this, 'CustomDomainTarget', {
        description: 'Point a CNAME/alias for the custom domain at this regional name',
        value: this.httpApi.domainName.regionalDomainName,
      });
    }
    if (this.webhookEdge && settings.customDomain) {
      new CfnOutput(this, 'CustomDomainTarget', {
        description: 'Point a CNAME/alias for the custom domain at this CloudFront name',
        value: this.webhookEdge.distribution.distributionDomainName,
      });
    }
    new CfnOutput(this, 'DashboardUrl', {
      description: 'Support dashboard',
      value: `https://${Aws.REGION}.console.aws.amazon.com/cloudwatch/home?region=${Aws.REGION}#dashboards:name=${this.dashboard.dashboard.dashboardName}`,
    });
    new CfnOutput(this, 'DashboardName', { value: this.dashboard.dashboard.dashboardName });
    new CfnOutput(this, 'OrderEventsQueueUrl', { value: this.queues.queue.queueUrl });
    new CfnOutput(this, 'DeadLetterQueueUrl', { value: this.queues.deadLetterQueue.queueUrl });
    new CfnOutput(this, 'DeadLetterQueueArn', {
      description: 'Source ARN for an SQS redrive back to the order events queue (docs/deploy.md)',
      value: this.queues.deadLetterQueue.queueArn,
    });
    new CfnOutput(this, 'HookManagerFailuresUrl', { value: this.hookManager.failures.queueUrl });
    new CfnOutput(this, 'ChannelsTableName', { value: this.tables.channels.tableName });
    new CfnOutput(this, 'OrdersTableName', { value: this.tables.orders.tableName });
    new CfnOutput(this, 'MetricsNamespace', {
      description: "This stage's CloudWatch metrics namespace",
      value: metricsNamespaceFor(settings.stage),
    });
    new CfnOutput(this, 'ChannelEventBusName', { value: this.channelEvents.eventBusName });
    new CfnOutput(this, 'AlarmTopicArn', {
      description: 'Subscribe support to this topic',
      value: this.alarms.topic.topicArn,
    });
    new CfnOutput(this, 'SecretNamePrefix', {
      description:
        'Channel secrets are named <prefix>webhook-auth/<channelId> and <prefix>api-credentials/<channelId>',
      value: this.secrets.prefix,
    });
  }
}
