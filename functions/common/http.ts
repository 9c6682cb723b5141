import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { firstFieldErrors, type FieldError } from '../domain/field-error';

export type HttpResult = APIGatewayProxyStructuredResultV2 & { statusCode: number };

export const json = (
  statusCode: number,
  body: unknown,
  headers: Record<string, string> = {},
): HttpResult => ({
  statusCode,
  headers: { 'content-type': 'application/json', ...headers },
  body: JSON.stringify(body),
});

export const empty = (statusCode: number): HttpResult => ({ statusCode });

/**
 * Error answers are always `{"errors":[{field?, message}]}` so clients can point at the bad field; at
 * most MAX_FIELD_ERRORS of them.
 */
export type { FieldError };
export const errors = (statusCode: number, list: FieldError[]): HttpResult =>
  json(statusCode, { errors: firstFieldErrors(list) });

/** The raw request body as bytes, honouring API Gateway's base64 flag. */
export const rawBody = (event: { body?: string; isBase64Encoded?: boolean }): Buffer =>
  event.body === undefined
    ? Buffer.alloc(0)
    : Buffer.from(event.body, event.isBase64Encoded ? 'base64' : 'utf8');
