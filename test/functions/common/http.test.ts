import { errors } from '../../../functions/common/http';
import { MAX_FIELD_ERRORS } from '../../../functions/domain/field-error';

describe('errors', () => {
  test('names at most the first MAX_FIELD_ERRORS problems, in order', () => {
    const list = Array.from({ length: 500 }, (_, i) => ({ field: `f${i}`, message: 'bad' }));
    const body = JSON.parse(errors(400, list).body!) as { errors: { field: string }[] };
    expect(MAX_FIELD_ERRORS).toBe(20);
    expect(body.errors.map((e) => e.field)).toEqual(list.slice(0, 20).map((e) => e.field));
  });

  test('a short list is answered whole', () => {
    expect(JSON.parse(errors(400, [{ message: 'one' }]).body!)).toEqual({ errors: [{ message: 'one' }] });
  });
});
