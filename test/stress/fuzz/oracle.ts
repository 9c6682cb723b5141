import { type Answer } from './model';

/** `{"errors":[{message, field?}]}` with a short, non-empty message; and naming `field` when given. */
export function clearRejection(answer: Answer, field: string | string[] | undefined): string | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(answer.body);
  } catch {
    return 'body is not JSON';
  }
  const errors = (parsed as { errors?: unknown }).errors;
  if (!Array.isArray(errors) || errors.length === 0) return 'no errors list';
  for (const e of errors as Array<{ message?: unknown; field?: unknown }>) {
    if (typeof e?.message !== 'string' || e.message.trim() === '') return 'an error without a message';
    if (e.message.length > 1000) return `a message of ${e.message.length} characters`;
    if (e.field !== undefined && typeof e.field !== 'string') return 'a field that is not a string';
  }
  const fields = field === undefined ? [] : Array.isArray(field) ? field : [field];
  const names = (e: { field?: unknown }) =>
    typeof e.field === 'string' &&
    fields.some((f) => e.field === f || (e.field as string).startsWith(`${f}.`));
  if (fields.length > 0 && !(errors as Array<{ field?: unknown }>).some(names))
    return `no error names ${fields.join(' or ')} (${answer.body.slice(0, 200)})`;
  return undefined;
}
