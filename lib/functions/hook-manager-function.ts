import { Duration, type RemovalPolicy, Validations } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as destinations from 'aws-cdk-lib/aws-lambda-destinations';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { CHANNEL_EVENTS_SOURCE, CHANNEL_SETTINGS_CHANGED } from '../../functions/adapters/channel-events';
import { FUNCTION_TIMEOUT_SECONDS } from '../../functions/common/limits';
import type { ChannelSecrets } from '../channel-secrets';
import { HouseFunction } from '../house-function';
import { grantStoreAccess } from '../store-access';
import type { StoreAccess } from '../../functions/common/ports';
import { PORTS } from '../../functions/hook-manager/ports';

export interface HookManagerFunctionProps {
  readonly channelsTable: dynamodb.ITable;
  readonly orderEventsQueue: sqs.IQueue;
  readonly secrets: ChannelSecrets;
  readonly bigCommerceApiUrl: string;
  /** Public base URL of the webhook route: the destination of every hook it creates. */
  readonly webhookBaseUrl: string;
  /** FORMER_WEBHOOK_BASE_URLS: hooks under these are still ours (moved to webhookBaseUrl). */
  readonly formerWebhookBaseUrls?: readonly string[];
  readonly verifyInterval: Duration;
  /** The bus channel-api publishes ChannelSettingsChanged on (the default bus). */
  readonly eventBus: events.IEventBus;
  readonly logRemovalPolicy?: RemovalPolicy;
}

/**
 * hook-manager: converges each channel's BigCommerce hooks to the desired state — every channel on a
 * schedule, and one channel at once when channel-api reports a ChannelSettingsChanged event.
 */
export class HookManagerFunction extends HouseFunction {
  /** A sweep over every channel may take a while; the next scheduled run converges whatever is left. */
  static readonly TIMEOUT = Duration.seconds(FUNCTION_TIMEOUT_SECONDS['hook-manager']);
  /** Also what the cost model in bench/ bills per GB-second. */
  static readonly MEMORY_MB = 512;
  /** The port methods its code calls (functions/hook-manager/ports.ts). */
  static readonly ACCESS: StoreAccess = PORTS;

  readonly scheduleRule: events.Rule;
  /** Failed asynchronous invocations (schedule, ChannelSettingsChanged), kept 14 days. */
  readonly failures: sqs.Queue;
  readonly channelSettingsChangedRule: events.Rule;

  constructor(scope: Construct, id: string, props: HookManagerFunctionProps) {
    super(scope, id, {
      name: 'hook-manager',
      description: 'Creates, verifies, repairs and deletes the BigCommerce hooks of every channel',
      memorySize: HookManagerFunction.MEMORY_MB,
      timeout: HookManagerFunction.TIMEOUT,
      logRemovalPolicy: props.logRemovalPolicy,
      environment: {
        CHANNELS_TABLE: props.channelsTable.tableName,
        SECRET_NAME_PREFIX: props.secrets.prefix,
        ORDER_EVENTS_QUEUE_URL: props.orderEventsQueue.queueUrl,
        BIGCOMMERCE_API_URL: props.bigCommerceApiUrl,
        WEBHOOK_BASE_URL: props.webhookBaseUrl,
        HOOK_VERIFY_INTERVAL_SECONDS: String(props.verifyInterval.toSeconds()),
        ...(props.formerWebhookBaseUrls?.length && {
          FORMER_WEBHOOK_BASE_URLS: props.formerWebhookBaseUrls.join(','),
        }),
      },
    });

    // hook-manager's own async retries are off: a retried sweep would overlap the next one, and a failed
    // channel is retried by the next run anyway. What still fails lands in a queue for a person to see.
    this.failures = new sqs.Queue(this, 'Failures', {
      retentionPeriod: Duration.days(14),
      // Kept with the stage's data in production (the same policy as its logs).
      removalPolicy: props.logRemovalPolicy,
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
    });
    Validations.of(this.failures).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason: 'This queue is itself the failure destination of hook-manager; nothing consumes it.',
    });
    this.function.configureAsyncInvoke({
      retryAttempts: 0,
      onFailure: new destinations.SqsDestination(this.failures),
    });

    // Lost or failed invocations are not fatal: the next scheduled sweep repairs every channel.
    const target = () =>
      new targets.LambdaFunction(this.function, { retryAttempts: 2, maxEventAge: Duration.hours(1) });
    this.scheduleRule = new events.Rule(this, 'VerifySchedule', {
      description: 'Verifies and repairs the BigCommerce hooks of every channel',
      schedule: events.Schedule.rate(props.verifyInterval),
      targets: [target()],
    });
    this.channelSettingsChangedRule = new events.Rule(this, 'ChannelSettingsChanged', {
      description: 'Converges the hooks of a channel as soon as its settings change',
      eventBus: props.eventBus,
      eventPattern: { source: [CHANNEL_EVENTS_SOURCE], detailType: [CHANNEL_SETTINGS_CHANGED] },
      targets: [target()],
    });

    grantStoreAccess(this.function, HookManagerFunction.ACCESS, {
      channels: props.channelsTable,
      secrets: props.secrets,
      orderEventQueue: props.orderEventsQueue,
    });
  }
}
