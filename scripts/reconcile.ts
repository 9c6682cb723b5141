/**
 * `npm run reconcile -- --channel <channelId> [--since <ISO time>]`
 *
 * Reconciles one channel by hand, as hook-manager does after a hook was lost: lists the BigCommerce
 * orders modified since the channel's watermark (or `--since`) in each cancel/fulfill status id and
 * enqueues one `source: reconcile` event per order for the worker; then advances the watermark (never
 * backwards). A progress bar goes to stderr, the summary (JSON) to stdout.
 *
 * Environment (`npm start` prints the values for the local stack): CHANNELS_TABLE, SECRETS_TABLE (local)
 * or SECRET_NAME_PREFIX (AWS), ORDER_EVENTS_QUEUE_URL, BIGCOMMERCE_API_URL, and DYNAMODB_ENDPOINT,
 * SQS_ENDPOINT, SECRETSMANAGER_ENDPOINT for local stand-ins.
 */
import { bar, runScript, startScript, UsageError, type ProgressStream, type ScriptIo } from './cli';
import {
  reconcileChannel,
  type ConvergeDeps,
  type ReconcileProgress,
  type ReconcileResult,
} from '../functions/hook-manager/converge';
import { loadConfig } from '../functions/common/config';
import * as rt from '../functions/common/runtime';

export const USAGE = `Usage: npm run reconcile -- --channel <channelId> [--since <ISO time>]

  --channel ID   the channel to reconcile (required)
  --since TIME   list orders modified since this ISO time instead of the channel's watermark
  --help         show this help

Environment: CHANNELS_TABLE, SECRETS_TABLE or SECRET_NAME_PREFIX, ORDER_EVENTS_QUEUE_URL, BIGCOMMERCE_API_URL,
DYNAMODB_ENDPOINT, SQS_ENDPOINT, SECRETSMANAGER_ENDPOINT (npm start prints the local values).`;

export interface ReconcileArgs {
  channelId: string;
  since?: Date;
}

export function parseReconcileArgs(argv: readonly string[]): ReconcileArgs {
  let channelId: string | undefined;
  let since: Date | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const [flag, inline] = arg.includes('=')
      ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)]
      : [arg];
    const value = () => {
      const v = inline ?? argv[++i];
      if (v === undefined || v === '' || (inline === undefined && v.startsWith('--')))
        throw new UsageError(`${flag} needs a value`);
      return v;
    };
    if (flag === '--channel') channelId = value();
    else if (flag === '--since') {
      const raw = value();
      // ISO 8601 with a date and, optionally, a time and zone; Date.parse alone accepts too much.
      if (
        !/^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/.test(raw) ||
        Number.isNaN(Date.parse(raw))
      )
        throw new UsageError(`--since must be an ISO time, e.g. 2026-05-01T00:00:00Z (got "${raw}")`);
      since = new Date(raw);
    } else throw new UsageError(`unknown argument "${arg}"`);
  }
  if (!channelId) throw new UsageError('--channel is required');
  return { channelId, ...(since && { since }) };
}

/** One line redrawn in place on a terminal; elsewhere one line per finished status id. */
export function createProgress(stream: ProgressStream, channelId: string, width = 20) {
  const line = (p: ReconcileProgress) => {
    const done = p.statusIndex + (p.statusDone ? 1 : 0);
    return (
      `reconcile ${channelId} ${bar(done, p.statusCount, width)} ` +
      `${done}/${p.statusCount} status ids · status ${p.statusId} page ${p.page} · ${p.enqueued} enqueued`
    );
  };
  let drawn = false;
  return {
    update(p: ReconcileProgress) {
      if (stream.isTTY) {
        stream.write(`\r\x1b[2K${line(p)}`);
        drawn = true;
      } else if (p.statusDone) stream.write(`${line(p)}\n`);
    },
    finish() {
      if (drawn) stream.write('\n');
    },
  };
}

type ReconcileDeps = Pick<ConvergeDeps, 'channels' | 'secrets' | 'bigcommerce' | 'queue' | 'now'>;

/** The by-hand reconcile: the live channel's orders since its watermark (or `since`) → the queue. */
export async function reconcileByHand(
  deps: ReconcileDeps,
  args: { channelId: string; since?: Date; onProgress?: (p: ReconcileProgress) => void },
): Promise<ReconcileResult & { channelId: string }> {
  const channel = await deps.channels.get(args.channelId);
  if (!channel || channel.deletedAt !== undefined) throw new Error(`channel ${args.channelId} not found`);
  const result = await reconcileChannel(deps, channel, {
    ...(args.since && { since: args.since }),
    ...(args.onProgress && { onProgress: args.onProgress }),
  });
  return { channelId: args.channelId, ...result };
}

const ENV_KEYS = [
  'CHANNELS_TABLE',
  'SECRETS_TABLE',
  'SECRET_NAME_PREFIX',
  'ORDER_EVENTS_QUEUE_URL',
  'BIGCOMMERCE_API_URL',
  'DYNAMODB_ENDPOINT',
  'SQS_ENDPOINT',
  'SECRETSMANAGER_ENDPOINT',
] as const;

export function reconcileDepsFromEnv(env: Record<string, string | undefined>): ReconcileDeps {
  const runtime = rt.createRuntime(loadConfig(env, ENV_KEYS));
  return {
    channels: rt.channelStore(runtime),
    secrets: rt.secretStore(runtime),
    bigcommerce: rt.bigCommerce(runtime),
    queue: rt.orderEventQueue(runtime),
    now: () => new Date(),
  };
}

export async function main(
  argv: readonly string[],
  env: Record<string, string | undefined>,
  io: ScriptIo,
  deps?: ReconcileDeps,
): Promise<number> {
  return runScript('reconcile', USAGE, io, argv, async () => {
    const args = parseReconcileArgs(argv);
    const progress = createProgress(io.stderr, args.channelId);
    let result;
    try {
      result = await reconcileByHand(deps ?? reconcileDepsFromEnv(env), {
        channelId: args.channelId,
        ...(args.since && { since: args.since }),
        onProgress: progress.update,
      });
    } finally {
      progress.finish();
    }
    io.stderr.write(
      `reconcile: ${result.enqueued} order event(s) enqueued for channel ${result.channelId}; watermark now ${result.watermark}\n`,
    );
    io.stdout(JSON.stringify(result));
    return 0;
  });
}

if (require.main === module) startScript(main);
