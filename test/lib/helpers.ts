import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App, CfnElement } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { IConstruct } from 'constructs';
import { buildApp } from '../../lib/app';
import type { OmBigCommerceStack } from '../../lib/om-bigcommerce-stack';
import type { Json } from './template-helpers';

export const PROJECT_ROOT = path.resolve(__dirname, '..', '..');

/** The feature flags and settings of cdk.json, so tests synthesize what `cdk synth` does. */
export const CDK_JSON_CONTEXT: Record<string, unknown> = JSON.parse(
  fs.readFileSync(path.join(PROJECT_ROOT, 'cdk.json'), 'utf8'),
).context;

/** An App as the CLI would build it, minus bundling (no esbuild run in unit tests). */
export function testApp(context: Record<string, unknown> = {}): App {
  return new App({
    outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'om-cdk-test-')),
    context: { ...CDK_JSON_CONTEXT, 'aws:cdk:bundling-stacks': [], ...context },
  });
}

export interface Synthesized {
  app: App;
  stack: OmBigCommerceStack;
  template: Template;
}

/** bin/app.ts's wiring (cdk-nag included) for the given context; one synth. */
export function synthApp(context: Record<string, unknown> = {}): Synthesized {
  const app = testApp(context);
  const stack = buildApp(app);
  return { app, stack, template: Template.fromStack(stack) };
}

/** Logical id of a construct's CloudFormation resource (an L2's default child, or the L1 itself). */
export function idOf(synth: Synthesized, construct: IConstruct): string {
  const element = CfnElement.isCfnElement(construct) ? construct : construct.node.defaultChild;
  if (!element || !CfnElement.isCfnElement(element))
    throw new Error(`${construct.node.path} has no CFN resource`);
  return synth.stack.resolve(element.logicalId) as string;
}

/** `{ Ref: id }` / `{ 'Fn::GetAtt': [id, attr] }` of a construct, as they appear in the template. */
export const refOf = (synth: Synthesized, construct: IConstruct) => ({ Ref: idOf(synth, construct) });
export const getAttOf = (synth: Synthesized, construct: IConstruct, attr: string) => ({
  'Fn::GetAtt': [idOf(synth, construct), attr],
});

/** The Properties of a construct's resource in the synthesized template. */
export const propsOf = (synth: Synthesized, construct: IConstruct): Json =>
  synth.template.toJSON().Resources[idOf(synth, construct)].Properties;
