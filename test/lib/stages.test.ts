import { Template } from 'aws-cdk-lib/assertions';
import { buildApp } from '../../lib/app';
import type { OmBigCommerceStack } from '../../lib/om-bigcommerce-stack';
import { testApp } from './helpers';
import type { Json } from './template-helpers';

/**
 * Two stages deployed into one account: nothing one does may reach the other — no metric namespace,
 * alarm metric, event bus or rule in common.
 */
const app = testApp();
const stacks: Record<'a' | 'b', OmBigCommerceStack> = {
  a: buildApp(app, { stage: 'dev' }),
  b: buildApp(app, { stage: 'qa' }),
};
const templates = { a: Template.fromStack(stacks.a).toJSON(), b: Template.fromStack(stacks.b).toJSON() };
const resources = (t: Json, type: string): Json[] =>
  Object.values(t.Resources as Record<string, Json>).filter((r) => r.Type === type);

/** Every CloudWatch namespace an alarm reads (plain metric or inside metric math). */
function alarmNamespaces(t: Json): string[] {
  return resources(t, 'AWS::CloudWatch::Alarm').flatMap((alarm) => {
    const p = alarm.Properties;
    if (p.Namespace) return [p.Namespace];
    return (p.Metrics as Json[]).filter((m) => m.MetricStat).map((m) => m.MetricStat.Metric.Namespace);
  });
}
const own = (ns: string) => !ns.startsWith('AWS/');

describe('two stages in one account', () => {
  it('publish metrics to namespaces of their own', () => {
    const namespaces = (t: Json) =>
      new Set(
        resources(t, 'AWS::Lambda::Function').map(
          (f) => f.Properties.Environment.Variables.POWERTOOLS_METRICS_NAMESPACE,
        ),
      );
    expect([...namespaces(templates.a)]).toEqual(['OmBigCommerce/dev']);
    expect([...namespaces(templates.b)]).toEqual(['OmBigCommerce/qa']);
  });

  it('alarm only on their own metrics', () => {
    const a = alarmNamespaces(templates.a).filter(own);
    const b = alarmNamespaces(templates.b).filter(own);
    expect(a.length).toBeGreaterThan(5);
    expect(new Set(a)).toEqual(new Set(['OmBigCommerce/dev']));
    expect(new Set(b)).toEqual(new Set(['OmBigCommerce/qa']));
  });

  it('alarm on AWS metrics of their own resources only (every dimension is a reference in the stack)', () => {
    for (const t of [templates.a, templates.b]) {
      for (const alarm of resources(t, 'AWS::CloudWatch::Alarm')) {
        const p = alarm.Properties;
        const metrics: Json[] = p.Namespace
          ? [p]
          : p.Metrics.filter((m: Json) => m.MetricStat).map((m: Json) => m.MetricStat.Metric);
        for (const m of metrics.filter((x) => !own(x.Namespace))) {
          for (const d of m.Dimensions as Json[]) {
            // `$default`, the method and the route path are not names; everything else is a Ref/GetAtt.
            if (['Stage', 'Method', 'Resource'].includes(d.Name)) continue;
            expect({ dimension: d.Name, isReference: typeof d.Value === 'object' }).toEqual({
              dimension: d.Name,
              isReference: true,
            });
          }
        }
      }
    }
  });

  it('send settings events on their own bus, heard only by their own hook-manager', () => {
    for (const [key, t] of Object.entries(templates)) {
      const stack = stacks[key as 'a' | 'b'];
      const busId = stack.getLogicalId(stack.channelEvents.node.defaultChild as never);
      const rules = resources(t, 'AWS::Events::Rule').filter((r) => r.Properties.EventPattern);
      expect(rules).toHaveLength(1);
      expect(rules[0]!.Properties.EventBusName).toEqual({ Ref: busId });
      const channelApi = resources(t, 'AWS::Lambda::Function').filter(
        (f) => f.Properties.Environment.Variables.POWERTOOLS_SERVICE_NAME === 'channel-api',
      );
      expect(channelApi[0]!.Properties.Environment.Variables.EVENT_BUS_NAME).toEqual({ Ref: busId });
      // Nothing listens on, or publishes to, the account's shared default bus.
      expect(JSON.stringify(t)).not.toMatch(/event-bus\/default|"EventBusName":"default"/);
    }
  });

  it('have dashboards of their own names', () => {
    const name = (t: Json) => resources(t, 'AWS::CloudWatch::Dashboard')[0]!.Properties.DashboardName;
    expect([name(templates.a), name(templates.b)]).toEqual(['OmBigCommerce-dev', 'OmBigCommerce-qa']);
  });

  it('label their alarms with their stage', () => {
    for (const [stage, t] of [
      ['dev', templates.a],
      ['qa', templates.b],
    ] as const)
      for (const alarm of resources(t, 'AWS::CloudWatch::Alarm'))
        expect(alarm.Properties.AlarmDescription).toMatch(new RegExp(`^\\[${stage}\\] `));
  });
});
