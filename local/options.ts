import { ConfigError, loadConfig } from '../functions/common/config';

/**
 * The local runtime's settings: `npm start` flags plus the docs/contract.md section 7 variables, validated up
 * front so a bad value is one clear line naming the variable, before anything starts.
 */

/** Variables the local stack passes on to the handlers (validated with the handlers' own schemas). */
export const HANDLER_ENV_KEYS = [
  'BIGCOMMERCE_API_URL',
  'WEBHOOK_BASE_URL',
  'DEFER_DELAYS_SECONDS',
  'DEFER_MAX_AGE_SECONDS',
  'HOOK_VERIFY_INTERVAL_SECONDS',
  'HOOK_CATCH_UP_DELAY_SECONDS',
  'DYNAMODB_ENDPOINT',
  'SQS_ENDPOINT',
] as const;
export type HandlerEnvKey = (typeof HANDLER_ENV_KEYS)[number];

export type LocalEnvKey = HandlerEnvKey | 'SANDBOX_TIME_SCALE' | 'POWERTOOLS_LOG_LEVEL';
export type LocalEnv = Partial<Record<LocalEnvKey, string>>;

export interface StartOptions {
  port: number;
  sandboxPort: number;
  memory: boolean;
  dataDir: string;
  env: LocalEnv;
  help: boolean;
}

export const DEFAULT_PORT = 3000;
export const DEFAULT_SANDBOX_PORT = 3100;
export const DEFAULT_DATA_DIR = '.local';

export const USAGE = `Usage: npm start [-- --memory] [-- --data-dir DIR]

  --memory        keep nothing between runs (no files under the data directory)
  --data-dir DIR  where DynamoDB and SQS data are kept (default ${DEFAULT_DATA_DIR}/)
  --help          show this help

Environment: PORT (${DEFAULT_PORT}), SANDBOX_PORT (${DEFAULT_SANDBOX_PORT}), BIGCOMMERCE_API_URL, WEBHOOK_BASE_URL,
DEFER_DELAYS_SECONDS, DEFER_MAX_AGE_SECONDS, HOOK_VERIFY_INTERVAL_SECONDS, HOOK_CATCH_UP_DELAY_SECONDS,
SANDBOX_TIME_SCALE, DYNAMODB_ENDPOINT, SQS_ENDPOINT, POWERTOOLS_LOG_LEVEL (see README.md).`;

const LOG_LEVELS = ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'CRITICAL', 'SILENT'];

export function parsePort(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined || value === '') return fallback;
  if (!/^\d+$/.test(value) || Number(value) > 65535)
    throw new ConfigError(`${name} must be a port number from 0 to 65535 (got "${value}")`);
  return Number(value);
}

/** Checks the stack's environment overrides; throws one ConfigError naming every bad variable. */
export function validateLocalEnv(env: LocalEnv): void {
  const problems: string[] = [];
  try {
    // WEBHOOK_BASE_URL has no default in the handlers' schema; locally it defaults to the API's URL.
    loadConfig({ WEBHOOK_BASE_URL: 'http://127.0.0.1', ...env }, HANDLER_ENV_KEYS);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    problems.push(error.message.replace(/^Invalid environment: /, ''));
  }
  const scale = env.SANDBOX_TIME_SCALE;
  if (scale !== undefined && scale !== '' && !(Number(scale) > 0 && Number.isFinite(Number(scale))))
    problems.push(`SANDBOX_TIME_SCALE must be a number greater than 0 (got "${scale}")`);
  const level = env.POWERTOOLS_LOG_LEVEL;
  if (level !== undefined && level !== '' && !LOG_LEVELS.includes(level.toUpperCase()))
    problems.push(`POWERTOOLS_LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')} (got "${level}")`);
  if (problems.length > 0) throw new ConfigError(`Invalid environment: ${problems.join('; ')}`);
}

/** `npm start` arguments and environment → options; throws ConfigError with a one-line message. */
export function parseStartOptions(
  argv: readonly string[],
  env: Record<string, string | undefined>,
): StartOptions {
  let memory = false;
  let help = false;
  let dataDir = DEFAULT_DATA_DIR;
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i]!;
    if (arg === '--memory') memory = true;
    else if (arg === '--help' || arg === '-h') help = true;
    else if (arg === '--data-dir' || arg.startsWith('--data-dir=')) {
      const value = arg.includes('=') ? arg.slice(arg.indexOf('=') + 1) : argv[++i];
      if (!value) throw new ConfigError('--data-dir needs a directory');
      dataDir = value;
    } else throw new ConfigError(`unknown option ${arg} (try --help)`);
  }

  const port = parsePort('PORT', env.PORT, DEFAULT_PORT);
  const sandboxPort = parsePort('SANDBOX_PORT', env.SANDBOX_PORT, DEFAULT_SANDBOX_PORT);
  const keys: LocalEnvKey[] = [...HANDLER_ENV_KEYS, 'SANDBOX_TIME_SCALE', 'POWERTOOLS_LOG_LEVEL'];
  const local: LocalEnv = {};
  for (const key of keys) {
    const value = env[key];
    if (value !== undefined && value !== '') local[key] = value;
  }
  validateLocalEnv(local);
  if (port !== 0 && port === sandboxPort && !local.BIGCOMMERCE_API_URL)
    throw new ConfigError(`PORT and SANDBOX_PORT must differ (both are ${port})`);
  return { port, sandboxPort, memory, dataDir, env: local, help };
}
