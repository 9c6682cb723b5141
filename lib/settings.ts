import { Duration } from 'aws-cdk-lib';
import type { Node } from 'constructs';

/**
 * Deployment settings of one stage. Everything has a default so `npx cdk deploy` works without
 * context; each can be overridden with `-c key=value` (see docs/deploy.md).
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
  /**
   * Webhook base URLs this stage used before (e.g. its execute-api URL before a custom domain): hooks
   * under them are still this stage's, and hook-manager moves them to the current one.
   */
  readonly formerWebhookBaseUrls?: readonly string[];
}

export interface CustomDomainSettings {
  readonly domainName: string;
  /** ACM certificate for `domainName`, in the stack's region (HTTP API domains are regional). */
  readonly certificateArn: string;
}

export const DEFAULT_SETTINGS: Omit<StageSettings, 'stage'> = {
  hookVerifyInterval: Duration.seconds(900),
  deferDelays: [60, 120, 240, 480, 900].map((s) => Duration.seconds(s)),
  deferMaxAge: Duration.seconds(86400),
  bigCommerceApiUrl: 'https://api.bigcommerce.com',
};

/** SQS caps DelaySeconds at 15 minutes; deferral waits are SendMessage delays. */
const MAX_DEFER_DELAY_SECONDS = 900;

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
  for (const former of settings.formerWebhookBaseUrls ?? [])
    if (!/^https:\/\/[^/\s]+/.test(former))
      problems.push(`formerWebhookBaseUrls: ${former} is not an https URL`);
  if (settings.deferDelays.length === 0) problems.push('deferDelaysSeconds must name at least one delay');
  for (const delay of settings.deferDelays) {
    const s = delay.toSeconds();
    if (!Number.isInteger(s) || s <= 0 || s > MAX_DEFER_DELAY_SECONDS) {
      problems.push(`deferDelaysSeconds: ${s} is not a whole number of seconds in 1..900 (SQS delay)`);
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
  'formerWebhookBaseUrls',
] as const;

/**
 * Reads the stage settings from CDK context (`-c stage=prod -c deferMaxAgeSeconds=43200`, or the
 * `context` of cdk.json). Values from the command line are strings; cdk.json may hold numbers/arrays.
 */
export function settingsFromContext(node: Node): StageSettings {
  const raw = (key: (typeof CONTEXT_KEYS)[number]): unknown => {
    const value: unknown = node.tryGetContext(key);
    return value === '' ? undefined : value;
  };
  const text = (key: (typeof CONTEXT_KEYS)[number]): string | undefined => {
    const value = raw(key);
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'string') throw new SettingsError(`Invalid settings: ${key} must be a string`);
    return value.trim();
  };
  const seconds = (key: (typeof CONTEXT_KEYS)[number], fallback: Duration): Duration => {
    const value = raw(key);
    if (value === undefined || value === null) return fallback;
    const n = typeof value === 'number' ? value : /^\s*\d+\s*$/.test(String(value)) ? Number(value) : NaN;
    if (!Number.isInteger(n) || n <= 0) {
      throw new SettingsError(`Invalid settings: ${key} must be a positive whole number of seconds`);
    }
    return Duration.seconds(n);
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

  const domainName = text('domainName');
  const certificateArn = text('certificateArn');
  if ((domainName === undefined) !== (certificateArn === undefined)) {
    throw new SettingsError(
      'Invalid settings: domainName and certificateArn go together (set both or neither)',
    );
  }

  return validateSettings({
    stage: text('stage') ?? 'dev',
    hookVerifyInterval: seconds('hookVerifyIntervalSeconds', DEFAULT_SETTINGS.hookVerifyInterval),
    deferDelays: delays(),
    deferMaxAge: seconds('deferMaxAgeSeconds', DEFAULT_SETTINGS.deferMaxAge),
    customDomain: domainName && certificateArn ? { domainName, certificateArn } : undefined,
    bigCommerceApiUrl: text('bigCommerceApiUrl') ?? DEFAULT_SETTINGS.bigCommerceApiUrl,
    alarmEmail: text('alarmEmail'),
    formerWebhookBaseUrls: text('formerWebhookBaseUrls')
      ?.split(',')
      .map((u) => u.trim())
      .filter((u) => u !== ''),
  });
}

/** Production stages keep their data when the stack is deleted and protect tables from deletion. */
export const isProductionStage = (stage: string) => stage === 'prod' || stage.startsWith('prod-');
