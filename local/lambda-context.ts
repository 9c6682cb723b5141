import { randomUUID } from 'node:crypto';
import type { Context } from 'aws-lambda';
import { FUNCTION_MEMORY_MB } from '../functions/common/limits';
import type { FunctionName } from '../functions/common/routes';

/** What the local runtime calls: a Lambda handler in its async form. */
export type LambdaHandler<E = unknown, R = unknown> = (event: E, context: Context) => Promise<R>;

export const LOCAL_ACCOUNT_ID = '000000000000';
export const LOCAL_REGION = 'us-east-1';

export interface InvokeOptions {
  functionName: string;
  /** Like the function's configured timeout: the invocation fails after this long. */
  timeoutMs: number;
  region?: string;
}

/** A Lambda context object as the runtime passes it, with a clock that counts down to the timeout. */
export function createLambdaContext(options: InvokeOptions, deadline: number): Context {
  const region = options.region ?? LOCAL_REGION;
  const requestId = randomUUID();
  const unsupported = () => {
    throw new Error('callback-style completion is not supported: return a promise');
  };
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName: options.functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:${region}:${LOCAL_ACCOUNT_ID}:function:${options.functionName}`,
    // The function's configured memory (functions/common/limits.ts), as Lambda reports it.
    memoryLimitInMB: String(FUNCTION_MEMORY_MB[options.functionName as FunctionName] ?? 1024),
    awsRequestId: requestId,
    logGroupName: `/aws/lambda/${options.functionName}`,
    logStreamName: `local/[$LATEST]${requestId.replaceAll('-', '')}`,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: unsupported,
    fail: unsupported,
    succeed: unsupported,
  };
}

export class InvocationTimeoutError extends Error {
  override name = 'InvocationTimeoutError';
}

/**
 * Invokes a handler as the Lambda runtime would: a fresh context per call and a hard timeout. On a
 * timeout the caller sees a failure (as with Lambda), though the promise itself cannot be frozen.
 */
export async function invokeHandler<E, R>(
  handler: LambdaHandler<E, R>,
  event: E,
  options: InvokeOptions,
): Promise<R> {
  const deadline = Date.now() + options.timeoutMs;
  const context = createLambdaContext(options, deadline);
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new InvocationTimeoutError(`${options.functionName}: task timed out after ${options.timeoutMs} ms`),
        ),
      options.timeoutMs,
    );
  });
  try {
    return await Promise.race([Promise.resolve().then(() => handler(event, context)), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
