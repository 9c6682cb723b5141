import * as z from 'zod';

/**
 * Environment contract shared by every function (DESIGN.md section 7 plus the AWS wiring).
 * Each function parses only what it needs, once at init, and fails fast naming the bad variable.
 */
const seconds = (name: string) =>
  z
    .string()
    .regex(/^\d+$/, `${name} must be a whole number of seconds`)
    .transform(Number)
    .refine((n) => n > 0, `${name} must be greater than 0`);

const delayList = z.string().transform((s, ctx) => {
  const parts = s.split(',').map((p) => p.trim());
  if (parts.length === 0 || parts.some((p) => !/^\d+$/.test(p) || Number(p) <= 0)) {
    ctx.addIssue({
      code: 'custom',
      message: 'DEFER_DELAYS_SECONDS must be a comma-separated list of positive whole seconds',
    });
    return z.NEVER;
  }
  return parts.map(Number);
});

const url = (name: string) =>
  z.url(`${name} must be an absolute URL`).transform((u) => u.replace(/\/+$/, ''));

const urlList = (name: string) =>
  z.string().transform((s, ctx) => {
    const parts = s
      .split(',')
      .map((p) => p.trim())
      .filter((p) => p !== '');
    for (const part of parts)
      if (!z.url().safeParse(part).success) {
        ctx.addIssue({ code: 'custom', message: `${name} must be a comma-separated list of absolute URLs` });
        return z.NEVER;
      }
    return parts.map((p) => p.replace(/\/+$/, ''));
  });

export const envSchemas = {
  CHANNELS_TABLE: z.string().min(1),
  ORDERS_TABLE: z.string().min(1),
  /** Local only: keep channel secrets in this DynamoDB table instead of Secrets Manager. */
  SECRETS_TABLE: z.string().min(1).optional(),
  /** AWS: channel secrets are named `${SECRET_NAME_PREFIX}${channelId}`. */
  SECRET_NAME_PREFIX: z.string().min(1).optional(),
  ORDER_EVENTS_QUEUE_URL: z.string().min(1),
  DEAD_LETTER_QUEUE_URL: z.string().min(1).optional(),
  EVENT_BUS_NAME: z.string().min(1).default('default'),
  BIGCOMMERCE_API_URL: url('BIGCOMMERCE_API_URL').default('https://api.bigcommerce.com'),
  WEBHOOK_BASE_URL: url('WEBHOOK_BASE_URL'),
  /** Base URLs this deployment used before (e.g. before a custom domain): their hooks are still ours. */
  FORMER_WEBHOOK_BASE_URLS: urlList('FORMER_WEBHOOK_BASE_URLS').default([]),
  DEFER_DELAYS_SECONDS: delayList.default([60, 120, 240, 480, 900]),
  DEFER_MAX_AGE_SECONDS: seconds('DEFER_MAX_AGE_SECONDS').default(86400),
  HOOK_VERIFY_INTERVAL_SECONDS: seconds('HOOK_VERIFY_INTERVAL_SECONDS').default(900),
  /** Local stand-ins; unset in AWS. */
  DYNAMODB_ENDPOINT: url('DYNAMODB_ENDPOINT').optional(),
  SQS_ENDPOINT: url('SQS_ENDPOINT').optional(),
  EVENTBRIDGE_ENDPOINT: url('EVENTBRIDGE_ENDPOINT').optional(),
  SECRETSMANAGER_ENDPOINT: url('SECRETSMANAGER_ENDPOINT').optional(),
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
