import { Duration, type RemovalPolicy } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as destinations from 'aws-cdk-lib/aws-lambda-destinations';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { CHANNEL_EVENTS_SOURCE, CHANNEL_SETTINGS_CHANGED } from '../../functions/adapters/channel-events';
import {
  HOOK_WORK_BATCH_SIZE,
  HOOK_WORK_MAX_CONCURRENCY,
  HOOK_WORK_MAX_RECEIVE_COUNT,
} from '../../functions/common/limits';
import type { ChannelSecretNames } from '../channel-secret-names';
import { consumedQueue, houseQueue } from '../house-queue';
import { functionTimeout, HouseFunction, resourceEnvironment } from '../house-function';
import { grantStoreAccess } from '../store-access';
import type { StoreAccess } from '../../functions/common/ports';
import { PORTS } from '../../functions/hook-manager/ports';

export interface HookManagerFunctionProps {
  readonly channelsTable: dynamodb.ITable;
  readonly orderEventsQueue: sqs.IQueue;
  readonly secrets: ChannelSecretNames;
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
 * hook-manager: converges each channel's BigCommerce hooks to the desired state — one channel at once
 * when channel-api reports a ChannelSettingsChanged event, and every channel on a schedule: the
 * scheduled run queues the channels due in shards on its own work queue, which it consumes with a
 * bounded concurrency (no invocation grows with the number of channels). The same queue carries the
 * delayed catch-up reconcile after a hook is created or re-activated.
 */
export class HookManagerFunction extends HouseFunction {
  /** One shard, one channel or one listing page run: seconds; a run low on time hands the rest on. */
  /** The port methods its code calls (functions/hook-manager/ports.ts). */
  static readonly ACCESS: StoreAccess = PORTS;

  readonly scheduleRule: events.Rule;
  /**
   * Failed asynchronous invocations (schedule, ChannelSettingsChanged) and work messages that failed
   * HOOK_WORK_MAX_RECEIVE_COUNT times, kept 14 days.
   */
  readonly failures: sqs.Queue;
  /** Sweep shards, listing continuations and delayed catch-up reconciles. */
  readonly workQueue: sqs.Queue;
  readonly channelSettingsChangedRule: events.Rule;

  constructor(scope: Construct, id: string, props: HookManagerFunctionProps) {
    super(scope, id, {
      name: 'hook-manager',
      description: 'Creates, verifies, repairs and deletes the BigCommerce hooks of every channel',
      logRemovalPolicy: props.logRemovalPolicy,
      environment: {
        // Not the bus: its rule subscribes there, the code never publishes.
        ...resourceEnvironment({ ...props, eventBus: undefined }),
        WEBHOOK_BASE_URL: props.webhookBaseUrl,
        HOOK_VERIFY_INTERVAL_SECONDS: String(props.verifyInterval.toSeconds()),
        ...(props.formerWebhookBaseUrls?.length && {
          FORMER_WEBHOOK_BASE_URLS: props.formerWebhookBaseUrls.join(','),
        }),
      },
    });

    // hook-manager's own async retries are off: a retried sweep would overlap the next one, and a failed
    // channel is retried by the next run anyway. What still fails lands in a queue for a person to see.
    this.failures = houseQueue(this, 'Failures', {
      retentionPeriod: Duration.days(14),
      // Kept with the stage's data in production (the same policy as its logs).
      removalPolicy: props.logRemovalPolicy,
    });
    this.function.configureAsyncInvoke({
      retryAttempts: 0,
      onFailure: new destinations.SqsDestination(this.failures),
    });

    this.workQueue = consumedQueue(this, 'WorkQueue', {
      consumerTimeout: functionTimeout('hook-manager'),
      // A shard older than a day is long superseded by later sweeps.
      retentionPeriod: Duration.days(1),
      deadLetterQueue: this.failures,
      maxReceiveCount: HOOK_WORK_MAX_RECEIVE_COUNT,
      removalPolicy: props.logRemovalPolicy,
    });
    this.function.addEnvironment('HOOK_WORK_QUEUE_URL', this.workQueue.queueUrl);
    this.function.addEventSource(
      new SqsEventSource(this.workQueue, {
        batchSize: HOOK_WORK_BATCH_SIZE,
        maxConcurrency: HOOK_WORK_MAX_CONCURRENCY,
        reportBatchItemFailures: true,
      }),
    );

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
      hookWorkQueue: this.workQueue,
    });
  }
}
