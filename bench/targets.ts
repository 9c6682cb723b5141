/**
 * Every figure of docs/contract.md section 9 (round 1 and revision 2) and its target: the one place targets
 * live. Bench modules measure; the report looks each figure up here, judges it, and prints a figure no
 * module produced as "not measured" (a fail) — so a module still being written cannot hide a target.
 */
import { FUNCTIONS } from './common';
import type { Target } from './report';

export interface ExpectedFigure {
  name: string;
  unit: string;
  /** Absent: informational, printed without pass/fail (but still expected in a full run). */
  target?: Target;
  /** 1: the original report; 2: added by revision 2. */
  round: 1 | 2;
}

/** A figure judged on its value (`op` `limit`), or informational without `op`. */
const figure = (
  name: string,
  unit: string,
  round: ExpectedFigure['round'],
  op?: Target['op'],
  limit = 0,
): ExpectedFigure => ({ name, unit, round, ...(op && { target: { on: 'value', op, limit } }) });

const perFunction = (fn: string): ExpectedFigure[] => [
  { name: `bundle_bytes_${fn}`, unit: 'bytes', round: 1, target: { on: 'ratio', op: '<=', limit: 1.35 } },
  { name: `cold_init_ratio_${fn}`, unit: 'ms', round: 1, target: { on: 'ratio', op: '<=', limit: 1.25 } },
];

export const EXPECTED_FIGURES: readonly ExpectedFigure[] = [
  ...FUNCTIONS.flatMap(perFunction),
  // Informational since revision 2: its denominator is one SDK call over loopback.
  figure('ingest_ratio_vs_bare', 'x', 1),
  figure('ingest_p50_ms', 'ms', 1),
  figure('ingest_p99_ms', 'ms', 1),
  figure('ingest_requests_per_second', 'req/s', 1),
  figure('ingest_extra_cpu_us_per_request', 'µs', 2, '<=', 25),
  figure('worker_events_per_second', 'events/s', 1),
  figure('worker_dynamodb_requests_per_event', 'requests', 1, '<=', 2),
  figure('worker_bigcommerce_requests_per_event', 'requests', 1, '==', 1),
  figure('worker_bigcommerce_requests_per_deferred_chain', 'requests', 2, '<=', 2),
  figure('worker_bigcommerce_requests_per_fulfillment', 'requests', 2, '<=', 2),
  figure('om_import_to_effect_ms_p99', 'ms', 2, '<=', 2000),
  figure('hooks_requests_per_healthy_channel', 'requests', 1, '==', 1),
  figure('hooks_10k_channels_seconds', 's', 1, '<', 300),
  figure('hooks_100k_channels_seconds', 's', 2, '<=', 900),
  // No target in section 9: it tells the platform team what a peak season costs and where to save.
  figure('aws_cost_usd_per_million_webhooks', 'USD', 2),
];

const BY_NAME = new Map(EXPECTED_FIGURES.map((f) => [f.name, f]));

export const expectedFigure = (name: string) => BY_NAME.get(name);
