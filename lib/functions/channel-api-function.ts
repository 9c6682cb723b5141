import type { Construct } from 'constructs';
import { HouseFunction, resourceEnvironment, type HouseResources } from '../house-function';
import { grantStoreAccess } from '../store-access';
import type { StoreAccess } from '../../functions/common/ports';
import { PORTS } from '../../functions/channel-api/ports';

/**
 * ChannelSettingsChanged goes to `eventBus`; an OM import that takes an order out of `Unprocessed` sends
 * one re-check message to `orderEventsQueue`; new or changed credentials are tried against BigCommerce
 * (`bigCommerceApiUrl`) before they are saved.
 */
export type ChannelApiFunctionProps = Pick<
  HouseResources,
  | 'channelsTable'
  | 'ordersTable'
  | 'secrets'
  | 'eventBus'
  | 'orderEventsQueue'
  | 'bigCommerceApiUrl'
  | 'logRemovalPolicy'
>;

/** channel-api: the IAM-authorized admin routes (channel settings, OM orders, audit trail). */
export class ChannelApiFunction extends HouseFunction {
  /** The port methods its code calls (its deps are typed from the same const). */
  static readonly ACCESS: StoreAccess = PORTS;

  constructor(scope: Construct, id: string, props: ChannelApiFunctionProps) {
    super(scope, id, {
      name: 'channel-api',
      description: 'Admin API: channel settings, OM order import and the per-order audit trail',
      logRemovalPolicy: props.logRemovalPolicy,
      environment: resourceEnvironment(props),
    });
    grantStoreAccess(this.function, ChannelApiFunction.ACCESS, {
      channels: props.channelsTable,
      orders: props.ordersTable,
      secrets: props.secrets,
      orderEventQueue: props.orderEventsQueue,
    });
    props.eventBus.grantPutEventsTo(this.function);
  }
}
