import * as path from 'node:path';
import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { type BundlingOptions, NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { FunctionName } from '../functions/common/routes';
import { FUNCTION_MEMORY_MB, FUNCTION_TIMEOUT_SECONDS } from '../functions/common/limits';
import type { ChannelSecretNames } from './channel-secret-names';
import { metricsNamespaceFor, stageContextOf } from './stage-context';

/** Repository root: lib/ sits right under it. */
export const PROJECT_ROOT = path.resolve(__dirname, '..');

/** The Lambda entry of a function: `functions/<name>/index.ts`, which exports `handler`. */
export const functionEntry = (name: FunctionName) => path.join(PROJECT_ROOT, 'functions', name, 'index.ts');

/**
 * How every function is bundled (esbuild, locally — no Docker). Exported so that measurements (bundle
 * size, cold init) can bundle a baseline the same way.
 */
export const HOUSE_BUNDLING = {
  minify: true,
  sourceMap: true,
  // File/line mapping is enough for stack traces; embedding the sources would double the asset.
  sourcesContent: false,
  target: 'node24',
  // CommonJS output; ESM-only dependencies (middy) are bundled in by esbuild.
  format: OutputFormat.CJS,
  // Prefer the ESM builds (the AWS SDK's dist-es): they tree-shake, about 18% smaller bundles.
  mainFields: ['module', 'main'],
  // The same SDK v3 clients the bundle-size baseline uses, not the runtime's copy.
  bundleAwsSDK: true,
  externalModules: [],
} as const satisfies BundlingOptions;

/** A function's Lambda timeout (functions/common/limits.ts: the local runtime enforces the same). */
export const functionTimeout = (name: FunctionName): Duration =>
  Duration.seconds(FUNCTION_TIMEOUT_SECONDS[name]);

export interface HouseFunctionProps {
  /** The function's name in this project; also its Powertools service name (metrics dimension `service`). */
  readonly name: FunctionName;
  readonly description: string;
  /** Function-specific variables (names as functions/common/config.ts); house variables are added. */
  readonly environment: Record<string, string>;
  /** @default one month */
  readonly logRetention?: logs.RetentionDays;
  /** What happens to the log group when the stack is deleted. @default RETAIN */
  readonly logRemovalPolicy?: RemovalPolicy;
}

/**
 * What the stack hands its functions: each function's props pick the ones it uses
 * (`Pick<HouseResources, …>`) and add its own.
 */
export interface HouseResources {
  readonly channelsTable: dynamodb.ITable;
  readonly ordersTable: dynamodb.ITable;
  readonly orderEventsQueue: sqs.IQueue;
  readonly secrets: ChannelSecretNames;
  /** The bus ChannelSettingsChanged travels on (the default bus). */
  readonly eventBus: events.IEventBus;
  readonly bigCommerceApiUrl: string;
  /** What happens to the function's log group when the stack is deleted. @default RETAIN */
  readonly logRemovalPolicy?: RemovalPolicy;
}

/**
 * The variables naming the resources a function is given (names as functions/common/config.ts): a
 * function's props pick the resources it uses, so its environment names exactly those.
 */
export const resourceEnvironment = (r: Partial<HouseResources>): Record<string, string> => ({
  ...(r.channelsTable && { CHANNELS_TABLE: r.channelsTable.tableName }),
  ...(r.ordersTable && { ORDERS_TABLE: r.ordersTable.tableName }),
  ...(r.secrets && { SECRET_NAME_PREFIX: r.secrets.prefix }),
  ...(r.eventBus && { EVENT_BUS_NAME: r.eventBus.eventBusName }),
  ...(r.orderEventsQueue && { ORDER_EVENTS_QUEUE_URL: r.orderEventsQueue.queueUrl }),
  ...(r.bigCommerceApiUrl !== undefined && { BIGCOMMERCE_API_URL: r.bigCommerceApiUrl }),
});

/**
 * A Lambda function with the house defaults: Node.js 24 on arm64, esbuild-bundled (minified, source
 * maps, AWS SDK v3 bundled rather than taken from the runtime), JSON logs at INFO into its own log
 * group with a retention, active X-Ray tracing, Powertools service/namespace, and its own role that
 * may only write to that log group until the owner grants more. No physical names.
 */
export class HouseFunction extends Construct {
  readonly function: NodejsFunction;
  readonly role: iam.Role;
  readonly logGroup: logs.LogGroup;
  /** POWERTOOLS_SERVICE_NAME: the `service` dimension of every metric the function emits. */
  readonly serviceName: string;
  /** POWERTOOLS_METRICS_NAMESPACE: `OmBigCommerce/<stage>`, so no stage reads another's metrics. */
  readonly metricsNamespace: string;

  constructor(scope: Construct, id: string, props: HouseFunctionProps) {
    super(scope, id);
    this.serviceName = props.name;
    const stage = stageContextOf(this);
    this.metricsNamespace = metricsNamespaceFor(stage?.stage);

    this.logGroup = new logs.LogGroup(this, 'LogGroup', {
      retention: props.logRetention ?? logs.RetentionDays.ONE_MONTH,
      removalPolicy: props.logRemovalPolicy ?? RemovalPolicy.RETAIN,
    });

    // An own role instead of AWSLambdaBasicExecutionRole: logging is granted on this log group only.
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `Execution role of ${props.name}`,
    });
    this.logGroup.grantWrite(this.role);
    Validations.of(this.role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'X-Ray tracing (xray:PutTraceSegments, xray:PutTelemetryRecords) has no resource-level ' +
        'permissions; CDK adds exactly these for Tracing.ACTIVE. No other grant on * exists (tested).',
    });

    this.function = new NodejsFunction(this, 'Function', {
      entry: functionEntry(props.name),
      handler: 'handler',
      projectRoot: PROJECT_ROOT,
      depsLockFilePath: path.join(PROJECT_ROOT, 'package-lock.json'),
      description: props.description,
      runtime: lambda.Runtime.NODEJS_24_X,
      architecture: lambda.Architecture.ARM_64,
      // Both from functions/common/limits.ts: the cost model and the local runtime read the same.
      memorySize: FUNCTION_MEMORY_MB[props.name],
      timeout: functionTimeout(props.name),
      role: this.role,
      logGroup: this.logGroup,
      loggingFormat: lambda.LoggingFormat.JSON,
      applicationLogLevelV2: lambda.ApplicationLogLevel[stage?.logLevel ?? 'INFO'],
      systemLogLevelV2: lambda.SystemLogLevel.WARN,
      tracing: lambda.Tracing.ACTIVE,
      environment: {
        ...props.environment,
        POWERTOOLS_SERVICE_NAME: props.name,
        POWERTOOLS_METRICS_NAMESPACE: this.metricsNamespace,
        NODE_OPTIONS: '--enable-source-maps',
      },
      bundling: HOUSE_BUNDLING,
    });
  }
}
