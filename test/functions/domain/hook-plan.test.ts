import {
  DELIVERY_EXCEPTION_SCOPE,
  HOOK_SCOPE,
  deliveriesMayBeLost,
  SHIPMENT_HOOK_SCOPES,
  desiredHooks,
  ownedRoute,
  planHooks,
  sameHeaders,
  webhookDestination,
  wantedHookSpecs,
  type ActualHook,
  type DesiredHook,
  type HookAction,
  type HookFinding,
} from '../../../functions/domain/hook-plan';

const BASE = 'https://om.example.com';
const FORMER = 'https://old.example.net/prod';
const OWNED = [BASE, FORMER];
const CH = 'chan-1';
const DEST = `${BASE}/webhooks/bigcommerce/${CH}`;
const EXC_DEST = `${DEST}/delivery-exceptions`;
const OLD_DEST = `${FORMER}/webhooks/bigcommerce/${CH}`;
const STAGING_DEST = `https://staging.example.com/webhooks/bigcommerce/${CH}`;
const TOKEN = { 'X-Webhook-Token': 'tok' };
const desired: DesiredHook[] = [
  { scope: HOOK_SCOPE, destination: DEST, headers: TOKEN },
  { scope: DELIVERY_EXCEPTION_SCOPE, destination: EXC_DEST, headers: TOKEN },
];

let nextId = 100;
const hook = (over: Partial<ActualHook> = {}): ActualHook => ({
  id: nextId++,
  scope: HOOK_SCOPE,
  destination: DEST,
  isActive: true,
  headers: { ...TOKEN },
  ...over,
});
const exc = (over: Partial<ActualHook> = {}) =>
  hook({ scope: DELIVERY_EXCEPTION_SCOPE, destination: EXC_DEST, ...over });

/** Applies a plan to a fake hook list the way BigCommerce would, to check idempotence. */
function apply(actual: ActualHook[], actions: HookAction[]): ActualHook[] {
  let hooks = actual.map((h) => ({ ...h }));
  for (const a of actions) {
    if (a.kind === 'create') hooks.push({ id: nextId++, ...a.hook });
    if (a.kind === 'delete') hooks = hooks.filter((h) => h.id !== a.hookId);
    if (a.kind === 'update')
      hooks = hooks.map((h) =>
        h.id === a.hookId
          ? {
              ...h,
              ...(a.patch.destination !== undefined && { destination: a.patch.destination }),
              ...(a.patch.headers !== undefined && { headers: a.patch.headers }),
              ...(a.patch.isActive !== undefined && { isActive: a.patch.isActive }),
            }
          : h,
      );
  }
  return hooks;
}

const summary = (actions: HookAction[]) =>
  actions.map((a) =>
    a.kind === 'create'
      ? `create:${a.hook.scope === HOOK_SCOPE ? 'order' : 'exception'}`
      : a.kind === 'delete'
        ? `delete:${a.reason}`
        : `update${a.reactivate ? '+reactivate' : ''}${a.repair ? '+repair' : ''}:${Object.keys(a.patch).sort().join(',')}`,
  );

const otherChannel = () => hook({ destination: `${BASE}/webhooks/bigcommerce/chan-10` });
const staging = () => hook({ destination: STAGING_DEST, headers: { 'X-Webhook-Token': 'staging' } });
const stagingExc = () => exc({ destination: `${STAGING_DEST}/delivery-exceptions`, isActive: false });
const foreignApp = () => hook({ destination: 'https://someone-else.example.com/hooks' });
const lookalike = () => hook({ destination: `${BASE}.evil.example/webhooks/bigcommerce/${CH}` });
const ourOtherScope = () => hook({ scope: 'store/order/created' });

type Case = [
  name: string,
  wanted: boolean,
  actual: () => ActualHook[],
  finding: HookFinding,
  actions: string[],
];

const cases: Case[] = [
  ['wanted, healthy', true, () => [hook(), exc()], 'healthy', []],
  ['wanted, none', true, () => [], 'missing', ['create:order', 'create:exception']],
  ['wanted, exception hook missing', true, () => [hook()], 'missing', ['create:exception']],
  [
    'wanted, only hooks of others (other channel, other stage, other app, look-alike host)',
    true,
    () => [otherChannel(), staging(), stagingExc(), foreignApp(), lookalike()],
    'missing',
    ['create:order', 'create:exception'],
  ],
  [
    'wanted, inactive',
    true,
    () => [hook({ isActive: false }), exc()],
    'inactive',
    ['update+reactivate:isActive'],
  ],
  [
    'wanted, exception hook inactive',
    true,
    () => [hook(), exc({ isActive: false })],
    'inactive',
    ['update+reactivate:isActive'],
  ],
  [
    'wanted, wrong token',
    true,
    () => [hook({ headers: { 'X-Webhook-Token': 'old' } }), exc()],
    'wrong',
    ['update+repair:headers'],
  ],
  ['wanted, no headers', true, () => [hook({ headers: null }), exc()], 'wrong', ['update+repair:headers']],
  [
    'wanted, extra header',
    true,
    () => [hook({ headers: { ...TOKEN, 'X-Other': '1' } }), exc()],
    'wrong',
    ['update+repair:headers'],
  ],
  [
    'wanted, header name in other case',
    true,
    () => [hook({ headers: { 'x-webhook-token': 'tok' } }), exc()],
    'healthy',
    [],
  ],
  [
    'wanted, former base URL: migrated',
    true,
    () => [hook({ destination: OLD_DEST }), exc()],
    'wrong',
    ['update+repair:destination'],
  ],
  [
    'wanted, former base URL, inactive, wrong token',
    true,
    () => [hook({ destination: OLD_DEST, isActive: false, headers: null }), exc()],
    'inactive',
    ['update+reactivate+repair:destination,headers,isActive'],
  ],
  [
    'wanted, trailing slash',
    true,
    () => [hook({ destination: `${DEST}/` }), exc()],
    'wrong',
    ['update+repair:destination'],
  ],
  [
    'wanted, order hook pointing at the exception route',
    true,
    () => [hook({ destination: EXC_DEST }), exc()],
    'wrong',
    ['update+repair:destination'],
  ],
  [
    'wanted, duplicate at former URL',
    true,
    () => [hook(), hook({ destination: OLD_DEST }), exc()],
    'healthy',
    ['delete:duplicate'],
  ],
  [
    'wanted, right one inactive, former URL active: keep the right destination',
    true,
    () => [hook({ destination: OLD_DEST }), hook({ isActive: false }), exc()],
    'inactive',
    ['update+reactivate:isActive', 'delete:duplicate'],
  ],
  [
    'wanted, three of ours all broken',
    true,
    () => [
      hook({ destination: OLD_DEST, isActive: false }),
      hook({ destination: `${OLD_DEST}?x=1`, headers: null }),
      exc(),
    ],
    'wrong',
    ['update+repair:destination,headers', 'delete:duplicate'],
  ],
  [
    'wanted, healthy among others (staging with the same channel id untouched)',
    true,
    () => [otherChannel(), staging(), hook(), stagingExc(), exc(), foreignApp(), lookalike()],
    'healthy',
    [],
  ],
  [
    'wanted, a scope of ours no longer wanted',
    true,
    () => [hook(), exc(), ourOtherScope()],
    'healthy',
    ['delete:unwanted'],
  ],
  ['not wanted, none', false, () => [], 'not_wanted', []],
  [
    'not wanted, ours active (both scopes)',
    false,
    () => [hook(), exc()],
    'not_wanted',
    ['delete:unwanted', 'delete:unwanted'],
  ],
  [
    'not wanted, ours at two URLs and inactive',
    false,
    () => [hook({ isActive: false }), hook({ destination: OLD_DEST })],
    'not_wanted',
    ['delete:unwanted', 'delete:unwanted'],
  ],
  [
    'not wanted, only others: staging keeps its hooks',
    false,
    () => [otherChannel(), staging(), stagingExc(), foreignApp(), lookalike()],
    'not_wanted',
    [],
  ],
];

const isOurs = (h: ActualHook) => ownedRoute(h.destination, CH, OWNED) !== undefined;

describe('planHooks over (desired, actual)', () => {
  test.each(cases)('%s', (_name, wanted, actualOf, finding, actions) => {
    const want = wanted ? desired : [];
    const actual = actualOf();
    const plan = planHooks({ channelId: CH, desired: want, actual, ownedBaseUrls: OWNED });
    expect(plan.finding).toBe(finding);
    expect(summary(plan.actions)).toEqual(actions);

    // Only our own hooks are ever touched; every other hook stays exactly as it was.
    const ours = new Set(actual.filter(isOurs).map((h) => h.id));
    for (const a of plan.actions) if (a.kind !== 'create') expect(ours.has(a.hookId)).toBe(true);
    const after = apply(actual, plan.actions);
    expect(after.filter((h) => !isOurs(h))).toEqual(actual.filter((h) => !isOurs(h)));

    // Idempotent: after the plan, a second plan changes nothing.
    const again = planHooks({ channelId: CH, desired: want, actual: after, ownedBaseUrls: OWNED });
    expect(again.actions).toEqual([]);
    expect(again.finding).toBe(wanted ? 'healthy' : 'not_wanted');
    // And exactly the wanted hooks of ours remain, under the current base URL.
    const oursAfter = after.filter(isOurs);
    expect(oursAfter.map((h) => [h.scope, h.destination, h.isActive]).sort()).toEqual(
      want.map((d) => [d.scope, d.destination, true]).sort(),
    );
    for (const h of oursAfter) expect(sameHeaders(h.headers, TOKEN)).toBe(true);
  });

  test('events may be lost only when the order hook was broken, not the exception hook', () => {
    const plan = (actual: ActualHook[]) =>
      planHooks({ channelId: CH, desired, actual, ownedBaseUrls: OWNED }).eventsMayBeLost;
    expect(plan([hook(), exc()])).toBe(false);
    expect(plan([hook()])).toBe(false);
    expect(plan([hook({ isActive: false }), exc()])).toBe(true);
    expect(plan([exc()])).toBe(true);
  });

  test('the kept hook is the one with the right destination, then active, then the oldest', () => {
    const a = hook({ id: 5, isActive: false });
    const b = hook({ id: 3, isActive: false });
    const c = hook({ id: 1, destination: OLD_DEST });
    const plan = planHooks({ channelId: CH, desired, actual: [a, b, c], ownedBaseUrls: OWNED });
    expect(plan.keepHookIds[HOOK_SCOPE]).toBe(3);
  });

  test('a hook that updates keeps its id; a create has none', () => {
    const h = hook({ isActive: false });
    const plan = planHooks({ channelId: CH, desired, actual: [h], ownedBaseUrls: OWNED });
    expect(plan.keepHookIds).toEqual({ [HOOK_SCOPE]: h.id });
  });

  test('without the former base URL its hooks are not ours', () => {
    const old = hook({ destination: OLD_DEST });
    const plan = planHooks({ channelId: CH, desired: [], actual: [old], ownedBaseUrls: [BASE] });
    expect(plan.actions).toEqual([]);
  });
});

describe('ownedRoute', () => {
  test.each([
    [DEST, 'events'],
    [EXC_DEST, 'delivery-exceptions'],
    [OLD_DEST, 'events'],
    [`${OLD_DEST}/delivery-exceptions`, 'delivery-exceptions'],
    [`${DEST}/`, 'events'],
    [`${DEST}?v=2`, 'events'],
    [STAGING_DEST, undefined],
    [`http://127.0.0.1:3000/webhooks/bigcommerce/${CH}`, undefined],
    [`${BASE}.evil.example/webhooks/bigcommerce/${CH}`, undefined],
    [`${BASE}/webhooks/bigcommerce/x${CH}`, undefined],
    [`${BASE}/webhooks/bigcommerce/${CH}x`, undefined],
    [`${BASE}/webhooks/bigcommerce/${CH}/extra`, undefined],
    [`${BASE}/other/${CH}`, undefined],
    ['not a url', undefined],
  ])('%s → %s', (destination, route) => {
    expect(ownedRoute(destination, CH, OWNED)).toBe(route);
  });

  test('an owned base URL given with a trailing slash still matches', () => {
    expect(ownedRoute(DEST, CH, [`${BASE}/`])).toBe('events');
  });
});

describe('desiredHooks', () => {
  const channel = {
    channelId: CH,
    validCancellationStatuses: [] as never[],
    validFulfillmentStatuses: [] as never[],
  };
  test.each([
    [[], [], undefined, false],
    [['On Hold'], [], undefined, true],
    [[], ['On Hold'], undefined, true],
    [['On Hold'], ['On Hold'], undefined, true],
    [['On Hold'], ['On Hold'], '2026-01-01T00:00:00.000Z', false],
  ] as const)('cancel %j fulfill %j deleted %s → wanted %s', (cancel, fulfill, deletedAt, wanted) => {
    const settings = {
      ...channel,
      validCancellationStatuses: [...cancel],
      validFulfillmentStatuses: [...fulfill],
      ...(deletedAt && { deletedAt }),
    };
    // A Valid Fulfillment Status also wants the shipment scopes, to the order hook's destination.
    const shipments =
      fulfill.length > 0 ? SHIPMENT_HOOK_SCOPES.map((scope) => ({ ...desired[0]!, scope })) : [];
    const expected = wanted ? [desired[0]!, ...shipments, desired[1]!] : [];
    expect(desiredHooks(settings, `${BASE}/`, 'tok')).toEqual(expected);
    expect(wantedHookSpecs(settings)).toHaveLength(expected.length);
  });

  test('webhookDestination strips trailing slashes of the base', () => {
    expect(webhookDestination('http://127.0.0.1:3000//', 'c')).toBe(
      'http://127.0.0.1:3000/webhooks/bigcommerce/c',
    );
    expect(webhookDestination('http://h/', 'c', 'delivery-exceptions')).toBe(
      'http://h/webhooks/bigcommerce/c/delivery-exceptions',
    );
  });
});

test('sameHeaders', () => {
  expect(sameHeaders({ A: '1' }, { a: '1' })).toBe(true);
  expect(sameHeaders({ A: '1' }, { A: '2' })).toBe(false);
  expect(sameHeaders(null, {})).toBe(true);
  expect(sameHeaders(null, { A: '1' })).toBe(false);
  expect(sameHeaders({ A: '1', B: '2' }, { A: '1' })).toBe(false);
});

test.each([
  ['healthy', false],
  ['missing', true],
  ['inactive', true],
  ['wrong', true],
  ['not_wanted', false],
] as const)('deliveriesMayBeLost(%s) = %s', (finding, lost) => {
  expect(deliveriesMayBeLost(finding)).toBe(lost);
});
