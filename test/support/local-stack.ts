import { randomBytes, randomUUID } from 'node:crypto';
import { waitFor } from './wait';
import { startLocalStack, type LocalLog, type LocalStack, type LocalStackOptions } from '../../local/stack';

/**
 * The local stack in a test file: the real functions (unless stand-ins are given) on the Jest run's
 * shared dynalite and fauxqs (test/global-setup.mjs) under a unique prefix, on free ports.
 */

export const silentLog: LocalLog = { info: () => undefined, error: () => undefined };

/** A stack log that keeps only its errors, for a test to assert there were none. */
export function collectErrors(): { errors: string[]; log: LocalLog } {
  const errors: string[] = [];
  return {
    errors,
    log: { info: () => undefined, error: (message, error) => errors.push(`${message}: ${String(error)}`) },
  };
}

/** The stand-ins test/global-setup.mjs started, as the stack's endpoint variables. */
export const sharedStandIns = () => ({
  DYNAMODB_ENDPOINT: process.env.TEST_DYNAMODB_ENDPOINT!,
  SQS_ENDPOINT: process.env.TEST_SQS_ENDPOINT!,
});

/** A fast, unthrottled sandbox, short polls and silent logs unless `options` say otherwise (`env` adds). */
export function startTestStack(options: LocalStackOptions = {}): Promise<LocalStack> {
  const { env, ...rest } = options;
  return startLocalStack({
    port: 0,
    sandboxPort: 0,
    prefix: `l${randomUUID().slice(0, 8)}-`,
    sandboxRateLimit: false,
    pollerOptions: { waitTimeSeconds: 1 },
    log: silentLog,
    ...rest,
    env: { ...sharedStandIns(), SANDBOX_TIME_SCALE: '0.001', POWERTOOLS_LOG_LEVEL: 'SILENT', ...env },
  });
}

/** Lets the sandbox's deliveries in flight finish, then stops the stack (if it started). */
export async function stopTestStack(stack: LocalStack | undefined): Promise<void> {
  await stack?.sandbox?.settled();
  await stack?.stop();
}

/** A request to the stack's API, with a JSON body when one is given. */
export const apiRequest = (stack: LocalStack, method: string, path: string, body?: unknown) =>
  fetch(`${stack.url}${path}`, {
    method,
    ...(body === undefined
      ? {}
      : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
  });

/** A new store in the embedded sandbox and its channel saved through the API (`ch-<storeHash>`). */
export async function createChannel(
  stack: LocalStack,
  settings: { hashPrefix: string; validCancellationStatuses: string[]; validFulfillmentStatuses: string[] },
) {
  const { hashPrefix, ...statuses } = settings;
  const storeHash = `${hashPrefix}${randomBytes(3).toString('hex')}`;
  const accessToken = randomBytes(12).toString('hex');
  stack.sandbox!.createStore({ storeHash, accessToken, clientSecret: randomBytes(12).toString('hex') });
  const channelId = `ch-${storeHash}`;
  const saved = await apiRequest(stack, 'PUT', `/channels/${channelId}`, {
    storeHash,
    accessToken,
    ...statuses,
  });
  return { storeHash, accessToken, channelId, saved };
}

/** `createChannel`, then waits until hook-manager has subscribed it in the sandbox. */
export async function createSubscribedChannel(
  stack: LocalStack,
  settings: Parameters<typeof createChannel>[1],
) {
  const created = await createChannel(stack, settings);
  await waitFor(() => stack.sandbox!.hooks(created.storeHash).length > 0, { what: 'the hooks' });
  return created;
}
