import { Aws, CfnRule, Fn, Stack, Token, Validations } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import { HttpOrigin } from 'aws-cdk-lib/aws-cloudfront-origins';
import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';
import type { OmHttpApi } from './http-api';
import type { CustomDomainSettings } from './settings';

export interface WebhookEdgeProps {
  readonly httpApi: OmHttpApi;
  /** Requests per source IP per 5 minutes before WAF answers 429. */
  readonly rateLimit: number;
  /** Public name of the webhook route; its certificate must be in us-east-1 (CloudFront). */
  readonly customDomain?: CustomDomainSettings;
}

/** CloudFront forwards only what webhook-ingest reads (docs/contract.md section 5), and the body. */
export const WEBHOOK_FORWARDED_HEADERS = [
  'X-Webhook-Token',
  'webhook-id',
  'webhook-timestamp',
  'webhook-signature',
  'content-type',
] as const;

/** Path pattern of the webhook behaviour (the route is `/webhooks/bigcommerce/{channelId}`). */
export const WEBHOOK_PATH_PATTERN = '/webhooks/bigcommerce/*';

/** A CLOUDFRONT-scoped web ACL can only be created in us-east-1. */
export const EDGE_REGION = 'us-east-1';

/** The WAF rate window: CloudFormation's default, and the unit of `webhookRateLimit`. */
export const RATE_WINDOW_SECONDS = 300;

const visibility = (metricName: string): wafv2.CfnWebACL.VisibilityConfigProperty => ({
  cloudWatchMetricsEnabled: true,
  metricName,
  sampledRequestsEnabled: true,
});

/**
 * CloudFront + AWS WAF in front of the webhook route: an HTTP API cannot take a web ACL itself. The
 * web ACL lets through only POSTs to the webhook path, and at most `rateLimit` of them per source IP
 * per 5 minutes (429 beyond). Nothing is cached. The stack must be deployed in us-east-1 (asserted at
 * synth when the region is known, and by a template rule at deploy). See docs/security.md.
 */
export class WebhookEdge extends Construct {
  readonly webAcl: wafv2.CfnWebACL;
  readonly distribution: cloudfront.Distribution;
  /** Base URL hook destinations use: the custom domain, else the distribution's own name. */
  readonly webhookBaseUrl: string;

  constructor(scope: Construct, id: string, props: WebhookEdgeProps) {
    super(scope, id);
    const region = Stack.of(this).region;
    if (!Token.isUnresolved(region) && region !== EDGE_REGION) {
      throw new Error(
        `webhookRateLimit needs the stack in ${EDGE_REGION} (CloudFront web ACL), not ${region}; set webhookRateLimit to 0 to deploy elsewhere`,
      );
    }
    // Environment-agnostic stacks: CloudFormation refuses the deploy before creating anything.
    new CfnRule(this, 'EdgeRegion', {
      assertions: [
        {
          assert: Fn.conditionEquals(Aws.REGION, EDGE_REGION),
          assertDescription: `webhookRateLimit needs the stack in ${EDGE_REGION} (CloudFront web ACL); set it to 0 to deploy elsewhere`,
        },
      ],
    });

    this.webAcl = new wafv2.CfnWebACL(this, 'WebAcl', {
      scope: 'CLOUDFRONT',
      description: 'POSTs to /webhooks/bigcommerce/ only, rate-limited per source IP',
      defaultAction: { block: {} },
      visibilityConfig: visibility('WebhookEdge'),
      rules: [
        {
          name: 'RateLimitPerSourceIp',
          priority: 0,
          statement: {
            rateBasedStatement: {
              limit: props.rateLimit,
              aggregateKeyType: 'IP',
              evaluationWindowSec: RATE_WINDOW_SECONDS,
            },
          },
          // 429: BigCommerce retries a delivery that failed with any non-2xx.
          action: { block: { customResponse: { responseCode: 429 } } },
          visibilityConfig: visibility('RateLimitPerSourceIp'),
        },
        {
          // Counted, not blocked: a shared cloud address of BigCommerce's on the list would silently
          // lose deliveries. The metric shows whether blocking would be safe (docs/security.md).
          name: 'AmazonIpReputationList',
          priority: 1,
          statement: {
            managedRuleGroupStatement: { vendorName: 'AWS', name: 'AWSManagedRulesAmazonIpReputationList' },
          },
          overrideAction: { count: {} },
          visibilityConfig: visibility('AmazonIpReputationList'),
        },
        {
          name: 'AllowWebhookRoute',
          priority: 2,
          statement: {
            andStatement: {
              statements: [
                {
                  byteMatchStatement: {
                    fieldToMatch: { uriPath: {} },
                    positionalConstraint: 'STARTS_WITH',
                    searchString: WEBHOOK_PATH_PATTERN.replace(/\*$/, ''),
                    textTransformations: [{ priority: 0, type: 'NONE' }],
                  },
                },
                {
                  byteMatchStatement: {
                    fieldToMatch: { method: {} },
                    positionalConstraint: 'EXACTLY',
                    searchString: 'POST',
                    textTransformations: [{ priority: 0, type: 'NONE' }],
                  },
                },
              ],
            },
          },
          action: { allow: {} },
          visibilityConfig: visibility('AllowWebhookRoute'),
        },
      ],
    });

    const api = props.httpApi.api;
    const origin = new HttpOrigin(`${api.apiId}.execute-api.${Aws.REGION}.${Aws.URL_SUFFIX}`, {
      protocolPolicy: cloudfront.OriginProtocolPolicy.HTTPS_ONLY,
    });
    const forwarded = new cloudfront.OriginRequestPolicy(this, 'WebhookHeaders', {
      comment: 'Webhook authentication headers only (the body always goes)',
      headerBehavior: cloudfront.OriginRequestHeaderBehavior.allowList(...WEBHOOK_FORWARDED_HEADERS),
      queryStringBehavior: cloudfront.OriginRequestQueryStringBehavior.none(),
      cookieBehavior: cloudfront.OriginRequestCookieBehavior.none(),
    });

    const domain = props.customDomain;
    this.distribution = new cloudfront.Distribution(this, 'Distribution', {
      comment: 'BigCommerce webhooks (WAF rate limit per source IP)',
      webAclId: this.webAcl.attrArn,
      priceClass: cloudfront.PriceClass.PRICE_CLASS_100,
      domainNames: domain && [domain.domainName],
      certificate: domain && acm.Certificate.fromCertificateArn(this, 'Certificate', domain.certificateArn),
      // Only settable with a certificate of our own; the default one's policy is CloudFront's.
      minimumProtocolVersion: domain && cloudfront.SecurityPolicyProtocol.TLS_V1_2_2021,
      // Anything but the webhook path is refused by the web ACL; this behaviour only has to exist.
      defaultBehavior: {
        origin,
        viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.HTTPS_ONLY,
        cachePolicy: cloudfront.CachePolicy.CACHING_DISABLED,
      },
      additionalBehaviors: {
        [WEBHOOK_PATH_PATTERN]: {
          origin,
          viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.HTTPS_ONLY,
          allowedMethods: cloudfront.AllowedMethods.ALLOW_ALL,
          cachePolicy: cloudfront.CachePolicy.CACHING_DISABLED,
          originRequestPolicy: forwarded,
        },
      },
    });
    this.acknowledgeNagFindings(domain !== undefined);

    this.webhookBaseUrl = domain
      ? `https://${domain.domainName}`
      : `https://${this.distribution.distributionDomainName}`;
  }

  private acknowledgeNagFindings(customDomain: boolean): void {
    const acks = [
      {
        id: 'AwsSolutions-CFR1',
        reason:
          'No geo restriction: BigCommerce delivers from its own, unpublished and changing addresses; ' +
          'blocking countries would drop genuine deliveries. The per-IP rate rule limits abuse instead.',
      },
      {
        id: 'AwsSolutions-CFR3',
        reason:
          'No CloudFront access log bucket: each request that passes is in the HTTP API access log ' +
          '(status, path), and the web ACL keeps per-rule metrics and sampled requests with the sender IP.',
      },
    ];
    if (!customDomain) {
      acks.push({
        id: 'AwsSolutions-CFR4',
        reason:
          'Without a custom domain the distribution serves the default *.cloudfront.net certificate, ' +
          'whose TLS floor CloudFront fixes; set domainName/certificateArn for a TLSv1.2_2021 policy.',
      });
    }
    for (const ack of acks) Validations.of(this.distribution).acknowledge(ack);
  }
}
