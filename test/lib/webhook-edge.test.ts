import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { OmHttpApi } from '../../lib/http-api';
import { WEBHOOK_FORWARDED_HEADERS, WEBHOOK_PATH_PATTERN, WebhookEdge } from '../../lib/webhook-edge';
import { getAttOf, idOf, propsOf, type Synthesized, synthApp } from './helpers';
import type { Json } from './template-helpers';

const resourcesOf = (synth: Synthesized, type: string): Json[] =>
  Object.values(synth.template.findResources(type)).map((r: Json) => r.Properties);
const hookManagerEnv = (synth: Synthesized): Json =>
  propsOf(synth, synth.stack.hookManager.function).Environment.Variables;

describe('webhook edge on a production stage (cdk.json prod)', () => {
  const synth = synthApp({ stage: 'prod' });
  const edge = synth.stack.webhookEdge;

  it('is built', () => {
    expect(edge).toBeDefined();
  });

  it('has a CloudFront web ACL that blocks a source IP over the configured limit per 5 minutes', () => {
    const [acl] = resourcesOf(synth, 'AWS::WAFv2::WebACL');
    expect(acl.Scope).toBe('CLOUDFRONT');
    const rate = acl.Rules.find((r: Json) => r.Statement.RateBasedStatement);
    expect(rate.Statement.RateBasedStatement).toEqual({
      Limit: 2000,
      AggregateKeyType: 'IP',
      EvaluationWindowSec: 300,
    });
    expect(rate.Action).toEqual({ Block: { CustomResponse: { ResponseCode: 429 } } });
    // Evaluated before the rule that lets webhook POSTs through.
    const allow = acl.Rules.find((r: Json) => r.Action?.Allow);
    expect(rate.Priority).toBeLessThan(allow.Priority);
  });

  it('lets through only POSTs to the webhook path and blocks the rest', () => {
    const [acl] = resourcesOf(synth, 'AWS::WAFv2::WebACL');
    expect(acl.DefaultAction).toEqual({ Block: {} });
    const allow = acl.Rules.find((r: Json) => r.Action?.Allow);
    const matches = allow.Statement.AndStatement.Statements.map((s: Json) => s.ByteMatchStatement);
    expect(matches).toEqual([
      expect.objectContaining({ FieldToMatch: { UriPath: {} }, SearchString: '/webhooks/bigcommerce/' }),
      expect.objectContaining({ FieldToMatch: { Method: {} }, SearchString: 'POST' }),
    ]);
  });

  it('counts (does not block) the AWS IP reputation list', () => {
    const [acl] = resourcesOf(synth, 'AWS::WAFv2::WebACL');
    const reputation = acl.Rules.find((r: Json) => r.Statement.ManagedRuleGroupStatement);
    expect(reputation.Statement.ManagedRuleGroupStatement.Name).toBe('AWSManagedRulesAmazonIpReputationList');
    expect(reputation.OverrideAction).toEqual({ Count: {} });
  });

  it('attaches the web ACL to a distribution whose origin is the HTTP API', () => {
    const config = propsOf(synth, edge!.distribution).DistributionConfig;
    expect(config.WebACLId).toEqual(getAttOf(synth, edge!.webAcl, 'Arn'));
    expect(config.Origins).toHaveLength(1);
    expect(JSON.stringify(config.Origins[0].DomainName)).toContain(idOf(synth, synth.stack.httpApi.api));
    expect(config.Origins[0].CustomOriginConfig.OriginProtocolPolicy).toBe('https-only');
  });

  it('has an uncached webhook behaviour that takes POST and forwards the auth headers', () => {
    const config = propsOf(synth, edge!.distribution).DistributionConfig;
    const [behaviour] = config.CacheBehaviors;
    expect(behaviour.PathPattern).toBe(WEBHOOK_PATH_PATTERN);
    expect(behaviour.AllowedMethods).toContain('POST');
    // Managed CachingDisabled policy.
    expect(behaviour.CachePolicyId).toBe('4135ea2d-6df8-44a3-9df3-4b5a84be39ad');
    const [policy] = resourcesOf(synth, 'AWS::CloudFront::OriginRequestPolicy');
    expect(behaviour.OriginRequestPolicyId).toEqual({ Ref: expect.any(String) });
    expect(policy.OriginRequestPolicyConfig.HeadersConfig).toEqual({
      HeaderBehavior: 'whitelist',
      Headers: [...WEBHOOK_FORWARDED_HEADERS],
    });
  });

  it('serves the custom domain on the distribution, and hook destinations use it', () => {
    const config = propsOf(synth, edge!.distribution).DistributionConfig;
    expect(config.Aliases).toEqual(['bigcommerce-hooks.example.com']);
    expect(config.ViewerCertificate.MinimumProtocolVersion).toBe('TLSv1.2_2021');
    expect(hookManagerEnv(synth).WEBHOOK_BASE_URL).toBe('https://bigcommerce-hooks.example.com');
    // The name points at CloudFront, so the HTTP API does not claim it too.
    synth.template.resourceCountIs('AWS::ApiGatewayV2::DomainName', 0);
    expect(synth.template.toJSON().Outputs.CustomDomainTarget.Value).toEqual(
      getAttOf(synth, edge!.distribution, 'DomainName'),
    );
  });

  it('refuses a deploy outside us-east-1 by a template rule', () => {
    const rules = synth.template.toJSON().Rules;
    const assertions = Object.values(rules as Json).flatMap((r: Json) => r.Assertions);
    expect(assertions).toContainEqual(
      expect.objectContaining({ Assert: { 'Fn::Equals': [{ Ref: 'AWS::Region' }, 'us-east-1'] } }),
    );
  });
});

describe('webhook edge off (dev default)', () => {
  const synth = synthApp();

  it('builds no distribution and no web ACL; hooks use the API endpoint', () => {
    expect(synth.stack.webhookEdge).toBeUndefined();
    synth.template.resourceCountIs('AWS::WAFv2::WebACL', 0);
    synth.template.resourceCountIs('AWS::CloudFront::Distribution', 0);
    expect(hookManagerEnv(synth).WEBHOOK_BASE_URL).toEqual(
      getAttOf(synth, synth.stack.httpApi.api, 'ApiEndpoint'),
    );
  });
});

describe('webhook edge on a stage without a custom domain', () => {
  const synth = synthApp({ stage: 'qa', webhookRateLimit: '50' });

  it('uses the configured limit and the distribution name for hook destinations', () => {
    const [acl] = resourcesOf(synth, 'AWS::WAFv2::WebACL');
    expect(acl.Rules[0].Statement.RateBasedStatement.Limit).toBe(50);
    const url = synth.stack.resolve(hookManagerEnv(synth).WEBHOOK_BASE_URL);
    expect(url).toEqual({
      'Fn::Join': ['', ['https://', getAttOf(synth, synth.stack.webhookEdge!.distribution, 'DomainName')]],
    });
  });
});

describe('WebhookEdge region', () => {
  it('refuses at synth a stack whose region is known and is not us-east-1', () => {
    const stack = new Stack(new App(), 'S', { env: { region: 'eu-west-1', account: '111111111111' } });
    const fn = lambda.Function.fromFunctionName(stack, 'Fn', 'f');
    const httpApi = new OmHttpApi(stack, 'Http', { targets: { 'webhook-ingest': fn, 'channel-api': fn } });
    expect(() => new WebhookEdge(stack, 'Edge', { httpApi, rateLimit: 100 })).toThrow(
      /webhookRateLimit needs the stack in us-east-1/,
    );
  });

  it('builds in us-east-1', () => {
    const stack = new Stack(new App(), 'S', { env: { region: 'us-east-1', account: '111111111111' } });
    const fn = lambda.Function.fromFunctionName(stack, 'Fn', 'f');
    const httpApi = new OmHttpApi(stack, 'Http', { targets: { 'webhook-ingest': fn, 'channel-api': fn } });
    new WebhookEdge(stack, 'Edge', { httpApi, rateLimit: 100 });
    Template.fromStack(stack).resourceCountIs('AWS::CloudFront::Distribution', 1);
  });
});
