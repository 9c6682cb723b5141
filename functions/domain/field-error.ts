/** One problem with an input, naming the field when there is one; answers carry `{"errors":[...]}`. */
export interface FieldError {
  field?: string;
  message: string;
}

/** An answer names at most this many problems: enough to fix a request, bounded whatever was sent. */
export const MAX_FIELD_ERRORS = 20;

export const firstFieldErrors = <T extends FieldError>(list: readonly T[]): T[] =>
  list.slice(0, MAX_FIELD_ERRORS);
