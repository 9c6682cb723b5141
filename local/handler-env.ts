import { ENV_DEFAULTS } from '../functions/common/config';
import { HANDLER_ENV_KEYS, type LocalEnv } from './options';
import { resourceEnv, type Provisioned } from './provision';

/**
 * The functions' environment in the local stack: the provisioned resources and stand-in endpoints, plus
 * the docs/contract.md section 7 variables the user set (validated in options.ts). Every function gets the
 * same one, as each parses only the keys it reads.
 */

type Resources = Pick<Provisioned, 'dynamoEndpoint' | 'sqsEndpoint' | 'tables' | 'queues'>;

const noTrailingSlash = (url: string) => url.replace(/\/+$/, '');

export function buildHandlerEnv(input: {
  region: string;
  env: LocalEnv;
  resources: Resources;
  /** The stack's API, where BigCommerce's webhooks go unless WEBHOOK_BASE_URL says otherwise. */
  apiUrl: string;
  /** The embedded sandbox; unused when BIGCOMMERCE_API_URL is set. */
  sandboxUrl: string | undefined;
  eventBusUrl: string;
}): Record<string, string> {
  const { env } = input;
  const bigCommerce = env.BIGCOMMERCE_API_URL ?? input.sandboxUrl;
  if (!bigCommerce) throw new Error('no BigCommerce: neither BIGCOMMERCE_API_URL nor a sandbox');
  return {
    // Every variable the user set, passed on (unset, each function uses its own default,
    // functions/common/config.ts); what the stack knows better is set below.
    ...Object.fromEntries(HANDLER_ENV_KEYS.filter((key) => env[key]).map((key) => [key, env[key]!])),
    AWS_REGION: input.region,
    ...resourceEnv(input.resources),
    EVENT_BUS_NAME: 'default',
    BIGCOMMERCE_API_URL: noTrailingSlash(bigCommerce),
    WEBHOOK_BASE_URL: noTrailingSlash(env.WEBHOOK_BASE_URL ?? input.apiUrl),
    HOOK_VERIFY_INTERVAL_SECONDS:
      env.HOOK_VERIFY_INTERVAL_SECONDS ?? String(ENV_DEFAULTS.HOOK_VERIFY_INTERVAL_SECONDS),
    EVENTBRIDGE_ENDPOINT: input.eventBusUrl,
    POWERTOOLS_METRICS_DISABLED: process.env.POWERTOOLS_METRICS_DISABLED ?? 'true',
    POWERTOOLS_LOG_LEVEL: (
      env.POWERTOOLS_LOG_LEVEL ??
      process.env.POWERTOOLS_LOG_LEVEL ??
      'INFO'
    ).toUpperCase(),
  };
}

/** Powertools reads its settings from process.env (not from wire's env); fill in what the user left unset. */
export function fillPowertoolsDefaults(handlerEnv: Record<string, string>): void {
  for (const key of ['POWERTOOLS_METRICS_DISABLED', 'POWERTOOLS_LOG_LEVEL'])
    process.env[key] ??= handlerEnv[key];
}

/** For wire(env) in tests and benches: these resources, a placeholder webhook base URL, no metrics, no logs. */
export const quietHandlerEnv = (resources: Resources): Record<string, string> => ({
  ...resourceEnv(resources),
  WEBHOOK_BASE_URL: 'http://127.0.0.1:3000',
  POWERTOOLS_METRICS_DISABLED: 'true',
  POWERTOOLS_LOG_LEVEL: 'SILENT',
});
