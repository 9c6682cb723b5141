import {
  delayForAttempt,
  isExpired,
  planDelay,
  processedRetentionSeconds,
  THROTTLE_JITTER_SECONDS,
  throttleDelaySeconds,
  unimportedOrderTtlSeconds,
} from '../../../functions/domain/retry-policy';

const policy = { delaysSeconds: [60, 120, 240, 480, 900], maxAgeSeconds: 86_400 };
const now = new Date('2026-05-01T12:00:00.000Z');

test('delays follow the list and the last one repeats', () => {
  expect([1, 2, 3, 4, 5, 6, 100].map((a) => delayForAttempt(policy, a))).toEqual([
    60, 120, 240, 480, 900, 900, 900,
  ]);
  expect(delayForAttempt(policy, 0)).toBe(60);
  expect(() => delayForAttempt({ delaysSeconds: [], maxAgeSeconds: 1 }, 1)).toThrow(/must not be empty/);
});

test('expiry counts from the first receipt', () => {
  expect(isExpired(policy, '2026-04-30T12:00:00.000Z', now)).toBe(false);
  expect(isExpired(policy, '2026-04-30T11:59:59.999Z', now)).toBe(true);
});

test('waits up to 900 s fit one message; longer ones are chained with notBefore', () => {
  expect(planDelay(0, now)).toEqual({ delaySeconds: 0 });
  expect(planDelay(899.2, now)).toEqual({ delaySeconds: 900 });
  expect(planDelay(900, now)).toEqual({ delaySeconds: 900 });
  expect(planDelay(3600, now)).toEqual({ delaySeconds: 900, notBefore: '2026-05-01T13:00:00.000Z' });
});

test('processed marks and unimported items live at least a week, and past the maximum age', () => {
  expect(processedRetentionSeconds(policy)).toBe(7 * 86_400);
  expect(processedRetentionSeconds({ maxAgeSeconds: 10 * 86_400 })).toBe(11 * 86_400);
  expect(unimportedOrderTtlSeconds(policy)).toBe(7 * 86_400);
});

test.each([
  // retryAfterMs, jitter, seconds
  [0, 0, 1],
  [1, 0, 1],
  [1_000, 0, 1],
  [1_001, 0, 2],
  [30_000, 0, 30],
  [30_000, 0.5, 33],
  [30_000, 0.999, 35],
  [30_000, 5, 35],
  [-5, -1, 1],
])('a rate limit of %d ms with jitter %d waits %d s', (retryAfterMs, jitter, seconds) => {
  expect(throttleDelaySeconds(retryAfterMs, jitter)).toBe(seconds);
  expect(seconds - Math.max(1, Math.ceil(Math.max(0, retryAfterMs) / 1000))).toBeLessThanOrEqual(
    THROTTLE_JITTER_SECONDS,
  );
});
