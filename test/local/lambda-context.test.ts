import { FUNCTION_MEMORY_MB } from '../../functions/common/limits';
import { createLambdaContext, invokeHandler, InvocationTimeoutError } from '../../local/lambda-context';

test('the context names the function and counts down to its deadline', () => {
  const context = createLambdaContext({ functionName: 'order-worker', timeoutMs: 1000 }, Date.now() + 1000);
  expect(context).toMatchObject({
    functionName: 'order-worker',
    functionVersion: '$LATEST',
    invokedFunctionArn: 'arn:aws:lambda:us-east-1:000000000000:function:order-worker',
    logGroupName: '/aws/lambda/order-worker',
  });
  expect(context.awsRequestId).toMatch(/^[0-9a-f-]{36}$/);
  expect(context.getRemainingTimeInMillis()).toBeGreaterThan(0);
  expect(context.getRemainingTimeInMillis()).toBeLessThanOrEqual(1000);
});

test('invokeHandler passes the event and a fresh context, and returns the result', async () => {
  const ids = new Set<string>();
  const handler = async (event: { n: number }, context: { awsRequestId: string }) => {
    ids.add(context.awsRequestId);
    return event.n * 2;
  };
  await expect(invokeHandler(handler, { n: 2 }, { functionName: 'f', timeoutMs: 1000 })).resolves.toBe(4);
  await invokeHandler(handler, { n: 3 }, { functionName: 'f', timeoutMs: 1000 });
  expect(ids.size).toBe(2);
});

test('a handler that runs past its timeout fails the invocation, as in Lambda', async () => {
  let release!: () => void;
  const slow = () => new Promise<void>((resolve) => (release = resolve));
  await expect(invokeHandler(slow, {}, { functionName: 'slow', timeoutMs: 20 })).rejects.toThrow(
    InvocationTimeoutError,
  );
  release();
});

test('a synchronous throw becomes a rejected invocation', async () => {
  const broken = (() => {
    throw new Error('init failed');
  }) as unknown as () => Promise<void>;
  await expect(invokeHandler(broken, {}, { functionName: 'b', timeoutMs: 100 })).rejects.toThrow(
    'init failed',
  );
});

test("the context reports the function's configured memory, as Lambda does", () => {
  const deadline = Date.now() + 1_000;
  expect(
    createLambdaContext({ functionName: 'support-widget', timeoutMs: 1_000 }, deadline).memoryLimitInMB,
  ).toBe(String(FUNCTION_MEMORY_MB['support-widget']));
});
