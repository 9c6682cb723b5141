import { App, Duration } from 'aws-cdk-lib';
import {
  DEFAULT_SETTINGS,
  isProductionStage,
  committedStages,
  PRODUCTION_WEBHOOK_RATE_LIMIT,
  settingsFromContext,
  validateSettings,
} from '../../lib/settings';
import { CDK_JSON_CONTEXT } from './helpers';

const fromContext = (context: Record<string, unknown>) => settingsFromContext(new App({ context }).node);
const seconds = (ds: readonly Duration[]) => ds.map((d) => d.toSeconds());

describe('settingsFromContext', () => {
  it('defaults to the dev stage with the documented defaults', () => {
    const s = fromContext({});
    expect(s.stage).toBe('dev');
    expect(s.hookVerifyInterval.toSeconds()).toBe(900);
    expect(seconds(s.deferDelays)).toEqual([60, 120, 240, 480, 900]);
    expect(s.deferMaxAge.toSeconds()).toBe(86400);
    expect(s.bigCommerceApiUrl).toBe('https://api.bigcommerce.com');
    expect(s.customDomain).toBeUndefined();
    expect(s.alarmEmail).toBeUndefined();
  });

  it('reads command-line strings (-c key=value) for a stage not committed in cdk.json', () => {
    const s = fromContext({
      stage: 'qa',
      hookVerifyIntervalSeconds: '1800',
      deferDelaysSeconds: '30, 60,120',
      deferMaxAgeSeconds: '3600',
      domainName: 'hooks.example.com',
      certificateArn: 'arn:aws:acm:us-east-1:123456789012:certificate/abc',
      alarmEmail: 'ops@example.com',
    });
    expect(s.stage).toBe('qa');
    expect(s.hookVerifyInterval.toSeconds()).toBe(1800);
    expect(seconds(s.deferDelays)).toEqual([30, 60, 120]);
    expect(s.deferMaxAge.toSeconds()).toBe(3600);
    expect(s.customDomain).toEqual({
      domainName: 'hooks.example.com',
      certificateArn: 'arn:aws:acm:us-east-1:123456789012:certificate/abc',
    });
    expect(s.alarmEmail).toBe('ops@example.com');
  });

  it('reads cdk.json values (numbers and arrays)', () => {
    const s = fromContext({
      hookVerifyIntervalSeconds: 300,
      deferDelaysSeconds: [10, 20],
      deferMaxAgeSeconds: 600,
    });
    expect(s.hookVerifyInterval.toSeconds()).toBe(300);
    expect(seconds(s.deferDelays)).toEqual([10, 20]);
    expect(s.deferMaxAge.toSeconds()).toBe(600);
  });

  it.each([
    [{ stage: 'Prod' }, /stage/],
    [{ stage: 'a_b' }, /stage/],
    [{ hookVerifyIntervalSeconds: '90' }, /whole number of minutes/],
    [{ hookVerifyIntervalSeconds: '86400' }, /at most 43200/],
    [{ hookVerifyIntervalSeconds: 'often' }, /hookVerifyIntervalSeconds/],
    [{ deferDelaysSeconds: '60,abc' }, /deferDelaysSeconds/],
    [{ deferDelaysSeconds: '60,901' }, /901.*1\.\.900/],
    [{ deferDelaysSeconds: '0' }, /deferDelaysSeconds/],
    [{ deferMaxAgeSeconds: '-5' }, /deferMaxAgeSeconds/],
    [{ domainName: 'hooks.example.com' }, /domainName and certificateArn go together/],
    [{ certificateArn: 'arn:aws:acm:us-east-1:123456789012:certificate/abc' }, /go together/],
    [
      { domainName: 'not a domain', certificateArn: 'arn:aws:acm:us-east-1:123456789012:certificate/abc' },
      /domainName/,
    ],
    [
      { domainName: 'hooks.example.com', certificateArn: 'arn:aws:iam::123456789012:role/x' },
      /certificateArn/,
    ],
    [{ alarmEmail: 'nobody' }, /alarmEmail/],
    [{ bigCommerceApiUrl: 'http://api.bigcommerce.com' }, /https/],
  ])('rejects %j naming the setting', (context, message) => {
    expect(() => fromContext(context)).toThrow(message);
  });

  it.each([
    [{ logLevel: 'LOUD' }, /logLevel/],
    [{ throttleRateLimit: '0' }, /throttleRateLimit/],
    [{ throttleRateLimit: '100', throttleBurstLimit: '50' }, /throttleBurstLimit at least/],
  ])('rejects %j naming the setting', (context, message) => {
    expect(() => fromContext(context)).toThrow(message);
  });

  it('names every bad setting at once', () => {
    expect(() =>
      validateSettings({ ...DEFAULT_SETTINGS, stage: 'X', deferDelays: [], webhookRateLimit: 0 }),
    ).toThrow(/stage.*deferDelaysSeconds/);
  });
});

describe('stages committed in cdk.json (context.stages)', () => {
  const stages = {
    prod: {
      domainName: 'hooks.example.com',
      certificateArn: 'arn:aws:acm:us-east-1:123456789012:certificate/abc',
      alarmEmail: 'oncall@example.com',
      logLevel: 'WARN',
      throttleRateLimit: 300,
      throttleBurstLimit: 600,
    },
  };

  it('take every setting from the committed entry', () => {
    const s = fromContext({ stage: 'prod', stages });
    expect(s).toMatchObject({
      stage: 'prod',
      customDomain: { domainName: 'hooks.example.com' },
      alarmEmail: 'oncall@example.com',
      logLevel: 'WARN',
      throttle: { rateLimit: 300, burstLimit: 600 },
    });
    expect(s.hookVerifyInterval.toSeconds()).toBe(900);
  });

  it('refuse setting flags, so a deploy cannot drift from what is committed', () => {
    expect(() => fromContext({ stage: 'prod', stages, domainName: 'other.example.com' })).toThrow(
      /stage prod is committed in cdk.json.*domainName/,
    );
  });

  it('refuse unknown keys (a typo would otherwise be a silent default)', () => {
    expect(() =>
      fromContext({ stage: 'prod', stages: { prod: { ...stages.prod, alarmMail: 'x@y.z' } } }),
    ).toThrow(/unknown keys alarmMail/);
  });

  it('are required for a production stage: no production deploy from flags alone', () => {
    expect(() => fromContext({ stage: 'prod-eu', stages })).toThrow(/must be committed in cdk.json/);
  });

  it("leave other stages (dev, a developer's own) on defaults and flags", () => {
    expect(fromContext({ stages }).stage).toBe('dev');
    expect(fromContext({ stage: 'dev-alice', stages, alarmEmail: 'a@example.com' }).alarmEmail).toBe(
      'a@example.com',
    );
  });

  it.each(committedStages(CDK_JSON_CONTEXT))('cdk.json stage %s is valid', (stage) => {
    expect(fromContext({ ...CDK_JSON_CONTEXT, stage }).stage).toBe(stage);
  });

  it('cdk.json commits the production stage', () => {
    expect(committedStages(CDK_JSON_CONTEXT).filter(isProductionStage)).toContain('prod');
  });
});

describe('isProductionStage', () => {
  it.each([
    ['prod', true],
    ['prod-eu', true],
    ['dev', false],
    ['staging', false],
    ['product', false],
  ])('%s → %s', (stage, expected) => {
    expect(isProductionStage(stage)).toBe(expected);
  });
});

describe('webhookRateLimit', () => {
  const euCert = 'arn:aws:acm:eu-west-1:123456789012:certificate/abc';

  it('is off by default for a non-production stage', () => {
    expect(fromContext({}).webhookRateLimit).toBe(0);
    expect(fromContext({ stage: 'qa' }).webhookRateLimit).toBe(0);
  });

  it('is on by default for a production stage committed without it', () => {
    const s = fromContext({ stage: 'prod-eu', stages: { 'prod-eu': {} } });
    expect(s.webhookRateLimit).toBe(PRODUCTION_WEBHOOK_RATE_LIMIT);
  });

  it('is set explicitly by every stage committed in cdk.json', () => {
    const stages = CDK_JSON_CONTEXT.stages as Record<string, Record<string, unknown>>;
    for (const [name, entry] of Object.entries(stages)) {
      expect({ name, limit: typeof entry.webhookRateLimit }).toEqual({ name, limit: 'number' });
    }
  });

  it.each([
    ['0', 0],
    [0, 0],
    ['500', 500],
    [2000, 2000],
  ])('reads %j', (value, expected) => {
    expect(fromContext({ stage: 'qa', webhookRateLimit: value }).webhookRateLimit).toBe(expected);
  });

  it('can be turned off for a production stage', () => {
    const s = fromContext({ stage: 'prod', stages: { prod: { webhookRateLimit: 0 } } });
    expect(s.webhookRateLimit).toBe(0);
  });

  it.each([['5'], ['lots'], ['-1'], [2_000_000_001]])('rejects %j naming the setting', (value) => {
    expect(() => fromContext({ stage: 'qa', webhookRateLimit: value })).toThrow(/webhookRateLimit/);
  });

  it('needs a us-east-1 certificate when on (the custom domain moves to CloudFront)', () => {
    const context = { stage: 'qa', domainName: 'hooks.example.com', certificateArn: euCert };
    expect(() => fromContext({ ...context, webhookRateLimit: '100' })).toThrow(
      /certificateArn must be in us-east-1 when webhookRateLimit is on/,
    );
    expect(fromContext({ ...context, webhookRateLimit: '0' }).customDomain?.certificateArn).toBe(euCert);
  });
});
