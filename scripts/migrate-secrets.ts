/**
 * `npm run secrets:migrate [-- --dry-run]`
 *
 * Splits every channel's legacy combined secret (`<prefix><channelId>`: access token, webhook token,
 * client secret) into the webhook-authentication secret and the API-credentials secret, then deletes the
 * combined one. Idempotent and safe while traffic flows: readers use the pair as soon as it exists and
 * the combined secret until then. When it reports `remaining: 0`, deploy with
 * `-c legacySecretFallback=false` (docs/deploy.md). Summary (JSON) on stdout; never prints a secret.
 *
 * Environment: CHANNELS_TABLE, SECRET_NAME_PREFIX (the stack output SecretNamePrefix), and AWS credentials
 * allowed to read/write/delete secrets under that prefix and to scan the channels table.
 */
import { runScript, startScript, UsageError, type ScriptIo } from './cli';
import type { ChannelStore } from '../functions/adapters/channel-store';
import type { SecretsManagerSecretStore } from '../functions/adapters/secret-store';
import { loadConfig } from '../functions/common/config';
import * as rt from '../functions/common/runtime';

export const USAGE = `Usage: npm run secrets:migrate [-- --dry-run]

  --dry-run   only count the channels still on a combined secret
  --help      show this help

Environment: CHANNELS_TABLE, SECRET_NAME_PREFIX, AWS credentials (DYNAMODB_ENDPOINT, SECRETSMANAGER_ENDPOINT
for stand-ins).`;

export interface MigrateDeps {
  channels: Pick<ChannelStore, 'list'>;
  secrets: Pick<SecretsManagerSecretStore, 'migrate' | 'get'>;
}

export interface MigrateSummary {
  channels: number;
  migrated: number;
  alreadySplit: number;
  withoutSecrets: number;
  /** Still on a combined secret after this run (dry run: all that would be migrated). */
  remaining: number;
}

/** Every channel (tombstones included: their secrets are removed by hook-manager, split or not). */
export async function migrateAll(deps: MigrateDeps, options: { dryRun: boolean }): Promise<MigrateSummary> {
  const summary: MigrateSummary = {
    channels: 0,
    migrated: 0,
    alreadySplit: 0,
    withoutSecrets: 0,
    remaining: 0,
  };
  let cursor: string | undefined;
  do {
    const page = await deps.channels.list({ limit: 100, ...(cursor !== undefined && { cursor }) });
    for (const { channelId } of page.channels) {
      summary.channels += 1;
      if (options.dryRun) {
        const stored = await deps.secrets.get(channelId);
        if (stored === undefined) summary.withoutSecrets += 1;
        else if (stored.legacy) summary.remaining += 1;
        else summary.alreadySplit += 1;
        continue;
      }
      const outcome = await deps.secrets.migrate(channelId);
      if (outcome === 'migrated') summary.migrated += 1;
      else if (outcome === 'already_split') summary.alreadySplit += 1;
      else summary.withoutSecrets += 1;
    }
    cursor = page.cursor;
  } while (cursor !== undefined);
  return summary;
}

const ENV_KEYS = [
  'CHANNELS_TABLE',
  'SECRET_NAME_PREFIX',
  'DYNAMODB_ENDPOINT',
  'SECRETSMANAGER_ENDPOINT',
] as const;

export function migrateDepsFromEnv(env: Record<string, string | undefined>): MigrateDeps {
  const runtime = rt.createRuntime(loadConfig(env, ENV_KEYS));
  const prefix = runtime.config.SECRET_NAME_PREFIX;
  if (!prefix) throw new UsageError('SECRET_NAME_PREFIX is required (stack output SecretNamePrefix)');
  return {
    channels: rt.channelStore(runtime),
    secrets: rt.secretsManagerStore(runtime, prefix),
  };
}

export async function main(
  argv: readonly string[],
  env: Record<string, string | undefined>,
  io: ScriptIo,
  deps?: MigrateDeps,
): Promise<number> {
  return runScript('secrets:migrate', USAGE, io, argv, async () => {
    const unknown = argv.filter((a) => a !== '--dry-run');
    if (unknown.length > 0) throw new UsageError(`unknown argument ${unknown[0]}`);
    const summary = await migrateAll(deps ?? migrateDepsFromEnv(env), { dryRun: argv.includes('--dry-run') });
    io.stdout(JSON.stringify(summary));
    return 0;
  });
}

if (require.main === module) startScript(main);
