import type { Channel } from '../../../functions/domain/channel';
import {
  buildChannel,
  buildSecrets,
  channelView,
  parseChannelSettings,
  sameSecrets,
  type ChannelSettingsInput,
} from '../../../functions/domain/channel-settings';
import { CONFIGURABLE_OM_STATUSES, OM_STATUSES } from '../../../functions/domain/statuses';
import { makeChannel, NOT_YET_HOOKED_VIEW, settingsBody } from '../../support/channels';

const newChannel = { requireAccessToken: true };
const update = { requireAccessToken: false, storedStoreHash: 'abc123' };

const fieldsOf = (body: unknown, context: Parameters<typeof parseChannelSettings>[1] = newChannel) => {
  const result = parseChannelSettings(body, context);
  return result.ok ? [] : result.errors.map((e) => e.field ?? '(body)');
};

describe('parseChannelSettings: one bad field at a time', () => {
  /** Named bad values of one field: each case is refused naming that field. */
  const bad = (field: string, values: Array<[string, unknown]>) =>
    values.map(([name, value]): [string, Record<string, unknown>, string] => [
      name,
      { [field]: value },
      field,
    ]);
  const cases = [
    ...bad('storeHash', [
      ['storeHash missing', undefined],
      ['storeHash upper case', 'ABC123'],
      ['storeHash with a dash', 'abc-123'],
      ['storeHash empty', ''],
      ['storeHash too long', 'a'.repeat(33)],
      ['storeHash a number', 123],
    ]),
    ...bad('accessToken', [
      ['accessToken missing on a new channel', undefined],
      ['accessToken empty', ''],
      ['accessToken blank', '   '],
      ['accessToken a number', 42],
    ]),
    ...bad('clientSecret', [
      ['clientSecret empty', ''],
      ['clientSecret an object', { a: 1 }],
    ]),
    ...bad('validCancellationStatuses', [
      ['validCancellationStatuses missing', undefined],
      ['validCancellationStatuses not an array', 'On Hold'],
      ['validCancellationStatuses Unprocessed', ['Unprocessed']],
      ['validCancellationStatuses Shipped', ['Shipped']],
      ['validCancellationStatuses Cancelled', ['Cancelled']],
      ['validCancellationStatuses unknown', ['on hold']],
    ]),
    ...bad('validFulfillmentStatuses', [
      ['validFulfillmentStatuses missing', undefined],
      ['validFulfillmentStatuses null', null],
      ['validFulfillmentStatuses Shipped', ['Shipped']],
      ['validFulfillmentStatuses a number', [3]],
    ]),
    ...bad('cancelOnBigCommerceStatusIds', [
      ['cancel ids empty', []],
      ['cancel ids unknown id', [15]],
      ['cancel ids negative', [-1]],
      ['cancel ids a fraction', [5.5]],
      ['cancel ids a string', ['5']],
      ['cancel ids not an array', 5],
    ]),
    ...bad('fulfillOnBigCommerceStatusIds', [
      ['fulfill ids unknown id', [99]],
      ['fulfill ids with Partially Shipped (3)', [2, 3]],
      ['fulfill ids overlap the default cancel ids', [2, 5]],
    ]),
    ...bad('cancelOnBigCommerceStatusIds', [['cancel ids overlap the default fulfill ids', [10]]]),
    ...bad('validCancelationStatuses', [['an unknown field', []]]),
    ...bad('webhookToken', [['a secret-looking unknown field', 'x']]),
  ];

  test('Partially Shipped in the fulfil ids says why', () => {
    const result = parseChannelSettings(settingsBody({ fulfillOnBigCommerceStatusIds: [3] }), newChannel);
    expect(result).toEqual({
      ok: false,
      errors: [
        {
          field: 'fulfillOnBigCommerceStatusIds',
          message: expect.stringContaining('would mark the whole OM order Shipped'),
        },
      ],
    });
  });

  test.each(cases)('%s: %j → 400 naming %s', (_name, change, field) => {
    expect(fieldsOf(settingsBody(change))).toEqual([field]);
  });

  test('the valid body passes', () => {
    expect(parseChannelSettings(settingsBody(), newChannel)).toEqual({
      ok: true,
      input: {
        storeHash: 'abc123',
        accessToken: 'tok-secret',
        clientSecret: 'client-secret',
        validCancellationStatuses: ['Awaiting Shipment'],
        validFulfillmentStatuses: ['Awaiting Shipment', 'On Hold'],
      },
    });
  });

  test.each(OM_STATUSES.map((s) => [s]))('status %s is accepted only when configurable', (status) => {
    const ok = (CONFIGURABLE_OM_STATUSES as readonly string[]).includes(status);
    expect(parseChannelSettings(settingsBody({ validFulfillmentStatuses: [status] }), newChannel).ok).toBe(
      ok,
    );
    expect(parseChannelSettings(settingsBody({ validCancellationStatuses: [status] }), newChannel).ok).toBe(
      ok,
    );
  });
});

describe('parseChannelSettings: several bad fields at once', () => {
  test('every bad field is named in one answer', () => {
    const body = {
      storeHash: 'Not-A-Hash',
      validCancellationStatuses: ['Shipped', 'On Hold', 'Unprocessed'],
      validFulfillmentStatuses: 'nope',
      cancelOnBigCommerceStatusIds: [77],
      fulfillOnBigCommerceStatusIds: [],
      extra: true,
    };
    const fields = fieldsOf(body);
    expect(new Set(fields)).toEqual(
      new Set([
        'extra',
        'storeHash',
        'accessToken',
        'validCancellationStatuses',
        'validFulfillmentStatuses',
        'cancelOnBigCommerceStatusIds',
        'fulfillOnBigCommerceStatusIds',
      ]),
    );
    // Both bad members of the cancellation set are reported, not just the first.
    expect(fields.filter((f) => f === 'validCancellationStatuses')).toHaveLength(2);
  });

  test('an empty object names every required field', () => {
    expect(new Set(fieldsOf({}))).toEqual(
      new Set(['storeHash', 'accessToken', 'validCancellationStatuses', 'validFulfillmentStatuses']),
    );
  });

  test.each([[null], [[]], ['text'], [7]])('a body that is not an object (%j) is one error', (body) => {
    const result = parseChannelSettings(body, newChannel);
    expect(result).toEqual({ ok: false, errors: [{ message: 'body must be a JSON object' }] });
  });

  test('messages never quote a secret value', () => {
    const result = parseChannelSettings(
      settingsBody({
        accessToken: 12345678,
        clientSecret: ['client-secret-value'],
        webhookToken: 'tok-hidden',
      }),
      newChannel,
    );
    expect(result.ok).toBe(false);
    const text = JSON.stringify(result);
    expect(text).not.toContain('12345678');
    expect(text).not.toContain('client-secret-value');
    expect(text).not.toContain('tok-hidden');
  });
});

describe('parseChannelSettings: update rules', () => {
  test('an update may omit accessToken and clientSecret', () => {
    const { accessToken: _a, clientSecret: _c, ...body } = settingsBody();
    expect(parseChannelSettings(body, update)).toEqual({
      ok: true,
      input: {
        storeHash: 'abc123',
        validCancellationStatuses: ['Awaiting Shipment'],
        validFulfillmentStatuses: ['Awaiting Shipment', 'On Hold'],
      },
    });
  });

  test('clientSecret null removes it', () => {
    const result = parseChannelSettings(settingsBody({ clientSecret: null }), update);
    expect(result.ok && result.input.clientSecret).toBeNull();
  });

  test('storeHash cannot change on a live channel', () => {
    expect(fieldsOf(settingsBody({ storeHash: 'other1' }), update)).toEqual(['storeHash']);
  });

  test('read-only fields of the GET answer are ignored', () => {
    const result = parseChannelSettings(
      settingsBody({
        channelId: 'c1',
        createdAt: 'x',
        updatedAt: 'y',
        hasClientSecret: true,
        webhook: { hookId: 1 },
        reconcile: {},
      }),
      update,
    );
    expect(result.ok).toBe(true);
  });

  test('sets and id lists are deduplicated', () => {
    const result = parseChannelSettings(
      settingsBody({
        validCancellationStatuses: ['On Hold', 'On Hold', 'Awaiting Payment'],
        validFulfillmentStatuses: [],
        cancelOnBigCommerceStatusIds: [5, 5, 6],
        fulfillOnBigCommerceStatusIds: [2, 2],
      }),
      newChannel,
    );
    expect(result.ok && result.input).toMatchObject({
      validCancellationStatuses: ['On Hold', 'Awaiting Payment'],
      validFulfillmentStatuses: [],
      cancelOnBigCommerceStatusIds: [5, 6],
      fulfillOnBigCommerceStatusIds: [2],
    });
  });

  test('overrides that do not overlap each other pass even when one meets the other default', () => {
    // cancel [2] alone would overlap the default fulfill [2, 10]; with fulfill [10] it does not.
    expect(
      parseChannelSettings(
        settingsBody({ cancelOnBigCommerceStatusIds: [2], fulfillOnBigCommerceStatusIds: [10] }),
        newChannel,
      ).ok,
    ).toBe(true);
  });
});

const input = (over: Partial<ChannelSettingsInput> = {}): ChannelSettingsInput => ({
  storeHash: 'abc123',
  validCancellationStatuses: ['On Hold'],
  validFulfillmentStatuses: [],
  ...over,
});
const now = new Date('2026-05-01T10:00:00.000Z');
const stored = (over: Partial<Channel> = {}): Channel =>
  makeChannel({
    validCancellationStatuses: [],
    validFulfillmentStatuses: ['On Hold'],
    updatedAt: '2026-01-02T00:00:00.000Z',
    hook: { hookId: 9, isActive: true, lastVerifiedAt: '2026-04-30T00:00:00.000Z' },
    reconcile: { watermark: '2026-04-30T00:00:00.000Z' },
    ...over,
  });

describe('buildChannel', () => {
  test('a new channel gets the default id lists and fresh times', () => {
    expect(buildChannel({ channelId: 'c1', input: input(), existing: undefined, now })).toEqual({
      channelId: 'c1',
      storeHash: 'abc123',
      validCancellationStatuses: ['On Hold'],
      validFulfillmentStatuses: [],
      cancelOnBigCommerceStatusIds: [5],
      fulfillOnBigCommerceStatusIds: [2, 10],
      createdAt: now.toISOString(),
      updatedAt: now.toISOString(),
    });
  });

  test('an update keeps createdAt and leaves hook/reconcile state to the store', () => {
    const channel = buildChannel({
      channelId: 'c1',
      input: input({ cancelOnBigCommerceStatusIds: [5, 6] }),
      existing: stored(),
      now,
    });
    expect(channel.createdAt).toBe('2026-01-01T00:00:00.000Z');
    expect(channel.updatedAt).toBe(now.toISOString());
    expect(channel.cancelOnBigCommerceStatusIds).toEqual([5, 6]);
    expect(channel).not.toHaveProperty('hook');
    expect(channel).not.toHaveProperty('reconcile');
    expect(channel).not.toHaveProperty('deletedAt');
  });

  test('saving over a tombstone starts a new channel', () => {
    const channel = buildChannel({
      channelId: 'c1',
      input: input(),
      existing: stored({ deletedAt: '2026-04-01T00:00:00.000Z' }),
      now,
    });
    expect(channel.createdAt).toBe(now.toISOString());
    expect(channel.hook).toEqual({ isActive: false });
    expect(channel.reconcile).toEqual({});
    expect(channel).not.toHaveProperty('deletedAt');
  });
});

describe('buildSecrets', () => {
  const existing = { accessToken: 'old-token', clientSecret: 'old-cs', webhookToken: 'hook-token' };

  test('a new channel gets the generated webhook token', () => {
    expect(
      buildSecrets({ input: input({ accessToken: 'a' }), existing: undefined, newWebhookToken: 'generated' }),
    ).toEqual({ accessToken: 'a', webhookToken: 'generated' });
  });

  test('an update keeps the token and the omitted credentials', () => {
    expect(buildSecrets({ input: input(), existing, newWebhookToken: 'generated' })).toEqual(existing);
  });

  test('given credentials replace the stored ones; the webhook token is kept', () => {
    expect(
      buildSecrets({
        input: input({ accessToken: 'new-token', clientSecret: 'new-cs' }),
        existing,
        newWebhookToken: 'generated',
      }),
    ).toEqual({ accessToken: 'new-token', clientSecret: 'new-cs', webhookToken: 'hook-token' });
  });

  test('clientSecret null removes the stored one', () => {
    expect(
      buildSecrets({ input: input({ clientSecret: null }), existing, newWebhookToken: 'generated' }),
    ).toEqual({ accessToken: 'old-token', webhookToken: 'hook-token' });
  });

  test('no token anywhere is a programming error', () => {
    expect(() => buildSecrets({ input: input(), existing: undefined, newWebhookToken: 'g' })).toThrow(
      /accessToken/,
    );
  });

  test('sameSecrets', () => {
    expect(sameSecrets(existing, { ...existing })).toBe(true);
    expect(sameSecrets(existing, { ...existing, accessToken: 'x' })).toBe(false);
    expect(sameSecrets(undefined, existing)).toBe(false);
  });
});

describe('channelView', () => {
  test('shows settings and health, nulls for what is not known yet', () => {
    expect(channelView(stored({ hook: undefined, reconcile: undefined }), false)).toEqual({
      channelId: 'c1',
      storeHash: 'abc123',
      validCancellationStatuses: [],
      validFulfillmentStatuses: ['On Hold'],
      cancelOnBigCommerceStatusIds: [5],
      fulfillOnBigCommerceStatusIds: [2, 10],
      hasClientSecret: false,
      createdAt: '2026-01-01T00:00:00.000Z',
      updatedAt: '2026-01-02T00:00:00.000Z',
      ...NOT_YET_HOOKED_VIEW,
    });
  });

  test('shows the recorded hook state and watermark', () => {
    const view = channelView(stored({ hook: { hookId: 9, isActive: false, lastError: 'boom' } }), true);
    expect(view.webhook).toEqual({
      hookId: 9,
      isActive: false,
      lastVerifiedAt: null,
      lastError: 'boom',
      lastDeliveryException: null,
    });
    expect(view.reconcile.watermark).toBe('2026-04-30T00:00:00.000Z');
    expect(view.hasClientSecret).toBe(true);
  });
});
