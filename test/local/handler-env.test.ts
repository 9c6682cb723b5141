import { buildHandlerEnv } from '../../local/handler-env';
import { tableNames } from '../../local/provision';

/** The functions' environment in the local stack: what the user set is passed on, nothing else is invented. */

const input = {
  region: 'us-east-1',
  resources: {
    dynamoEndpoint: 'http://127.0.0.1:1',
    sqsEndpoint: 'http://127.0.0.1:2',
    tables: tableNames('x-'),
    queues: { queueUrl: 'q', deadLetterQueueUrl: 'dlq', hookWorkQueueUrl: 'hw' },
  },
  apiUrl: 'http://127.0.0.1:3000',
  sandboxUrl: 'http://127.0.0.1:3100/',
  eventBusUrl: 'http://127.0.0.1:4',
};

test('hook-manager gets its work queue and the catch-up delay the user set', () => {
  const env = buildHandlerEnv({ ...input, env: { HOOK_CATCH_UP_DELAY_SECONDS: '30' } });
  expect(env).toMatchObject({ HOOK_WORK_QUEUE_URL: 'hw', HOOK_CATCH_UP_DELAY_SECONDS: '30' });
});

test('unset tunables are left out, so each function uses its own default', () => {
  const env = buildHandlerEnv({ ...input, env: {} });
  expect(env).not.toHaveProperty('HOOK_CATCH_UP_DELAY_SECONDS');
  expect(env).not.toHaveProperty('DEFER_DELAYS_SECONDS');
  expect(env).toMatchObject({
    BIGCOMMERCE_API_URL: 'http://127.0.0.1:3100',
    WEBHOOK_BASE_URL: 'http://127.0.0.1:3000',
    EVENTBRIDGE_ENDPOINT: 'http://127.0.0.1:4',
  });
});
