import type { Construct } from 'constructs';
import { HouseFunction, resourceEnvironment, type HouseResources } from '../house-function';
import { grantSupportReader } from '../store-access';

export type SupportWidgetFunctionProps = Pick<
  HouseResources,
  'channelsTable' | 'ordersTable' | 'logRemovalPolicy'
>;

/**
 * support-widget: the dashboard's custom widget (docs/contract.md section 14). CloudWatch invokes it with the
 * console user's own credentials (they need lambda:InvokeFunction on it), so it has no resource policy
 * and no route. Its role reads the two tables and nothing else: no writes, no queue, no secrets.
 */
export class SupportWidgetFunction extends HouseFunction {
  constructor(scope: Construct, id: string, props: SupportWidgetFunctionProps) {
    super(scope, id, {
      name: 'support-widget',
      description: 'Support console: renders an order timeline, channel settings and hook health as HTML',
      logRemovalPolicy: props.logRemovalPolicy,
      environment: resourceEnvironment(props),
    });
    grantSupportReader({ channels: props.channelsTable, orders: props.ordersTable }, this.function);
  }
}
