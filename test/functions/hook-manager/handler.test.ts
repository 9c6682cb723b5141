import { channelAt } from '../../support/channels';
import type { Context } from 'aws-lambda';
import {
  makeHandler,
  type HookManagerDeps,
  type SweepSummary,
} from '../../../functions/hook-manager/handler';
import type { Channel } from '../../../functions/domain/channel';
import {
  DELIVERY_EXCEPTION_SCOPE,
  HOOK_SCOPE,
  SHIPMENT_HOOK_SCOPES,
} from '../../../functions/domain/hook-plan';
import { FakeBigCommerce, MemoryChannelStore, MemoryQueue, MemorySecretStore } from '../../support/fakes';
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
  const captured = capturingObservability('hook-manager');
  const deps: HookManagerDeps = {
    channels,
    secrets,
    bigcommerce,
    queue,
    webhookBaseUrl: BASE,
    verifyIntervalSeconds: 900,
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
    ) as Promise<SweepSummary>;
  return {
    channels,
    secrets,
    bigcommerce,
    queue,
    captured,
    handler,
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
    });
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

describe('Scheduled Event → sweep every channel', () => {
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

    const summary = await t.scheduled();
    expect(summary).toEqual({
      trigger: 'schedule',
      seen: 6,
      skipped: 1,
      verified: 4,
      purged: 1,
      failed: 0,
      stoppedEarly: false,
      concurrency: 24,
      counts: { created: 4, reactivated: 1, repaired: 0, deleted: 8 },
    });
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
    });

    // A second run right after changes nothing and costs nothing: everything is fresh now.
    t.bigcommerce.calls.length = 0;
    const again = await t.scheduled();
    // The purged tombstone stays listed (30 days) but is skipped too.
    expect(again).toMatchObject({ seen: 6, skipped: 6, verified: 0 });
    expect(t.bigcommerce.calls).toEqual([]);
  });

  test('one failing store does not stop the others', async () => {
    t = setup();
    t.addChannel('a');
    t.addChannel('b');
    t.bigcommerce.failing.set('sa', 500);
    const summary = await t.scheduled();
    expect(summary).toMatchObject({ verified: 1, failed: 1 });
    expect(t.statusHooks('sb')).toHaveLength(1);
    expect(metricTotals(t.captured.metrics)).toMatchObject({ HookVerifyFailed: 1, ChannelsVerified: 1 });
  });

  test('pages through the channel list with bounded concurrency, one store at a time', async () => {
    const concurrency = 4;
    t = setup({ concurrency, pageSize: 7 });
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
    const summary = await t.scheduled();
    expect(summary).toMatchObject({ seen: 30, verified: 30, concurrency });
    expect(peak).toBeLessThanOrEqual(concurrency);
    expect(peak).toBeGreaterThan(1);
    expect(peakPerStore).toBe(1);
    expect(t.statusHooks('shared')).toHaveLength(6);
  });

  test('stops starting channels when time runs low; the next run takes the rest', async () => {
    t = setup({ concurrency: 1, reserveMs: 1_000 });
    for (let i = 0; i < 5; i++) {
      t.addChannel(`c${i}`);
      t.healthyHook(`c${i}`); // one BigCommerce call each
    }
    let remaining = 10_000;
    // Each channel "takes" 3 s of the invocation's time.
    t.bigcommerce.onCall = () => {
      remaining -= 3_000;
    };
    const clock = jest.spyOn(Date, 'now').mockImplementation(() => NOW.getTime() + (10_000 - remaining));
    const first = await t.scheduled({ getRemainingTimeInMillis: () => 10_000 });
    clock.mockRestore();
    expect(first.stoppedEarly).toBe(true);
    expect(first.verified).toBe(3);

    t.bigcommerce.onCall = undefined;
    const second = await t.scheduled({ getRemainingTimeInMillis: () => 600_000 });
    expect(second).toMatchObject({ stoppedEarly: false, skipped: 3, verified: 2 });
    for (let i = 0; i < 5; i++) expect(t.statusHooks(`sc${i}`)).toHaveLength(1);
  });

  test('a channel store failure fails the run (the next scheduled run starts over)', async () => {
    t = setup();
    t.addChannel('a');
    t.channels.failList = true;
    await expect(t.scheduled()).rejects.toThrow('list failed');
  });
});
