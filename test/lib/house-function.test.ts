import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as logs from 'aws-cdk-lib/aws-logs';
import { FUNCTION_MEMORY_MB, FUNCTION_TIMEOUT_SECONDS } from '../../functions/common/limits';
import { FUNCTION_NAMES } from '../../functions/common/routes';
import { LAMBDA_ENV } from '../../bench/bundles';
import { functionEntry, HOUSE_BUNDLING, HouseFunction } from '../../lib/house-function';
import { CDK_JSON_CONTEXT } from './helpers';

describe('HouseFunction', () => {
  it.each(FUNCTION_NAMES)('%s has its Lambda entry exporting `handler`', async (name) => {
    const saved = process.env;
    process.env = { ...saved, ...LAMBDA_ENV, POWERTOOLS_METRICS_DISABLED: 'true' };
    try {
      const entry = (await import(functionEntry(name))) as { handler?: unknown };
      expect(typeof entry.handler).toBe('function');
    } finally {
      process.env = saved;
    }
  });

  it('bundles minified with source maps, SDK v3 included, for Node.js 24', () => {
    expect(HOUSE_BUNDLING).toMatchObject({
      minify: true,
      sourceMap: true,
      target: 'node24',
      format: 'cjs',
      bundleAwsSDK: true,
      externalModules: [],
    });
  });

  it('takes its retention from props, its memory and timeout from the limits table', () => {
    const stack = new Stack(
      new App({ context: { ...CDK_JSON_CONTEXT, 'aws:cdk:bundling-stacks': [] } }),
      'HouseFunctionTest',
    );
    new HouseFunction(stack, 'Fn', {
      name: 'channel-api',
      description: 'test',
      environment: { CHANNELS_TABLE: 'x' },
      logRetention: logs.RetentionDays.ONE_WEEK,
    });
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 7 });
    template.hasResource('AWS::Logs::LogGroup', { DeletionPolicy: 'Retain' });
    template.hasResourceProperties('AWS::Lambda::Function', {
      MemorySize: FUNCTION_MEMORY_MB['channel-api'],
      Timeout: FUNCTION_TIMEOUT_SECONDS['channel-api'],
      Environment: {
        Variables: {
          CHANNELS_TABLE: 'x',
          POWERTOOLS_SERVICE_NAME: 'channel-api',
          POWERTOOLS_METRICS_NAMESPACE: 'OmBigCommerce',
          NODE_OPTIONS: '--enable-source-maps',
        },
      },
    });
    // Only its own log group until the owner grants more (tracing adds X-Ray).
    template.resourceCountIs('AWS::IAM::Policy', 1);
  });
});
