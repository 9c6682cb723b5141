import type { Channel } from '../../../functions/domain/channel';
import type { OrderEvent } from '../../../functions/domain/order-event';
import type { OmStatus } from '../../../functions/domain/statuses';
import { makeHandler, type OrderWorkerDeps } from '../../../functions/order-worker/handler';
import { DISJOINT_STATUSES, makeChannel } from '../../support/channels';
import {
  CallLog,
  FakeBigCommerce,
  MemoryChannelStore,
  MemoryOrderStore,
  MemoryQueue,
  MemorySecretStore,
} from '../../support/fakes';
import { sqsEvent, sqsRecord } from '../../support/lambda';
import { FakeObservability } from '../../support/observability';

/** The worker's channel `ch1` on `store1`, with cancel and fulfil statuses apart. */
export const workerChannel = (over: Partial<Channel> = {}): Channel =>
  makeChannel({ channelId: 'ch1', storeHash: 'store1', ...DISJOINT_STATUSES, ...over });

export const makeEvent = (overrides: Partial<OrderEvent> = {}): OrderEvent => ({
  v: 1,
  channelId: 'ch1',
  orderId: 101,
  scope: 'store/order/statusUpdated',
  eventId: 'evt-1',
  receivedAt: '2026-05-01T11:59:00.000Z',
  attempt: 1,
  source: 'webhook',
  ...overrides,
});

export const WORKER_NOW = new Date('2026-05-01T12:00:00.000Z');

/**
 * The worker's handler over the shared fakes, the stores on one call log (for ordering): channel `ch1`
 * (store1) with credentials, the default retry policy and a clock the test moves. `overrides` replace
 * any dependency.
 */
export function workerHarness(overrides: Partial<OrderWorkerDeps> = {}) {
  const log = new CallLog();
  const channels = new MemoryChannelStore(log);
  const secrets = new MemorySecretStore(log);
  const orders = new MemoryOrderStore(log);
  const queue = new MemoryQueue(log);
  const bigcommerce = new FakeBigCommerce();
  const obs = new FakeObservability();
  channels.items.set('ch1', workerChannel());
  secrets.items.set('ch1', { accessToken: 'tok-secret-1', webhookToken: 'wh' });
  let now = WORKER_NOW;
  const handler = makeHandler({
    channels,
    secrets,
    orders,
    queue,
    bigcommerce,
    policy: { delaysSeconds: [60, 120, 240, 480, 900], maxAgeSeconds: 86_400 },
    logger: obs.logger,
    metrics: obs.metricsPort,
    now: () => now,
    ...overrides,
  });
  return {
    log,
    channels,
    secrets,
    orders,
    queue,
    bigcommerce,
    obs,
    handler,
    setNow: (d: Date) => {
      now = d;
    },
    now: () => now,
    /** Order `orderId` of `ch1` as OM imported it (`om`) and as BigCommerce has it now (`statusId`). */
    given: (om: OmStatus, statusId: number, orderId = 101) => {
      orders.importNow('ch1', orderId, om);
      bigcommerce.setStatus('store1', orderId, statusId);
    },
    run: (...events: unknown[]) => handler(sqsEvent(...events.map((e) => sqsRecord(e)))),
  };
}
