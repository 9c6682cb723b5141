import type { Construct } from 'constructs';
import {
  OUTCOME_METRICS,
  WORKER_COUNTERS as RUNTIME_WORKER_METRICS,
} from '../../functions/order-worker/handler';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { WEBHOOK_ROUTE } from '../../lib/http-api';
import { ALARM_RATES } from '../../lib/monitoring/support-alarms';
import {
  CHANNEL_API_METRICS,
  HOOK_METRICS,
  INGEST_METRICS,
  NEEDS_ATTENTION_REASONS,
  REJECTION_REASONS,
  WORKER_METRICS,
} from '../../lib/monitoring/metric-names';
import { RECENT_OUTCOMES_QUERY, VARIABLES } from '../../lib/monitoring/support-dashboard';
import {
  getAttOf,
  idOf,
  PROJECT_ROOT,
  propsOf as propsOfResource,
  refOf,
  synthApp,
  type Synthesized,
} from './helpers';
import {
  dashboardBody,
  dashboardMetrics,
  dashboardWidgets,
  type DashboardWidget,
  type Json,
} from './template-helpers';

/**
 * The metric names each function emits. Ingest, hook-manager and channel-api emit only names of their
 * table (the type checker holds them to it); the worker still keeps its own tables, compared here.
 */
const EMITTED: Record<'webhook-ingest' | 'order-worker' | 'hook-manager' | 'channel-api', string[]> = {
  'webhook-ingest': Object.values(INGEST_METRICS),
  'order-worker': [...Object.values(OUTCOME_METRICS), ...Object.values(RUNTIME_WORKER_METRICS)],
  'hook-manager': Object.values(HOOK_METRICS),
  'channel-api': Object.values(CHANNEL_API_METRICS),
};

/** The dev stage's own metrics namespace. */
const NAMESPACE = 'OmBigCommerce/dev';

/**
 * Names defined for metrics that other parts of the system emit as they land (needs-attention outcomes,
 * delivery-exception callbacks). The dashboard and alarms read them already.
 */
const NOT_EMITTED_YET: readonly string[] = [WORKER_METRICS.needsAttention, INGEST_METRICS.deliveryException];

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
  it('is one dashboard named after its stage', () => {
    synth.template.resourceCountIs('AWS::CloudWatch::Dashboard', 1);
    expect(propsOf(synth.stack.dashboard.dashboard).DashboardName).toBe('OmBigCommerce-dev');
  });

  it('has a channel id and an order id variable (typed in, default "any")', () => {
    expect(dashboardBody(synth.template).variables).toEqual([
      expect.objectContaining({
        id: 'channelId',
        type: 'pattern',
        inputType: 'input',
        pattern: VARIABLES.channelId.token,
        defaultValue: '*',
        visible: true,
      }),
      expect.objectContaining({
        id: 'orderId',
        type: 'pattern',
        inputType: 'input',
        pattern: VARIABLES.orderId.token,
        defaultValue: '0',
        visible: true,
      }),
    ]);
  });

  it('shows the support console: the support-widget function, fed by both variables', () => {
    const custom = widgets.filter((w) => w.type === 'custom');
    expect(custom).toHaveLength(1);
    expect(custom[0]!.properties.endpoint).toBe(placeholder(synth.stack.supportWidget.function, 'Arn'));
    expect(custom[0]!.properties.params).toEqual({
      channelId: VARIABLES.channelId.token,
      orderId: VARIABLES.orderId.token,
    });
  });

  it('feeds both variables into every Logs Insights query, which show error and reason', () => {
    const logWidgets = widgets.filter((w) => w.type === 'log');
    expect(logWidgets.length).toBeGreaterThanOrEqual(3);
    for (const w of logWidgets) {
      const query = w.properties.query ?? '';
      expect({ title: w.properties.title, channel: query.includes(VARIABLES.channelId.token) }).toEqual({
        title: w.properties.title,
        channel: true,
      });
      expect(query).toMatch(/fields .*\berror\b/);
      expect(query).toMatch(/fields .*\breason\b/);
    }
    const byOrder = logWidgets.filter((w) => w.properties.query?.includes(VARIABLES.orderId.token));
    expect(byOrder.map((w) => w.properties.title)).toEqual([
      expect.stringMatching(/outcomes/i),
      expect.stringMatching(/warnings and errors/i),
    ]);
  });

  it('keeps the queries valid with the defaults: "any" matches every line', () => {
    // What CloudWatch runs when nothing is typed: the tokens replaced by the default values.
    const withDefaults = RECENT_OUTCOMES_QUERY.replaceAll(VARIABLES.channelId.token, '*').replaceAll(
      VARIABLES.orderId.token,
      '0',
    );
    expect(withDefaults).toContain('| filter "*" = "*" or channelId = "*"');
    expect(withDefaults).toContain('| filter 0 = 0 or orderId = 0');
    const typed = RECENT_OUTCOMES_QUERY.replaceAll(VARIABLES.channelId.token, 'shop-1').replaceAll(
      VARIABLES.orderId.token,
      '123',
    );
    expect(typed).toContain('| filter "shop-1" = "*" or channelId = "shop-1"');
    expect(typed).toContain('| filter 123 = 0 or orderId = 123');
  });

  it('shows orders that need attention by every reason, delivery exceptions and unauthorized callbacks', () => {
    for (const reason of NEEDS_ATTENTION_REASONS)
      expect(hasMetric(NAMESPACE, 'NeedsAttention', { service: 'order-worker', reason })).toBe(true);
    expect(hasMetric(NAMESPACE, 'WebhookDeliveryException', { service: 'webhook-ingest' })).toBe(true);
  });

  it('shows webhooks received/accepted/ignored/enqueue failures and rejections by every reason', () => {
    const service = { service: 'webhook-ingest' };
    for (const name of [
      INGEST_METRICS.received,
      INGEST_METRICS.accepted,
      INGEST_METRICS.ignored,
      INGEST_METRICS.enqueueFailed,
    ]) {
      expect({ name, shown: hasMetric(NAMESPACE, name, service) }).toEqual({ name, shown: true });
    }
    for (const reason of REJECTION_REASONS) {
      expect({
        reason,
        shown: hasMetric(NAMESPACE, 'WebhookRejected', { ...service, reason }),
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
      expect({ name, shown: hasMetric(NAMESPACE, name, { service: 'order-worker' }) }).toEqual({
        name,
        shown: true,
      });
    }
  });

  it('shows the orders that need a person by every reason, and shipments recorded', () => {
    for (const reason of NEEDS_ATTENTION_REASONS) {
      const shown = hasMetric(NAMESPACE, 'NeedsAttention', { service: 'order-worker', reason });
      expect({ reason, shown }).toEqual({ reason, shown: true });
    }
    for (const name of ['PartiallyShipped', 'ShipmentRecorded'])
      expect({ name, shown: hasMetric(NAMESPACE, name, { service: 'order-worker' }) }).toEqual({
        name,
        shown: true,
      });
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
      expect({ name, shown: hasMetric(NAMESPACE, name, { service: 'hook-manager' }) }).toEqual({
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
  ] as const)('shows every metric %s emits', (service, names) => {
    const emitted = EMITTED[service];
    expect(emitted.length).toBeGreaterThan(3);
    const defined = Object.values(names).filter((n) => !NOT_EMITTED_YET.includes(n) || emitted.includes(n));
    expect([...emitted].sort()).toEqual([...new Set(defined)].sort());
    for (const name of emitted) {
      const dims: Record<string, string> =
        name === INGEST_METRICS.rejected
          ? { service, reason: 'invalid' }
          : name === WORKER_METRICS.needsAttention
            ? { service, reason: 'disputed' }
            : { service };
      expect({ name, shown: hasMetric(NAMESPACE, name, dims) }).toEqual({ name, shown: true });
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
      synth.stack.supportWidget,
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

  it('has the Logs Insights widgets "outcomes", "rejections" and "warnings and errors"', () => {
    const logWidgets = widgets.filter((w) => w.type === 'log');
    expect(logWidgets).toHaveLength(3);
    const problems = logWidgets.find((w) => /warnings and errors/i.test(w.properties.title ?? ''));
    for (const fn of [
      synth.stack.ingest,
      synth.stack.worker,
      synth.stack.hookManager,
      synth.stack.channelApi,
    ])
      expect(problems?.properties.query).toContain(placeholder(fn.logGroup));
    const outcomes = logWidgets.find((w) => /outcomes of the chosen/i.test(w.properties.title ?? ''));
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

  it('are twelve, each notifying the topic on ALARM and OK, naming the stage and a runbook entry', () => {
    synth.template.resourceCountIs('AWS::CloudWatch::Alarm', 12);
    const runbook = fs.readFileSync(path.join(PROJECT_ROOT, 'docs', 'deploy.md'), 'utf8');
    for (const alarm of synth.stack.alarms.alarms) {
      expect(propsOf(alarm)).toMatchObject({ AlarmActions: [topic()], OKActions: [topic()] });
      const description: string = propsOf(alarm).AlarmDescription;
      expect(description).toMatch(/^\[dev\] /);
      const entry = /Runbook: docs\/deploy\.md "([^"]+)"/.exec(description)?.[1];
      // Each alarm's runbook entry exists, as a heading, and says how to find channels and orders.
      expect({ entry, documented: entry !== undefined && runbook.includes(`### ${entry}`) }).toEqual({
        entry,
        documented: true,
      });
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

  /** The math expression an alarm evaluates, and its metrics by id. */
  const mathOf = (alarm: Construct) => {
    const props = propsOf(alarm);
    return {
      props,
      expression: props.Metrics.find((m: Json) => m.ReturnData !== false).Expression as string,
      byId: Object.fromEntries(props.Metrics.map((m: Json) => [m.Id, m])) as Record<string, Json>,
    };
  };

  it('ingest 5xx: a rate of the webhook route (5xx + ingest errors per request), two of three periods', () => {
    const { props, expression, byId } = mathOf(synth.stack.alarms.ingest5xx);
    expect(props).toMatchObject({
      ComparisonOperator: 'GreaterThanThreshold',
      Threshold: ALARM_RATES.webhook5xxPercent,
      EvaluationPeriods: 3,
      DatapointsToAlarm: 2,
    });
    expect(expression).toMatch(/route5xx.*ingestErrors.*\/ requests/);
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
    expect(byId.requests.MetricStat.Metric.MetricName).toBe('Count');
    expect(byId.ingestErrors.MetricStat.Metric).toEqual({
      Namespace: 'AWS/Lambda',
      MetricName: 'Errors',
      Dimensions: [{ Name: 'FunctionName', Value: refOf(synth, synth.stack.ingest.function) }],
    });
  });

  it('worker errors: a rate of failed invocations and records, for three periods in a row', () => {
    const { props, expression, byId } = mathOf(synth.stack.alarms.workerErrors);
    expect(props).toMatchObject({
      ComparisonOperator: 'GreaterThanThreshold',
      Threshold: ALARM_RATES.workerErrorPercent,
      EvaluationPeriods: 3,
      DatapointsToAlarm: 3,
    });
    expect(expression).toMatch(/errors.*failed.*\/ invocations/);
    expect(byId.errors.MetricStat.Metric).toEqual({
      Namespace: 'AWS/Lambda',
      MetricName: 'Errors',
      Dimensions: [{ Name: 'FunctionName', Value: refOf(synth, synth.stack.worker.function) }],
    });
    expect(byId.failed.MetricStat.Metric).toEqual({
      Namespace: NAMESPACE,
      MetricName: 'ProcessingFailed',
      Dimensions: [{ Name: 'service', Value: 'order-worker' }],
    });
    expect(byId.invocations.MetricStat.Metric.MetricName).toBe('Invocations');
  });

  it('any Expired', () => {
    expect(propsOf(synth.stack.alarms.orderExpired)).toMatchObject({
      Namespace: NAMESPACE,
      MetricName: 'Expired',
      Dimensions: [{ Name: 'service', Value: 'order-worker' }],
      Statistic: 'Sum',
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      Threshold: 1,
      TreatMissingData: 'notBreaching',
    });
  });

  it('hook verify failures: the period is the sweep interval, two failing sweeps in a row', () => {
    expect(propsOf(synth.stack.alarms.hookVerifyFailed)).toMatchObject({
      Namespace: NAMESPACE,
      MetricName: 'HookVerifyFailed',
      Dimensions: [{ Name: 'service', Value: 'hook-manager' }],
      Period: 900,
      EvaluationPeriods: 2,
      DatapointsToAlarm: 2,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      Threshold: 1,
    });
    expect(propsOf(synth.stack.hookManager.scheduleRule).ScheduleExpression).toBe('rate(15 minutes)');
  });

  it('sweep heartbeat: no scheduled run (rule fired and hook-manager reported) in two intervals; no data alarms', () => {
    const { props, expression, byId } = mathOf(synth.stack.alarms.sweepMissing);
    expect(props).toMatchObject({
      ComparisonOperator: 'LessThanThreshold',
      Threshold: 1,
      TreatMissingData: 'breaching',
    });
    expect(expression).toMatch(/MIN\(.*scheduled.*sweeps/);
    expect(byId.scheduled.MetricStat).toMatchObject({
      Metric: {
        Namespace: 'AWS/Events',
        MetricName: 'Invocations',
        Dimensions: [{ Name: 'RuleName', Value: refOf(synth, synth.stack.hookManager.scheduleRule) }],
      },
      Period: 1800,
    });
    expect(byId.sweeps.MetricStat).toMatchObject({
      Metric: { Namespace: NAMESPACE, MetricName: 'ChannelsVerified' },
      Stat: 'SampleCount',
      Period: 1800,
    });
  });

  it('unauthorized surge: WebhookRejected{reason=unauthorized} over the threshold twice in a row', () => {
    expect(propsOf(synth.stack.alarms.unauthorizedSurge)).toMatchObject({
      Namespace: NAMESPACE,
      MetricName: 'WebhookRejected',
      Dimensions: expect.arrayContaining([
        { Name: 'service', Value: 'webhook-ingest' },
        { Name: 'reason', Value: 'unauthorized' },
      ]),
      Threshold: ALARM_RATES.unauthorizedPer5Minutes,
      EvaluationPeriods: 2,
      DatapointsToAlarm: 2,
    });
  });

  it('needs attention: any NeedsAttention of any reason in an hour', () => {
    const { props, byId } = mathOf(synth.stack.alarms.needsAttention);
    expect(props).toMatchObject({ ComparisonOperator: 'GreaterThanOrEqualToThreshold', Threshold: 1 });
    const reasons = Object.values(byId)
      .filter((m) => m.MetricStat)
      .map((m) => {
        expect(m.MetricStat.Metric.MetricName).toBe('NeedsAttention');
        expect(m.MetricStat.Period).toBe(3600);
        return m.MetricStat.Metric.Dimensions.find((d: Json) => d.Name === 'reason').Value;
      });
    expect(reasons.sort()).toEqual([...NEEDS_ATTENTION_REASONS].sort());
  });

  it('delivery exception: any WebhookDeliveryException', () => {
    expect(propsOf(synth.stack.alarms.deliveryException)).toMatchObject({
      Namespace: NAMESPACE,
      MetricName: 'WebhookDeliveryException',
      Dimensions: [{ Name: 'service', Value: 'webhook-ingest' }],
      Threshold: 1,
    });
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
