import { Duration } from 'aws-cdk-lib';
import type { Node } from 'constructs';
import { ENV_DEFAULTS } from '../functions/common/config';
import { SQS_MAX_DELAY_SECONDS } from '../functions/domain/retry-policy';

/**
 * Deployment settings of one stage. A stage named in cdk.json's `context.stages` takes its settings
 * from there only (committed, reviewed, the same on every deploy); any other stage (a developer's own)
 * starts from the defaults and takes `-c key=value` flags. See docs/deploy.md.
 */
export interface StageSettings {
  /** Stage name (`-c stage=prod`); part of the stack name. Lowercase letters, digits and dashes. */
  readonly stage: string;
  /** How often hook-manager verifies every channel's hooks (EventBridge schedule rate). */
  readonly hookVerifyInterval: Duration;
  /** Waits between retries of an event for an order OM has not processed yet; the last one repeats. */
  readonly deferDelays: readonly Duration[];
  /** After this an event for an unprocessed order is `expired`. */
  readonly deferMaxAge: Duration;
  /** Public name for the webhook route; without it the API's execute-api URL is used. */
  readonly customDomain?: CustomDomainSettings;
  /** BigCommerce API base URL (only changed for a BigCommerce test environment). */
  readonly bigCommerceApiUrl: string;
  /** Optional e-mail address subscribed to the alarm topic. */
  readonly alarmEmail?: string;
  /** Application log level of every function. */
  readonly logLevel: LogLevel;
  /** Throttling of the HTTP API stage (requests per second, and burst). */
  readonly throttle: { readonly rateLimit: number; readonly burstLimit: number };
  /**
   * Readers (the webhook function included) may fall back to a channel's combined pre-split secret.
   * Turn off once `npm run secrets:migrate` reports nothing left to migrate (docs/deploy.md).
   */
  readonly legacySecretFallback: boolean;
  /**
   * Requests per source IP per 5 minutes on the webhook route, enforced by AWS WAF on a CloudFront
   * distribution in front of it; 0 = off (no distribution). On needs the stack in us-east-1.
   * @default 2000 for production stages (prod, prod-*), 0 otherwise
   */
  readonly webhookRateLimit: number;
  /**
   * Webhook base URLs this stage used before (e.g. its execute-api URL before a custom domain): hooks
   * under them are still this stage's, and hook-manager moves them to the current one.
   */
  readonly formerWebhookBaseUrls?: readonly string[];
}

export const LOG_LEVELS = ['DEBUG', 'INFO', 'WARN', 'ERROR'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export interface CustomDomainSettings {
  readonly domainName: string;
  /** ACM certificate for `domainName`, in the stack's region (HTTP API domains are regional). */
  readonly certificateArn: string;
}

/** Default `webhookRateLimit` of a production stage; docs/security.md explains the number. */
export const PRODUCTION_WEBHOOK_RATE_LIMIT = 2000;
/** AWS WAF's bounds for a rate-based rule's limit. */
const WAF_RATE_LIMIT_RANGE = { min: 10, max: 2_000_000_000 } as const;

export const DEFAULT_SETTINGS: Omit<StageSettings, 'stage' | 'webhookRateLimit'> = {
  hookVerifyInterval: Duration.seconds(ENV_DEFAULTS.HOOK_VERIFY_INTERVAL_SECONDS),
  deferDelays: ENV_DEFAULTS.DEFER_DELAYS_SECONDS.map((s) => Duration.seconds(s)),
  deferMaxAge: Duration.seconds(ENV_DEFAULTS.DEFER_MAX_AGE_SECONDS),
  bigCommerceApiUrl: ENV_DEFAULTS.BIGCOMMERCE_API_URL,
  logLevel: 'INFO',
  // Generous on purpose: a throttled webhook is a failed delivery, and BigCommerce blocklists the
  // domain when under 90% succeed.
  throttle: { rateLimit: 500, burstLimit: 1000 },
  legacySecretFallback: true,
};

const MAX_HOOK_VERIFY_INTERVAL_SECONDS = 12 * 3600;

export class SettingsError extends Error {
  override name = 'SettingsError';
}

/** Checks settings built in code or from context; throws one error naming every bad setting. */
export function validateSettings(settings: StageSettings): StageSettings {
  const problems: string[] = [];
  if (!/^[a-z][a-z0-9-]{0,19}$/.test(settings.stage)) {
    problems.push('stage must be 1-20 lowercase letters, digits or dashes, starting with a letter');
  }
  const interval = settings.hookVerifyInterval.toSeconds();
  if (!Number.isInteger(interval / 60) || interval < 60) {
    problems.push('hookVerifyIntervalSeconds must be a whole number of minutes (EventBridge rate)');
  }
  // The hook alarms evaluate two sweep intervals; CloudWatch evaluates at most one day.
  if (interval > MAX_HOOK_VERIFY_INTERVAL_SECONDS) {
    problems.push(
      `hookVerifyIntervalSeconds must be at most ${MAX_HOOK_VERIFY_INTERVAL_SECONDS} (${MAX_HOOK_VERIFY_INTERVAL_SECONDS / 3600} hours)`,
    );
  }
  for (const former of settings.formerWebhookBaseUrls ?? [])
    if (!/^https:\/\/[^/\s]+/.test(former))
      problems.push(`formerWebhookBaseUrls: ${former} is not an https URL`);
  if (settings.deferDelays.length === 0) problems.push('deferDelaysSeconds must name at least one delay');
  for (const delay of settings.deferDelays) {
    const s = delay.toSeconds();
    if (!Number.isInteger(s) || s <= 0 || s > SQS_MAX_DELAY_SECONDS) {
      problems.push(
        `deferDelaysSeconds: ${s} is not a whole number of seconds in 1..${SQS_MAX_DELAY_SECONDS} (SQS delay)`,
      );
    }
  }
  const maxAge = settings.deferMaxAge.toSeconds();
  if (!Number.isInteger(maxAge) || maxAge <= 0) {
    problems.push('deferMaxAgeSeconds must be a positive whole number of seconds');
  }
  if (!/^https:\/\/[^/\s]+/.test(settings.bigCommerceApiUrl)) {
    problems.push('bigCommerceApiUrl must be an https URL');
  }
  const domain = settings.customDomain;
  if (domain) {
    if (!/^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,}$/i.test(domain.domainName)) {
      problems.push('domainName must be a fully qualified domain name');
    }
    if (!/^arn:aws[a-z-]*:acm:[a-z0-9-]+:\d{12}:certificate\/.+$/.test(domain.certificateArn)) {
      problems.push('certificateArn must be an ACM certificate ARN');
    }
  }
  if (settings.alarmEmail !== undefined && !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(settings.alarmEmail)) {
    problems.push('alarmEmail must be an e-mail address');
  }
  if (!(LOG_LEVELS as readonly string[]).includes(settings.logLevel)) {
    problems.push(`logLevel must be one of ${LOG_LEVELS.join(', ')}`);
  }
  const { rateLimit, burstLimit } = settings.throttle;
  if (
    !Number.isInteger(rateLimit) ||
    rateLimit <= 0 ||
    !Number.isInteger(burstLimit) ||
    burstLimit < rateLimit
  ) {
    problems.push(
      'throttleRateLimit must be a positive whole number and throttleBurstLimit at least as large',
    );
  }
  const rate = settings.webhookRateLimit;
  const { min, max } = WAF_RATE_LIMIT_RANGE;
  if (!Number.isInteger(rate) || (rate !== 0 && (rate < min || rate > max))) {
    problems.push(`webhookRateLimit must be 0 (off) or a whole number of requests in ${min}..${max}`);
  } else if (rate > 0 && domain && !/^arn:aws[a-z-]*:acm:us-east-1:/.test(domain.certificateArn)) {
    problems.push('certificateArn must be in us-east-1 when webhookRateLimit is on (CloudFront)');
  }
  if (problems.length > 0) throw new SettingsError(`Invalid settings: ${problems.join('; ')}`);
  return settings;
}

/** Context keys read by {@link settingsFromContext}. */
export const CONTEXT_KEYS = [
  'stage',
  'hookVerifyIntervalSeconds',
  'deferDelaysSeconds',
  'deferMaxAgeSeconds',
  'domainName',
  'certificateArn',
  'bigCommerceApiUrl',
  'alarmEmail',
  'logLevel',
  'throttleRateLimit',
  'throttleBurstLimit',
  'legacySecretFallback',
  'webhookRateLimit',
  'formerWebhookBaseUrls',
] as const;
type ContextKey = (typeof CONTEXT_KEYS)[number];

/** cdk.json `context.stages.<stage>`: the committed settings of the stages that must not drift. */
export const STAGES_CONTEXT_KEY = 'stages';

/**
 * Reads the stage settings. `-c stage=<name>` picks the stage (default `dev`). A stage committed in
 * cdk.json (`context.stages.<name>`) takes every setting from there and refuses setting flags, so a
 * deploy cannot change it by adding or forgetting one; other stages read `-c key=value` flags.
 * Values from the command line are strings; cdk.json may hold numbers and arrays.
 */
export function settingsFromContext(node: Node): StageSettings {
  const stageValue: unknown = node.tryGetContext('stage');
  const stage = typeof stageValue === 'string' && stageValue.trim() !== '' ? stageValue.trim() : 'dev';
  const stages: unknown = node.tryGetContext(STAGES_CONTEXT_KEY);
  const committed =
    typeof stages === 'object' && stages !== null && Object.hasOwn(stages, stage)
      ? (stages as Record<string, unknown>)[stage]
      : undefined;
  if (committed !== undefined) {
    if (typeof committed !== 'object' || committed === null || Array.isArray(committed))
      throw new SettingsError(`Invalid settings: context.stages.${stage} must be an object`);
    const flags = CONTEXT_KEYS.filter((k) => k !== 'stage' && node.tryGetContext(k) !== undefined);
    if (flags.length > 0)
      throw new SettingsError(
        `Invalid settings: stage ${stage} is committed in cdk.json (context.stages.${stage}); ` +
          `change ${flags.join(', ')} there, not with -c`,
      );
    const unknown = Object.keys(committed).filter((k) => !(CONTEXT_KEYS as readonly string[]).includes(k));
    if (unknown.length > 0)
      throw new SettingsError(
        `Invalid settings: context.stages.${stage} has unknown keys ${unknown.join(', ')}`,
      );
    return settingsFrom(stage, (key) => (committed as Record<string, unknown>)[key]);
  }
  if (isProductionStage(stage))
    throw new SettingsError(
      `Invalid settings: production stage ${stage} must be committed in cdk.json (context.stages.${stage})`,
    );
  return settingsFrom(stage, (key) => node.tryGetContext(key) as unknown);
}

/** Every stage committed in cdk.json's context, by name (for tests and docs). */
export function committedStages(context: Record<string, unknown>): string[] {
  const stages = context[STAGES_CONTEXT_KEY];
  return typeof stages === 'object' && stages !== null ? Object.keys(stages) : [];
}

function settingsFrom(stage: string, source: (key: ContextKey) => unknown): StageSettings {
  const raw = (key: ContextKey): unknown => {
    const value = source(key);
    return value === '' ? undefined : value;
  };
  const text = (key: ContextKey): string | undefined => {
    const value = raw(key);
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'string') throw new SettingsError(`Invalid settings: ${key} must be a string`);
    return value.trim();
  };
  const wholeNumber = (key: ContextKey): number | undefined => {
    const value = raw(key);
    if (value === undefined || value === null) return undefined;
    const n = typeof value === 'number' ? value : /^\s*\d+\s*$/.test(String(value)) ? Number(value) : NaN;
    if (!Number.isInteger(n) || n <= 0) {
      throw new SettingsError(`Invalid settings: ${key} must be a positive whole number`);
    }
    return n;
  };
  const seconds = (key: ContextKey, fallback: Duration): Duration => {
    const n = wholeNumber(key);
    return n === undefined ? fallback : Duration.seconds(n);
  };
  const delays = (): readonly Duration[] => {
    const value = raw('deferDelaysSeconds');
    if (value === undefined || value === null) return DEFAULT_SETTINGS.deferDelays;
    const parts = Array.isArray(value) ? value.map(String) : String(value).split(',');
    return parts.map((part) => {
      const p = part.trim();
      if (!/^\d+$/.test(p)) {
        throw new SettingsError(
          'Invalid settings: deferDelaysSeconds must be a comma-separated list of whole seconds',
        );
      }
      return Duration.seconds(Number(p));
    });
  };

  /** A comma-separated string (`-c`) or, in cdk.json, an array of strings. */
  const urls = (key: ContextKey): string[] | undefined => {
    const value = raw(key);
    if (value === undefined || value === null) return undefined;
    const parts = Array.isArray(value) ? value.map(String) : String(value).split(',');
    return parts.map((u) => u.trim()).filter((u) => u !== '');
  };

  const domainName = text('domainName');
  const certificateArn = text('certificateArn');
  if ((domainName === undefined) !== (certificateArn === undefined)) {
    throw new SettingsError(
      'Invalid settings: domainName and certificateArn go together (set both or neither)',
    );
  }

  const rateLimit = (): number => {
    const value = raw('webhookRateLimit');
    if (value === undefined || value === null)
      return isProductionStage(stage) ? PRODUCTION_WEBHOOK_RATE_LIMIT : 0;
    if (value === 0 || value === '0') return 0;
    return wholeNumber('webhookRateLimit') ?? 0;
  };

  const flag = (key: (typeof CONTEXT_KEYS)[number], fallback: boolean): boolean => {
    const value = raw(key);
    if (value === undefined || value === null) return fallback;
    if (value === true || value === 'true') return true;
    if (value === false || value === 'false') return false;
    throw new SettingsError(`Invalid settings: ${key} must be true or false`);
  };

  return validateSettings({
    stage,
    hookVerifyInterval: seconds('hookVerifyIntervalSeconds', DEFAULT_SETTINGS.hookVerifyInterval),
    deferDelays: delays(),
    deferMaxAge: seconds('deferMaxAgeSeconds', DEFAULT_SETTINGS.deferMaxAge),
    customDomain: domainName && certificateArn ? { domainName, certificateArn } : undefined,
    bigCommerceApiUrl: text('bigCommerceApiUrl') ?? DEFAULT_SETTINGS.bigCommerceApiUrl,
    alarmEmail: text('alarmEmail'),
    logLevel: (text('logLevel')?.toUpperCase() ?? DEFAULT_SETTINGS.logLevel) as LogLevel,
    throttle: {
      rateLimit: wholeNumber('throttleRateLimit') ?? DEFAULT_SETTINGS.throttle.rateLimit,
      burstLimit: wholeNumber('throttleBurstLimit') ?? DEFAULT_SETTINGS.throttle.burstLimit,
    },
    legacySecretFallback: flag('legacySecretFallback', DEFAULT_SETTINGS.legacySecretFallback),
    webhookRateLimit: rateLimit(),
    formerWebhookBaseUrls: urls('formerWebhookBaseUrls'),
  });
}

/** Production stages keep their data when the stack is deleted and protect tables from deletion. */
export const isProductionStage = (stage: string) => stage === 'prod' || stage.startsWith('prod-');
