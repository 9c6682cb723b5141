import type { Context } from 'aws-lambda';
import { createObservability, withObservability } from '../../../functions/common/observability';

const context = {
  functionName: 'f',
  functionVersion: '$LATEST',
  invokedFunctionArn: 'arn:aws:lambda:us-east-1:000000000000:function:f',
  memoryLimitInMB: '128',
  awsRequestId: 'req-1',
  logGroupName: '/aws/lambda/f',
  logStreamName: 's',
  callbackWaitsForEmptyEventLoop: true,
  getRemainingTimeInMillis: () => 1000,
} as unknown as Context;

const saved = { ...process.env };
afterEach(() => {
  process.env = { ...saved };
  jest.restoreAllMocks();
});

test('the invocation event is never logged, even with POWERTOOLS_LOGGER_LOG_EVENT=true', async () => {
  process.env.POWERTOOLS_LOGGER_LOG_EVENT = 'true';
  process.env.POWERTOOLS_LOG_LEVEL = 'DEBUG';
  process.env.POWERTOOLS_DEV = 'true'; // plain console output, captured below
  process.env.POWERTOOLS_METRICS_DISABLED = 'true';
  const lines: string[] = [];
  for (const method of ['log', 'info', 'debug', 'warn', 'error'] as const)
    jest
      .spyOn(console, method)
      .mockImplementation((...args: unknown[]) => void lines.push(args.map(String).join(' ')));
  const obs = createObservability('probe');
  const handler = withObservability(async () => {
    obs.logger.info('handled');
    return 'ok';
  }, obs);
  const event = { headers: { 'x-webhook-token': 'TOKEN-must-not-be-logged' } };
  expect(await handler(event, context)).toBe('ok');
  expect(lines.join('\n')).toContain('handled');
  expect(lines.join('\n')).not.toContain('TOKEN-must-not-be-logged');
});
