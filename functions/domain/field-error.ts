/** One problem with an input, naming the field when there is one; answers carry `{"errors":[...]}`. */
export interface FieldError {
  field?: string;
  message: string;
}
