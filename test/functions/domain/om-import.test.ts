import { importOrder, OM_IMPORT_EVENT_ID } from '../../../functions/domain/om-import';
import type { HistoryEntry, OmOrder } from '../../../functions/domain/order';
import { OM_STATUSES, type OmStatus } from '../../../functions/domain/statuses';
import { historyEntry, makeOrder } from '../../support/orders';

const key = { channelId: 'ch1', orderId: 3 };
const now = new Date('2026-05-01T12:00:00.000Z');

const AT = '2026-05-01T11:00:00.000Z';
const entry = (outcome: HistoryEntry['outcome'], before: OmStatus | null, after: OmStatus | null) =>
  historyEntry({ at: AT, outcome, statusBefore: before, statusAfter: after });

const stored = (status: OmStatus, history: HistoryEntry[]): OmOrder =>
  makeOrder({
    ...key,
    status,
    updatedAt: AT,
    history,
    processed: { e1: { at: 1, attempt: 1, terminal: true } },
    version: 2,
  });

describe('importOrder', () => {
  test('creates the item on the first import', () => {
    expect(importOrder(key, undefined, 'Unprocessed', now)).toEqual({
      ...key,
      status: 'Unprocessed',
      updatedAt: now.toISOString(),
      history: [],
      processed: {},
      version: 1,
    });
  });

  const bySystem = {
    Cancelled: [entry('cancelled', 'On Hold', 'Cancelled')],
    Shipped: [entry('fulfilled', 'Awaiting Shipment', 'Shipped')],
  } as const;
  const cases = (['Cancelled', 'Shipped'] as const).flatMap((before) =>
    OM_STATUSES.map((status) => [before, status] as const),
  );

  test.each(cases)('over a %s set by this system, importing %s', (before, status) => {
    const read = stored(before, [...bySystem[before]]);
    const next = importOrder(key, read, status, now);
    expect(next.status).toBe(status);
    expect(next.version).toBe(3);
    expect(next.processed).toEqual(read.processed);
    if (status === before) expect(next.history).toEqual(read.history);
    else
      expect(next.history.at(-1)).toEqual({
        at: now.toISOString(),
        eventId: OM_IMPORT_EVENT_ID,
        source: 'om_import',
        bigcommerceStatusId: null,
        outcome: 'status_changed_by_om_import',
        statusBefore: before,
        statusAfter: status,
        attempt: 1,
      });
  });

  test.each([
    ['OM set it (no entry of ours)', stored('Cancelled', [])],
    [
      'our entry left it unchanged',
      stored('Cancelled', [entry('already_in_target_status', 'Cancelled', 'Cancelled')]),
    ],
    [
      'a later OM import changed it since',
      stored('Cancelled', [
        entry('cancelled', 'On Hold', 'Cancelled'),
        { ...entry('status_changed_by_om_import', 'Cancelled', 'On Hold'), source: 'om_import' },
      ]),
    ],
    ['not a terminal status', stored('On Hold', [entry('cancelled', 'Awaiting Payment', 'On Hold')])],
  ])('no entry when %s', (_name, read) => {
    expect(importOrder(key, read, 'Awaiting Payment', now).history).toEqual(read.history);
  });
});
