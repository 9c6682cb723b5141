/** planHooks over desiredHooks: the shipment scopes follow the Valid Fulfillment Statuses, from one listing. */
import {
  DELIVERY_EXCEPTION_SCOPE,
  HOOK_SCOPE,
  SHIPMENT_HOOK_SCOPES,
  desiredHooks,
  planHooks,
  type ActualHook,
} from '../../../functions/domain/hook-plan';

const BASE = 'https://om.example.com';
const DEST = `${BASE}/webhooks/bigcommerce/c1`;
const TOKEN = 'tok';
const ALL_SCOPES = [HOOK_SCOPE, ...SHIPMENT_HOOK_SCOPES, DELIVERY_EXCEPTION_SCOPE];

const channel = (cancel: string[], fulfil: string[], deletedAt?: string) =>
  ({
    channelId: 'c1',
    validCancellationStatuses: cancel,
    validFulfillmentStatuses: fulfil,
    ...(deletedAt && { deletedAt }),
  }) as Parameters<typeof desiredHooks>[0];

let nextId = 1;
const hook = (scope: string, over: Partial<ActualHook> = {}): ActualHook => ({
  id: nextId++,
  scope,
  destination: scope === DELIVERY_EXCEPTION_SCOPE ? `${DEST}/delivery-exceptions` : DEST,
  isActive: true,
  headers: { 'X-Webhook-Token': TOKEN },
  ...over,
});
const all = () => ALL_SCOPES.map((s) => hook(s));
const plan = (ch: ReturnType<typeof channel>, actual: ActualHook[]) =>
  planHooks({
    channelId: ch.channelId,
    desired: desiredHooks(ch, BASE, TOKEN),
    actual,
    ownedBaseUrls: [BASE],
  });
const summary = (p: ReturnType<typeof plan>) =>
  p.actions.map((a) => (a.kind === 'create' ? `create ${a.hook.scope}` : `${a.kind} ${a.hookId}`));

describe('planHooks with shipment scopes', () => {
  it.each([
    ['cancel and fulfil', channel(['On Hold'], ['On Hold']), ALL_SCOPES],
    ['fulfil only', channel([], ['On Hold']), ALL_SCOPES],
    ['cancel only', channel(['On Hold'], []), [HOOK_SCOPE, DELIVERY_EXCEPTION_SCOPE]],
    ['nothing', channel([], []), []],
    ['deleted', channel(['On Hold'], ['On Hold'], '2026-01-01T00:00:00Z'), []],
  ])('%s: creates the scopes it wants from nothing', (_name, ch, scopes) => {
    const p = plan(ch, []);
    expect(summary(p)).toEqual(scopes.map((s) => `create ${s}`));
    expect(p.finding).toBe(scopes.length ? 'missing' : 'not_wanted');
  });

  it('the shipment hooks go to the status hook’s destination, with its token header', () => {
    const desired = desiredHooks(channel([], ['On Hold']), BASE, TOKEN);
    for (const scope of SHIPMENT_HOOK_SCOPES)
      expect(desired.find((d) => d.scope === scope)).toEqual({
        scope,
        destination: DEST,
        headers: { 'X-Webhook-Token': TOKEN },
      });
  });

  it('a healthy channel: no action, the status hook kept', () => {
    const actual = all();
    const p = plan(channel(['On Hold'], ['On Hold']), actual);
    expect(p).toEqual({
      finding: 'healthy',
      eventsMayBeLost: false,
      actions: [],
      keepHookIds: Object.fromEntries(actual.map((h) => [h.scope, h.id])),
    });
  });

  it('an inactive or wrong shipment hook makes the channel inactive / wrong, may lose events, and is healed', () => {
    const [status, created, updated, exceptions] = all();
    created!.isActive = false;
    updated!.headers = null;
    const p = plan(channel(['On Hold'], ['On Hold']), [status!, created!, updated!, exceptions!]);
    expect(p.finding).toBe('inactive');
    expect(p.eventsMayBeLost).toBe(true);
    expect(p.actions).toEqual([
      expect.objectContaining({ kind: 'update', hookId: created!.id, reactivate: true }),
      expect.objectContaining({ kind: 'update', hookId: updated!.id, repair: true }),
    ]);
    expect(p.keepHookIds[HOOK_SCOPE]).toBe(status!.id);
  });

  it('removes the shipment hooks once no Valid Fulfillment Status is left; ignores others', () => {
    const actual = [...all(), hook(SHIPMENT_HOOK_SCOPES[0], { destination: 'https://other.example/x' })];
    const p = plan(channel(['On Hold'], []), actual);
    expect(p.finding).toBe('healthy');
    expect(summary(p)).toEqual([`delete ${actual[1]!.id}`, `delete ${actual[2]!.id}`]);
  });
});
