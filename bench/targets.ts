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

const perFunction = (fn: string): ExpectedFigure[] => [
  { name: `bundle_bytes_${fn}`, unit: 'bytes', round: 1, target: { on: 'ratio', op: '<=', limit: 1.35 } },
  { name: `cold_init_ratio_${fn}`, unit: 'ms', round: 1, target: { on: 'ratio', op: '<=', limit: 1.25 } },
];

export const EXPECTED_FIGURES: readonly ExpectedFigure[] = [
  ...FUNCTIONS.flatMap(perFunction),
  // Informational since revision 2: its denominator is one SDK call over loopback.
  { name: 'ingest_ratio_vs_bare', unit: 'x', round: 1 },
  { name: 'ingest_p50_ms', unit: 'ms', round: 1 },
  { name: 'ingest_p99_ms', unit: 'ms', round: 1 },
  { name: 'ingest_requests_per_second', unit: 'req/s', round: 1 },
  {
    name: 'ingest_extra_cpu_us_per_request',
    unit: 'µs',
    round: 2,
    target: { on: 'value', op: '<=', limit: 25 },
  },
  { name: 'worker_events_per_second', unit: 'events/s', round: 1 },
  {
    name: 'worker_dynamodb_requests_per_event',
    unit: 'requests',
    round: 1,
    target: { on: 'value', op: '<=', limit: 2 },
  },
  {
    name: 'worker_bigcommerce_requests_per_event',
    unit: 'requests',
    round: 1,
    target: { on: 'value', op: '==', limit: 1 },
  },
  {
    name: 'worker_bigcommerce_requests_per_deferred_chain',
    unit: 'requests',
    round: 2,
    target: { on: 'value', op: '<=', limit: 2 },
  },
  {
    name: 'worker_bigcommerce_requests_per_fulfillment',
    unit: 'requests',
    round: 2,
    target: { on: 'value', op: '<=', limit: 2 },
  },
  {
    name: 'om_import_to_effect_ms_p99',
    unit: 'ms',
    round: 2,
    target: { on: 'value', op: '<=', limit: 2000 },
  },
  {
    name: 'hooks_requests_per_healthy_channel',
    unit: 'requests',
    round: 1,
    target: { on: 'value', op: '==', limit: 1 },
  },
  { name: 'hooks_10k_channels_seconds', unit: 's', round: 1, target: { on: 'value', op: '<', limit: 300 } },
  { name: 'hooks_100k_channels_seconds', unit: 's', round: 2, target: { on: 'value', op: '<=', limit: 900 } },
  // No target in section 9: it tells the platform team what a peak season costs and where to save.
  { name: 'aws_cost_usd_per_million_webhooks', unit: 'USD', round: 2 },
];

const BY_NAME = new Map(EXPECTED_FIGURES.map((f) => [f.name, f]));

export const expectedFigure = (name: string) => BY_NAME.get(name);
