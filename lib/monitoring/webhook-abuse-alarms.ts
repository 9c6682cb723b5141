import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { INGEST_METRICS, serviceMetric } from './metric-names';

export interface WebhookAbuseAlarmsProps {
  /** POWERTOOLS_SERVICE_NAME of webhook-ingest (its metrics' `service` dimension). */
  readonly ingestServiceName: string;
  /** 4xx answers of the webhook route (API Gateway, route level; stage throttling's 429 counts here). */
  readonly webhookRoute4xx: cloudwatch.IMetric;
  readonly topic: sns.ITopic;
}

/**
 * Rejections per 5 minutes that are not BigCommerce's own noise. BigCommerce sends a store's callbacks
 * with the right token and signature, so `unauthorized` stays near zero unless someone is guessing (or a
 * channel's secrets were rotated without its hook: hook-manager repairs that within one verify interval).
 */
export const UNAUTHORIZED_SURGE_THRESHOLD = 50;
/** Every 4xx of the route: unauthorized, unknown channel, invalid, too large and throttled (429). */
export const ROUTE_4XX_SURGE_THRESHOLD = 200;

/**
 * Alarms on abuse of the public webhook route (docs/security.md): an unauthenticated flood must not
 * starve BigCommerce's deliveries unnoticed. Both go to the support topic.
 */
export class WebhookAbuseAlarms extends Construct {
  readonly unauthorizedSurge: cloudwatch.Alarm;
  readonly route4xxSurge: cloudwatch.Alarm;

  constructor(scope: Construct, id: string, props: WebhookAbuseAlarmsProps) {
    super(scope, id);
    const period = Duration.minutes(5);
    const surge = {
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    };
    this.unauthorizedSurge = this.alarm('UnauthorizedSurge', props.topic, {
      ...surge,
      threshold: UNAUTHORIZED_SURGE_THRESHOLD,
      metric: serviceMetric(props.ingestServiceName, INGEST_METRICS.rejected, {
        dimensions: { reason: 'unauthorized' },
        period,
      }),
      alarmDescription:
        'Many webhook callbacks failed authentication: someone may be probing the public route. See docs/security.md "Abuse of the webhook route".',
    });
    this.route4xxSurge = this.alarm('WebhookRoute4xxSurge', props.topic, {
      ...surge,
      threshold: ROUTE_4XX_SURGE_THRESHOLD,
      metric: props.webhookRoute4xx,
      alarmDescription:
        'The webhook route answers many 4xx (including 429 throttling): genuine deliveries may be refused. See docs/security.md "Abuse of the webhook route".',
    });
  }

  get alarms(): cloudwatch.Alarm[] {
    return [this.unauthorizedSurge, this.route4xxSurge];
  }

  private alarm(id: string, topic: sns.ITopic, props: cloudwatch.AlarmProps): cloudwatch.Alarm {
    const alarm = new cloudwatch.Alarm(this, id, props);
    const action = new SnsAction(topic);
    alarm.addAlarmAction(action);
    alarm.addOkAction(action);
    return alarm;
  }
}
