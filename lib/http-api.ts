import { Duration, type RemovalPolicy, Validations } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpIamAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { API_GATEWAY_ROUTES, routeKey, type RouteDefinition } from '../functions/common/routes';
import type { CustomDomainSettings } from './settings';

export interface OmHttpApiProps {
  /** The function behind each route target of functions/common/routes.ts. */
  readonly targets: Record<ApiTarget, lambda.IFunction>;
  readonly customDomain?: CustomDomainSettings;
  /**
   * Stage throttling. Generous on purpose: a throttled webhook is a failed delivery to BigCommerce,
   * which blocklists the domain when under 90% succeed. @default 500 requests/s, burst 1000
   */
  readonly throttle?: apigw.ThrottleSettings;
  readonly logRemovalPolicy?: RemovalPolicy;
}

type ApiTarget = (typeof API_GATEWAY_ROUTES)[number]['target'];

/** The public webhook route (the only one with authorization `none`). */
export const WEBHOOK_ROUTE: RouteDefinition = (() => {
  const route = API_GATEWAY_ROUTES.find((r) => r.target === 'webhook-ingest');
  if (!route) throw new Error('ROUTES has no webhook-ingest route');
  return route;
})();

/** The `$default` stage: routes sit at the root of the URL, as they do locally. */
export const STAGE_NAME = '$default';

/**
 * Access log line (JSON). Request headers are never logged: the webhook token travels in one.
 * `userArn` names the SigV4 caller of an admin route.
 */
const ACCESS_LOG_FIELDS = {
  requestId: '$context.requestId',
  requestTime: '$context.requestTime',
  ip: '$context.identity.sourceIp',
  userArn: '$context.identity.userArn',
  routeKey: '$context.routeKey',
  path: '$context.path',
  protocol: '$context.protocol',
  status: '$context.status',
  responseLength: '$context.responseLength',
  responseLatency: '$context.responseLatency',
  integrationStatus: '$context.integrationStatus',
  integrationLatency: '$context.integration.latency',
  integrationError: '$context.integrationErrorMessage',
  error: '$context.error.message',
};

/**
 * The HTTP API of docs/contract.md section 5: the public webhook route and the IAM-authorized admin routes,
 * straight from ROUTES (the local gateway serves the same table).
 */
export class OmHttpApi extends Construct {
  readonly api: apigw.HttpApi;
  readonly stage: apigw.HttpStage;
  readonly accessLogGroup: logs.LogGroup;
  readonly domainName?: apigw.DomainName;
  /** Every route, by its route key (`POST /webhooks/bigcommerce/{channelId}`). */
  readonly routes = new Map<string, apigw.HttpRoute>();
  /** Public base URL for webhook destinations: the custom domain, else the API endpoint. */
  readonly webhookBaseUrl: string;

  constructor(scope: Construct, id: string, props: OmHttpApiProps) {
    super(scope, id);

    this.api = new apigw.HttpApi(this, 'Api', {
      description: 'BigCommerce webhooks (public) and Order Manager admin routes (IAM)',
      createDefaultStage: false,
    });

    if (props.customDomain) {
      this.domainName = new apigw.DomainName(this, 'DomainName', {
        domainName: props.customDomain.domainName,
        certificate: acm.Certificate.fromCertificateArn(
          this,
          'Certificate',
          props.customDomain.certificateArn,
        ),
        securityPolicy: apigw.SecurityPolicy.TLS_1_2,
      });
    }

    this.accessLogGroup = new logs.LogGroup(this, 'AccessLogs', {
      retention: logs.RetentionDays.ONE_MONTH,
      removalPolicy: props.logRemovalPolicy,
    });
    this.stage = new apigw.HttpStage(this, 'DefaultStage', {
      httpApi: this.api,
      stageName: STAGE_NAME,
      autoDeploy: true,
      throttle: props.throttle ?? { rateLimit: 500, burstLimit: 1000 },
      // Route-level metrics: the ingest 5xx alarm watches the webhook route alone.
      detailedMetricsEnabled: true,
      accessLogSettings: {
        destination: new apigw.LogGroupLogDestination(this.accessLogGroup),
        format: AccessLogFormat.custom(JSON.stringify(ACCESS_LOG_FIELDS)),
      },
      domainMapping: this.domainName && { domainName: this.domainName },
    });

    const integrations = {
      'webhook-ingest': new HttpLambdaIntegration('WebhookIngest', props.targets['webhook-ingest']),
      'channel-api': new HttpLambdaIntegration('ChannelApi', props.targets['channel-api']),
    } satisfies Record<ApiTarget, HttpLambdaIntegration>;
    const iam = new HttpIamAuthorizer();
    const none = new apigw.HttpNoneAuthorizer();

    for (const route of API_GATEWAY_ROUTES) {
      const [created] = this.api.addRoutes({
        path: route.path,
        methods: [apigw.HttpMethod[route.method]],
        integration: integrations[route.target],
        authorizer: route.authorization === 'iam' ? iam : none,
      });
      if (!created) continue;
      this.routes.set(routeKey(route), created);
      if (route.authorization === 'none') {
        Validations.of(created).acknowledge({
          id: 'AwsSolutions-APIG4',
          reason:
            'BigCommerce cannot sign requests. webhook-ingest authenticates every callback itself ' +
            '(per-channel X-Webhook-Token compared in constant time, and the Standard Webhooks ' +
            'signature when present); docs/contract.md section 5 makes this the only public route.',
        });
      }
    }

    this.webhookBaseUrl = props.customDomain
      ? `https://${props.customDomain.domainName}`
      : this.api.apiEndpoint;
  }

  /**
   * A route-level API Gateway metric (`5xx`, `4xx`, `Count`, `Latency`, `IntegrationLatency`); needs
   * the stage's detailed metrics, which are on.
   */
  routeMetric(
    def: Pick<RouteDefinition, 'method' | 'path'>,
    metricName: string,
    options: { statistic?: string; period?: Duration; label?: string } = {},
  ): cloudwatch.Metric {
    this.routeFor(def);
    return new cloudwatch.Metric({
      namespace: 'AWS/ApiGateway',
      metricName,
      dimensionsMap: {
        ApiId: this.api.apiId,
        Stage: STAGE_NAME,
        Method: def.method,
        Resource: def.path,
      },
      statistic: options.statistic ?? cloudwatch.Stats.SUM,
      period: options.period ?? Duration.minutes(5),
      label: options.label,
    });
  }

  /** The route of a ROUTES entry (for metrics and tests). */
  routeFor(def: Pick<RouteDefinition, 'method' | 'path'>): apigw.HttpRoute {
    const found = this.routes.get(routeKey(def));
    if (!found) throw new Error(`No route ${routeKey(def)}`);
    return found;
  }
}
