import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as sns from 'aws-cdk-lib/aws-sns';
import { INGEST_METRICS } from '../../lib/monitoring/metric-names';
import {
  ROUTE_4XX_SURGE_THRESHOLD,
  UNAUTHORIZED_SURGE_THRESHOLD,
  WebhookAbuseAlarms,
} from '../../lib/monitoring/webhook-abuse-alarms';
import { METRICS_NAMESPACE } from '../../lib/house-function';

function synth() {
  const stack = new Stack(new App(), 'S');
  const topic = new sns.Topic(stack, 'Topic');
  const route4xx = new cloudwatch.Metric({
    namespace: 'AWS/ApiGateway',
    metricName: '4xx',
    statistic: 'Sum',
  });
  const alarms = new WebhookAbuseAlarms(stack, 'Abuse', {
    ingestServiceName: 'webhook-ingest',
    webhookRoute4xx: route4xx,
    topic,
  });
  return { stack, alarms, template: Template.fromStack(stack), topicRef: stack.resolve(topic.topicArn) };
}

describe('alarms on abuse of the public webhook route', () => {
  const { template, topicRef } = synth();

  test('a surge of unauthorized rejections, read from the ingest metric by reason', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: METRICS_NAMESPACE,
      MetricName: INGEST_METRICS.rejected,
      Dimensions: Match.arrayEquals([
        { Name: 'reason', Value: 'unauthorized' },
        { Name: 'service', Value: 'webhook-ingest' },
      ]),
      Statistic: 'Sum',
      Period: 300,
      Threshold: UNAUTHORIZED_SURGE_THRESHOLD,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      TreatMissingData: 'notBreaching',
      AlarmActions: [topicRef],
      OKActions: [topicRef],
    });
  });

  test("a surge of the route's 4xx (429 throttling included)", () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/ApiGateway',
      MetricName: '4xx',
      Threshold: ROUTE_4XX_SURGE_THRESHOLD,
      AlarmActions: [topicRef],
    });
  });

  test('exactly these two alarms, each pointing at the runbook', () => {
    const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm'));
    expect(alarms).toHaveLength(2);
    for (const alarm of alarms) expect(alarm.Properties.AlarmDescription).toMatch(/docs\/security\.md/);
  });
});
