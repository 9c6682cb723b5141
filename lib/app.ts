import { type App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { OmBigCommerceStack } from './om-bigcommerce-stack';
import { isProductionStage, settingsFromContext, type StageSettings } from './settings';

/** Stack name of a stage: `OmBigCommerce-dev`, `OmBigCommerce-prod`. */
export const stackNameFor = (stage: string) => `OmBigCommerce-${stage}`;

/**
 * Builds the app exactly as `cdk synth`/`cdk deploy` do (bin/app.ts) — settings from context, one
 * stack, cdk-nag AwsSolutions as a validation plugin: any unacknowledged error finding fails synth.
 */
export function buildApp(app: App, overrides: Partial<StageSettings> = {}): OmBigCommerceStack {
  const settings = { ...settingsFromContext(app.node), ...overrides };
  const stack = new OmBigCommerceStack(app, stackNameFor(settings.stage), {
    settings,
    description: `OM ↔ BigCommerce order webhooks (${settings.stage})`,
    // A production stack cannot be deleted by a stray `cdk destroy`.
    terminationProtection: isProductionStage(settings.stage),
  });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return stack;
}
