/**
 * aws_cost_usd_per_million_webhooks from what this run measured (GroupContext.facts of the ingest-cpu
 * and worker groups) and the deployed configuration (memory and batch size from functions/common/limits.ts), priced by
 * bench/cost.ts. Scenario (docs/contract.md section 9): each webhook is accepted and cancels its order.
 */
import { FUNCTION_MEMORY_MB } from '../functions/common/limits';
import {
  BIGCOMMERCE_LATENCY_FROM_AWS_MS,
  type BenchFacts,
  type GroupContext,
  type GroupResult,
} from './common';
import { costPerMillionWebhooks, describeBreakdown, PRICES, type CostInputs } from './cost';
import type { Figure } from './report';

/**
 * What the bench cannot measure on one machine, stated rather than hidden:
 * - BigCommerce answers the worker in about 150 ms from AWS (section 9 uses the same figure for the
 *   100k sweep); a batch's reads run concurrently, so an invocation waits for about one of them.
 * - X-Ray's default sampling rule records about 5 % of requests once traffic is above 1 per second.
 */
export const ASSUMPTIONS = {
  bigCommerceLatencyMs: BIGCOMMERCE_LATENCY_FROM_AWS_MS,
  xraySampledShare: 0.05,
} as const;

/** The per-webhook counts priced by the model; exported for the tests. */
export function costInputs(
  facts: Required<BenchFacts>,
  config = {
    ingestMemoryMb: FUNCTION_MEMORY_MB['webhook-ingest'],
    workerMemoryMb: FUNCTION_MEMORY_MB['order-worker'],
  },
): CostInputs {
  const { ingest, worker } = facts;
  const perInvocation = 1 / worker.eventsPerInvocation;
  // A deferred event goes round again: one more send, and its share of a receive and a delete batch.
  const sqsRequests = 1 + 2 * perInvocation + worker.queueSendsPerEvent * (1 + 2 * perInvocation);
  return {
    apiGatewayRequests: 1,
    lambda: [
      {
        function: 'webhook-ingest',
        memoryMb: config.ingestMemoryMb,
        invocationsPerWebhook: 1,
        durationMs: ingest.durationMs,
      },
      {
        function: 'order-worker',
        memoryMb: config.workerMemoryMb,
        invocationsPerWebhook: perInvocation * (1 + worker.queueSendsPerEvent),
        durationMs:
          worker.durationMsPerInvocation +
          (worker.bigCommerceRequestsPerEvent > 0 ? ASSUMPTIONS.bigCommerceLatencyMs : 0),
      },
    ],
    sqsRequests,
    dynamoReadUnits: worker.dynamoReadUnitsPerEvent,
    dynamoWriteUnits: worker.dynamoWriteUnitsPerEvent,
    secretsManagerCalls: worker.secretsReadsPerEvent,
    logBytes: ingest.logBytesPerRequest + worker.logBytesPerEvent,
    xrayTraces: ASSUMPTIONS.xraySampledShare,
  };
}

export async function runCost(ctx: GroupContext): Promise<GroupResult> {
  const { ingest, worker } = ctx.facts;
  if (!ingest || !worker)
    return {
      figures: [],
      skipped: [{ group: 'cost', reason: 'needs the ingest-cpu and worker groups in the same run' }],
    };
  const inputs = costInputs({ ingest, worker });
  const cost = costPerMillionWebhooks(inputs);
  const lambdaNote = inputs.lambda
    .map(
      (l) =>
        `${l.function} ${l.memoryMb} MB × ${Math.ceil(l.durationMs)} ms × ${l.invocationsPerWebhook.toFixed(2)}`,
    )
    .join(', ');
  const figure: Figure = {
    name: 'aws_cost_usd_per_million_webhooks',
    value: cost.totalUsd,
    unit: 'USD',
    note:
      `${describeBreakdown(cost)}; per webhook: SQS ${inputs.sqsRequests.toFixed(2)} requests, ` +
      `DynamoDB ${inputs.dynamoReadUnits.toFixed(1)} RRU + ${inputs.dynamoWriteUnits.toFixed(1)} WRU, ` +
      `logs ${Math.round(inputs.logBytes)} B, Lambda ${lambdaNote}; prices ${PRICES.region} ${PRICES.recorded}`,
  };
  return { figures: [figure], skipped: [] };
}
