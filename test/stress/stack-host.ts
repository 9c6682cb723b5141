import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { startLocalStack, type LocalLog, type LocalStack, type LocalStackOptions } from '../../local/stack';
import { createRng } from './rng';
import { faultyWorkerLoader, type WorkerFaultControl } from './worker-faults';
import { FAULTS_LOG_LEVEL } from './log-capture';

/**
 * Runs the local stack (local/stack.ts: gateway, SQS poller, scheduler, event bus, the four wired
 * functions) for a fault run, either in this process or in a child process that can be killed with
 * SIGKILL and started again on the same data (the "worker process killed" scenario). Either way the
 * stack uses the fault proxies as its DynamoDB / SQS endpoints, the scenario's sandbox as BigCommerce and
 * the webhook relay as WEBHOOK_BASE_URL, so a restart keeps the hooks' destination.
 */
export interface StackSettings {
  /** DYNAMODB_ENDPOINT / SQS_ENDPOINT (the fault proxies). */
  dynamodbEndpoint: string;
  sqsEndpoint: string;
  prefix: string;
  bigcommerceApiUrl: string;
  webhookBaseUrl: string;
  deferDelaysSeconds: string;
  deferMaxAgeSeconds: number;
  visibilityTimeoutSeconds: number;
  workerThrowRate: number;
  /** Negative control only: share of worker invocations acknowledged without processing. */
  workerDropRate?: number;
  seed: number;
}

export interface WorkerRates {
  throwRate: number;
  dropRate?: number;
}

export interface StackHost {
  /** The API base URL of the running stack; undefined while it is down. */
  url(): string | undefined;
  start(): Promise<string>;
  /** Ends the stack abruptly (child: SIGKILL, nothing acknowledged); in-process hosts stop instead. */
  kill(): Promise<void>;
  stop(): Promise<void>;
  setWorkerFaults(rates: WorkerRates): void;
  /** Injected worker crashes so far (across restarts). */
  workerThrows(): number;
  /** Errors the stack logged (worker failures under faults are expected; kept for diagnostics). */
  errorCount(): number;
}

export function localStackOptions(
  settings: StackSettings,
  control: WorkerFaultControl,
  log: LocalLog,
): LocalStackOptions {
  return {
    port: 0,
    memory: true,
    prefix: settings.prefix,
    env: {
      DYNAMODB_ENDPOINT: settings.dynamodbEndpoint,
      SQS_ENDPOINT: settings.sqsEndpoint,
      BIGCOMMERCE_API_URL: settings.bigcommerceApiUrl,
      WEBHOOK_BASE_URL: settings.webhookBaseUrl,
      DEFER_DELAYS_SECONDS: settings.deferDelaysSeconds,
      DEFER_MAX_AGE_SECONDS: String(settings.deferMaxAgeSeconds),
      // The stress runs search these lines for secrets.
      POWERTOOLS_LOG_LEVEL: FAULTS_LOG_LEVEL,
    },
    // Four pollers: closer to Lambda scaling out than the local default of two.
    pollerOptions: {
      waitTimeSeconds: 1,
      visibilityTimeoutSeconds: settings.visibilityTimeoutSeconds,
      concurrency: 4,
    },
    // The first sweep would find the channel verified moments ago; keep it out of the measured window.
    schedulerInitialDelayMs: 60_000,
    loadHandlerModule: faultyWorkerLoader(control),
    log,
  };
}

export function inProcessHost(settings: StackSettings): StackHost {
  let stack: LocalStack | undefined;
  let throws = 0;
  let errors = 0;
  const control: WorkerFaultControl = {
    throwRate: settings.workerThrowRate,
    dropRate: settings.workerDropRate ?? 0,
    rng: createRng(settings.seed),
    onThrow: () => throws++,
  };
  const log: LocalLog = { info: () => undefined, error: () => errors++ };
  const stop = async () => {
    const running = stack;
    stack = undefined;
    await running?.stop();
  };
  return {
    url: () => stack?.url,
    start: async () => {
      stack = await startLocalStack(localStackOptions(settings, control, log));
      return stack.url;
    },
    kill: stop,
    stop,
    setWorkerFaults: (rates) => {
      control.throwRate = rates.throwRate;
      control.dropRate = rates.dropRate ?? 0;
    },
    workerThrows: () => throws,
    errorCount: () => errors,
  };
}

const CHILD_SCRIPT = resolve(__dirname, 'stack-child.ts');
const REPO_ROOT = resolve(__dirname, '../..');
const START_TIMEOUT_MS = 60_000;

/** The stack in a child process (`node --import tsx test/stress/stack-child.ts`), talking JSON lines. */
export function childProcessHost(settings: StackSettings): StackHost {
  let child: ChildProcess | undefined;
  let url: string | undefined;
  let rates: WorkerRates = { throwRate: settings.workerThrowRate, dropRate: settings.workerDropRate ?? 0 };
  let throws = 0;
  let errors = 0;
  let starts = 0;
  const stderrTail: string[] = [];

  const exited = (proc: ChildProcess) =>
    new Promise<void>((done) => {
      if (proc.exitCode !== null || proc.signalCode !== null) return done();
      proc.once('exit', () => done());
    });

  const send = (message: unknown) => {
    if (child?.stdin?.writable) child.stdin.write(`${JSON.stringify(message)}\n`);
  };

  return {
    url: () => url,
    start: () =>
      new Promise<string>((ok, fail) => {
        // Each start gets its own seed so a restarted worker does not repeat the same crash pattern.
        const childSettings = {
          ...settings,
          workerThrowRate: rates.throwRate,
          workerDropRate: rates.dropRate ?? 0,
          seed: settings.seed + 7919 * starts++,
        };
        const proc = spawn(process.execPath, ['--import', 'tsx', CHILD_SCRIPT], {
          cwd: REPO_ROOT,
          env: {
            ...process.env,
            STRESS_STACK_SETTINGS: JSON.stringify(childSettings),
            POWERTOOLS_LOG_LEVEL: FAULTS_LOG_LEVEL,
          },
          stdio: ['pipe', 'pipe', 'pipe'],
        });
        child = proc;
        const timer = setTimeout(() => {
          proc.kill('SIGKILL');
          fail(
            new Error(`the stack child did not start in ${START_TIMEOUT_MS} ms: ${stderrTail.join('\n')}`),
          );
        }, START_TIMEOUT_MS);
        proc.stderr!.on('data', (chunk: Buffer) => {
          stderrTail.push(chunk.toString('utf8'));
          if (stderrTail.length > 20) stderrTail.shift();
        });
        createInterface({ input: proc.stdout! }).on('line', (line) => {
          // The stack's own log lines go on to this process's output, where the run checks them.
          if (!line.startsWith('{"type":')) return void process.stdout.write(`${line}\n`);
          const message = JSON.parse(line) as { type: string; url?: string; message?: string };
          if (message.type === 'ready') {
            clearTimeout(timer);
            url = message.url;
            ok(message.url!);
          } else if (message.type === 'throw') throws++;
          else if (message.type === 'error') errors++;
          else if (message.type === 'failed') {
            clearTimeout(timer);
            fail(new Error(`the stack child failed to start: ${message.message}`));
          }
        });
        proc.once('exit', (code, signal) => {
          if (child === proc) url = undefined;
          clearTimeout(timer);
          if (code !== 0 && signal === null)
            fail(new Error(`the stack child exited with ${code}: ${stderrTail.join('\n')}`));
        });
      }),
    kill: async () => {
      const proc = child;
      url = undefined;
      if (!proc) return;
      proc.kill('SIGKILL');
      await exited(proc);
    },
    stop: async () => {
      const proc = child;
      url = undefined;
      if (!proc) return;
      send({ cmd: 'stop' });
      const timer = setTimeout(() => proc.kill('SIGKILL'), 20_000);
      await exited(proc);
      clearTimeout(timer);
    },
    setWorkerFaults: (next) => {
      rates = next;
      send({ cmd: 'set', ...next });
    },
    workerThrows: () => throws,
    errorCount: () => errors,
  };
}
