import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { HOOK_METRICS, type HookMetric } from '../common/metric-names';
import type { Observability } from '../common/observability';
import type { ConvergeResult, HookCounts } from './converge';

/** What one invocation did, published as hook-manager's metrics when it ends. */
export class Tally {
  readonly counts: HookCounts = { created: 0, reactivated: 0, repaired: 0, deleted: 0 };
  verified = 0;
  purged = 0;
  failed = 0;
  skipped = 0;
  reconcileEnqueued = 0;
  reconcileFailed = 0;
  sweepChannelsQueued = 0;
  catchUpsQueued = 0;

  add(result: ConvergeResult) {
    if (result.outcome === 'gone') return;
    if (result.outcome === 'skipped') {
      this.skipped++;
      return;
    }
    for (const key of Object.keys(this.counts) as (keyof HookCounts)[])
      this.counts[key] += result.counts[key];
    if (result.outcome === 'failed') this.failed++;
    else if (result.outcome === 'purged') this.purged++;
    else {
      this.verified++;
      if (result.reconcile?.ok) this.reconcileEnqueued += result.reconcile.enqueued;
      else if (result.reconcile) this.reconcileFailed++;
    }
  }

  /** Every run publishes ChannelsVerified (0 too): the sweep heartbeat alarm counts its samples. */
  publish(obs: Pick<Observability, 'metrics'>) {
    const m = (name: HookMetric, value: number) => obs.metrics.addMetric(name, MetricUnit.Count, value);
    m(HOOK_METRICS.created, this.counts.created);
    m(HOOK_METRICS.reactivated, this.counts.reactivated);
    m(HOOK_METRICS.repaired, this.counts.repaired);
    m(HOOK_METRICS.deleted, this.counts.deleted);
    m(HOOK_METRICS.verifyFailed, this.failed);
    // Purged tombstones were verified too: their hooks are gone.
    m(HOOK_METRICS.channelsVerified, this.verified + this.purged);
    m(HOOK_METRICS.reconcileEnqueued, this.reconcileEnqueued);
    if (this.reconcileFailed > 0) m(HOOK_METRICS.reconcileFailed, this.reconcileFailed);
    if (this.sweepChannelsQueued > 0) m(HOOK_METRICS.sweepChannelsQueued, this.sweepChannelsQueued);
    if (this.catchUpsQueued > 0) m(HOOK_METRICS.catchUpsQueued, this.catchUpsQueued);
  }
}
