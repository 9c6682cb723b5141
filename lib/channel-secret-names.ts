import { ArnFormat, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct, type IConstruct } from 'constructs';
// How cdk-nag renders a resource in a finding id; used so the acknowledgment names this exact ARN.
import { flattenCfnReference } from 'cdk-nag/lib/utils/flatten-cfn-reference';
import type { SecretStore } from '../functions/adapters/secret-store';
import { SECRET_NAME_PARTS } from '../functions/common/secret-names';
import { actionsFor, SECRET_STORE_ACTIONS } from './store-access';

/** The methods that read one part of a channel's secrets; the others touch both. */
const ONE_PART: Record<keyof SecretStore, 'webhookAuth' | 'apiCredentials' | undefined> = {
  getWebhookAuth: 'webhookAuth',
  getApiCredentials: 'apiCredentials',
  get: undefined,
  put: undefined,
  delete: undefined,
};

/**
 * Where the channels' Secrets Manager secrets live, and who may use them (the values are the domain's
 * `ChannelSecrets`). channel-api creates them at runtime, two per channel (webhook
 * authentication and API credentials, functions/adapters/secret-store.ts) under `${prefix}`; the stack
 * owns none of them, so access is granted on name patterns only.
 */
export class ChannelSecretNames {
  /** SECRET_NAME_PREFIX of the functions. */
  readonly prefix: string;
  /** Every secret under the prefix (Secrets Manager appends `-XXXXXX` to the name in the ARN). */
  readonly arnPattern: string;
  /** Only the webhook-authentication secrets: all the public webhook function may read. */
  readonly webhookAuthArnPattern: string;
  readonly apiCredentialsArnPattern: string;
  /** Readers may still fall back to a channel's combined (pre-split) secret; see docs/deploy.md. */
  readonly legacyFallback: boolean;
  private readonly stack: Stack;

  constructor(scope: IConstruct, options: { legacyFallback?: boolean } = {}) {
    const stack = Stack.of(scope);
    this.stack = stack;
    this.prefix = `om-bigcommerce/${stack.stackName}/channels/`;
    this.legacyFallback = options.legacyFallback ?? true;
    const arn = (namePattern: string) =>
      stack.formatArn({
        service: 'secretsmanager',
        resource: 'secret',
        resourceName: `${this.prefix}${namePattern}`,
        arnFormat: ArnFormat.COLON_RESOURCE_NAME,
      });
    this.arnPattern = arn('*');
    this.webhookAuthArnPattern = arn(`${SECRET_NAME_PARTS.webhookAuth}*`);
    this.apiCredentialsArnPattern = arn(`${SECRET_NAME_PARTS.apiCredentials}*`);
  }

  /**
   * Exactly the Secrets Manager actions behind the given SecretStore methods. A grantee that reads one
   * part only (`getWebhookAuth`: webhook-ingest; `getApiCredentials`: order-worker) gets that part's
   * secrets; during the migration window also the legacy combined ones (the same name pattern covers the
   * other part, so an explicit deny takes that back out).
   */
  grant(grantee: iam.IGrantable, methods: readonly (keyof SecretStore)[]): iam.Grant | undefined {
    const actions = actionsFor(SECRET_STORE_ACTIONS, methods);
    if (actions.length === 0) return undefined;
    const parts = new Set(methods.map((m) => ONE_PART[m]));
    const [part] = parts;
    const only = parts.size === 1 ? part : undefined;
    const ofPart = { webhookAuth: this.webhookAuthArnPattern, apiCredentials: this.apiCredentialsArnPattern };
    const resourceArns =
      only === undefined
        ? [this.arnPattern]
        : this.legacyFallback
          ? [ofPart[only], this.arnPattern]
          : [ofPart[only]];
    const grant = iam.Grant.addToPrincipal({ grantee, actions, resourceArns });
    if (only !== undefined && this.legacyFallback)
      grantee.grantPrincipal.addToPrincipalPolicy(
        new iam.PolicyStatement({
          effect: iam.Effect.DENY,
          actions,
          resources: [ofPart[only === 'webhookAuth' ? 'apiCredentials' : 'webhookAuth']],
        }),
      );
    if (Construct.isConstruct(grantee.grantPrincipal))
      for (const arn of resourceArns) {
        const resource = flattenCfnReference(this.stack.resolve(arn));
        Validations.of(grantee.grantPrincipal).acknowledge({
          id: `AwsSolutions-IAM5[Resource::${resource}]`,
          reason:
            'Channel secrets are created at runtime, per channel, named <prefix><part><channelId>; the ' +
            'grant is scoped to the prefix (and part) of this stack (Secrets Manager appends a random suffix).',
        });
      }
    return grant;
  }
}
