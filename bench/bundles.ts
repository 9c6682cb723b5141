/**
 * bundle_bytes_<function> and cold_init_ratio_<function>: each Lambda entry bundled the way CDK's
 * NodejsFunction bundles it (esbuild, platform node, target node24, cjs, minified, AWS SDK inside),
 * against a bare handler that constructs the same SDK clients and does nothing else, bundled the same way.
 * Cold init: fresh `node` processes with a Lambda-like environment, alternating function and baseline.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { build, type BuildOptions, type Metafile } from 'esbuild';
import { METRICS_NAMESPACE } from '../functions/common/metric-names';
import { HOUSE_BUNDLING } from '../lib/house-function';
import { FUNCTIONS, missingFiles, ROOT, type GroupContext, type GroupResult } from './common';
import { median, ratio, type Figure } from './report';

const run = promisify(execFile);

/**
 * The esbuild settings CDK's NodejsFunction derives from lib/house-function.ts HOUSE_BUNDLING (how every
 * function is deployed), so the measured bundle is the deployed one: platform node, bundle, that target,
 * format, minify, mainFields and source map, nothing external but Node's builtins (AWS SDK bundled).
 */
export function bundleOptions(house: typeof HOUSE_BUNDLING): BuildOptions {
  return {
    bundle: true,
    platform: 'node',
    target: house.target,
    format: String(house.format) === 'esm' ? 'esm' : 'cjs',
    minify: house.minify,
    mainFields: [...house.mainFields],
    sourcemap: house.sourceMap,
    sourcesContent: house.sourcesContent,
    external: [...house.externalModules],
    metafile: true,
    logLevel: 'silent',
    absWorkingDir: ROOT,
  };
}

export const BUNDLE_OPTIONS = bundleOptions(HOUSE_BUNDLING);

/** SDK v3 client packages the functions use, and the client class a bare handler constructs. */
export const SDK_CLIENTS = {
  dynamodb: { pkg: '@aws-sdk/client-dynamodb', cls: 'DynamoDBClient' },
  sqs: { pkg: '@aws-sdk/client-sqs', cls: 'SQSClient' },
  secretsManager: { pkg: '@aws-sdk/client-secrets-manager', cls: 'SecretsManagerClient' },
  eventBridge: { pkg: '@aws-sdk/client-eventbridge', cls: 'EventBridgeClient' },
} as const;
export type SdkClient = keyof typeof SDK_CLIENTS;

/**
 * The baseline's clients: every SDK client package that contributes code to the function's bundle
 * (esbuild's metafile), so a new function or a new client needs no list kept in step here.
 */
export function baselineClients(sdkPackages: readonly string[]): SdkClient[] {
  const byPackage = new Map(Object.entries(SDK_CLIENTS).map(([k, v]) => [v.pkg as string, k as SdkClient]));
  return sdkPackages.map((pkg) => {
    const client = byPackage.get(pkg);
    if (!client)
      throw new Error(`bundle carries ${pkg}: add its client class to SDK_CLIENTS in bench/bundles.ts`);
    return client;
  });
}

/** The bare handler: the same clients, constructed at init like `wire(env)` does, and nothing else. */
export function bareHandlerSource(clients: readonly SdkClient[]): string {
  const lines = clients.map((c) => `import { ${SDK_CLIENTS[c].cls} } from '${SDK_CLIENTS[c].pkg}';`);
  lines.push(...clients.map((c) => `const ${c} = new ${SDK_CLIENTS[c].cls}({});`));
  lines.push(
    `export const handler = async () => { void [${clients.join(', ')}]; return { statusCode: 200 }; };`,
  );
  return lines.join('\n') + '\n';
}

/** What a Lambda container would see: fake resource names, a region, no X-Ray, no metrics flush. */
export const LAMBDA_ENV: Record<string, string> = {
  AWS_REGION: 'us-east-1',
  AWS_DEFAULT_REGION: 'us-east-1',
  AWS_ACCESS_KEY_ID: 'AKIDBENCHMARK',
  AWS_SECRET_ACCESS_KEY: 'bench-secret',
  AWS_SESSION_TOKEN: 'bench-session',
  AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs24.x',
  AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '1024',
  AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
  AWS_XRAY_CONTEXT_MISSING: 'IGNORE_ERROR',
  CHANNELS_TABLE: 'bench-channels',
  ORDERS_TABLE: 'bench-orders',
  SECRET_NAME_PREFIX: 'om-bigcommerce/channel/',
  ORDER_EVENTS_QUEUE_URL: 'https://sqs.us-east-1.amazonaws.com/123456789012/order-events',
  DEAD_LETTER_QUEUE_URL: 'https://sqs.us-east-1.amazonaws.com/123456789012/order-events-dlq',
  HOOK_WORK_QUEUE_URL: 'https://sqs.us-east-1.amazonaws.com/123456789012/hook-work',
  EVENT_BUS_NAME: 'default',
  BIGCOMMERCE_API_URL: 'https://api.bigcommerce.com',
  WEBHOOK_BASE_URL: 'https://hooks.example.com',
  POWERTOOLS_METRICS_NAMESPACE: METRICS_NAMESPACE,
  POWERTOOLS_LOG_LEVEL: 'INFO',
  // lib/house-function.ts sets this on every function; it makes Node read the bundle's source map at load.
  NODE_OPTIONS: '--enable-source-maps',
};

const lambdaEnv = (fn: string): Record<string, string> => ({
  ...LAMBDA_ENV,
  AWS_LAMBDA_FUNCTION_NAME: fn,
  POWERTOOLS_SERVICE_NAME: fn,
});

/** Child script: time from process start (performance.timeOrigin) to the handler being loaded. */
export const RUNNER = `'use strict';
const { performance } = require('node:perf_hooks');
const before = performance.now();
const mod = require(process.argv[2]);
const after = performance.now();
if (typeof mod.handler !== 'function') { console.error('no handler export'); process.exit(2); }
process.stdout.write(JSON.stringify({ startToLoadedMs: after, requireMs: after - before }) + '\\n');
`;

interface Built {
  file: string;
  bytes: number;
  mapBytes: number;
  sdkPackages: string[];
  /** The largest contributors that are not the AWS SDK (which the baseline carries too). */
  largest: string;
}

/** Bytes in the output per package (node_modules/<pkg>), and `(project)` for our own files. */
export function packageBytes(meta: Metafile): Map<string, number> {
  const sizes = new Map<string, number>();
  for (const output of Object.values(meta.outputs))
    for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
      const m = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(input);
      const key = m ? m[1]! : '(project)';
      sizes.set(key, (sizes.get(key) ?? 0) + bytesInOutput);
    }
  return sizes;
}

const describeLargest = (sizes: Map<string, number>, count = 5) =>
  [...sizes]
    .filter(
      ([pkg]) =>
        !pkg.startsWith('@aws-sdk/') && !pkg.startsWith('@smithy/') && !pkg.startsWith('@aws-crypto/'),
    )
    .sort((a, b) => b[1] - a[1])
    .slice(0, count)
    .map(([pkg, bytes]) => `${pkg} ${(bytes / 1024).toFixed(0)} KiB`)
    .join(', ');

/** SDK client packages that contribute code to the output (parsed but tree-shaken away does not count). */
function sdkPackagesIn(meta: Metafile): string[] {
  const found = new Set<string>();
  for (const output of Object.values(meta.outputs))
    for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
      const m = /node_modules\/(@aws-sdk\/client-[a-z0-9-]+)\//.exec(input);
      if (m && bytesInOutput > 0) found.add(m[1]!);
    }
  return [...found].sort();
}

async function bundle(options: BuildOptions, outfile: string): Promise<Built> {
  const result = await build({ ...BUNDLE_OPTIONS, ...options, outfile, write: true });
  const mapBytes = await stat(`${outfile}.map`).then(
    (m) => m.size,
    () => 0,
  );
  return {
    file: outfile,
    bytes: (await stat(outfile)).size,
    mapBytes,
    sdkPackages: sdkPackagesIn(result.metafile!),
    largest: describeLargest(packageBytes(result.metafile!)),
  };
}

interface InitSample {
  startToLoadedMs: number;
  requireMs: number;
}

async function coldInit(runner: string, file: string, fn: string): Promise<InitSample> {
  // A clean environment: nothing from tsx (NODE_OPTIONS) or a compile cache leaks into the child.
  const { stdout } = await run(process.execPath, [runner, file], {
    env: { PATH: process.env.PATH ?? '', ...lambdaEnv(fn) },
    timeout: 30_000,
    cwd: path.dirname(file),
  });
  const sample = JSON.parse(stdout.trim().split('\n').pop() ?? '') as InitSample;
  if (!(sample.startToLoadedMs > 0)) throw new Error(`cold init of ${file} printed no timing`);
  return sample;
}

const fmtKiB = (bytes: number) => `${(bytes / 1024).toFixed(0)} KiB`;

export interface MeasureOptions {
  name: string;
  /** Absolute path of the Lambda entry. */
  entry: string;
  runs: number;
  dir: string;
  runner: string;
  log: (message: string) => void;
}

/** Bundles one entry and its bare twin, then times their cold init; two figures. */
export async function measureFunction(o: MeasureOptions): Promise<Figure[]> {
  o.log(`bundles: ${o.name}: bundling`);
  const real = await bundle({ entryPoints: [o.entry] }, path.join(o.dir, o.name, 'index.js'));
  const clients = baselineClients(real.sdkPackages);
  const bare = await bundle(
    {
      stdin: {
        contents: bareHandlerSource(clients),
        resolveDir: ROOT,
        sourcefile: `bare-${o.name}.ts`,
        loader: 'ts',
      },
    },
    path.join(o.dir, `bare-${o.name}`, 'index.js'),
  );
  const bytesFigure: Figure = {
    name: `bundle_bytes_${o.name}`,
    value: real.bytes,
    unit: 'bytes',
    baseline: bare.bytes,
    ratio: ratio(real.bytes, bare.bytes),
    note: `${fmtKiB(real.bytes)} vs ${fmtKiB(bare.bytes)} (+ maps ${fmtKiB(real.mapBytes)} / ${fmtKiB(bare.mapBytes)}); bare: ${clients.map((c) => SDK_CLIENTS[c].cls).join(', ')}; largest: ${real.largest}`,
  };

  o.log(`bundles: ${o.name}: cold init, ${o.runs} runs each`);
  // One discarded run each warms the file cache; then alternate the order so drift hits both alike.
  await coldInit(o.runner, real.file, o.name);
  await coldInit(o.runner, bare.file, o.name);
  const realSamples: InitSample[] = [];
  const bareSamples: InitSample[] = [];
  for (let i = 0; i < o.runs; i++) {
    if (i % 2 === 0) {
      realSamples.push(await coldInit(o.runner, real.file, o.name));
      bareSamples.push(await coldInit(o.runner, bare.file, o.name));
    } else {
      bareSamples.push(await coldInit(o.runner, bare.file, o.name));
      realSamples.push(await coldInit(o.runner, real.file, o.name));
    }
  }
  const value = median(realSamples.map((s) => s.startToLoadedMs));
  const baseline = median(bareSamples.map((s) => s.startToLoadedMs));
  const requireReal = median(realSamples.map((s) => s.requireMs));
  const requireBare = median(bareSamples.map((s) => s.requireMs));
  const initFigure: Figure = {
    name: `cold_init_ratio_${o.name}`,
    value,
    unit: 'ms',
    baseline,
    ratio: ratio(value, baseline),
    note:
      `process start → handler loaded, median of ${o.runs}; ` +
      `require alone ${requireReal.toFixed(1)} vs ${requireBare.toFixed(1)} ms (×${ratio(requireReal, requireBare).toFixed(2)})`,
  };
  return [bytesFigure, initFigure];
}

export async function runBundles(ctx: GroupContext): Promise<GroupResult> {
  const result: GroupResult = { figures: [], skipped: [] };
  const dir = await mkdtemp(path.join(tmpdir(), 'om-bench-bundles-'));
  try {
    const runner = path.join(dir, 'runner.cjs');
    await writeFile(runner, RUNNER);
    for (const fn of FUNCTIONS) {
      const entry = `functions/${fn}/index.ts`;
      const missing = missingFiles(entry);
      if (missing.length) {
        result.skipped.push({ group: `bundles/${fn}`, reason: `${missing.join(', ')} does not exist yet` });
        continue;
      }
      // One function that cannot be measured (it does not build, or carries an SDK client the
      // baseline does not know) is reported as skipped; the others are still measured.
      try {
        result.figures.push(
          ...(await measureFunction({
            name: fn,
            entry: path.join(ROOT, entry),
            runs: ctx.quick ? 7 : 21,
            dir,
            runner,
            log: ctx.log,
          })),
        );
      } catch (error) {
        result.skipped.push({
          group: `bundles/${fn}`,
          reason: error instanceof Error ? error.message : String(error),
        });
      }
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  return result;
}
