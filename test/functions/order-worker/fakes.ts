import { importOrder } from '../../../functions/domain/om-import';
import { makeHandler, type OrderWorkerDeps } from '../../../functions/order-worker/handler';
import type { Context, SQSEvent, SQSRecord } from 'aws-lambda';
import type {
  BigCommerceApi,
  BigCommerceCredentials,
  BigCommerceOrder,
  CallOptions,
} from '../../../functions/adapters/bigcommerce-client';
import type { ChannelStore } from '../../../functions/adapters/channel-store';
import type { OrderEventQueue } from '../../../functions/adapters/order-event-queue';
import type { OrderStore } from '../../../functions/adapters/order-store';
import type { SecretStore } from '../../../functions/adapters/secret-store';
import type { Channel, ChannelSecrets } from '../../../functions/domain/channel';
import type { OmOrder } from '../../../functions/domain/order';
import type { Shipment } from '../../../functions/domain/shipment';
import type { OrderEvent } from '../../../functions/domain/order-event';
import type { OmStatus } from '../../../functions/domain/statuses';
import { DISJOINT_STATUSES, makeChannel } from '../../support/channels';

/** In-memory stand-ins for the worker's ports, recording every call in one shared log (for ordering). */
export class CallLog {
  readonly entries: string[] = [];
  add(entry: string) {
    this.entries.push(entry);
  }
  count(prefix: string) {
    return this.entries.filter((e) => e.startsWith(prefix)).length;
  }
}

export class FakeChannels implements Pick<ChannelStore, 'get'> {
  readonly items = new Map<string, Channel>();
  constructor(private readonly log: CallLog) {}
  async get(channelId: string) {
    this.log.add(`channels.get ${channelId}`);
    const c = this.items.get(channelId);
    return c && structuredClone(c);
  }
}

export class FakeSecrets implements Pick<SecretStore, 'get'> {
  readonly items = new Map<string, ChannelSecrets>();
  constructor(private readonly log: CallLog) {}
  async get(channelId: string) {
    this.log.add(`secrets.get ${channelId}`);
    return this.items.get(channelId);
  }
}

export class FakeOrders implements Pick<OrderStore, 'get' | 'write'> {
  readonly items = new Map<string, { order: OmOrder; expiresAt?: number }>();
  /** Runs before a write is checked: lets a test slip in a concurrent writer. */
  beforeWrite?: (order: OmOrder) => void;
  constructor(private readonly log: CallLog) {}
  private key = (channelId: string, orderId: number) => `${channelId}/${orderId}`;

  async get(channelId: string, orderId: number) {
    this.log.add(`orders.get ${orderId}`);
    const item = this.items.get(this.key(channelId, orderId));
    return item && structuredClone(item.order);
  }

  async write(order: OmOrder, expectedVersion: number, options: { expiresAt?: number } = {}) {
    this.log.add(`orders.write ${order.orderId}`);
    this.beforeWrite?.(order);
    const current = this.items.get(this.key(order.channelId, order.orderId));
    if ((current?.order.version ?? 0) !== expectedVersion) return false;
    this.items.set(this.key(order.channelId, order.orderId), {
      order: structuredClone(order),
      ...(options.expiresAt === undefined ? {} : { expiresAt: options.expiresAt }),
    });
    return true;
  }

  /** What OM's import does (the domain's importOrder, as the DynamoDB store runs it). */
  importStatus(channelId: string, orderId: number, status: OmStatus, now = new Date(0)) {
    const key = this.key(channelId, orderId);
    const order = importOrder({ channelId, orderId }, this.items.get(key)?.order, status, now);
    this.items.set(key, { order });
    return structuredClone(order);
  }

  stored(channelId: string, orderId: number) {
    return this.items.get(this.key(channelId, orderId));
  }
}

export class FakeQueue implements OrderEventQueue {
  readonly sent: { event: OrderEvent; delaySeconds?: number }[] = [];
  failures = 0;
  constructor(private readonly log: CallLog) {}
  async send(event: OrderEvent, delaySeconds?: number) {
    this.log.add(`queue.send ${event.orderId}`);
    if (this.failures > 0) {
      this.failures--;
      throw new Error('SQS unavailable');
    }
    this.sent.push({
      event: structuredClone(event),
      ...(delaySeconds === undefined ? {} : { delaySeconds }),
    });
  }
}

export class FakeBigCommerce implements Pick<BigCommerceApi, 'getOrder' | 'listShipments'> {
  /** storeHash/orderId → status id; absent → 404. */
  readonly statuses = new Map<string, number>();
  /** storeHash/orderId → archived in BigCommerce. */
  readonly deleted = new Set<string>();
  /** storeHash/orderId → shipments; absent → none (204). */
  readonly shipments = new Map<string, Shipment[]>();
  readonly shipmentCalls: number[] = [];
  readonly calls: { creds: BigCommerceCredentials; orderId: number; options?: CallOptions }[] = [];
  /** Errors to throw on the next calls, in order. */
  readonly errors: Error[] = [];
  /** orderId → error thrown for every call about that order. */
  readonly failing = new Map<number, Error>();
  /** Calls options.onThrottle this many times on the next call before answering. */
  throttles = 0;
  constructor(private readonly log: CallLog) {}

  /** storeHash/orderId → date_modified answered (default below); a list is answered in turn. */
  readonly dates = new Map<string, string[]>();

  setStatus(storeHash: string, orderId: number, statusId: number, ...dateModified: string[]) {
    this.statuses.set(`${storeHash}/${orderId}`, statusId);
    if (dateModified.length > 0) this.dates.set(`${storeHash}/${orderId}`, dateModified);
  }

  async getOrder(creds: BigCommerceCredentials, orderId: number, options?: CallOptions) {
    this.log.add(`bigcommerce.getOrder ${orderId}`);
    this.calls.push({ creds, orderId, ...(options ? { options } : {}) });
    const error = this.failing.get(orderId) ?? this.errors.shift();
    if (error) throw error;
    for (; this.throttles > 0; this.throttles--) options?.onThrottle?.(1000);
    const statusId = this.statuses.get(`${creds.storeHash}/${orderId}`);
    if (statusId === undefined) return undefined;
    const order: BigCommerceOrder = {
      id: orderId,
      statusId,
      status: `status ${statusId}`,
      dateModified: this.nextDate(`${creds.storeHash}/${orderId}`),
      ...(this.deleted.has(`${creds.storeHash}/${orderId}`) && { isDeleted: true }),
    };
    return order;
  }

  async listShipments(creds: BigCommerceCredentials, orderId: number) {
    this.log.add(`bigcommerce.listShipments ${orderId}`);
    this.shipmentCalls.push(orderId);
    return structuredClone(this.shipments.get(`${creds.storeHash}/${orderId}`) ?? []);
  }

  private nextDate(key: string) {
    const dates = this.dates.get(key);
    if (!dates) return '2026-05-01T00:00:00.000Z';
    return dates.length > 1 ? dates.shift()! : dates[0]!;
  }
}

export class FakeObservability {
  readonly metrics: string[] = [];
  readonly logs: { level: string; message: string; attributes: Record<string, unknown> }[] = [];
  private entry =
    (level: string) =>
    (message: unknown, ...rest: unknown[]) => {
      this.logs.push({
        level,
        message: String(message),
        attributes: Object.assign({}, ...rest.filter((r) => typeof r === 'object')),
      });
    };
  readonly logger = {
    debug: this.entry('debug'),
    info: this.entry('info'),
    warn: this.entry('warn'),
    error: this.entry('error'),
  };
  /** Metrics published on their own with dimensions, as `Name{dim=value}`. */
  readonly dimensioned: string[] = [];
  readonly metricsPort = {
    addMetric: (name: string) => {
      this.metrics.push(name);
    },
    singleMetric: () => {
      const dims: string[] = [];
      return {
        addDimension: (name: string, value: string) => void dims.push(`${name}=${value}`),
        addMetric: (name: string) => {
          this.metrics.push(name);
          this.dimensioned.push(`${name}{${dims.join(',')}}`);
        },
      };
    },
  };
  metricCount(name: string) {
    return this.metrics.filter((m) => m === name).length;
  }
}

let messageCounter = 0;
export function sqsRecord(body: unknown): SQSRecord {
  const messageId = `msg-${++messageCounter}`;
  return {
    messageId,
    receiptHandle: `rh-${messageId}`,
    body: typeof body === 'string' ? body : JSON.stringify(body),
    attributes: {
      ApproximateReceiveCount: '1',
      SentTimestamp: '0',
      SenderId: 'test',
      ApproximateFirstReceiveTimestamp: '0',
    },
    messageAttributes: {},
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:us-east-1:000000000000:order-events',
    awsRegion: 'us-east-1',
  };
}

export const sqsEvent = (...records: SQSRecord[]): SQSEvent => ({ Records: records });

export function lambdaContext(remainingMs: number): Context {
  const deadline = Date.now() + remainingMs;
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName: 'order-worker',
    functionVersion: '$LATEST',
    invokedFunctionArn: 'arn:aws:lambda:us-east-1:000000000000:function:order-worker',
    memoryLimitInMB: '1024',
    awsRequestId: 'req-1',
    logGroupName: '/aws/lambda/order-worker',
    logStreamName: 'local',
    getRemainingTimeInMillis: () => deadline - Date.now(),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

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
 * The worker's handler over one set of fakes: channel `ch1` (store1) with credentials, the default
 * retry policy and a clock the test moves. `overrides` replace any dependency.
 */
export function workerHarness(overrides: Partial<OrderWorkerDeps> = {}) {
  const log = new CallLog();
  const channels = new FakeChannels(log);
  const secrets = new FakeSecrets(log);
  const orders = new FakeOrders(log);
  const queue = new FakeQueue(log);
  const bigcommerce = new FakeBigCommerce(log);
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
    run: (...events: unknown[]) => handler(sqsEvent(...events.map(sqsRecord))),
  };
}
