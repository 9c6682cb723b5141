import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import { ChannelSecretNames } from '../../lib/channel-secret-names';
import { WebhookIngestFunction } from '../../lib/functions/webhook-ingest-function';
import { deniedPairs, flattenJoin, grantedPairs } from './template-helpers';

/** A bare stack with one role granted what webhook-ingest is granted. */
function ingestGrants(legacyFallback: boolean) {
  const stack = new Stack(new App(), 'S');
  const secrets = new ChannelSecretNames(stack, { legacyFallback });
  const role = new iam.Role(stack, 'Role', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
  secrets.grant(role, WebhookIngestFunction.ACCESS.secrets);
  const template = Template.fromStack(stack);
  const id = stack.getLogicalId(role.node.defaultChild as iam.CfnRole);
  const names = (list: string[]) =>
    list.map((p) => {
      const [action, resource] = [p.slice(0, p.indexOf(' ')), JSON.parse(p.slice(p.indexOf(' ') + 1))];
      return `${action} ${flattenJoin(resource).replace(/^.*:secret:/, '')}`;
    });
  return { allowed: names(grantedPairs(template, id)), denied: names(deniedPairs(template, id)) };
}

describe('the public webhook function and channel secrets', () => {
  test('after the migration it can read the webhook-authentication secrets and nothing else', () => {
    expect(ingestGrants(false)).toEqual({
      allowed: ['secretsmanager:GetSecretValue om-bigcommerce/S/channels/webhook-auth/*'],
      denied: [],
    });
  });

  test('during the migration window it may read legacy combined secrets, never the API credentials', () => {
    const { allowed, denied } = ingestGrants(true);
    expect(allowed.sort()).toEqual([
      'secretsmanager:GetSecretValue om-bigcommerce/S/channels/*',
      'secretsmanager:GetSecretValue om-bigcommerce/S/channels/webhook-auth/*',
    ]);
    expect(denied).toEqual(['secretsmanager:GetSecretValue om-bigcommerce/S/channels/api-credentials/*']);
  });

  test('it is granted reading only', () => {
    expect(WebhookIngestFunction.ACCESS.secrets).toEqual(['getWebhookAuth']);
  });
});
