import {
  FUNCTION_MEMORY_MB,
  FUNCTION_TIMEOUT_SECONDS,
  HOOK_WORK_MAX_CONCURRENCY,
  ORDER_WORKER_BATCH_SIZE,
  ORDER_WORKER_MAX_CONCURRENCY,
} from '../../functions/common/limits';
import { Match } from 'aws-cdk-lib/assertions';
import { CHANNEL_EVENTS_SOURCE, CHANNEL_SETTINGS_CHANGED } from '../../functions/adapters/channel-events';
import { API_GATEWAY_ROUTES, ROUTES, routeKey, type RouteDefinition } from '../../functions/common/routes';
import { TABLES } from '../../functions/common/tables';
import type { HouseFunction } from '../../lib/house-function';
import { getAttOf, idOf, propsOf as propsOfResource, refOf, synthApp, type Synthesized } from './helpers';
import { deniedPairs, flattenJoin, grantedPairs, type Json, pairs } from './template-helpers';

let synth: Synthesized;
beforeAll(() => {
  synth = synthApp();
});

const resources = (): Record<string, { Type: string; Properties: Json }> => synth.template.toJSON().Resources;
const propsOf = (construct: Parameters<typeof idOf>[1]) => propsOfResource(synth, construct);

describe('stack', () => {
  it('is named after the stage (dev by default)', () => {
    expect(synth.stack.stackName).toBe('OmBigCommerce-dev');
  });

  it('gives no resource a physical name', () => {
    const nameProp: Record<string, string> = {
      'AWS::Lambda::Function': 'FunctionName',
      'AWS::DynamoDB::Table': 'TableName',
      'AWS::SQS::Queue': 'QueueName',
      'AWS::SNS::Topic': 'TopicName',
      'AWS::CloudWatch::Alarm': 'AlarmName',
      'AWS::IAM::Role': 'RoleName',
      'AWS::IAM::Policy': 'PolicyName', // CDK generates it from the logical id; checked below
      'AWS::Logs::LogGroup': 'LogGroupName',
      'AWS::Events::Rule': 'Name',
      'AWS::KMS::Key': 'KeyAlias',
    };
    let checked = 0;
    for (const [id, resource] of Object.entries(resources())) {
      const prop = nameProp[resource.Type];
      if (!prop) continue;
      checked += 1;
      const value = resource.Properties?.[prop];
      if (resource.Type === 'AWS::IAM::Policy') expect(value).toMatch(/^[A-Za-z0-9]+$/);
      else expect({ id, [prop]: value }).toEqual({ id, [prop]: undefined });
    }
    expect(checked).toBeGreaterThan(20);
  });

  it('names its dashboard after the stage (the one name runbooks and bookmarks use)', () => {
    synth.template.resourceCountIs('AWS::CloudWatch::Dashboard', 1);
    synth.template.hasResourceProperties('AWS::CloudWatch::Dashboard', {
      DashboardName: 'OmBigCommerce-dev',
    });
  });
});

describe('functions', () => {
  const all = (): [string, HouseFunction][] => [
    ['webhook-ingest', synth.stack.ingest],
    ['order-worker', synth.stack.worker],
    ['hook-manager', synth.stack.hookManager],
    ['channel-api', synth.stack.channelApi],
    ['support-widget', synth.stack.supportWidget],
  ];

  it('has exactly the five functions', () => {
    synth.template.resourceCountIs('AWS::Lambda::Function', 5);
  });

  it.each(['webhook-ingest', 'order-worker', 'hook-manager', 'channel-api', 'support-widget'])(
    '%s has the house defaults',
    (name) => {
      const [, fn] = all().find(([n]) => n === name)!;
      expect(propsOf(fn.function)).toEqual(
        expect.objectContaining({
          Runtime: 'nodejs24.x',
          Architectures: ['arm64'],
          Handler: 'index.handler',
          TracingConfig: { Mode: 'Active' },
          LoggingConfig: {
            LogFormat: 'JSON',
            ApplicationLogLevel: 'INFO',
            SystemLogLevel: 'WARN',
            LogGroup: refOf(synth, fn.logGroup),
          },
          Role: getAttOf(synth, fn.role, 'Arn'),
        }),
      );
      expect(propsOf(fn.function).Environment.Variables).toEqual(
        expect.objectContaining({
          POWERTOOLS_SERVICE_NAME: name,
          POWERTOOLS_METRICS_NAMESPACE: 'OmBigCommerce/dev',
          NODE_OPTIONS: '--enable-source-maps',
        }),
      );
      expect(propsOf(fn.logGroup)).toMatchObject({ RetentionInDays: 30 });
      expect(propsOf(fn.logGroup).LogGroupName).toBeUndefined();
      // Its own role: no AWSLambdaBasicExecutionRole, logging granted on its own log group.
      expect(propsOf(fn.role).ManagedPolicyArns).toBeUndefined();
    },
  );

  it('gives every function a memory size and a timeout that fits its job', () => {
    expect(propsOf(synth.stack.ingest.function)).toMatchObject({ MemorySize: 512, Timeout: 10 });
    expect(propsOf(synth.stack.worker.function)).toMatchObject({ MemorySize: 512, Timeout: 30 });
    // A shard, a channel or a page of the listing: no invocation may run longer than 300 s.
    expect(propsOf(synth.stack.hookManager.function)).toMatchObject({ MemorySize: 512, Timeout: 300 });
    expect(propsOf(synth.stack.channelApi.function)).toMatchObject({ MemorySize: 512, Timeout: 10 });
    expect(propsOf(synth.stack.supportWidget.function)).toMatchObject({ MemorySize: 256, Timeout: 10 });
  });

  describe('environment (names as functions/common/config.ts)', () => {
    const env = (fn: HouseFunction) => {
      const { POWERTOOLS_SERVICE_NAME, POWERTOOLS_METRICS_NAMESPACE, NODE_OPTIONS, ...rest } = propsOf(
        fn.function,
      ).Environment.Variables;
      void [POWERTOOLS_SERVICE_NAME, POWERTOOLS_METRICS_NAMESPACE, NODE_OPTIONS];
      return rest;
    };
    const prefix = 'om-bigcommerce/OmBigCommerce-dev/channels/';

    it('webhook-ingest', () => {
      expect(env(synth.stack.ingest)).toEqual({
        CHANNELS_TABLE: refOf(synth, synth.stack.tables.channels),
        SECRET_NAME_PREFIX: prefix,
        SECRET_LEGACY_FALLBACK: 'true',
        ORDER_EVENTS_QUEUE_URL: refOf(synth, synth.stack.queues.queue),
      });
    });

    it('order-worker (deferral defaults of docs/contract.md section 7)', () => {
      expect(env(synth.stack.worker)).toEqual({
        CHANNELS_TABLE: refOf(synth, synth.stack.tables.channels),
        ORDERS_TABLE: refOf(synth, synth.stack.tables.orders),
        SECRET_NAME_PREFIX: prefix,
        ORDER_EVENTS_QUEUE_URL: refOf(synth, synth.stack.queues.queue),
        BIGCOMMERCE_API_URL: 'https://api.bigcommerce.com',
        DEFER_DELAYS_SECONDS: '60,120,240,480,900',
        DEFER_MAX_AGE_SECONDS: '86400',
      });
    });

    it('hook-manager (webhook base URL = the API endpoint when no domain is set)', () => {
      expect(env(synth.stack.hookManager)).toEqual({
        CHANNELS_TABLE: refOf(synth, synth.stack.tables.channels),
        SECRET_NAME_PREFIX: prefix,
        ORDER_EVENTS_QUEUE_URL: refOf(synth, synth.stack.queues.queue),
        HOOK_WORK_QUEUE_URL: refOf(synth, synth.stack.hookManager.workQueue),
        BIGCOMMERCE_API_URL: 'https://api.bigcommerce.com',
        WEBHOOK_BASE_URL: getAttOf(synth, synth.stack.httpApi.api, 'ApiEndpoint'),
        HOOK_VERIFY_INTERVAL_SECONDS: '900',
      });
    });

    it('channel-api', () => {
      expect(env(synth.stack.channelApi)).toEqual({
        CHANNELS_TABLE: refOf(synth, synth.stack.tables.channels),
        ORDERS_TABLE: refOf(synth, synth.stack.tables.orders),
        SECRET_NAME_PREFIX: prefix,
        EVENT_BUS_NAME: refOf(synth, synth.stack.channelEvents),
        ORDER_EVENTS_QUEUE_URL: refOf(synth, synth.stack.queues.queue),
        // New or changed credentials are checked against BigCommerce before they are saved.
        BIGCOMMERCE_API_URL: 'https://api.bigcommerce.com',
      });
    });

    it('support-widget (the two tables, nothing else)', () => {
      expect(env(synth.stack.supportWidget)).toEqual({
        CHANNELS_TABLE: refOf(synth, synth.stack.tables.channels),
        ORDERS_TABLE: refOf(synth, synth.stack.tables.orders),
      });
    });
  });
});

/** An SQS event source's consumer permissions, plus SendMessage: the function also sends to its queue. */
const CONSUMES_AND_SENDS = [
  'sqs:ChangeMessageVisibility',
  'sqs:DeleteMessage',
  'sqs:GetQueueAttributes',
  'sqs:GetQueueUrl',
  'sqs:ReceiveMessage',
  'sqs:SendMessage',
];

describe('least-privilege IAM', () => {
  const roleOf = (fn: HouseFunction) => idOf(synth, fn.role);
  const logs = (fn: HouseFunction) =>
    pairs(['logs:CreateLogStream', 'logs:PutLogEvents'], getAttOf(synth, fn.logGroup, 'Arn'));
  const xray = pairs(['xray:PutTelemetryRecords', 'xray:PutTraceSegments'], '*');
  const channels = () => getAttOf(synth, synth.stack.tables.channels, 'Arn');
  const orders = () => getAttOf(synth, synth.stack.tables.orders, 'Arn');
  const queue = () => getAttOf(synth, synth.stack.queues.queue, 'Arn');
  const secrets = () => synth.stack.resolve(synth.stack.secrets.arnPattern);

  it('scopes secrets to the channel prefix of this stack', () => {
    expect(flattenJoin(secrets())).toBe(
      'arn:${Ref:AWS::Partition}:secretsmanager:${Ref:AWS::Region}:${Ref:AWS::AccountId}:secret:om-bigcommerce/OmBigCommerce-dev/channels/*',
    );
  });

  it('webhook-ingest may only read a channel and its webhook secret, record a delivery exception, and send to the queue', () => {
    const role = roleOf(synth.stack.ingest);
    expect(grantedPairs(synth.template, role)).toEqual(
      [
        ...logs(synth.stack.ingest),
        ...xray,
        ...pairs(['dynamodb:GetItem', 'dynamodb:UpdateItem'], channels()),
        // The webhook-authentication secrets, and (migration window, the default) legacy combined ones…
        ...pairs(
          ['secretsmanager:GetSecretValue'],
          synth.stack.resolve(synth.stack.secrets.webhookAuthArnPattern),
          secrets(),
        ),
        ...pairs(['sqs:SendMessage'], queue()),
      ].sort(),
    );
    // …but never the API credentials (test/lib/channel-secret-names.test.ts: without the fallback).
    expect(deniedPairs(synth.template, role)).toEqual(
      pairs(
        ['secretsmanager:GetSecretValue'],
        synth.stack.resolve(synth.stack.secrets.apiCredentialsArnPattern),
      ),
    );
  });

  it('order-worker reads channels and its API credentials, reads/writes orders, consumes and re-sends events', () => {
    expect(grantedPairs(synth.template, roleOf(synth.stack.worker))).toEqual(
      [
        ...logs(synth.stack.worker),
        ...xray,
        ...pairs(['dynamodb:GetItem'], channels()),
        ...pairs(['dynamodb:GetItem', 'dynamodb:PutItem'], orders()),
        // The API credentials, and (migration window) legacy combined ones…
        ...pairs(
          ['secretsmanager:GetSecretValue'],
          synth.stack.resolve(synth.stack.secrets.apiCredentialsArnPattern),
          secrets(),
        ),
        // the event source mapping's consumer permissions, plus SendMessage for deferral
        ...pairs(CONSUMES_AND_SENDS, queue()),
      ].sort(),
    );
    // …but never the webhook-authentication secrets.
    expect(deniedPairs(synth.template, roleOf(synth.stack.worker))).toEqual(
      pairs(
        ['secretsmanager:GetSecretValue'],
        synth.stack.resolve(synth.stack.secrets.webhookAuthArnPattern),
      ),
    );
  });

  it('hook-manager manages channels and deletes secrets of purged channels (keeping their tombstones: no DeleteItem)', () => {
    expect(grantedPairs(synth.template, roleOf(synth.stack.hookManager))).toEqual(
      [
        ...logs(synth.stack.hookManager),
        ...xray,
        ...pairs(['dynamodb:GetItem', 'dynamodb:Scan', 'dynamodb:UpdateItem'], channels()),
        ...pairs(['secretsmanager:DeleteSecret', 'secretsmanager:GetSecretValue'], secrets()),
        ...pairs(['sqs:SendMessage'], queue()),
        // Its failure destination (failed async invocations).
        ...pairs(
          ['sqs:GetQueueAttributes', 'sqs:GetQueueUrl', 'sqs:SendMessage'],
          getAttOf(synth, synth.stack.hookManager.failures, 'Arn'),
        ),
        // Its work queue: sends to it (shards, catch-ups) and consumes it (the event source).
        ...pairs(CONSUMES_AND_SENDS, getAttOf(synth, synth.stack.hookManager.workQueue, 'Arn')),
      ].sort(),
    );
  });

  it('support-widget only reads the two tables: no writes, no queue, no secret', () => {
    expect(grantedPairs(synth.template, roleOf(synth.stack.supportWidget))).toEqual(
      [
        ...logs(synth.stack.supportWidget),
        ...xray,
        ...pairs(['dynamodb:GetItem', 'dynamodb:Scan'], channels()),
        ...pairs(['dynamodb:GetItem', 'dynamodb:Query'], orders()),
      ].sort(),
    );
  });

  it("channel-api saves channels and secrets, imports orders, sends re-checks, publishes on its stage's bus", () => {
    expect(grantedPairs(synth.template, roleOf(synth.stack.channelApi))).toEqual(
      [
        ...logs(synth.stack.channelApi),
        ...xray,
        ...pairs(['dynamodb:GetItem', 'dynamodb:UpdateItem'], channels()),
        // the import: one UpdateItem; over Cancelled/Shipped a read and a conditional PutItem
        ...pairs(['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'], orders()),
        ...pairs(
          [
            'secretsmanager:CreateSecret',
            // a save replaces a legacy combined secret by the webhook/API pair
            'secretsmanager:DeleteSecret',
            'secretsmanager:GetSecretValue',
            'secretsmanager:PutSecretValue',
          ],
          secrets(),
        ),
        ...pairs(['events:PutEvents'], getAttOf(synth, synth.stack.channelEvents, 'Arn')),
        // one re-check message when an import takes an order out of Unprocessed; nothing else on the queue
        ...pairs(['sqs:SendMessage'], queue()),
      ].sort(),
    );
  });

  it('grants no wildcard action anywhere', () => {
    const policies = synth.template.findResources('AWS::IAM::Policy');
    const actions = Object.values(policies).flatMap((p) =>
      (p.Properties.PolicyDocument.Statement as { Action: string | string[] }[]).flatMap((s) =>
        [s.Action].flat(),
      ),
    );
    expect(actions.length).toBeGreaterThan(0);
    expect(actions.filter((a) => a.includes('*'))).toEqual([]);
  });
});

describe('data', () => {
  it.each([
    ['channels', () => synth.stack.tables.channels, TABLES.channels],
    ['orders', () => synth.stack.tables.orders, TABLES.orders],
  ] as const)('%s table: key schema of functions/common/tables.ts, on demand, PITR, SSE', (_, table, def) => {
    const props = propsOf(table());
    const keys = [def.partitionKey, ...('sortKey' in def ? [def.sortKey] : [])];
    expect(props.KeySchema).toEqual(
      keys.map((k, i) => ({ AttributeName: k.name, KeyType: i === 0 ? 'HASH' : 'RANGE' })),
    );
    expect(props.AttributeDefinitions).toEqual(
      expect.arrayContaining(keys.map((k) => ({ AttributeName: k.name, AttributeType: k.type }))),
    );
    expect(props).toMatchObject({
      BillingMode: 'PAY_PER_REQUEST',
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      SSESpecification: { SSEEnabled: true },
    });
    const ttl = 'timeToLiveAttribute' in def ? def.timeToLiveAttribute : undefined;
    expect(props.TimeToLiveSpecification).toEqual(
      ttl ? { AttributeName: 'expiresAt', Enabled: true } : undefined,
    );
  });

  it('dev tables are removed with the stack and not deletion-protected', () => {
    synth.template.resourceCountIs('AWS::DynamoDB::Table', 2);
    synth.template.allResources('AWS::DynamoDB::Table', { DeletionPolicy: 'Delete' });
    synth.template.allResourcesProperties('AWS::DynamoDB::Table', {
      DeletionProtectionEnabled: false,
    });
  });

  it('order-events queue: SSE, visibility ≥ 6× the worker timeout, redrive after 5 receives', () => {
    const props = propsOf(synth.stack.queues.queue);
    expect(props.SqsManagedSseEnabled).toBe(true);
    expect(props.VisibilityTimeout).toBeGreaterThanOrEqual(6 * FUNCTION_TIMEOUT_SECONDS['order-worker']);
    expect(props.VisibilityTimeout).toBeGreaterThanOrEqual(6 * propsOf(synth.stack.worker.function).Timeout);
    expect(props.RedrivePolicy).toEqual({
      deadLetterTargetArn: getAttOf(synth, synth.stack.queues.deadLetterQueue, 'Arn'),
      maxReceiveCount: 5,
    });
  });

  it('dead-letter queue: SSE and 14 days retention', () => {
    expect(propsOf(synth.stack.queues.deadLetterQueue)).toMatchObject({
      SqsManagedSseEnabled: true,
      MessageRetentionPeriod: 14 * 24 * 3600,
    });
  });

  it('both queues refuse requests without TLS', () => {
    for (const queue of [synth.stack.queues.queue, synth.stack.queues.deadLetterQueue]) {
      synth.template.hasResourceProperties('AWS::SQS::QueuePolicy', {
        Queues: [refOf(synth, queue)],
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({
              Effect: 'Deny',
              Action: 'sqs:*',
              Condition: { Bool: { 'aws:SecureTransport': 'false' } },
            }),
          ]),
        },
      });
    }
  });

  it('the worker consumes the queue with partial batch failures, a batch size and max concurrency', () => {
    synth.template.resourceCountIs('AWS::Lambda::EventSourceMapping', 2);
    synth.template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: getAttOf(synth, synth.stack.queues.queue, 'Arn'),
      FunctionName: refOf(synth, synth.stack.worker.function),
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      BatchSize: ORDER_WORKER_BATCH_SIZE,
      ScalingConfig: { MaximumConcurrency: ORDER_WORKER_MAX_CONCURRENCY },
    });
  });

  it('hook-manager consumes its work queue one shard per invocation, a bounded number at once', () => {
    synth.template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: getAttOf(synth, synth.stack.hookManager.workQueue, 'Arn'),
      FunctionName: refOf(synth, synth.stack.hookManager.function),
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      BatchSize: 1,
      ScalingConfig: { MaximumConcurrency: HOOK_WORK_MAX_CONCURRENCY },
    });
    // Visibility: six times the timeout; a message failing three times goes to the failure queue.
    synth.template.hasResourceProperties('AWS::SQS::Queue', {
      VisibilityTimeout: 1800,
      RedrivePolicy: {
        deadLetterTargetArn: getAttOf(synth, synth.stack.hookManager.failures, 'Arn'),
        maxReceiveCount: 3,
      },
    });
  });
});

describe('HTTP API', () => {
  const integrationTargets = () => {
    const integrations = synth.template.findResources('AWS::ApiGatewayV2::Integration');
    return Object.fromEntries(
      Object.entries(integrations).map(([id, r]) => [id, r.Properties.IntegrationUri['Fn::GetAtt'][0]]),
    );
  };

  it('has one route per ROUTES entry, except the local-only support page', () => {
    synth.template.resourceCountIs('AWS::ApiGatewayV2::Route', API_GATEWAY_ROUTES.length);
    expect(
      ROUTES.filter((r) => !(API_GATEWAY_ROUTES as readonly RouteDefinition[]).includes(r)).map(routeKey),
    ).toEqual(['GET /support']);
  });

  it.each(API_GATEWAY_ROUTES.map((r) => [routeKey(r), r] as const))('%s', (key, route) => {
    const routes = synth.template.findResources('AWS::ApiGatewayV2::Route', {
      Properties: { RouteKey: key },
    });
    const [props] = Object.values(routes).map((r) => r.Properties);
    // Only the webhook route is public; every admin route needs SigV4 (IAM).
    expect(props.AuthorizationType).toBe(route.authorization === 'iam' ? 'AWS_IAM' : 'NONE');
    const integrationId = props.Target['Fn::Join'][1][1].Ref;
    const target = route.target === 'webhook-ingest' ? synth.stack.ingest : synth.stack.channelApi;
    expect(integrationTargets()[integrationId]).toBe(idOf(synth, target.function));
  });

  it('the webhook routes (callbacks, delivery exceptions) are the only public ones', () => {
    const publicRoutes = synth.template.findResources('AWS::ApiGatewayV2::Route', {
      Properties: { AuthorizationType: 'NONE' },
    });
    expect(Object.values(publicRoutes).map((r) => r.Properties.RouteKey)).toEqual([
      'POST /webhooks/bigcommerce/{channelId}',
      'POST /webhooks/bigcommerce/{channelId}/delivery-exceptions',
    ]);
  });

  it('has a throttled $default stage with JSON access logs and route metrics', () => {
    synth.template.resourceCountIs('AWS::ApiGatewayV2::Stage', 1);
    const stage = propsOf(synth.stack.httpApi.stage);
    expect(stage).toMatchObject({
      StageName: '$default',
      AutoDeploy: true,
      DefaultRouteSettings: {
        ThrottlingRateLimit: 500,
        ThrottlingBurstLimit: 1000,
        DetailedMetricsEnabled: true,
      },
    });
    expect(stage.AccessLogSettings.DestinationArn).toEqual(
      getAttOf(synth, synth.stack.httpApi.accessLogGroup, 'Arn'),
    );
    const format = JSON.parse(stage.AccessLogSettings.Format);
    expect(format).toMatchObject({
      requestId: '$context.requestId',
      routeKey: '$context.routeKey',
      status: '$context.status',
    });
    // Never headers: the webhook token travels in one.
    expect(stage.AccessLogSettings.Format).not.toMatch(/header/i);
    expect(propsOf(synth.stack.httpApi.accessLogGroup)).toMatchObject({ RetentionInDays: 30 });
  });

  it('has no custom domain unless one is configured', () => {
    synth.template.resourceCountIs('AWS::ApiGatewayV2::DomainName', 0);
  });
});

describe('hook-manager triggers', () => {
  it('runs on a schedule (every 15 minutes by default)', () => {
    expect(propsOf(synth.stack.hookManager.scheduleRule)).toMatchObject({
      ScheduleExpression: 'rate(15 minutes)',
      Targets: [{ Arn: getAttOf(synth, synth.stack.hookManager.function, 'Arn') }],
    });
  });

  it("runs on ChannelSettingsChanged from channel-api on its stage's own bus", () => {
    expect(propsOf(synth.stack.hookManager.channelSettingsChangedRule)).toMatchObject({
      EventBusName: refOf(synth, synth.stack.channelEvents),
      EventPattern: { source: [CHANNEL_EVENTS_SOURCE], 'detail-type': [CHANNEL_SETTINGS_CHANGED] },
      Targets: [{ Arn: getAttOf(synth, synth.stack.hookManager.function, 'Arn') }],
    });
  });

  it('lets EventBridge invoke it for both rules', () => {
    for (const rule of [
      synth.stack.hookManager.scheduleRule,
      synth.stack.hookManager.channelSettingsChangedRule,
    ]) {
      synth.template.hasResourceProperties('AWS::Lambda::Permission', {
        Action: 'lambda:InvokeFunction',
        Principal: 'events.amazonaws.com',
        FunctionName: getAttOf(synth, synth.stack.hookManager.function, 'Arn'),
        SourceArn: getAttOf(synth, rule, 'Arn'),
      });
    }
  });
});

const envOf = (fn: HouseFunction, from: Synthesized = synth): Record<string, unknown> =>
  propsOfResource(from, fn.function).Environment.Variables;

describe('hook-manager failures and ownership', () => {
  it('has its own async retries off, failed invocations going to a queue kept 14 days', () => {
    synth.template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      FunctionName: refOf(synth, synth.stack.hookManager.function),
      MaximumRetryAttempts: 0,
      DestinationConfig: {
        OnFailure: { Destination: getAttOf(synth, synth.stack.hookManager.failures, 'Arn') },
      },
    });
    expect(propsOf(synth.stack.hookManager.failures)).toMatchObject({ MessageRetentionPeriod: 14 * 86400 });
  });

  it('passes former webhook base URLs on (and nothing when none are set)', () => {
    expect(envOf(synth.stack.hookManager)).not.toHaveProperty('FORMER_WEBHOOK_BASE_URLS');
    const migrating = synthApp({
      formerWebhookBaseUrls: 'https://a.execute-api.example.com, https://old.example.com',
    });
    expect(envOf(migrating.stack.hookManager, migrating)).toMatchObject({
      FORMER_WEBHOOK_BASE_URLS: 'https://a.execute-api.example.com,https://old.example.com',
    });
    expect(() => synthApp({ formerWebhookBaseUrls: 'ftp://x' })).toThrow(/formerWebhookBaseUrls/);
  });
});

describe('outputs', () => {
  it('names the webhook base URL, the API URL, the dashboard URL and the queues', () => {
    const outputs = synth.template.toJSON().Outputs;
    expect(outputs.WebhookBaseUrl.Value).toEqual(getAttOf(synth, synth.stack.httpApi.api, 'ApiEndpoint'));
    expect(outputs.ApiUrl.Value).toEqual(getAttOf(synth, synth.stack.httpApi.api, 'ApiEndpoint'));
    expect(flattenJoin(outputs.DashboardUrl.Value)).toBe(
      `https://\${Ref:AWS::Region}.console.aws.amazon.com/cloudwatch/home?region=\${Ref:AWS::Region}#dashboards:name=\${Ref:${idOf(synth, synth.stack.dashboard.dashboard)}}`,
    );
    expect(outputs.OrderEventsQueueUrl.Value).toEqual(refOf(synth, synth.stack.queues.queue));
    expect(outputs.DeadLetterQueueUrl.Value).toEqual(refOf(synth, synth.stack.queues.deadLetterQueue));
    expect(outputs.AlarmTopicArn.Value).toEqual(refOf(synth, synth.stack.alarms.topic));
    expect(outputs.CustomDomainTarget).toBeUndefined();
  });

  it("names what the runbook's commands need: dead-letter queue ARN, tables, dashboard, namespace", () => {
    const outputs = synth.template.toJSON().Outputs;
    expect(outputs.DeadLetterQueueArn.Value).toEqual(
      getAttOf(synth, synth.stack.queues.deadLetterQueue, 'Arn'),
    );
    expect(outputs.ChannelsTableName.Value).toEqual(refOf(synth, synth.stack.tables.channels));
    expect(outputs.OrdersTableName.Value).toEqual(refOf(synth, synth.stack.tables.orders));
    expect(outputs.DashboardName.Value).toEqual(refOf(synth, synth.stack.dashboard.dashboard));
    expect(outputs.MetricsNamespace.Value).toBe('OmBigCommerce/dev');
  });
});

describe('function constructs', () => {
  it('take timeout and memory from the one table the local runtime and the cost model read too', () => {
    for (const [name, fn] of [
      ['order-worker', synth.stack.worker],
      ['webhook-ingest', synth.stack.ingest],
      ['hook-manager', synth.stack.hookManager],
      ['channel-api', synth.stack.channelApi],
      ['support-widget', synth.stack.supportWidget],
    ] as const)
      expect(propsOf(fn.function)).toMatchObject({
        Timeout: FUNCTION_TIMEOUT_SECONDS[name],
        MemorySize: FUNCTION_MEMORY_MB[name],
      });
  });
});
