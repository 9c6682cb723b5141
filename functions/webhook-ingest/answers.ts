import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { errors } from '../common/http';

/**
 * What both webhook routes (order callbacks and delivery exceptions) answer alike, and how they read
 * headers: one size limit, one set of error answers.
 */
/** BigCommerce callbacks are a few hundred bytes; anything over this is not one. */
export const MAX_BODY_BYTES = 64 * 1024;

export const UNAUTHORIZED = () => errors(401, [{ message: 'unauthorized' }]);
export const UNKNOWN_CHANNEL = () => errors(404, [{ field: 'channelId', message: 'unknown channel' }]);
export const TOO_LARGE = () => errors(413, [{ message: `body larger than ${MAX_BODY_BYTES} bytes` }]);
export const UNAVAILABLE = () => errors(503, [{ message: 'temporarily unavailable, retry later' }]);

/** API Gateway v2 lower-cases header names already; this keeps the handlers right for any caller. */
export function lowerCaseHeaders(
  headers: APIGatewayProxyEventV2['headers'] | undefined,
): Record<string, string> {
  const out: Record<string, string> = {};
  if (headers)
    for (const name in headers) if (headers[name] !== undefined) out[name.toLowerCase()] = headers[name];
  return out;
}
