import { parseOrderImport } from '../../../functions/domain/order-import';

describe('parseOrderImport', () => {
  test('any OM status is accepted; read-only fields of the GET answer are tolerated', () => {
    expect(parseOrderImport({ status: 'Unprocessed' })).toEqual({ ok: true, status: 'Unprocessed' });
    expect(parseOrderImport({ status: 'Cancelled', orderId: 1, history: [], shipments: [] })).toEqual({
      ok: true,
      status: 'Cancelled',
    });
  });

  test.each([
    [[], [{ message: 'body must be a JSON object' }]],
    [null, [{ message: 'body must be a JSON object' }]],
    [{}, [{ field: 'status', message: 'status is required' }]],
    [
      { status: 'Lost', colour: 'red' },
      [
        { field: 'colour', message: 'colour is not an order field' },
        { field: 'status', message: expect.stringContaining('"Lost" is not an OM status') },
      ],
    ],
  ])('%j → every problem named', (body, errors) => {
    expect(parseOrderImport(body)).toEqual({ ok: false, errors });
  });
});
