import { Duration, type RemovalPolicy } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { CHANNEL_EVENTS_SOURCE, CHANNEL_SETTINGS_CHANGED } from '../../functions/adapters/channel-events';
import { FUNCTION_TIMEOUT_SECONDS } from '../../functions/common/limits';
import type { ChannelSecrets } from '../channel-secrets';
import { HouseFunction } from '../house-function';
import { grantChannelStore, grantOrderEventQueue, type StoreAccess } from '../store-access';

export interface HookManagerFunctionProps {
  readonly channelsTable: dynamodb.ITable;
  readonly orderEventsQueue: sqs.IQueue;
  readonly secrets: ChannelSecrets;
  readonly bigCommerceApiUrl: string;
  /** Public base URL of the webhook route: the destination of every hook it creates. */
  readonly webhookBaseUrl: string;
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
  static readonly ACCESS: StoreAccess = {
    channels: ['get', 'list', 'recordHookState', 'recordReconcile', 'purge'],
    orders: [],
    // Credentials to call BigCommerce; the secret goes when a deleted channel is purged.
    secrets: ['get', 'delete'],
    // Reconcile: order changes whose webhook never arrived are enqueued like webhooks.
    orderEventQueue: ['send'],
  };

  readonly scheduleRule: events.Rule;
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
      },
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

    const access = HookManagerFunction.ACCESS;
    grantChannelStore(props.channelsTable, this.function, access.channels);
    props.secrets.grant(this.function, access.secrets);
    grantOrderEventQueue(props.orderEventsQueue, this.function, access.orderEventQueue);
  }
}
