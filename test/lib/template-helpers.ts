import type { Template } from 'aws-cdk-lib/assertions';

/** Template JSON is untyped by nature. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Json = any;

/** The IAM policy statements attached to a role, as (action, resource) pairs — merge-proof. */
export function grantedPairs(template: Template, roleLogicalId: string): string[] {
  return statementPairs(template, roleLogicalId, 'Allow');
}

/** The explicit denies attached to a role (they only ever narrow what is allowed). */
export function deniedPairs(template: Template, roleLogicalId: string): string[] {
  return statementPairs(template, roleLogicalId, 'Deny');
}

function statementPairs(template: Template, roleLogicalId: string, effect: 'Allow' | 'Deny'): string[] {
  const policies = template.findResources('AWS::IAM::Policy') as Record<string, { Properties: Json }>;
  const pairs: string[] = [];
  for (const policy of Object.values(policies)) {
    const roles: Json[] = policy.Properties.Roles ?? [];
    if (!roles.some((r) => r?.Ref === roleLogicalId)) continue;
    for (const statement of policy.Properties.PolicyDocument.Statement as Json[]) {
      if (statement.Effect !== effect) continue;
      for (const action of [statement.Action].flat()) {
        for (const resource of [statement.Resource].flat()) pairs.push(pair(action, resource));
      }
    }
  }
  return pairs.sort();
}

export const pair = (action: string, resource: unknown) => `${action} ${JSON.stringify(resource)}`;

/** Expected pairs: each action on each resource. */
export const pairs = (actions: readonly string[], ...resources: unknown[]) =>
  actions.flatMap((a) => resources.map((r) => pair(a, r)));

/**
 * A `Fn::Join` string (dashboard body, log format…) with every token replaced by a readable
 * placeholder: `${Ref:Id}`, `${Id.Attr}`, `${AWS::Region}`.
 */
export function flattenJoin(value: Json): string {
  if (typeof value === 'string') return value;
  if (value?.['Fn::Join']) {
    const [sep, parts] = value['Fn::Join'] as [string, Json[]];
    return parts.map(flattenJoin).join(sep);
  }
  if (value?.Ref) return `\${Ref:${value.Ref}}`;
  if (value?.['Fn::GetAtt']) return `\${${(value['Fn::GetAtt'] as string[]).join('.')}}`;
  return JSON.stringify(value);
}

export interface DashboardWidget {
  type: string;
  properties: {
    title?: string;
    metrics?: Json[][];
    query?: string;
    alarms?: string[];
    annotations?: Json;
    markdown?: string;
    endpoint?: string;
    params?: Record<string, Json>;
  };
}

export interface DashboardVariableJson {
  type: string;
  pattern?: string;
  inputType: string;
  id: string;
  label?: string;
  defaultValue?: string;
}

/** The parsed DashboardBody of the one dashboard: widgets and variables. */
export function dashboardBody(template: Template): {
  widgets: DashboardWidget[];
  variables?: DashboardVariableJson[];
} {
  const dashboards = Object.values(template.findResources('AWS::CloudWatch::Dashboard'));
  if (dashboards.length !== 1) throw new Error(`${dashboards.length} dashboards`);
  return JSON.parse(flattenJoin(dashboards[0]!.Properties.DashboardBody));
}

/** The parsed DashboardBody of the one dashboard. */
export function dashboardWidgets(template: Template): DashboardWidget[] {
  return dashboardBody(template).widgets;
}

/** Every metric line of the dashboard's graphs: [namespace, name, ...dimension pairs]. */
export function dashboardMetrics(widgets: DashboardWidget[]): { title: string; metric: Json[] }[] {
  const out: { title: string; metric: Json[] }[] = [];
  for (const w of widgets) {
    let previous: Json[] = [];
    for (const line of w.properties.metrics ?? []) {
      // CloudWatch's shorthand: '.' repeats the value at the same position of the previous line.
      const expanded = line.map((v: Json, i: number) => (v === '.' ? previous[i] : v));
      previous = expanded;
      out.push({
        title: w.properties.title ?? '',
        metric: expanded.filter((v: Json) => typeof v !== 'object'),
      });
    }
  }
  return out;
}
