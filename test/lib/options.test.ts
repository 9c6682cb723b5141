import { Duration } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { buildApp } from '../../lib/app';
import { idOf, synthApp, testApp, type Synthesized } from './helpers';

/**
 * A production stage with every option set, committed as cdk.json's `context.stages.prod` holds it,
 * the webhook edge off so the custom domain is the HTTP API's own (webhook-edge.test.ts covers it on).
 */
const PROD_CONTEXT = {
  domainName: 'hooks.example.com',
  certificateArn: 'arn:aws:acm:eu-west-1:123456789012:certificate/0f0e0d0c-0b0a-0908-0706-050403020100',
  alarmEmail: 'om-support@example.com',
  hookVerifyIntervalSeconds: 600,
  deferDelaysSeconds: [30, 90, 300],
  deferMaxAgeSeconds: 43200,
  logLevel: 'WARN',
  throttleRateLimit: 200,
  throttleBurstLimit: 400,
  webhookRateLimit: 0,
};

let synth: Synthesized;
beforeAll(() => {
  synth = synthApp({ stage: 'prod', stages: { prod: PROD_CONTEXT } });
});

const envOf = (fn: Parameters<typeof idOf>[1]) =>
  synth.template.toJSON().Resources[idOf(synth, fn)].Properties.Environment.Variables;

describe('a production stage with every option', () => {
  it('is its own stack', () => {
    expect(synth.stack.stackName).toBe('OmBigCommerce-prod');
    expect(envOf(synth.stack.ingest.function).SECRET_NAME_PREFIX).toBe(
      'om-bigcommerce/OmBigCommerce-prod/channels/',
    );
  });

  it('maps the custom domain (TLS 1.2) to the $default stage and uses it for webhooks', () => {
    synth.template.hasResourceProperties('AWS::ApiGatewayV2::DomainName', {
      DomainName: 'hooks.example.com',
      DomainNameConfigurations: [
        { CertificateArn: PROD_CONTEXT.certificateArn, EndpointType: 'REGIONAL', SecurityPolicy: 'TLS_1_2' },
      ],
    });
    synth.template.hasResourceProperties('AWS::ApiGatewayV2::ApiMapping', {
      ApiId: { Ref: idOf(synth, synth.stack.httpApi.api) },
      DomainName: { Ref: idOf(synth, synth.stack.httpApi.domainName!) },
      Stage: '$default',
    });
    expect(envOf(synth.stack.hookManager.function).WEBHOOK_BASE_URL).toBe('https://hooks.example.com');
    const outputs = synth.template.toJSON().Outputs;
    expect(outputs.WebhookBaseUrl.Value).toBe('https://hooks.example.com');
    expect(outputs.CustomDomainTarget.Value).toEqual({
      'Fn::GetAtt': [idOf(synth, synth.stack.httpApi.domainName!), 'RegionalDomainName'],
    });
  });

  it('passes the schedule rate and deferral settings on', () => {
    expect(
      synth.template.toJSON().Resources[idOf(synth, synth.stack.hookManager.scheduleRule)].Properties,
    ).toMatchObject({
      ScheduleExpression: 'rate(10 minutes)',
    });
    expect(envOf(synth.stack.hookManager.function).HOOK_VERIFY_INTERVAL_SECONDS).toBe('600');
    expect(envOf(synth.stack.worker.function)).toMatchObject({
      DEFER_DELAYS_SECONDS: '30,90,300',
      DEFER_MAX_AGE_SECONDS: '43200',
    });
  });

  it('keeps and protects its data when the stack is deleted', () => {
    synth.template.allResources('AWS::DynamoDB::Table', { DeletionPolicy: 'Retain' });
    synth.template.allResourcesProperties('AWS::DynamoDB::Table', { DeletionProtectionEnabled: true });
    synth.template.allResources('AWS::SQS::Queue', { DeletionPolicy: 'Retain' });
    synth.template.allResources('AWS::Logs::LogGroup', { DeletionPolicy: 'Retain' });
  });

  it('cannot be deleted by a stray `cdk destroy` (termination protection)', () => {
    expect(synth.stack.terminationProtection).toBe(true);
    expect(synthApp().stack.terminationProtection).toBe(false);
  });

  it('passes the log level and the API throttle on', () => {
    expect(
      synth.template.toJSON().Resources[idOf(synth, synth.stack.ingest.function)].Properties.LoggingConfig,
    ).toMatchObject({ ApplicationLogLevel: 'WARN' });
    synth.template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      DefaultRouteSettings: { ThrottlingRateLimit: 200, ThrottlingBurstLimit: 400 },
    });
  });

  it('builds no CloudFront edge when webhookRateLimit is 0', () => {
    expect(synth.stack.webhookEdge).toBeUndefined();
    synth.template.resourceCountIs('AWS::CloudFront::Distribution', 0);
  });

  it('subscribes the alarm e-mail to the topic', () => {
    synth.template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'om-support@example.com',
      TopicArn: { Ref: idOf(synth, synth.stack.alarms.topic) },
    });
  });
});

describe('settings given in code', () => {
  it('override context (e.g. a pipeline building several stages in one app)', () => {
    const app = testApp();
    const stack = buildApp(app, { stage: 'staging', hookVerifyInterval: Duration.minutes(5) });
    expect(stack.stackName).toBe('OmBigCommerce-staging');
    Template.fromStack(stack).hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(5 minutes)',
    });
  });

  it('are validated like context', () => {
    expect(() => buildApp(testApp(), { deferDelays: [Duration.minutes(20)] })).toThrow(/1\.\.900/);
  });
});
