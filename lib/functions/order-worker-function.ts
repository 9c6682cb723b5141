import { ORDER_WORKER_BATCH_SIZE, ORDER_WORKER_MAX_CONCURRENCY } from '../../functions/common/limits';
import { Duration } from 'aws-cdk-lib';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import type { Construct } from 'constructs';
import { HouseFunction, resourceEnvironment, type HouseResources } from '../house-function';
import { grantStoreAccess } from '../store-access';
import type { StoreAccess } from '../../functions/common/ports';
import { PORTS } from '../../functions/order-worker/ports';

export interface OrderWorkerFunctionProps extends Pick<
  HouseResources,
  'channelsTable' | 'ordersTable' | 'orderEventsQueue' | 'secrets' | 'bigCommerceApiUrl' | 'logRemovalPolicy'
> {
  readonly deferDelays: readonly Duration[];
  readonly deferMaxAge: Duration;
}

/**
 * order-worker: consumes order events, re-reads the order from BigCommerce and applies the decision
 * to the OM order; re-sends deferred events to the same queue with a delay.
 */
export class OrderWorkerFunction extends HouseFunction {
  /** The port methods its code calls (its deps are typed from the same const). */
  static readonly ACCESS: StoreAccess = PORTS;

  constructor(scope: Construct, id: string, props: OrderWorkerFunctionProps) {
    super(scope, id, {
      name: 'order-worker',
      description: 'Applies BigCommerce order changes to OM orders (status-gated cancel and fulfill)',
      logRemovalPolicy: props.logRemovalPolicy,
      environment: {
        ...resourceEnvironment(props),
        DEFER_DELAYS_SECONDS: props.deferDelays.map((d) => d.toSeconds()).join(','),
        DEFER_MAX_AGE_SECONDS: String(props.deferMaxAge.toSeconds()),
      },
    });
    this.function.addEventSource(
      new SqsEventSource(props.orderEventsQueue, {
        batchSize: ORDER_WORKER_BATCH_SIZE,
        maxConcurrency: ORDER_WORKER_MAX_CONCURRENCY,
        reportBatchItemFailures: true,
      }),
    );
    grantStoreAccess(this.function, OrderWorkerFunction.ACCESS, {
      channels: props.channelsTable,
      orders: props.ordersTable,
      secrets: props.secrets,
      orderEventQueue: props.orderEventsQueue,
    });
  }
}
