/**
 * aws_cost_usd_per_million_webhooks (docs/contract.md section 9): what one million accepted
 * `store/order/statusUpdated` webhooks that each cancel an order cost in AWS — the requests, bytes and
 * durations the bench counts, times published on-demand prices. Pure: no I/O, tested in
 * test/bench/cost.test.ts.
 */

/**
 * On-demand prices, us-east-1, Lambda on arm64, first (most expensive) volume tier, free tiers ignored.
 * Recorded 2026-11-30 from the public AWS pricing pages; re-check them before quoting a figure.
 */
export const PRICES = {
  recorded: '2026-11-30',
  region: 'us-east-1',
  /** HTTP API, per request (each 512 KB counts as one; a callback is a few hundred bytes). */
  apiGatewayHttpPerRequest: 1.0 / 1e6,
  /** Lambda arm64, per GB-second of billed duration (rounded up to 1 ms per invocation). */
  lambdaArmPerGbSecond: 0.0000133334,
  lambdaPerRequest: 0.2 / 1e6,
  /** SQS standard queue, per request (each 64 KB chunk counts as one). */
  sqsPerRequest: 0.4 / 1e6,
  /** DynamoDB on-demand. */
  dynamoPerWriteUnit: 0.625 / 1e6,
  dynamoPerReadUnit: 0.125 / 1e6,
  secretsManagerPerCall: 0.05 / 10_000,
  /** CloudWatch Logs ingestion, Standard class, per GB (storage depends on retention; left out). */
  logsPerGb: 0.5,
  /** X-Ray, per trace recorded (Lambda active tracing samples; see `xrayTracesPerWebhook`). */
  xrayPerTrace: 5.0 / 1e6,
} as const;

export type Prices = { [K in keyof typeof PRICES]: (typeof PRICES)[K] extends number ? number : string };

export interface LambdaUse {
  function: string;
  memoryMb: number;
  /** Invocations per webhook (the worker takes a batch: 1 / events per invocation). */
  invocationsPerWebhook: number;
  /** Wall-clock duration of one invocation (billed rounded up to the next ms). */
  durationMs: number;
}

/** Per accepted webhook, as the bench counts them. */
export interface CostInputs {
  apiGatewayRequests: number;
  lambda: readonly LambdaUse[];
  sqsRequests: number;
  dynamoReadUnits: number;
  dynamoWriteUnits: number;
  secretsManagerCalls: number;
  logBytes: number;
  xrayTraces: number;
}

export const SERVICES = [
  'API Gateway',
  'Lambda',
  'SQS',
  'DynamoDB',
  'Secrets Manager',
  'CloudWatch Logs',
  'X-Ray',
] as const;
export type Service = (typeof SERVICES)[number];

export interface CostBreakdown {
  totalUsd: number;
  byService: Record<Service, number>;
  /** Lambda's share per function (requests + GB-seconds). */
  byFunction: Record<string, number>;
}

const MILLION = 1e6;
const GB = 1024 ** 3;

/** Lambda's billed GB-seconds of one invocation: memory in GB × duration rounded up to 1 ms. */
export const billedGbSeconds = (memoryMb: number, durationMs: number) =>
  (memoryMb / 1024) * (Math.ceil(durationMs) / 1000);

export function costPerMillionWebhooks(inputs: CostInputs, prices: Prices = PRICES): CostBreakdown {
  for (const [key, value] of Object.entries(inputs))
    if (typeof value === 'number' && !(value >= 0))
      throw new Error(`cost input ${key} must be ≥ 0, got ${value}`);
  const byFunction: Record<string, number> = {};
  for (const use of inputs.lambda) {
    if (!(use.memoryMb > 0) || !(use.durationMs >= 0) || !(use.invocationsPerWebhook >= 0))
      throw new Error(`lambda use of ${use.function} is not a measurement: ${JSON.stringify(use)}`);
    const invocations = use.invocationsPerWebhook * MILLION;
    byFunction[use.function] =
      invocations * prices.lambdaPerRequest +
      invocations * billedGbSeconds(use.memoryMb, use.durationMs) * prices.lambdaArmPerGbSecond;
  }
  const byService: Record<Service, number> = {
    'API Gateway': inputs.apiGatewayRequests * MILLION * prices.apiGatewayHttpPerRequest,
    Lambda: Object.values(byFunction).reduce((s, v) => s + v, 0),
    SQS: inputs.sqsRequests * MILLION * prices.sqsPerRequest,
    DynamoDB:
      inputs.dynamoReadUnits * MILLION * prices.dynamoPerReadUnit +
      inputs.dynamoWriteUnits * MILLION * prices.dynamoPerWriteUnit,
    'Secrets Manager': inputs.secretsManagerCalls * MILLION * prices.secretsManagerPerCall,
    'CloudWatch Logs': ((inputs.logBytes * MILLION) / GB) * prices.logsPerGb,
    'X-Ray': inputs.xrayTraces * MILLION * prices.xrayPerTrace,
  };
  const totalUsd = SERVICES.reduce((s, k) => s + byService[k], 0);
  return { totalUsd, byService, byFunction };
}

/** DynamoDB units of one request on an item of `bytes` (on-demand: reads per 4 KB, writes per 1 KB). */
export const readUnits = (bytes: number, consistent: boolean) =>
  Math.max(1, Math.ceil(bytes / 4096)) * (consistent ? 1 : 0.5);
export const writeUnits = (bytes: number) => Math.max(1, Math.ceil(bytes / 1024));

/** "API Gateway $1.00 (31 %), …" for the table's note, largest first. */
export function describeBreakdown(b: CostBreakdown): string {
  return SERVICES.filter((s) => b.byService[s] > 0)
    .sort((x, y) => b.byService[y] - b.byService[x])
    .map((s) => `${s} $${b.byService[s].toFixed(2)} (${Math.round((100 * b.byService[s]) / b.totalUsd)} %)`)
    .join(', ');
}
