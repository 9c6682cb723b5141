/**
 * `npm start`: the whole system on this machine (docs/contract.md section 7). Bad settings and busy ports end
 * with one line on stderr and exit code 1; Ctrl-C / SIGTERM stop everything and exit 0.
 */
import { isAbsolute, relative } from 'node:path';
import { ConfigError } from '../functions/common/config';
import { DataDirInUseError } from './data-lock';
import { HandlerLoadError } from './handlers';
import { parseStartOptions, USAGE } from './options';
import { consoleLog, PortInUseError, startLocalStack, type LocalStack } from './stack';

// fauxqs loads node:sqlite, which Node still flags as experimental; that warning is noise here.
process.removeAllListeners('warning');
process.on('warning', (warning) => {
  if (warning.name === 'ExperimentalWarning' && /SQLite/i.test(warning.message)) return;
  console.error(`${warning.name}: ${warning.message}`);
});

// A crash after start is still one line (DEBUG=1 shows the stack), then exit 1.
process.on('uncaughtException', (error) => {
  if (process.env.DEBUG) console.error(error);
  fail(`unexpected error: ${error.message}${process.env.DEBUG ? '' : ' (set DEBUG=1 for details)'}`);
});

const fail = (message: string): never => {
  console.error(`npm start: ${message}`);
  process.exit(1);
};

/** One line for the errors a user can fix; anything else also gets one line (DEBUG=1 shows the stack). */
function describe(error: unknown): string {
  if (
    error instanceof ConfigError ||
    error instanceof PortInUseError ||
    error instanceof HandlerLoadError ||
    error instanceof DataDirInUseError
  )
    return error.message;
  const err = error as NodeJS.ErrnoException;
  if (err?.code === 'EADDRINUSE') return `a port is already in use (${err.message})`;
  if (process.env.DEBUG) console.error(error);
  return `could not start: ${err?.message ?? String(error)}${process.env.DEBUG ? '' : ' (set DEBUG=1 for details)'}`;
}

const displayPath = (dir: string) => {
  const rel = relative(process.cwd(), dir);
  return rel === '' ? '.' : rel.startsWith('..') || isAbsolute(rel) ? dir : rel;
};

/** The variables the operator scripts read, pointing at this stack. */
const scriptEnv = (stack: LocalStack) =>
  [
    'AWS_REGION',
    'DYNAMODB_ENDPOINT',
    'SQS_ENDPOINT',
    'CHANNELS_TABLE',
    'ORDERS_TABLE',
    'SECRETS_TABLE',
    'ORDER_EVENTS_QUEUE_URL',
    'DEAD_LETTER_QUEUE_URL',
    'BIGCOMMERCE_API_URL',
  ]
    .map((key) => `${key}=${stack.env[key]}`)
    .join(' ');

function banner(stack: LocalStack): string {
  const rows: Array<[string, string]> = [
    ['API', stack.url],
    ['health', `${stack.url}/health`],
    [
      'sandbox',
      stack.sandboxUrl
        ? `${stack.sandboxUrl}  (BigCommerce API and /_sandbox controls)`
        : `external: ${stack.env.BIGCOMMERCE_API_URL}`,
    ],
    ['webhooks to', `${stack.env.WEBHOOK_BASE_URL}/webhooks/bigcommerce/{channelId}`],
    ['DynamoDB', `${stack.endpoints.dynamodb}  (tables ${Object.values(stack.tables).join(', ')})`],
    ['SQS', stack.endpoints.sqs],
    ['  queue', stack.queues.queueUrl],
    ['  dead letters', stack.queues.deadLetterQueueUrl],
    ['  hook work', `${stack.queues.hookWorkQueueUrl}  (→ hook-manager)`],
    ['EventBridge', `${stack.endpoints.eventBridge}  (PutEvents → hook-manager)`],
    [
      'data',
      stack.dataDir
        ? `${displayPath(stack.dataDir)}/  (npm start -- --memory keeps nothing)`
        : 'in memory (nothing is kept)',
    ],
  ];
  const width = Math.max(...rows.map(([k]) => k.length));
  return [
    '',
    'Order Manager ⇄ BigCommerce, running locally',
    ...rows.map(([k, v]) => `  ${k.padEnd(width)}  ${v}`),
    '',
    'For npm run dlq / npm run reconcile, in another shell:',
    `  export ${scriptEnv(stack)}`,
    '',
    'Try it: npm run demo   ·   Stop: Ctrl-C',
    '',
  ].join('\n');
}

async function main(): Promise<void> {
  let options;
  try {
    options = parseStartOptions(process.argv.slice(2), process.env);
  } catch (error) {
    return fail(describe(error));
  }
  if (options.help) {
    console.log(USAGE);
    return;
  }

  let stack: LocalStack;
  try {
    stack = await startLocalStack({
      port: options.port,
      sandboxPort: options.sandboxPort,
      memory: options.memory,
      dataDir: options.dataDir,
      env: options.env,
      log: consoleLog,
    });
  } catch (error) {
    return fail(describe(error));
  }

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) {
      console.error(`\n${signal} again: exiting without a clean stop`);
      process.exit(1);
    }
    stopping = true;
    console.log(`\n${signal}: stopping…`);
    try {
      await stack.stop();
      console.log('stopped');
      process.exit(0);
    } catch (error) {
      fail(`stopping failed: ${(error as Error).message}`);
    }
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));

  const health = await stack.health();
  if (!health.ok) {
    const notReady = Object.entries(health.parts).filter(([, s]) => s !== 'ok' && s !== 'external');
    await stack.stop();
    return fail(`started, but /health is not ok: ${notReady.map(([p, s]) => `${p} ${s}`).join(', ')}`);
  }
  console.log(banner(stack));
}

void main();
