import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { Validations } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { buildApp } from '../../lib/app';
import { CDK_JSON_CONTEXT, PROJECT_ROOT, synthApp, testApp } from './helpers';

const run = promisify(execFile);

interface Finding {
  rule: string;
  path: string;
}

/** What cdk-nag reports for a tree; `blind` ignores every acknowledgment (the raw findings). */
function nagFindings(root: IConstruct, { blind = false } = {}): (Finding & { severity: string })[] {
  const pack = new AwsSolutionsChecks();
  // Test-only: see what would be reported without the acknowledgments.
  if (blind) (pack as unknown as { isAcknowledged: () => boolean }).isAcknowledged = () => false;
  return pack.validateScope(root).violations.flatMap((v) =>
    v.violatingResources.map((r) => ({
      rule: v.ruleName,
      path: r.constructPath ?? '',
      severity: v.severity ?? '',
    })),
  );
}

/** Every acknowledgment recorded in the tree: rule id, where, and the reason. */
function acknowledgments(root: IConstruct): (Finding & { reason: string })[] {
  return root.node.findAll().flatMap((c) =>
    c.node.metadata
      .filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      .flatMap((m) =>
        Object.entries(m.data as Record<string, string>).map(([id, reason]) => ({
          rule: id.replace(/^annotation::/i, ''),
          path: c.node.path,
          reason,
        })),
      ),
  );
}

describe('cdk-nag (AwsSolutions) on the app', () => {
  const { app, stack } = synthApp();
  const secretsFinding = `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:secretsmanager:<AWS::Region>:<AWS::AccountId>:secret:om-bigcommerce/${stack.stackName}/channels/*]`;
  const webhookAuthFinding = secretsFinding.replace('/channels/*', '/channels/webhook-auth/*');
  const apiCredentialsFinding = secretsFinding.replace('/channels/*', '/channels/api-credentials/*');
  const policyOf = (id: string) => `${stack.stackName}/${id}/Role/DefaultPolicy/Resource`;
  const functionPolicies = ['WebhookIngest', 'OrderWorker', 'HookManager', 'ChannelApi'].map(policyOf);
  // The support widget reads no secret: only the X-Ray finding every function has.
  const allFunctionPolicies = [...functionPolicies, policyOf('SupportWidget')];

  it('reports nothing at all: no error and no warning', () => {
    expect(nagFindings(app)).toEqual([]);
  });

  it('left an empty validation report in the cloud assembly', () => {
    const report = JSON.parse(fs.readFileSync(path.join(app.outdir, 'validation-report.json'), 'utf8'));
    const violations = (report.pluginReports ?? []).flatMap(
      (r: { violations?: unknown[] }) => r.violations ?? [],
    );
    expect(violations).toEqual([]);
  });

  it('acknowledges exactly the findings it has, each where it occurs', () => {
    const raw = nagFindings(app, { blind: true });
    expect(raw.every((f) => f.severity === 'error')).toBe(true);
    expect(raw.map(({ rule, path: p }) => `${rule} @ ${p}`).sort()).toEqual(
      [
        `AwsSolutions-APIG4 @ ${stack.stackName}/Http/Api/POST--webhooks--bigcommerce--{channelId}/Resource`,
        `AwsSolutions-APIG4 @ ${stack.stackName}/Http/Api/POST--webhooks--bigcommerce--{channelId}--delivery-exceptions/Resource`,
        // hook-manager's failure destination is itself the place failed invocations end up.
        ...allFunctionPolicies.map((p) => `AwsSolutions-IAM5[Resource::*] @ ${p}`),
        ...functionPolicies.map((p) => `${secretsFinding} @ ${p}`),
        `${webhookAuthFinding} @ ${functionPolicies[0]}`,
        `${apiCredentialsFinding} @ ${functionPolicies[1]}`,
      ].sort(),
    );
    // No stale acknowledgment: each one covers a raw finding under it.
    for (const ack of acknowledgments(app)) {
      const covers = raw.some(
        (f) => f.rule === ack.rule && (f.path === ack.path || f.path.startsWith(`${ack.path}/`)),
      );
      expect({ ack: `${ack.rule} @ ${ack.path}`, covers }).toEqual({
        ack: `${ack.rule} @ ${ack.path}`,
        covers: true,
      });
    }
  });

  it('gives every acknowledgment a real reason', () => {
    const acks = acknowledgments(app);
    // One acknowledgment per raw finding (the test above lists them).
    expect(acks.length).toBe(nagFindings(app, { blind: true }).length);
    for (const ack of acks) expect(ack.reason.length).toBeGreaterThan(60);
  });
});

describe.each([
  ['prod (custom domain)', { stage: 'prod' }, ['AwsSolutions-CFR1', 'AwsSolutions-CFR3']],
  [
    'an edge stage without a custom domain',
    { stage: 'qa', webhookRateLimit: '100' },
    ['AwsSolutions-CFR1', 'AwsSolutions-CFR3', 'AwsSolutions-CFR4'],
  ],
])('cdk-nag with the webhook edge on: %s', (_name, context, edgeRules) => {
  const { app, stack } = synthApp(context);
  const distribution = `${stack.stackName}/WebhookEdge/Distribution/Resource`;

  it('reports nothing', () => {
    expect(nagFindings(app)).toEqual([]);
  });

  it('acknowledges exactly the distribution findings it has, each with a reason', () => {
    const raw = nagFindings(app, { blind: true }).filter((f) => f.path.includes('/WebhookEdge/'));
    expect(raw.map((f) => `${f.rule} @ ${f.path}`).sort()).toEqual(
      edgeRules.map((r) => `${r} @ ${distribution}`),
    );
    const acks = acknowledgments(app).filter((a) => a.path.includes('/WebhookEdge/'));
    expect(acks.map((a) => a.rule).sort()).toEqual(edgeRules);
    for (const ack of acks) expect(ack.reason.length).toBeGreaterThan(60);
  });
});

describe('synth fails on a new finding', () => {
  it('a queue without DLQ and without TLS enforcement', () => {
    const app = testApp();
    const stack = buildApp(app);
    new sqs.Queue(stack, 'CarelessQueue');
    expect(() => app.synth()).toThrow(
      /AwsSolutions-SQS3[\s\S]*CarelessQueue|CarelessQueue[\s\S]*AwsSolutions-SQS3/,
    );
    expect(() => app.synth({ force: true })).toThrow(/SQS4|does not require requests to use SSL/);
  });

  it('a second public route (the webhook acknowledgment does not leak to it)', () => {
    const app = testApp();
    const stack = buildApp(app);
    stack.httpApi.api.addRoutes({
      path: '/debug',
      methods: [apigw.HttpMethod.GET],
      integration: new HttpLambdaIntegration('Debug', stack.channelApi.function),
    });
    expect(() => app.synth()).toThrow(/GET--debug[\s\S]*APIG4|APIG4[\s\S]*GET--debug|authorization/);
  });
});

describe('bin/app.ts', () => {
  const node = path.join(PROJECT_ROOT, 'node_modules', '.bin', 'tsx');
  const runApp = (context: Record<string, unknown>) => {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'om-cdk-bin-'));
    const env = {
      ...process.env,
      CDK_OUTDIR: outdir,
      // What the CLI hands the app: cdk.json context plus -c values (bundling skipped here).
      CDK_CONTEXT_JSON: JSON.stringify({ ...CDK_JSON_CONTEXT, 'aws:cdk:bundling-stacks': [], ...context }),
    };
    return { outdir, result: run(node, ['bin/app.ts'], { cwd: PROJECT_ROOT, env }) };
  };

  it('synthesizes the stage named in context, nag-clean', async () => {
    const { outdir, result } = runApp({ stage: 'prod' });
    await result;
    expect(fs.existsSync(path.join(outdir, 'OmBigCommerce-prod.template.json'))).toBe(true);
    const report = JSON.parse(fs.readFileSync(path.join(outdir, 'validation-report.json'), 'utf8'));
    expect(report.pluginReports.flatMap((r: { violations: unknown[] }) => r.violations)).toEqual([]);
  }, 60_000);

  it('fails, naming the setting, on bad context', async () => {
    const { result } = runApp({ stage: 'Not OK' });
    await expect(result).rejects.toMatchObject({ stderr: expect.stringMatching(/Invalid settings: stage/) });
  }, 60_000);
});
