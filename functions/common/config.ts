import * as z from './zod';

/**
 * Environment contract shared by every function (docs/contract.md section 7 plus the AWS wiring).
 * Each function parses only what it needs, once at init, and fails fast naming the bad variable.
 */
const seconds = (name: string) =>
  z.pipe(
    z.pipe(
      z.string().check(z.regex(/^\d+$/, `${name} must be a whole number of seconds`)),
      z.transform(Number),
    ),
    z.number().check(z.positive(`${name} must be greater than 0`)),
  );

const isDelayList = (s: string) => s.split(',').every((p) => /^\d+$/.test(p.trim()) && Number(p) > 0);
const delayList = z.pipe(
  z
    .string()
    .check(
      z.refine(isDelayList, 'DEFER_DELAYS_SECONDS must be a comma-separated list of positive whole seconds'),
    ),
  z.transform((s: string) => s.split(',').map((p) => Number(p.trim()))),
);

const url = (name: string) =>
  z.pipe(
    z.url(`${name} must be an absolute URL`),
    z.transform((u: string) => u.replace(/\/+$/, '')),
  );

const nonEmpty = () => z.string().check(z.minLength(1));

/** Defaults of the tunable variables (docs/contract.md section 7); lib/settings.ts deploys the same. */
export const ENV_DEFAULTS = {
  BIGCOMMERCE_API_URL: 'https://api.bigcommerce.com',
  DEFER_DELAYS_SECONDS: [60, 120, 240, 480, 900],
  DEFER_MAX_AGE_SECONDS: 86400,
  HOOK_VERIFY_INTERVAL_SECONDS: 900,
  /** BigCommerce may take a minute to start firing a new hook: reconcile once more after this. */
  HOOK_CATCH_UP_DELAY_SECONDS: 120,
} as const;

const anyUrl = z.url();
const isUrl = (s: string) => anyUrl.safeParse(s).success;
const splitList = (s: string) =>
  s
    .split(',')
    .map((p) => p.trim())
    .filter((p) => p !== '');
const urlList = (name: string) =>
  z.pipe(
    z
      .string()
      .check(
        z.refine(
          (s: string) => splitList(s).every(isUrl),
          `${name} must be a comma-separated list of absolute URLs`,
        ),
      ),
    z.transform((s: string) => splitList(s).map((p) => p.replace(/\/+$/, ''))),
  );

export const envSchemas = {
  CHANNELS_TABLE: nonEmpty(),
  ORDERS_TABLE: nonEmpty(),
  /** Local only: keep channel secrets in this DynamoDB table instead of Secrets Manager. */
  SECRETS_TABLE: z.optional(nonEmpty()),
  /** AWS: channel secrets are named under this prefix (functions/adapters/secret-store.ts). */
  SECRET_NAME_PREFIX: z.optional(nonEmpty()),
  /** `false` once every channel's combined secret is migrated (docs/deploy.md); readers then skip it. */
  SECRET_LEGACY_FALLBACK: z.optional(
    z.pipe(
      z.enum(['true', 'false'], 'SECRET_LEGACY_FALLBACK must be true or false'),
      z.transform((v) => v === 'true'),
    ),
  ),
  ORDER_EVENTS_QUEUE_URL: nonEmpty(),
  DEAD_LETTER_QUEUE_URL: z.optional(nonEmpty()),
  EVENT_BUS_NAME: z._default(nonEmpty(), 'default'),
  BIGCOMMERCE_API_URL: z._default(url('BIGCOMMERCE_API_URL'), ENV_DEFAULTS.BIGCOMMERCE_API_URL),
  WEBHOOK_BASE_URL: url('WEBHOOK_BASE_URL'),
  /** Base URLs this deployment used before (e.g. before a custom domain): their hooks are still ours. */
  FORMER_WEBHOOK_BASE_URLS: z._default(urlList('FORMER_WEBHOOK_BASE_URLS'), []),
  DEFER_DELAYS_SECONDS: z._default(delayList, [...ENV_DEFAULTS.DEFER_DELAYS_SECONDS]),
  DEFER_MAX_AGE_SECONDS: z._default(seconds('DEFER_MAX_AGE_SECONDS'), ENV_DEFAULTS.DEFER_MAX_AGE_SECONDS),
  HOOK_VERIFY_INTERVAL_SECONDS: z._default(
    seconds('HOOK_VERIFY_INTERVAL_SECONDS'),
    ENV_DEFAULTS.HOOK_VERIFY_INTERVAL_SECONDS,
  ),
  /** hook-manager's own queue: sweep shards and delayed catch-up reconciles. */
  HOOK_WORK_QUEUE_URL: nonEmpty(),
  HOOK_CATCH_UP_DELAY_SECONDS: z._default(
    z.pipe(
      seconds('HOOK_CATCH_UP_DELAY_SECONDS'),
      z.number().check(z.lte(900, 'HOOK_CATCH_UP_DELAY_SECONDS must be at most 900 (the SQS maximum delay)')),
    ),
    ENV_DEFAULTS.HOOK_CATCH_UP_DELAY_SECONDS,
  ),
  /** Local stand-ins; unset in AWS. */
  DYNAMODB_ENDPOINT: z.optional(url('DYNAMODB_ENDPOINT')),
  SQS_ENDPOINT: z.optional(url('SQS_ENDPOINT')),
  EVENTBRIDGE_ENDPOINT: z.optional(url('EVENTBRIDGE_ENDPOINT')),
  SECRETSMANAGER_ENDPOINT: z.optional(url('SECRETSMANAGER_ENDPOINT')),
} as const;

type Schemas = typeof envSchemas;
export type EnvKey = keyof Schemas;
export type Config<K extends EnvKey> = { [P in K]: z.output<Schemas[P]> };

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Parse the named variables from `env`; throws one ConfigError listing every bad variable by name. */
export function loadConfig<K extends EnvKey>(
  env: Record<string, string | undefined>,
  keys: readonly K[],
): Config<K> {
  const shape = Object.fromEntries(keys.map((k) => [k, envSchemas[k]])) as { [P in K]: Schemas[P] };
  const input = Object.fromEntries(keys.map((k) => [k, env[k] === '' ? undefined : env[k]]));
  const result = z.object(shape).safeParse(input);
  if (!result.success) {
    const problems = result.error.issues.map((i) => {
      const name = String(i.path[0] ?? '');
      if (i.code === 'invalid_type' && input[name] === undefined) return `${name} is required`;
      return i.message.includes(name) ? i.message : `${name}: ${i.message}`;
    });
    throw new ConfigError(`Invalid environment: ${problems.join('; ')}`);
  }
  return result.data as Config<K>;
}
