import { channelAt } from '../../support/channels';
import type { Context, SQSBatchResponse } from 'aws-lambda';
import { makeHandler, type HookManagerDeps } from '../../../functions/hook-manager/handler';
import type { PlanSummary } from '../../../functions/hook-manager/sweep';
import { sqsEvent, sqsRecord } from '../../support/lambda';
import type { Channel } from '../../../functions/domain/channel';
import {
  DELIVERY_EXCEPTION_SCOPE,
  HOOK_SCOPE,
  SHIPMENT_HOOK_SCOPES,
} from '../../../functions/domain/hook-plan';
import {
  FakeBigCommerce,
  MemoryChannelStore,
  MemoryHookWorkQueue,
  MemoryQueue,
  MemorySecretStore,
} from '../../support/fakes';
import { capturingObservability, metricTotals } from '../../support/observability';

const BASE = 'https://om.example.com';
const NOW = new Date('2026-05-02T12:00:00.000Z');
const hoursAgo = (h: number) => new Date(NOW.getTime() - h * 3_600_000).toISOString();
const tokenOf = (id: string) => `hook-token-SECRET-${id}`;
const accessOf = (id: string) => `access-SECRET-${id}`;
const dest = (id: string) => `${BASE}/webhooks/bigcommerce/${id}`;
/** Every scope a channel with a Valid Fulfillment Status wants, in the order they are created. */
const ALL_SCOPES = [HOOK_SCOPE, ...SHIPMENT_HOOK_SCOPES, DELIVERY_EXCEPTION_SCOPE];
/** The delivery-exception hook has its own route; every other scope delivers to the channel's. */
const destOf = (id: string, scope: string) =>
  scope === DELIVERY_EXCEPTION_SCOPE ? `${dest(id)}/delivery-exceptions` : dest(id);

function setup(over: Partial<HookManagerDeps> = {}) {
  const channels = new MemoryChannelStore();
  const secrets = new MemorySecretStore();
  const bigcommerce = new FakeBigCommerce();
  const queue = new MemoryQueue();
  const hookWork = new MemoryHookWorkQueue();
  const captured = capturingObservability('hook-manager');
  const deps: HookManagerDeps = {
    channels,
    secrets,
    bigcommerce,
    queue,
    hookWork,
    webhookBaseUrl: BASE,
    verifyIntervalSeconds: 900,
    catchUpDelaySeconds: 120,
    ...captured.obs,
    now: () => NOW,
    ...over,
  };
  const handler = makeHandler(deps);

  const addChannel = (id: string, over: Partial<Channel> = {}, store = `s${id}`) => {
    // Reconciled recently: only hook problems trigger a reconcile in these tests.
    const channel = channelAt(NOW, { channelId: id, storeHash: store, ...over });
    channels.items.set(id, channel);
    secrets.items.set(id, { accessToken: accessOf(id), webhookToken: tokenOf(id) });
    bigcommerce.tokens.set(store, accessOf(id));
    return channel;
  };
  /** Every hook the channel wants, healthy; returns the status hook. */
  const healthyHook = (id: string, store = `s${id}`) => {
    const [status] = ALL_SCOPES.map((scope) =>
      bigcommerce.addHook(store, {
        scope,
        destination: destOf(id, scope),
        isActive: true,
        headers: { 'X-Webhook-Token': tokenOf(id) },
      }),
    );
    return status!;
  };
  const statusHooks = (store: string) => bigcommerce.hooks.get(store)?.filter((h) => h.scope === HOOK_SCOPE);
  const changed = (channelId: string, change: 'saved' | 'deleted' = 'saved') =>
    handler({
      version: '0',
      id: 'e1',
      source: 'om.bigcommerce.channels',
      'detail-type': 'ChannelSettingsChanged',
      detail: { channelId, change, at: NOW.toISOString() },
    });
  const scheduled = (context?: Partial<Context>) =>
    handler(
      { version: '0', id: 's1', source: 'aws.events', 'detail-type': 'Scheduled Event', detail: {} },
      context as Context,
    ) as Promise<PlanSummary>;
  /** Runs every pending message `which` selects as its own invocation, until none is left. */
  const drain = async (
    which: (kind: string) => boolean = (kind) => kind !== 'catch_up',
    context?: Partial<Context>,
  ) => {
    const failed: string[] = [];
    for (
      let events = hookWork.take((w) => which(w.kind));
      events.length > 0;
      events = hookWork.take((w) => which(w.kind))
    )
      for (const event of events) {
        const res = (await handler(event, context as Context)) as SQSBatchResponse;
        failed.push(...res.batchItemFailures.map((f) => f.itemIdentifier));
      }
    return failed;
  };
  /** The schedule, then its shards: a whole sweep. */
  const sweep = async (context?: Partial<Context>) => {
    const plan = await scheduled(context);
    return { plan, failed: await drain(undefined, context) };
  };
  return {
    channels,
    secrets,
    bigcommerce,
    queue,
    hookWork,
    captured,
    handler,
    drain,
    sweep,
    addChannel,
    healthyHook,
    statusHooks,
    changed,
    scheduled,
  };
}

let t: ReturnType<typeof setup>;
afterEach(() => {
  const logs = t.captured.lines.join('\n');
  for (const id of t.channels.items.keys()) {
    expect(logs).not.toContain(tokenOf(id));
    expect(logs).not.toContain(accessOf(id));
  }
  expect(logs).not.toContain('SECRET');
  t.captured.restore();
  jest.restoreAllMocks();
});

describe('ChannelSettingsChanged → converge that channel', () => {
  test('a new channel gets its order hook and its delivery-exception hook, with the token header', async () => {
    t = setup();
    t.addChannel('c1');
    const res = await t.changed('c1');
    expect(res).toMatchObject({ trigger: 'channel', result: { outcome: 'verified', finding: 'missing' } });
    // The status hook, the shipment hooks a Valid Fulfillment Status asks for, the delivery exceptions.
    const hooks = t.bigcommerce.hooks.get('sc1')!;
    expect(hooks).toEqual(
      ALL_SCOPES.map((scope) => ({
        id: expect.any(Number),
        scope,
        destination: destOf('c1', scope),
        isActive: true,
        headers: { 'X-Webhook-Token': tokenOf('c1') },
      })),
    );
    expect(t.channels.items.get('c1')!.hook).toEqual({
      hookId: t.statusHooks('sc1')![0]!.id,
      isActive: true,
      lastVerifiedAt: NOW.toISOString(),
      // BigCommerce may take a minute to fire a new hook: reconcile again two minutes later.
      catchUpAfter: new Date(NOW.getTime() + 120_000).toISOString(),
    });
    expect(t.hookWork.sent).toEqual([
      { work: { kind: 'catch_up', channelId: 'c1', activatedAt: NOW.toISOString() }, delaySeconds: 120 },
    ]);
    expect(metricTotals(t.captured.metrics)).toMatchObject({
      HookCreated: ALL_SCOPES.length,
      ChannelsVerified: 1,
      HookVerifyFailed: 0,
    });
  });

  test('a healthy channel costs exactly one BigCommerce request and changes nothing', async () => {
    t = setup();
    t.addChannel('c1');
    t.healthyHook('c1');
    const before = JSON.stringify(t.bigcommerce.hooks.get('sc1'));
    await t.changed('c1');
    expect(t.bigcommerce.calls).toEqual(['sc1 GET /v3/hooks']);
    expect(JSON.stringify(t.bigcommerce.hooks.get('sc1'))).toBe(before);
    expect(t.queue.sent).toEqual([]);
    expect(metricTotals(t.captured.metrics)).toMatchObject({
      HookCreated: 0,
      HookReactivated: 0,
      HookRepaired: 0,
      HookDeleted: 0,
      ChannelsVerified: 1,
    });
  });

  test('an inactive hook is re-activated and the gap is reconciled', async () => {
    t = setup();
    t.addChannel('c1');
    const hook = t.healthyHook('c1');
    hook.isActive = false;
    t.bigcommerce.orders.set('sc1', [
      { id: 7, statusId: 5, status: 'Cancelled', dateModified: hoursAgo(1) },
      { id: 8, statusId: 2, status: 'Shipped', dateModified: hoursAgo(1.5) },
      { id: 9, statusId: 5, status: 'Cancelled', dateModified: hoursAgo(3) }, // before the watermark
      { id: 10, statusId: 11, status: 'Awaiting Fulfillment', dateModified: hoursAgo(1) }, // not a cancel/fulfill id
    ]);
    const res = await t.changed('c1');
    expect(res).toMatchObject({
      result: { finding: 'inactive', reconcile: { ok: true, reason: 'hook_lost', enqueued: 2 } },
    });
    expect(t.bigcommerce.hooks.get('sc1')!.every((h) => h.isActive)).toBe(true);
    expect(t.queue.sent.map((e) => [e.orderId, e.eventId, e.source, e.attempt])).toEqual([
      [7, `r:7:5:${hoursAgo(1)}`, 'reconcile', 1],
      [8, `r:8:2:${hoursAgo(1.5)}`, 'reconcile', 1],
    ]);
    expect(t.channels.items.get('c1')!.reconcile).toEqual({
      watermark: new Date(NOW.getTime() - 60_000).toISOString(),
      lastRunAt: NOW.toISOString(),
    });
    expect(metricTotals(t.captured.metrics)).toMatchObject({
      HookReactivated: 1,
      ReconcileEventsEnqueued: 2,
    });
  });

  test('shipment hooks follow the Valid Fulfillment Statuses and are healed like the status hook', async () => {
    t = setup();
    t.addChannel('c1', { validFulfillmentStatuses: [] });
    await t.changed('c1');
    const scopes = () => t.bigcommerce.hooks.get('sc1')!.map((h) => h.scope);
    expect(scopes()).toEqual([HOOK_SCOPE, DELIVERY_EXCEPTION_SCOPE]);

    t.channels.items.set('c1', { ...t.channels.items.get('c1')!, validFulfillmentStatuses: ['On Hold'] });
    await t.changed('c1');
    expect(scopes()).toEqual([HOOK_SCOPE, DELIVERY_EXCEPTION_SCOPE, ...SHIPMENT_HOOK_SCOPES]);

    const shipmentHook = t.bigcommerce.hooks.get('sc1')!.find((h) => h.scope === SHIPMENT_HOOK_SCOPES[0])!;
    shipmentHook.isActive = false;
    const res = await t.changed('c1');
    expect(res).toMatchObject({ result: { finding: 'inactive' } });
    expect(shipmentHook.isActive).toBe(true);

    t.channels.items.set('c1', { ...t.channels.items.get('c1')!, validFulfillmentStatuses: [] });
    await t.changed('c1');
    expect(scopes()).toEqual([HOOK_SCOPE, DELIVERY_EXCEPTION_SCOPE]);
    expect(metricTotals(t.captured.metrics)).toMatchObject({ HookCreated: 4, HookDeleted: 2 });
  });

  test('a wrong token header is repaired', async () => {
    t = setup();
    t.addChannel('c1');
    t.healthyHook('c1').headers = { 'X-Webhook-Token': 'stale' };
    await t.changed('c1');
    expect(t.statusHooks('sc1')![0]!.headers).toEqual({ 'X-Webhook-Token': tokenOf('c1') });
    expect(metricTotals(t.captured.metrics).HookRepaired).toBe(1);
  });

  test('both sets cleared → our hooks removed (others untouched), no reconcile', async () => {
    t = setup();
    t.addChannel('c1', { validCancellationStatuses: [], validFulfillmentStatuses: [], reconcile: undefined });
    t.healthyHook('c1');
    const foreign = t.bigcommerce.addHook('sc1', {
      scope: HOOK_SCOPE,
      destination: 'https://x.example/h',
      isActive: true,
      headers: null,
    });
    const res = await t.changed('c1');
    expect(res).toMatchObject({ result: { finding: 'not_wanted' } });
    expect(t.bigcommerce.hooks.get('sc1')).toEqual([foreign]);
    expect(t.channels.items.get('c1')!.hook).toEqual({ isActive: false, lastVerifiedAt: NOW.toISOString() });
    expect(t.queue.sent).toEqual([]);
    expect(metricTotals(t.captured.metrics).HookDeleted).toBe(ALL_SCOPES.length);
  });

  test('a tombstoned channel loses its hooks (former base URL too) and is purged with its secret', async () => {
    t = setup({ formerWebhookBaseUrls: ['https://old.example'] });
    t.addChannel('c1', {
      deletedAt: hoursAgo(0),
      validCancellationStatuses: [],
      validFulfillmentStatuses: [],
    });
    t.healthyHook('c1');
    t.bigcommerce.addHook('sc1', {
      scope: HOOK_SCOPE,
      destination: `https://old.example/webhooks/bigcommerce/c1`,
      isActive: false,
      headers: null,
    });
    const res = await t.changed('c1', 'deleted');
    // Its four hooks and its status hook under the former base URL.
    expect(res).toMatchObject({ result: { outcome: 'purged', counts: { deleted: 5 } } });
    expect(t.bigcommerce.hooks.get('sc1')).toEqual([]);
    expect(t.channels.items.get('c1')?.purgedAt).toBe(NOW.toISOString());
    expect(t.secrets.items.has('c1')).toBe(false);
  });

  test('the event is only a trigger: a channel re-saved after its delete event is converged as live', async () => {
    t = setup();
    t.addChannel('c1');
    const res = await t.changed('c1', 'deleted');
    expect(res).toMatchObject({ result: { outcome: 'verified' } });
    expect(t.channels.items.has('c1')).toBe(true);
  });

  test('a tombstone whose credentials BigCommerce rejects is purged anyway', async () => {
    t = setup();
    t.addChannel('c1', { deletedAt: hoursAgo(0) });
    t.bigcommerce.failing.set('sc1', 401);
    expect(await t.changed('c1', 'deleted')).toMatchObject({
      result: { outcome: 'purged', hooksLeft: true },
    });
    expect(t.channels.items.get('c1')?.purgedAt).toBe(NOW.toISOString());
    expect(t.secrets.items.has('c1')).toBe(false);
  });

  test('a tombstone without credentials is purged', async () => {
    t = setup();
    t.addChannel('c1', { deletedAt: hoursAgo(0) });
    t.secrets.items.delete('c1');
    expect(await t.changed('c1', 'deleted')).toMatchObject({
      result: { outcome: 'purged', hooksLeft: true },
    });
    expect(t.channels.items.get('c1')?.purgedAt).toBe(NOW.toISOString());
  });

  test('a tombstone with a BigCommerce outage is kept for the next run', async () => {
    t = setup();
    t.addChannel('c1', { deletedAt: hoursAgo(0) });
    t.bigcommerce.failing.set('sc1', 503);
    expect(await t.changed('c1', 'deleted')).toMatchObject({ result: { outcome: 'failed' } });
    expect(t.channels.items.has('c1')).toBe(true);
    expect(t.secrets.items.has('c1')).toBe(true);
  });

  test('a BigCommerce failure is recorded as lastError (never with a secret) and counted', async () => {
    t = setup();
    t.addChannel('c1', { hook: { hookId: 4, isActive: true, lastVerifiedAt: hoursAgo(1) } });
    t.bigcommerce.failing.set('sc1', 500);
    // A client that quoted the token in its error would still not leak it.
    jest.spyOn(t.bigcommerce, 'listHooks').mockRejectedValueOnce(new Error(`boom ${accessOf('c1')}`));
    const res = await t.changed('c1');
    expect(res).toMatchObject({ result: { outcome: 'failed', error: 'Error: boom [redacted]' } });
    expect(t.channels.items.get('c1')!.hook).toEqual({
      hookId: 4,
      isActive: true,
      lastVerifiedAt: hoursAgo(1),
      lastError: 'Error: boom [redacted]',
    });
    expect(metricTotals(t.captured.metrics)).toMatchObject({ HookVerifyFailed: 1, ChannelsVerified: 0 });
    expect(t.captured.lines.join('\n')).toContain('[redacted]');
  });

  test('missing credentials are recorded as an error', async () => {
    t = setup();
    t.addChannel('c1');
    t.secrets.items.delete('c1');
    expect(await t.changed('c1')).toMatchObject({ result: { outcome: 'failed' } });
    expect(t.channels.items.get('c1')!.hook!.lastError).toMatch(/no credentials/);
    expect(t.bigcommerce.calls).toEqual([]);
  });

  test('an unknown (already purged) channel is nothing to do', async () => {
    t = setup();
    expect(await t.changed('gone')).toEqual({
      trigger: 'channel',
      result: { channelId: 'gone', outcome: 'gone' },
    });
  });

  test('an event of another kind is ignored', async () => {
    t = setup();
    t.addChannel('c1');
    expect(await t.handler({ source: 'elsewhere', 'detail-type': 'X', detail: {} })).toEqual({
      trigger: 'ignored',
    });
    expect(
      await t.handler({
        source: 'om.bigcommerce.channels',
        'detail-type': 'ChannelSettingsChanged',
        detail: {},
      }),
    ).toEqual({
      trigger: 'ignored',
    });
    expect(t.bigcommerce.calls).toEqual([]);
  });
});

describe('reconcile', () => {
  test('runs daily on a healthy channel, from the watermark', async () => {
    t = setup();
    t.addChannel('c1', { reconcile: { watermark: hoursAgo(30), lastRunAt: hoursAgo(25) } });
    t.healthyHook('c1');
    t.bigcommerce.orders.set('sc1', [
      { id: 1, statusId: 10, status: 'Completed', dateModified: hoursAgo(29) },
    ]);
    const res = await t.changed('c1');
    expect(res).toMatchObject({
      result: {
        finding: 'healthy',
        reconcile: { ok: true, reason: 'daily', enqueued: 1, from: hoursAgo(30) },
      },
    });
    expect(t.bigcommerce.callsFor('sc1')).toEqual([
      'sc1 GET /v3/hooks',
      'sc1 GET /v2/orders status_id=5 page=1',
      'sc1 GET /v2/orders status_id=2 page=1',
      'sc1 GET /v2/orders status_id=10 page=1',
    ]);
  });

  test('lists only the ids of the configured actions', async () => {
    t = setup();
    t.addChannel('c1', { validFulfillmentStatuses: [] });
    await t.changed('c1'); // missing hook → reconcile
    expect(t.bigcommerce.callsFor('sc1').filter((c) => c.includes('/v2/orders'))).toEqual([
      'sc1 GET /v2/orders status_id=5 page=1',
    ]);
  });

  test('pages through long listings', async () => {
    t = setup();
    t.addChannel('c1', { validFulfillmentStatuses: [] });
    t.bigcommerce.orders.set(
      'sc1',
      Array.from({ length: 260 }, (_, i) => ({
        id: i + 1,
        statusId: 5,
        status: 'Cancelled',
        dateModified: hoursAgo(1),
      })),
    );
    await t.changed('c1');
    expect(t.queue.sent).toHaveLength(260);
    expect(new Set(t.queue.sent.map((e) => e.eventId)).size).toBe(260);
    expect(t.bigcommerce.callsFor('sc1').filter((c) => c.includes('/v2/orders'))).toEqual([
      // From the watermark; then from the last order's date_modified; the whole page shares it: page 2.
      'sc1 GET /v2/orders status_id=5 page=1',
      'sc1 GET /v2/orders status_id=5 page=1',
      'sc1 GET /v2/orders status_id=5 page=2',
    ]);
  });

  test('the first run looks back one day', async () => {
    t = setup();
    t.addChannel('c1', { reconcile: undefined });
    t.healthyHook('c1');
    t.bigcommerce.orders.set('sc1', [
      { id: 1, statusId: 5, status: 'Cancelled', dateModified: hoursAgo(23) },
      { id: 2, statusId: 5, status: 'Cancelled', dateModified: hoursAgo(25) },
    ]);
    expect(await t.changed('c1')).toMatchObject({
      result: { reconcile: { reason: 'first_run', enqueued: 1 } },
    });
    expect(t.queue.sent.map((e) => e.orderId)).toEqual([1]);
  });

  test('a failed enqueue leaves the watermark, records the error, and the next run tries again', async () => {
    t = setup();
    const before = { watermark: hoursAgo(30), lastRunAt: hoursAgo(25) };
    t.addChannel('c1', { reconcile: before });
    t.healthyHook('c1');
    t.bigcommerce.orders.set('sc1', [
      { id: 1, statusId: 5, status: 'Cancelled', dateModified: hoursAgo(29) },
      { id: 2, statusId: 5, status: 'Cancelled', dateModified: hoursAgo(28) },
    ]);
    t.queue.failAfter = 1;
    const res = await t.changed('c1');
    expect(res).toMatchObject({
      result: { outcome: 'verified', reconcile: { ok: false, error: 'Error: SQS unavailable' } },
    });
    expect(t.channels.items.get('c1')!.reconcile).toEqual(before);
    expect(t.channels.items.get('c1')!.hook!.lastError).toBe('reconcile: Error: SQS unavailable');
    expect(metricTotals(t.captured.metrics).ReconcileFailed).toBe(1);

    t.queue.failAfter = Infinity;
    const again = await t.changed('c1');
    expect(again).toMatchObject({
      result: { reconcile: { ok: true, reason: 'previous_error', enqueued: 2 } },
    });
    expect(t.channels.items.get('c1')!.hook!.lastError).toBeUndefined();
    expect(t.channels.items.get('c1')!.reconcile!.lastRunAt).toBe(NOW.toISOString());
  });
});

describe('races', () => {
  test('two overlapping runs on a new channel: one hook per scope, no failure, no alarm metric', async () => {
    t = setup();
    t.addChannel('c1');
    // Both runs list before either creates: the second create is refused (422) and re-planned.
    let listed = 0;
    let release!: () => void;
    const bothListed = new Promise<void>((r) => (release = r));
    t.bigcommerce.onCall = async () => {
      const last = t.bigcommerce.calls[t.bigcommerce.calls.length - 1]!;
      if (last.endsWith('GET /v3/hooks') && ++listed <= 2) {
        if (listed === 2) release();
        await bothListed;
      }
    };
    const [a, b] = await Promise.all([t.changed('c1'), t.changed('c1')]);
    for (const res of [a, b]) expect(res).toMatchObject({ result: { outcome: 'verified' } });
    const hooks = t.bigcommerce.hooks.get('sc1')!;
    expect(hooks.map((h) => h.scope).sort()).toEqual([...ALL_SCOPES].sort());
    expect(metricTotals(t.captured.metrics).HookVerifyFailed).toBe(0);
    expect(t.channels.items.get('c1')!.hook!.lastError).toBeUndefined();
  });

  test('a channel deleted while its hooks are being created: the run removes them again and purges it', async () => {
    t = setup();
    t.addChannel('c1');
    t.bigcommerce.onCall = () => {
      const last = t.bigcommerce.calls[t.bigcommerce.calls.length - 1]!;
      const c = t.channels.items.get('c1')!;
      if (last.endsWith('POST /v3/hooks') && c.deletedAt === undefined)
        t.channels.items.set('c1', {
          ...c,
          validCancellationStatuses: [],
          validFulfillmentStatuses: [],
          deletedAt: NOW.toISOString(),
          updatedAt: NOW.toISOString(),
        });
    };
    const res = await t.changed('c1');
    expect(res).toMatchObject({ result: { outcome: 'purged' } });
    expect(t.bigcommerce.hooks.get('sc1')).toEqual([]);
  });

  test('a channel saved again while a run removes its hooks: the run puts them back', async () => {
    t = setup();
    t.addChannel('c1', { validCancellationStatuses: [], validFulfillmentStatuses: [] });
    t.healthyHook('c1');
    t.bigcommerce.onCall = () => {
      const last = t.bigcommerce.calls[t.bigcommerce.calls.length - 1]!;
      const c = t.channels.items.get('c1')!;
      if (last.includes('DELETE /v3/hooks') && c.validCancellationStatuses.length === 0)
        t.channels.items.set('c1', {
          ...c,
          validCancellationStatuses: ['On Hold'],
          updatedAt: new Date(NOW.getTime() + 1).toISOString(),
        });
    };
    const res = await t.changed('c1');
    expect(res).toMatchObject({ result: { outcome: 'verified' } });
    expect(
      t.bigcommerce.hooks
        .get('sc1')!
        .map((h) => h.scope)
        .sort(),
    ).toEqual([DELIVERY_EXCEPTION_SCOPE, HOOK_SCOPE].sort());
    expect(t.channels.items.get('c1')!.hook).toMatchObject({ isActive: true });
  });
});

describe('Scheduled Event → sweep every channel, fanned out in shards', () => {
  test('heals every broken case, skips fresh ones, purges tombstones', async () => {
    t = setup();
    t.addChannel('healthy');
    t.healthyHook('healthy');
    t.addChannel('missing');
    t.addChannel('inactive');
    t.healthyHook('inactive').isActive = false;
    t.addChannel('fresh', { hook: { hookId: 1, isActive: true, lastVerifiedAt: hoursAgo(0.1) } });
    t.addChannel('cleared', { validCancellationStatuses: [], validFulfillmentStatuses: [] });
    t.healthyHook('cleared');
    t.addChannel('deleted', {
      deletedAt: hoursAgo(0.01),
      validCancellationStatuses: [],
      validFulfillmentStatuses: [],
      hook: { isActive: true, lastVerifiedAt: hoursAgo(0.01) },
    });
    t.healthyHook('deleted');

    const plan = await t.scheduled();
    // The scheduled run only lists and queues: it calls BigCommerce for no channel.
    expect(plan).toEqual({
      trigger: 'schedule',
      plannedAt: NOW.toISOString(),
      seen: 6,
      skipped: 1,
      queued: 5,
      shards: 1,
      continued: false,
    });
    expect(t.bigcommerce.calls).toEqual([]);
    expect(t.hookWork.pending.map((p) => p.work)).toEqual([
      {
        kind: 'sweep_shard',
        plannedAt: NOW.toISOString(),
        // In the store's listing order.
        channels: ['cleared', 'deleted', 'healthy', 'inactive', 'missing'].map((id) => ({
          channelId: id,
          storeHash: `s${id}`,
        })),
      },
    ]);

    expect(await t.drain()).toEqual([]);
    expect(t.bigcommerce.callsFor('sfresh')).toEqual([]);
    for (const id of ['healthy', 'missing', 'inactive'])
      expect(t.statusHooks(`s${id}`)).toEqual([
        expect.objectContaining({
          destination: dest(id),
          isActive: true,
          headers: { 'X-Webhook-Token': tokenOf(id) },
        }),
      ]);
    expect(t.bigcommerce.hooks.get('scleared')).toEqual([]);
    expect(t.channels.items.get('deleted')?.purgedAt).toBe(NOW.toISOString());
    expect(metricTotals(t.captured.metrics)).toMatchObject({
      HookCreated: 4,
      HookReactivated: 1,
      HookDeleted: 8,
      ChannelsVerified: 5,
      HookVerifyFailed: 0,
      SweepChannelsQueued: 5,
      // 'missing' got its hooks and 'inactive' its hook back: each is caught up two minutes later.
      CatchUpsQueued: 2,
    });

    // A second run right after changes nothing and costs nothing: everything is fresh now.
    t.bigcommerce.calls.length = 0;
    const again = await t.sweep();
    // The purged tombstone stays listed (30 days) but is skipped too.
    expect(again.plan).toMatchObject({ seen: 6, skipped: 6, queued: 0, shards: 0 });
    expect(t.bigcommerce.calls).toEqual([]);
  });

  test('a run with nothing due still reports itself (the sweep heartbeat counts it)', async () => {
    t = setup();
    expect(await t.scheduled()).toMatchObject({ seen: 0, queued: 0 });
    expect(t.captured.metrics).toContainEqual({ name: 'ChannelsVerified', value: 0 });
  });

  test('one failing store does not stop the others', async () => {
    t = setup();
    t.addChannel('a');
    t.addChannel('b');
    t.bigcommerce.failing.set('sa', 500);
    expect((await t.sweep()).failed).toEqual([]);
    expect(t.statusHooks('sb')).toHaveLength(1);
    expect(metricTotals(t.captured.metrics)).toMatchObject({ HookVerifyFailed: 1, ChannelsVerified: 1 });
  });

  test('shards of bounded size; each converges a few channels at a time, one store at a time', async () => {
    const shardConcurrency = 4;
    t = setup({ shardConcurrency, shardSize: 12, listPageSize: 7 });
    for (let i = 0; i < 30; i++)
      t.addChannel(`c${String(i).padStart(2, '0')}`, {}, i < 6 ? 'shared' : `s${i}`);
    // The six channels on the shared store have one token between them.
    t.bigcommerce.tokens.set('shared', 'shared-token');
    for (let i = 0; i < 6; i++) t.secrets.items.get(`c0${i}`)!.accessToken = 'shared-token';

    let inFlight = 0;
    let peak = 0;
    const perStore = new Map<string, number>();
    let peakPerStore = 0;
    t.bigcommerce.onCall = async (store) => {
      inFlight++;
      perStore.set(store, (perStore.get(store) ?? 0) + 1);
      peak = Math.max(peak, inFlight);
      peakPerStore = Math.max(peakPerStore, perStore.get(store)!);
      await new Promise((r) => setTimeout(r, 2));
      inFlight--;
      perStore.set(store, perStore.get(store)! - 1);
    };
    const { plan, failed } = await t.sweep();
    expect(plan).toMatchObject({ seen: 30, queued: 30, shards: 3 });
    const shardSizes = t.hookWork.sent
      .map((m) => m.work)
      .flatMap((w) => (w.kind === 'sweep_shard' ? [w.channels.length] : []));
    expect(shardSizes).toEqual([12, 12, 6]);
    expect(failed).toEqual([]);
    expect(metricTotals(t.captured.metrics).ChannelsVerified).toBe(30);
    expect(peak).toBeLessThanOrEqual(shardConcurrency);
    expect(peak).toBeGreaterThan(1);
    expect(peakPerStore).toBe(1);
    expect(t.statusHooks('shared')).toHaveLength(6);
  });

  test('the scheduled run hands the rest of a long listing on when time runs low', async () => {
    t = setup({ listPageSize: 2, reserveMs: 1_000 });
    for (let i = 0; i < 7; i++) t.addChannel(`c${i}`);
    let elapsed = 0;
    const list = t.channels.list.bind(t.channels);
    // Each page "takes" 3 s of a 10 s invocation.
    jest.spyOn(t.channels, 'list').mockImplementation(async (o) => {
      elapsed += 3_000;
      return list(o);
    });
    const clock = jest.spyOn(Date, 'now').mockImplementation(() => NOW.getTime() + elapsed);
    const plan = await t.scheduled({ getRemainingTimeInMillis: () => 10_000 });
    clock.mockRestore();
    expect(plan).toMatchObject({ seen: 6, queued: 6, continued: true });
    // What was listed so far goes first (one shard), then the rest of the listing.
    expect(t.hookWork.pending.map((p) => p.work.kind)).toEqual(['sweep_shard', 'sweep_listing']);
    // The continuation lists the seventh channel and queues it with the sweep's own plannedAt.
    expect(await t.drain()).toEqual([]);
    const planned = t.hookWork.sent.flatMap(({ work: w }) =>
      w.kind === 'sweep_shard' ? w.channels.map((c) => [c.channelId, w.plannedAt]) : [],
    );
    expect(planned).toHaveLength(7);
    expect(new Set(planned.map(([, at]) => at))).toEqual(new Set([NOW.toISOString()]));
    for (let i = 0; i < 7; i++) expect(t.statusHooks(`sc${i}`)).toHaveLength(1);
  });

  test('a shard that runs low on time queues its unstarted channels as a new shard', async () => {
    t = setup({ shardConcurrency: 1, reserveMs: 1_000 });
    for (let i = 0; i < 5; i++) {
      t.addChannel(`c${i}`);
      t.healthyHook(`c${i}`); // one BigCommerce call each
    }
    await t.scheduled();
    let remaining = 10_000;
    // Each channel "takes" 3 s of the invocation's time.
    t.bigcommerce.onCall = () => {
      remaining -= 3_000;
    };
    const clock = jest.spyOn(Date, 'now').mockImplementation(() => NOW.getTime() + (10_000 - remaining));
    const [first] = t.hookWork.take();
    expect(await t.handler(first!, { getRemainingTimeInMillis: () => 10_000 } as Context)).toEqual({
      batchItemFailures: [],
    });
    clock.mockRestore();
    expect(t.hookWork.pending.map((p) => p.work)).toEqual([
      {
        kind: 'sweep_shard',
        plannedAt: NOW.toISOString(),
        channels: ['c3', 'c4'].map((id) => ({ channelId: id, storeHash: `s${id}` })),
      },
    ]);
    t.bigcommerce.onCall = undefined;
    expect(await t.drain()).toEqual([]);
    expect(metricTotals(t.captured.metrics).ChannelsVerified).toBe(5);
  });

  test('overlapping sweeps converge each channel once: a shard skips channels verified since it was planned', async () => {
    let clock = NOW.getTime();
    t = setup({ now: () => new Date((clock += 1_000)) });
    for (let i = 0; i < 3; i++)
      t.addChannel(`c${i}`, { hook: { isActive: true, lastVerifiedAt: hoursAgo(1) } });
    await t.scheduled();
    await t.scheduled(); // the next run, while the first one's shards still wait
    expect(t.hookWork.pending).toHaveLength(2);
    expect(await t.drain()).toEqual([]);
    for (let i = 0; i < 3; i++) {
      expect(t.bigcommerce.callsFor(`sc${i}`).filter((c) => c.endsWith('GET /v3/hooks'))).toHaveLength(1);
      expect(t.statusHooks(`sc${i}`)).toHaveLength(1);
    }
    expect(metricTotals(t.captured.metrics)).toMatchObject({ ChannelsVerified: 3, HookVerifyFailed: 0 });
  });

  test('a channel store failure fails the scheduled run (the next scheduled run starts over)', async () => {
    t = setup();
    t.addChannel('a');
    t.channels.failList = true;
    await expect(t.scheduled()).rejects.toThrow('list failed');
  });

  test('a store failure in a shard fails that message; delivered again, it finishes what is left', async () => {
    let clock = NOW.getTime();
    t = setup({ now: () => new Date((clock += 1_000)) });
    for (const id of ['a', 'b', 'c'])
      t.addChannel(id, { hook: { isActive: true, lastVerifiedAt: hoursAgo(1) } });
    await t.scheduled();
    const [event] = t.hookWork.take();
    const record = jest.spyOn(t.channels, 'recordHookState');
    record.mockImplementation(async (id, hook) => {
      if (id === 'b') throw new Error('DynamoDB unavailable');
      t.channels.items.set(id, { ...t.channels.items.get(id)!, hook });
    });
    expect(await t.handler(event!)).toEqual({
      batchItemFailures: [{ itemIdentifier: event!.Records[0]!.messageId }],
    });
    record.mockRestore();
    t.bigcommerce.calls.length = 0;
    // SQS delivers the same message again: a and c were verified since it was planned, b was not.
    expect(await t.handler(event!)).toEqual({ batchItemFailures: [] });
    expect(t.bigcommerce.calls.filter((c) => c.endsWith('GET /v3/hooks'))).toEqual(['sb GET /v3/hooks']);
  });

  test('a message it cannot read fails (the failure queue keeps it) and names the field', async () => {
    t = setup();
    const bad = sqsEvent(sqsRecord(JSON.stringify({ kind: 'sweep_shard', channels: [] }), 'm-bad'));
    expect(await t.handler(bad)).toEqual({ batchItemFailures: [{ itemIdentifier: 'm-bad' }] });
    expect(t.captured.lines.join('\n')).toMatch(/hook-work message not understood.*plannedAt/);
  });
});

describe('catch-up reconcile after a hook is created or re-activated', () => {
  const ordersSince = (store: string) =>
    t.bigcommerce.orders.set(store, [
      {
        id: 7,
        statusId: 5,
        status: 'Cancelled',
        dateModified: new Date(NOW.getTime() + 30_000).toISOString(),
      },
    ]);

  test('two minutes later, one more reconcile lists what the new hook may have missed', async () => {
    let clock = NOW.getTime();
    t = setup({ now: () => new Date(clock) });
    t.addChannel('c1');
    await t.changed('c1');
    expect(t.hookWork.pending.map((p) => [p.work.kind, p.delaySeconds])).toEqual([['catch_up', 120]]);
    // An order changed while BigCommerce was not yet firing the new hook.
    ordersSince('sc1');
    clock += 120_000;
    t.queue.sent.length = 0;
    expect(await t.drain((kind) => kind === 'catch_up')).toEqual([]);
    expect(t.queue.sent.map((e) => [e.orderId, e.source])).toEqual([[7, 'reconcile']]);
    expect(t.channels.items.get('c1')!.hook!.catchUpAfter).toBeUndefined();
    expect(t.channels.items.get('c1')!.reconcile!.lastRunAt).toBe(new Date(clock).toISOString());
    // A healthy converge queues no further catch-up.
    expect(t.hookWork.pending).toEqual([]);
    expect(metricTotals(t.captured.metrics).CatchUpsQueued).toBe(1);
  });

  test('a healthy channel queues no catch-up', async () => {
    t = setup();
    t.addChannel('c1');
    t.healthyHook('c1');
    await t.changed('c1');
    expect(t.hookWork.sent).toEqual([]);
    expect(t.channels.items.get('c1')!.hook!.catchUpAfter).toBeUndefined();
  });

  test('when the delayed message cannot be queued, the first sweep after it is due runs it', async () => {
    let clock = NOW.getTime();
    t = setup({ now: () => new Date(clock) });
    t.addChannel('c1');
    t.hookWork.failNext = 1;
    await t.changed('c1');
    expect(t.hookWork.pending).toEqual([]);
    expect(t.captured.lines.join('\n')).toContain('catch-up reconcile not queued');
    const owed = new Date(NOW.getTime() + 120_000).toISOString();
    expect(t.channels.items.get('c1')!.hook!.catchUpAfter).toBe(owed);

    // One minute later the channel is fresh and the catch-up not yet due: the sweep leaves it owed.
    clock += 60_000;
    expect((await t.sweep()).plan).toMatchObject({ skipped: 1, queued: 0 });
    expect(t.channels.items.get('c1')!.hook!.catchUpAfter).toBe(owed);

    // Three minutes later it is due: the sweep queues the (still fresh) channel and reconciles it.
    clock += 120_000;
    ordersSince('sc1');
    t.queue.sent.length = 0;
    expect((await t.sweep()).plan).toMatchObject({ skipped: 0, queued: 1 });
    expect(t.queue.sent.map((e) => e.orderId)).toEqual([7]);
    expect(t.channels.items.get('c1')!.hook!.catchUpAfter).toBeUndefined();
  });
});
