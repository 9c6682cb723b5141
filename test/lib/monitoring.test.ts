import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Construct } from 'constructs';
import {
  OUTCOME_METRICS,
  WORKER_METRICS as RUNTIME_WORKER_METRICS,
} from '../../functions/order-worker/handler';
import { WEBHOOK_ROUTE } from '../../lib/http-api';
import {
  CHANNEL_API_METRICS,
  HOOK_METRICS,
  INGEST_METRICS,
  REJECTION_REASONS,
  WORKER_METRICS,
} from '../../lib/monitoring/metric-names';
import {
  getAttOf,
  idOf,
  PROJECT_ROOT,
  propsOf as propsOfResource,
  refOf,
  synthApp,
  type Synthesized,
} from './helpers';
import { dashboardMetrics, dashboardWidgets, type DashboardWidget, type Json } from './template-helpers';

/** Metric names a function's code passes to Powertools (literals and the worker's name tables). */
function metricsEmittedBy(
  service: 'webhook-ingest' | 'order-worker' | 'hook-manager' | 'channel-api',
): string[] {
  const dir = path.join(PROJECT_ROOT, 'functions', service);
  const source = fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.ts'))
    .map((f) => fs.readFileSync(path.join(dir, f), 'utf8'))
    .join('\n');
  const literal = /(?:addMetric|count|\bm)\(\s*'([A-Za-z]+)'/g;
  const names = [...source.matchAll(literal)].map((m) => m[1]!);
  if (service === 'order-worker')
    names.push(...Object.values(OUTCOME_METRICS), ...Object.values(RUNTIME_WORKER_METRICS));
  return [...new Set(names)];
}

let synth: Synthesized;
let widgets: DashboardWidget[];
beforeAll(() => {
  synth = synthApp();
  widgets = dashboardWidgets(synth.template);
});

const propsOf = (construct: Construct) => propsOfResource(synth, construct);
const placeholder = (construct: Construct, attr?: string) =>
  attr ? `\${${idOf(synth, construct)}.${attr}}` : `\${Ref:${idOf(synth, construct)}}`;

/** A dashboard metric line [namespace, name, dim, value, …] whose dimensions are exactly `dims`. */
const hasMetric = (namespace: string, name: string, dims: Record<string, string>) =>
  dashboardMetrics(widgets).some(({ metric: [ns, n, ...rest] }) => {
    if (ns !== namespace || n !== name || rest.length !== Object.keys(dims).length * 2) return false;
    for (let i = 0; i < rest.length; i += 2) if (dims[rest[i]] !== rest[i + 1]) return false;
    return true;
  });

describe('support dashboard', () => {
  it('is one dashboard without a physical name', () => {
    synth.template.resourceCountIs('AWS::CloudWatch::Dashboard', 1);
    expect(propsOf(synth.stack.dashboard.dashboard).DashboardName).toBeUndefined();
  });

  it('shows webhooks received/accepted/ignored/enqueue failures and rejections by every reason', () => {
    const service = { service: 'webhook-ingest' };
    for (const name of [
      INGEST_METRICS.received,
      INGEST_METRICS.accepted,
      INGEST_METRICS.ignored,
      INGEST_METRICS.enqueueFailed,
    ]) {
      expect({ name, shown: hasMetric('OmBigCommerce', name, service) }).toEqual({ name, shown: true });
    }
    for (const reason of REJECTION_REASONS) {
      expect({
        reason,
        shown: hasMetric('OmBigCommerce', 'WebhookRejected', { ...service, reason }),
      }).toEqual({
        reason,
        shown: true,
      });
    }
    expect(REJECTION_REASONS).toEqual(['unauthorized', 'invalid', 'too_large', 'unknown_channel']);
  });

  it('shows every worker outcome and BigCommerce throttling', () => {
    for (const name of [
      'OrderCancelled',
      'OrderFulfilled',
      'StatusNotConfigured',
      'Deferred',
      'Expired',
      'AlreadyInTargetStatus',
      'NoAction',
      'DuplicateDropped',
      'BigCommerceThrottled',
      'ProcessingFailed',
    ]) {
      expect({ name, shown: hasMetric('OmBigCommerce', name, { service: 'order-worker' }) }).toEqual({
        name,
        shown: true,
      });
    }
  });

  it('shows hooks created / re-activated / repaired / deleted / failed and channels verified', () => {
    for (const name of [
      'HookCreated',
      'HookReactivated',
      'HookRepaired',
      'HookDeleted',
      'HookVerifyFailed',
      'ChannelsVerified',
    ]) {
      expect({ name, shown: hasMetric('OmBigCommerce', name, { service: 'hook-manager' }) }).toEqual({
        name,
        shown: true,
      });
    }
  });

  it.each([
    ['webhook-ingest', INGEST_METRICS],
    ['order-worker', WORKER_METRICS],
    ['hook-manager', HOOK_METRICS],
    ['channel-api', CHANNEL_API_METRICS],
  ] as const)('shows every metric %s emits (read from its code)', (service, names) => {
    const emitted = metricsEmittedBy(service);
    expect(emitted.length).toBeGreaterThan(3);
    expect([...emitted].sort()).toEqual([...new Set(Object.values(names))].sort());
    for (const name of emitted) {
      const dims: Record<string, string> =
        name === INGEST_METRICS.rejected ? { service, reason: 'invalid' } : { service };
      expect({ name, shown: hasMetric('OmBigCommerce', name, dims) }).toEqual({ name, shown: true });
    }
  });

  it('shows dead-letter depth and the age of the oldest order event', () => {
    expect(
      hasMetric('AWS/SQS', 'ApproximateNumberOfMessagesVisible', {
        QueueName: placeholder(synth.stack.queues.deadLetterQueue, 'QueueName'),
      }),
    ).toBe(true);
    expect(
      hasMetric('AWS/SQS', 'ApproximateAgeOfOldestMessage', {
        QueueName: placeholder(synth.stack.queues.queue, 'QueueName'),
      }),
    ).toBe(true);
  });

  it('shows errors, duration and throttles of every function', () => {
    for (const fn of [
      synth.stack.ingest,
      synth.stack.worker,
      synth.stack.hookManager,
      synth.stack.channelApi,
    ]) {
      const dims = { FunctionName: placeholder(fn.function) };
      for (const name of ['Errors', 'Duration', 'Throttles']) {
        expect({ fn: fn.serviceName, name, shown: hasMetric('AWS/Lambda', name, dims) }).toEqual({
          fn: fn.serviceName,
          name,
          shown: true,
        });
      }
    }
  });

  it('shows the webhook route (API Gateway route-level metrics)', () => {
    const dims = {
      ApiId: placeholder(synth.stack.httpApi.api),
      Stage: '$default',
      Method: WEBHOOK_ROUTE.method,
      Resource: WEBHOOK_ROUTE.path,
    };
    for (const name of ['Count', '4xx', '5xx', 'Latency'])
      expect(hasMetric('AWS/ApiGateway', name, dims)).toBe(true);
  });

  it('has the Logs Insights widgets "recent outcomes for an order" and "rejections"', () => {
    const logWidgets = widgets.filter((w) => w.type === 'log');
    expect(logWidgets).toHaveLength(2);
    const outcomes = logWidgets.find((w) => /outcomes for an order/i.test(w.properties.title ?? ''));
    const rejections = logWidgets.find((w) => /rejections/i.test(w.properties.title ?? ''));
    expect(outcomes?.properties.query).toContain(`SOURCE '${placeholder(synth.stack.worker.logGroup)}'`);
    expect(outcomes?.properties.query).toMatch(/fields @timestamp, channelId, orderId, eventId, outcome/);
    expect(outcomes?.properties.query).toMatch(/filter ispresent\(outcome\)/);
    expect(rejections?.properties.query).toContain(`SOURCE '${placeholder(synth.stack.ingest.logGroup)}'`);
    expect(rejections?.properties.query).toMatch(/reason/);
  });

  it('shows the status of every alarm', () => {
    const alarmWidget = widgets.find((w) => w.type === 'alarm');
    expect(alarmWidget?.properties.alarms?.sort()).toEqual(
      synth.stack.alarms.alarms.map((a) => placeholder(a, 'Arn')).sort(),
    );
  });
});

describe('alarms', () => {
  const topic = () => refOf(synth, synth.stack.alarms.topic);

  it('are seven, each notifying the topic on ALARM and OK', () => {
    synth.template.resourceCountIs('AWS::CloudWatch::Alarm', 7);
    for (const alarm of synth.stack.alarms.alarms) {
      expect(propsOf(alarm)).toMatchObject({ AlarmActions: [topic()], OKActions: [topic()] });
      expect(propsOf(alarm).AlarmDescription).toMatch(/docs\/deploy\.md/);
    }
  });

  it('dead-letter queue not empty', () => {
    expect(propsOf(synth.stack.alarms.deadLetterQueueNotEmpty)).toMatchObject({
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [
        { Name: 'QueueName', Value: getAttOf(synth, synth.stack.queues.deadLetterQueue, 'QueueName') },
      ],
      Statistic: 'Maximum',
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      Threshold: 1,
    });
  });

  it('oldest order event older than 15 minutes', () => {
    expect(propsOf(synth.stack.alarms.oldestMessageTooOld)).toMatchObject({
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateAgeOfOldestMessage',
      Dimensions: [{ Name: 'QueueName', Value: getAttOf(synth, synth.stack.queues.queue, 'QueueName') }],
      ComparisonOperator: 'GreaterThanThreshold',
      Threshold: 900,
    });
  });

  it('ingest 5xx: webhook route 5xx plus ingest function errors', () => {
    const props = propsOf(synth.stack.alarms.ingest5xx);
    expect(props).toMatchObject({ ComparisonOperator: 'GreaterThanOrEqualToThreshold', Threshold: 1 });
    const byId = Object.fromEntries(props.Metrics.map((m: Json) => [m.Id, m]));
    expect(byId.route5xx.MetricStat.Metric).toEqual({
      Namespace: 'AWS/ApiGateway',
      MetricName: '5xx',
      Dimensions: expect.arrayContaining([
        { Name: 'ApiId', Value: refOf(synth, synth.stack.httpApi.api) },
        { Name: 'Stage', Value: '$default' },
        { Name: 'Method', Value: 'POST' },
        { Name: 'Resource', Value: '/webhooks/bigcommerce/{channelId}' },
      ]),
    });
    expect(byId.ingestErrors.MetricStat.Metric).toEqual({
      Namespace: 'AWS/Lambda',
      MetricName: 'Errors',
      Dimensions: [{ Name: 'FunctionName', Value: refOf(synth, synth.stack.ingest.function) }],
    });
    expect(props.Metrics.find((m: Json) => m.ReturnData !== false).Expression).toMatch(
      /route5xx.*ingestErrors/,
    );
  });

  it('any Expired', () => {
    expect(propsOf(synth.stack.alarms.orderExpired)).toMatchObject({
      Namespace: 'OmBigCommerce',
      MetricName: 'Expired',
      Dimensions: [{ Name: 'service', Value: 'order-worker' }],
      Statistic: 'Sum',
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      Threshold: 1,
      TreatMissingData: 'notBreaching',
    });
  });

  it('hook verify failures', () => {
    expect(propsOf(synth.stack.alarms.hookVerifyFailed)).toMatchObject({
      Namespace: 'OmBigCommerce',
      MetricName: 'HookVerifyFailed',
      Dimensions: [{ Name: 'service', Value: 'hook-manager' }],
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      Threshold: 1,
    });
  });

  it('BigCommerce delivery exceptions: any one alarms (the hook is failing before it is deactivated)', () => {
    expect(propsOf(synth.stack.alarms.hookDeliveryException)).toMatchObject({
      Namespace: 'OmBigCommerce',
      MetricName: 'HookDeliveryException',
      Dimensions: [{ Name: 'service', Value: 'webhook-ingest' }],
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      Threshold: 1,
    });
  });

  it('worker errors: invocation errors plus failed records', () => {
    const props = propsOf(synth.stack.alarms.workerErrors);
    const byId = Object.fromEntries(props.Metrics.map((m: Json) => [m.Id, m]));
    expect(byId.errors.MetricStat.Metric).toEqual({
      Namespace: 'AWS/Lambda',
      MetricName: 'Errors',
      Dimensions: [{ Name: 'FunctionName', Value: refOf(synth, synth.stack.worker.function) }],
    });
    expect(byId.failed.MetricStat.Metric).toEqual({
      Namespace: 'OmBigCommerce',
      MetricName: 'ProcessingFailed',
      Dimensions: [{ Name: 'service', Value: 'order-worker' }],
    });
    expect(props).toMatchObject({ ComparisonOperator: 'GreaterThanOrEqualToThreshold', Threshold: 1 });
  });

  it('the topic is encrypted with a rotating customer managed key CloudWatch may use, and TLS-only', () => {
    const topicProps = propsOf(synth.stack.alarms.topic);
    const keyId = topicProps.KmsMasterKeyId['Fn::GetAtt'][0];
    const key = synth.template.toJSON().Resources[keyId];
    expect(key.Type).toBe('AWS::KMS::Key');
    expect(key.Properties.EnableKeyRotation).toBe(true);
    expect(key.Properties.KeyPolicy.Statement).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          Principal: { Service: 'cloudwatch.amazonaws.com' },
          Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        }),
      ]),
    );
    synth.template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      Topics: [topic()],
      PolicyDocument: {
        Statement: [
          {
            Effect: 'Deny',
            Action: 'sns:Publish',
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
            Principal: '*',
            Resource: topic(),
            Sid: 'AllowPublishThroughSSLOnly',
          },
          {
            Effect: 'Allow',
            Action: 'sns:Publish',
            Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
            Principal: { Service: 'cloudwatch.amazonaws.com' },
            Resource: topic(),
            Sid: 'AllowCloudWatchAlarmsToPublish',
          },
        ],
      },
    });
  });

  it('has no e-mail subscription unless one is configured', () => {
    synth.template.resourceCountIs('AWS::SNS::Subscription', 0);
  });
});
