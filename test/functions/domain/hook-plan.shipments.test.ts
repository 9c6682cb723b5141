/** planAllHooks: the shipment scopes follow the Valid Fulfillment Statuses, from one listing. */
import {
  HOOK_SCOPE,
  MANAGED_HOOK_SCOPES,
  SHIPMENT_HOOK_SCOPES,
  planAllHooks,
  type ActualHook,
} from '../../../functions/domain/hook-plan';

const BASE = 'https://om.example.com';
const DEST = `${BASE}/webhooks/bigcommerce/c1`;
const TOKEN = 'tok';

const channel = (cancel: string[], fulfil: string[], deletedAt?: string) =>
  ({
    channelId: 'c1',
    validCancellationStatuses: cancel,
    validFulfillmentStatuses: fulfil,
    ...(deletedAt && { deletedAt }),
  }) as Parameters<typeof planAllHooks>[0]['channel'];

let nextId = 1;
const hook = (scope: string, over: Partial<ActualHook> = {}): ActualHook => ({
  id: nextId++,
  scope,
  destination: DEST,
  isActive: true,
  headers: { 'X-Webhook-Token': TOKEN },
  ...over,
});
const all = () => MANAGED_HOOK_SCOPES.map((s) => hook(s));
const plan = (ch: ReturnType<typeof channel>, actual: ActualHook[]) =>
  planAllHooks({ channel: ch, webhookBaseUrl: BASE, webhookToken: TOKEN, actual });
const summary = (p: ReturnType<typeof plan>) =>
  p.actions.map((a) => (a.kind === 'create' ? `create ${a.hook.scope}` : `${a.kind} ${a.hookId}`));

describe('planAllHooks', () => {
  it.each([
    ['cancel and fulfil', channel(['On Hold'], ['On Hold']), [...MANAGED_HOOK_SCOPES]],
    ['fulfil only', channel([], ['On Hold']), [...MANAGED_HOOK_SCOPES]],
    ['cancel only', channel(['On Hold'], []), [HOOK_SCOPE]],
    ['nothing', channel([], []), []],
    ['deleted', channel(['On Hold'], ['On Hold'], '2026-01-01T00:00:00Z'), []],
  ])('%s: creates the scopes it wants from nothing', (_name, ch, scopes) => {
    const p = plan(ch, []);
    expect(summary(p)).toEqual(scopes.map((s) => `create ${s}`));
    expect(p.finding).toBe(scopes.length ? 'missing' : 'not_wanted');
  });

  it('a healthy channel: no action, the status hook kept', () => {
    const actual = all();
    const p = plan(channel(['On Hold'], ['On Hold']), actual);
    expect(p).toEqual({ finding: 'healthy', actions: [], keepHookId: actual[0]!.id });
  });

  it('an inactive or wrong shipment hook makes the channel inactive / wrong and is healed', () => {
    const [status, created, updated] = all();
    created!.isActive = false;
    updated!.headers = null;
    const p = plan(channel(['On Hold'], ['On Hold']), [status!, created!, updated!]);
    expect(p.finding).toBe('inactive');
    expect(p.actions).toEqual([
      expect.objectContaining({ kind: 'update', hookId: created!.id, reactivate: true }),
      expect.objectContaining({ kind: 'update', hookId: updated!.id, repair: true }),
    ]);
    expect(p.keepHookId).toBe(status!.id);
  });

  it('removes the shipment hooks once no Valid Fulfillment Status is left; ignores others', () => {
    const actual = [...all(), hook(SHIPMENT_HOOK_SCOPES[0], { destination: 'https://other.example/x' })];
    const p = plan(channel(['On Hold'], []), actual);
    expect(p.finding).toBe('healthy');
    expect(summary(p)).toEqual([`delete ${actual[1]!.id}`, `delete ${actual[2]!.id}`]);
  });
});
