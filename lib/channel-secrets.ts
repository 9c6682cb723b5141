import { ArnFormat, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct, type IConstruct } from 'constructs';
// How cdk-nag renders a resource in a finding id; used so the acknowledgment names this exact ARN.
import { flattenCfnReference } from 'cdk-nag/lib/utils/flatten-cfn-reference';
import type { SecretStore } from '../functions/adapters/secret-store';
import { actionsFor, SECRET_STORE_ACTIONS } from './store-access';

/**
 * The channels' Secrets Manager secrets. channel-api creates them at runtime, one per channel, named
 * `${prefix}${channelId}`; the stack owns none of them, so access is granted on the name prefix only.
 */
export class ChannelSecrets {
  /** SECRET_NAME_PREFIX of the functions. */
  readonly prefix: string;
  /** Every secret under the prefix (Secrets Manager appends `-XXXXXX` to the name in the ARN). */
  readonly arnPattern: string;
  private readonly stack: Stack;

  constructor(scope: IConstruct) {
    const stack = Stack.of(scope);
    this.stack = stack;
    this.prefix = `om-bigcommerce/${stack.stackName}/channels/`;
    this.arnPattern = stack.formatArn({
      service: 'secretsmanager',
      resource: 'secret',
      resourceName: `${this.prefix}*`,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });
  }

  /** Exactly the Secrets Manager actions behind the given SecretStore methods, on this prefix. */
  grant(grantee: iam.IGrantable, methods: readonly (keyof SecretStore)[]): iam.Grant | undefined {
    const actions = actionsFor(SECRET_STORE_ACTIONS, methods);
    if (actions.length === 0) return undefined;
    const grant = iam.Grant.addToPrincipal({ grantee, actions, resourceArns: [this.arnPattern] });
    if (Construct.isConstruct(grantee.grantPrincipal)) {
      const resource = flattenCfnReference(this.stack.resolve(this.arnPattern));
      Validations.of(grantee.grantPrincipal).acknowledge({
        id: `AwsSolutions-IAM5[Resource::${resource}]`,
        reason:
          'Channel secrets are created at runtime, one per channel, named <prefix><channelId>; the ' +
          'grant is scoped to the prefix of this stack (Secrets Manager also appends a random suffix).',
      });
    }
    return grant;
  }
}
