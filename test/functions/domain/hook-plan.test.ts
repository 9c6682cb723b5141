import {
  HOOK_SCOPE,
  deliveriesMayBeLost,
  desiredHook,
  isOurHook,
  planHooks,
  sameHeaders,
  webhookDestination,
  type ActualHook,
  type DesiredHook,
  type HookAction,
  type HookFinding,
} from '../../../functions/domain/hook-plan';

const BASE = 'https://om.example.com';
const CH = 'chan-1';
const DEST = `${BASE}/webhooks/bigcommerce/${CH}`;
const OLD_DEST = `https://old.example.net/prod/webhooks/bigcommerce/${CH}`;
const TOKEN = { 'X-Webhook-Token': 'tok' };
const desired: DesiredHook = { scope: HOOK_SCOPE, destination: DEST, headers: TOKEN };

let nextId = 100;
const hook = (over: Partial<ActualHook> = {}): ActualHook => ({
  id: nextId++,
  scope: HOOK_SCOPE,
  destination: DEST,
  isActive: true,
  headers: { ...TOKEN },
  ...over,
});

/** Applies a plan to a fake hook list the way BigCommerce would, to check idempotence. */
function apply(actual: ActualHook[], actions: HookAction[]): ActualHook[] {
  let hooks = actual.map((h) => ({ ...h }));
  for (const a of actions) {
    if (a.kind === 'create') hooks.push({ id: 999, ...a.hook });
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
      ? 'create'
      : a.kind === 'delete'
        ? `delete:${a.reason}`
        : `update${a.reactivate ? '+reactivate' : ''}${a.repair ? '+repair' : ''}:${Object.keys(a.patch).sort().join(',')}`,
  );

const otherChannel = () => hook({ destination: `${BASE}/webhooks/bigcommerce/chan-10` });
const otherScope = () => hook({ scope: 'store/order/created' });
const foreignApp = () => hook({ destination: 'https://someone-else.example.com/hooks' });

type Case = [
  name: string,
  desired: DesiredHook | undefined,
  actual: () => ActualHook[],
  finding: HookFinding,
  actions: string[],
];

const cases: Case[] = [
  ['wanted, healthy', desired, () => [hook()], 'healthy', []],
  ['wanted, none', desired, () => [], 'missing', ['create']],
  [
    'wanted, only hooks of others',
    desired,
    () => [otherChannel(), otherScope(), foreignApp()],
    'missing',
    ['create'],
  ],
  [
    'wanted, inactive',
    desired,
    () => [hook({ isActive: false })],
    'inactive',
    ['update+reactivate:isActive'],
  ],
  [
    'wanted, wrong token',
    desired,
    () => [hook({ headers: { 'X-Webhook-Token': 'old' } })],
    'wrong',
    ['update+repair:headers'],
  ],
  ['wanted, no headers', desired, () => [hook({ headers: null })], 'wrong', ['update+repair:headers']],
  [
    'wanted, extra header',
    desired,
    () => [hook({ headers: { ...TOKEN, 'X-Other': '1' } })],
    'wrong',
    ['update+repair:headers'],
  ],
  [
    'wanted, header name in other case',
    desired,
    () => [hook({ headers: { 'x-webhook-token': 'tok' } })],
    'healthy',
    [],
  ],
  [
    'wanted, old base URL',
    desired,
    () => [hook({ destination: OLD_DEST })],
    'wrong',
    ['update+repair:destination'],
  ],
  [
    'wanted, old base URL, inactive, wrong token',
    desired,
    () => [hook({ destination: OLD_DEST, isActive: false, headers: null })],
    'inactive',
    ['update+reactivate+repair:destination,headers,isActive'],
  ],
  [
    'wanted, trailing slash',
    desired,
    () => [hook({ destination: `${DEST}/` })],
    'wrong',
    ['update+repair:destination'],
  ],
  [
    'wanted, duplicate at old URL',
    desired,
    () => [hook(), hook({ destination: OLD_DEST })],
    'healthy',
    ['delete:duplicate'],
  ],
  [
    'wanted, right one inactive, old URL active: keep the right destination',
    desired,
    () => [hook({ destination: OLD_DEST }), hook({ isActive: false })],
    'inactive',
    ['update+reactivate:isActive', 'delete:duplicate'],
  ],
  [
    'wanted, three of ours all broken',
    desired,
    () => [
      hook({ destination: OLD_DEST, isActive: false }),
      hook({ destination: `${OLD_DEST}?x=1`, headers: null }),
    ],
    'wrong',
    ['update+repair:destination,headers', 'delete:duplicate'],
  ],
  [
    'wanted, healthy among others',
    desired,
    () => [otherChannel(), hook(), otherScope(), foreignApp()],
    'healthy',
    [],
  ],
  ['not wanted, none', undefined, () => [], 'not_wanted', []],
  ['not wanted, ours active', undefined, () => [hook()], 'not_wanted', ['delete:unwanted']],
  [
    'not wanted, ours at two URLs and inactive',
    undefined,
    () => [hook({ isActive: false }), hook({ destination: OLD_DEST })],
    'not_wanted',
    ['delete:unwanted', 'delete:unwanted'],
  ],
  [
    'not wanted, only others',
    undefined,
    () => [otherChannel(), otherScope(), foreignApp()],
    'not_wanted',
    [],
  ],
];

describe('planHooks over (desired, actual)', () => {
  test.each(cases)('%s', (_name, want, actualOf, finding, actions) => {
    const actual = actualOf();
    const plan = planHooks({ channelId: CH, desired: want, actual });
    expect(plan.finding).toBe(finding);
    expect(summary(plan.actions)).toEqual(actions);

    // Only our own hooks are ever touched.
    const ours = new Set(
      actual.filter((h) => h.scope === HOOK_SCOPE && isOurHook(h.destination, CH)).map((h) => h.id),
    );
    for (const a of plan.actions) if (a.kind !== 'create') expect(ours.has(a.hookId)).toBe(true);

    // Idempotent: after the plan, a second plan changes nothing.
    const after = apply(actual, plan.actions);
    const again = planHooks({ channelId: CH, desired: want, actual: after });
    expect(again.actions).toEqual([]);
    expect(again.finding).toBe(want ? 'healthy' : 'not_wanted');
    // And exactly one hook of ours remains when one is wanted, none otherwise.
    const oursAfter = after.filter((h) => h.scope === HOOK_SCOPE && isOurHook(h.destination, CH));
    expect(oursAfter).toHaveLength(want ? 1 : 0);
    if (want) {
      expect(oursAfter[0]).toMatchObject({ destination: DEST, isActive: true });
      expect(sameHeaders(oursAfter[0]!.headers, TOKEN)).toBe(true);
    }
  });

  test('the kept hook is the one with the right destination, then active, then the oldest', () => {
    const a = hook({ id: 5, isActive: false });
    const b = hook({ id: 3, isActive: false });
    const c = hook({ id: 1, destination: OLD_DEST });
    expect(planHooks({ channelId: CH, desired, actual: [a, b, c] }).keepHookId).toBe(3);
  });

  test('a hook that updates keeps its id as keepHookId; a create has none', () => {
    const h = hook({ isActive: false });
    expect(planHooks({ channelId: CH, desired, actual: [h] }).keepHookId).toBe(h.id);
    expect(planHooks({ channelId: CH, desired, actual: [] }).keepHookId).toBeUndefined();
  });
});

describe('isOurHook', () => {
  test.each([
    [DEST, true],
    [OLD_DEST, true],
    [`${DEST}/`, true],
    [`${DEST}?v=2`, true],
    [`http://127.0.0.1:3000/webhooks/bigcommerce/${CH}`, true],
    [`${BASE}/webhooks/bigcommerce/x${CH}`, false],
    [`${BASE}/webhooks/bigcommerce/${CH}x`, false],
    [`${BASE}/webhooks/bigcommerce/${CH}/extra`, false],
    [`${BASE}/other/${CH}`, false],
    ['not a url', false],
  ])('%s → %s', (destination, ours) => {
    expect(isOurHook(destination, CH)).toBe(ours);
  });

  test('channel ids that need encoding match in either form', () => {
    // CHANNEL_ID_PATTERN allows only URL-safe characters; the check still handles an encoded path.
    expect(isOurHook(`${BASE}/webhooks/bigcommerce/a%20b`, 'a b')).toBe(true);
  });
});

describe('desiredHook', () => {
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
    const want = desiredHook(
      {
        ...channel,
        validCancellationStatuses: [...cancel],
        validFulfillmentStatuses: [...fulfill],
        ...(deletedAt && { deletedAt }),
      },
      `${BASE}/`,
      'tok',
    );
    expect(want).toEqual(
      wanted
        ? { scope: 'store/order/statusUpdated', destination: DEST, headers: { 'X-Webhook-Token': 'tok' } }
        : undefined,
    );
  });

  test('webhookDestination strips trailing slashes of the base', () => {
    expect(webhookDestination('http://127.0.0.1:3000//', 'c')).toBe(
      'http://127.0.0.1:3000/webhooks/bigcommerce/c',
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
