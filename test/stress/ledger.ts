import { expectedFinalStatus, expectsAction, expectsEffect, type OrderPlan } from './order-plan';

/**
 * The fault run's ledger: every webhook BigCommerce got a 2xx for must have exactly one terminal outcome
 * in its order's history (after dead-lettered messages were replayed), no order may change status twice,
 * and every order must end in the status the gate demands.
 */
export interface LedgerHistoryEntry {
  eventId: string;
  source: string;
  outcome: string;
  attempt?: number;
  /** `deferred` entries: how many attempts updated the one entry. */
  attempts?: number;
}

export interface LedgerOrder {
  status: string | null;
  history: LedgerHistoryEntry[];
}

export interface LedgerInput {
  plans: OrderPlan[];
  /** webhook-id → order id, for every statusUpdated delivery answered 2xx (first answer or a copy). */
  accepted: Map<string, number>;
  /** webhook-ids of every statusUpdated callback the sandbox sent (accepted or not). */
  published: Set<string>;
  /** The order as GET /channels/{c}/orders/{id} shows it; undefined for 404. */
  orders: Map<number, LedgerOrder | undefined>;
  /** Event ids found in the dead-letter queue (and replayed). */
  deadLettered: Set<string>;
  /** GET /v2/orders/{id} answered 200, by order id (absent: not counted). */
  bigcommerceReads?: Map<number, number>;
}

export interface LedgerCounts {
  orders: number;
  /** Accepted webhook events (distinct webhook-ids answered 2xx). */
  events: number;
  /** Events whose terminal outcome changed the order (cancelled / fulfilled). */
  applied: number;
  /** Events deferred at least once before their terminal outcome. */
  deferred: number;
  /** Events whose terminal outcome is `expired`. */
  expired: number;
  deadLettered: number;
  /** Accepted events with no terminal outcome. */
  lost: number;
  /** Extra terminal outcomes for one event, plus extra status changes of one order. */
  duplicated: number;
  /** Orders not in the status the gate demands. */
  wrongFinal: number;
  /** Callbacks the sandbox sent that never got a 2xx (BigCommerce gave up on them). */
  undelivered: number;
  /**
   * Deferred events whose retry chain ran twice (two copies both processed: the one `deferred` entry
   * was updated more times than there were attempts). Must be 0.
   */
  duplicatedChains: number;
  /** BigCommerce order reads (200) of orders with a deferred event, per accepted event of those orders. */
  bigcommerceReadsPerDeferredEvent: number;
}

export interface LedgerResult {
  counts: LedgerCounts;
  /** One line per problem (empty when the ledger balances). */
  problems: string[];
}

const TERMINAL_EFFECTS = new Set(['cancelled', 'fulfilled']);

export function computeLedger(input: LedgerInput): LedgerResult {
  const problems: string[] = [];
  const counts: LedgerCounts = {
    orders: input.plans.length,
    events: input.accepted.size,
    applied: 0,
    deferred: 0,
    expired: 0,
    deadLettered: 0,
    lost: 0,
    duplicated: 0,
    wrongFinal: 0,
    undelivered: 0,
    duplicatedChains: 0,
    bigcommerceReadsPerDeferredEvent: 0,
  };
  let readsOfDeferred = 0;
  let eventsOfDeferred = 0;
  const deferredOrders = new Set<number>();

  for (const [eventId, orderId] of input.accepted) {
    const history = input.orders.get(orderId)?.history ?? [];
    // OM's import re-checks waiting events (source om_import): that entry is the event's outcome, and an
    // `expired` before it was not final.
    const entries = history.filter(
      (h) => h.eventId === eventId && (h.source === 'webhook' || h.source === 'om_import'),
    );
    const rechecked = entries.some((h) => h.source === 'om_import');
    const terminal = entries.filter(
      (h) => h.outcome !== 'deferred' && !(rechecked && h.outcome === 'expired' && h.source !== 'om_import'),
    );
    if (input.deadLettered.has(eventId)) counts.deadLettered++;
    const deferredEntries = entries.filter((h) => h.outcome === 'deferred');
    if (deferredEntries.length > 0) {
      counts.deferred++;
      deferredOrders.add(orderId);
    }
    for (const d of deferredEntries) {
      if (deferredEntries.length > 1 || (d.attempts ?? 1) > (d.attempt ?? 1)) {
        counts.duplicatedChains++;
        problems.push(
          `order ${orderId}: event ${eventId} retry chain ran twice (${deferredEntries.length} deferred entries, ` +
            `${d.attempts} updates for attempt ${d.attempt})`,
        );
        break;
      }
    }
    if (terminal.length === 0) {
      counts.lost++;
      problems.push(
        `order ${orderId}: accepted event ${eventId} has no terminal outcome (${entries.length} entries)`,
      );
      continue;
    }
    if (terminal.length > 1) {
      counts.duplicated += terminal.length - 1;
      problems.push(
        `order ${orderId}: event ${eventId} has ${terminal.length} terminal outcomes (${terminal.map((h) => h.outcome).join(', ')})`,
      );
    }
    const outcome = terminal[0]!.outcome;
    if (TERMINAL_EFFECTS.has(outcome)) counts.applied++;
    if (outcome === 'expired') counts.expired++;
  }

  for (const plan of input.plans) {
    const order = input.orders.get(plan.orderId);
    const expected = expectedFinalStatus(plan);
    const actual = order ? order.status : null;
    if (actual !== expected) {
      counts.wrongFinal++;
      problems.push(
        `order ${plan.orderId}: status ${String(actual)}, expected ${String(expected)} (${JSON.stringify(plan)})`,
      );
    }
    // OM processed the order in time: a deferral of it must have resolved, never expired.
    const history = order?.history ?? [];
    const rechecked = new Set(history.filter((h) => h.source === 'om_import').map((h) => h.eventId));
    const expiredEntries = history.filter((h) => h.outcome === 'expired').length;
    // An expired event OM's import re-checked later was not forgotten (docs/contract.md section 10).
    const expiredForGood = history.filter((h) => h.outcome === 'expired' && !rechecked.has(h.eventId)).length;
    if (plan.om.kind !== 'stuck' && expiredForGood > 0)
      problems.push(
        `order ${plan.orderId}: ${expiredForGood} event(s) expired although OM processed the order`,
      );
    // Never processed in OM and BigCommerce ended in a status that acts: the deferral must end as expired.
    if (plan.om.kind === 'stuck' && expectsAction(plan) && expiredEntries === 0)
      problems.push(`order ${plan.orderId}: never processed in OM, but no event expired`);
    const effects = (order?.history ?? []).filter((h) => TERMINAL_EFFECTS.has(h.outcome)).length;
    if (effects > 1) {
      counts.duplicated += effects - 1;
      problems.push(`order ${plan.orderId}: status changed ${effects} times`);
    } else if (effects === 0 && expectsEffect(plan) && actual === expected) {
      // Cannot happen with a correct status; kept so a status set some other way is not mistaken for success.
      problems.push(`order ${plan.orderId}: in ${String(actual)} without a cancelled/fulfilled entry`);
      counts.wrongFinal++;
    }
    if ((order?.history.length ?? 0) >= 100)
      problems.push(
        `order ${plan.orderId}: history is full (100 entries); older entries are not visible to the ledger`,
      );
  }

  if (input.bigcommerceReads) {
    for (const orderId of deferredOrders) readsOfDeferred += input.bigcommerceReads.get(orderId) ?? 0;
    for (const orderId of input.accepted.values()) if (deferredOrders.has(orderId)) eventsOfDeferred++;
    counts.bigcommerceReadsPerDeferredEvent =
      eventsOfDeferred === 0 ? 0 : Math.round((readsOfDeferred / eventsOfDeferred) * 100) / 100;
  }
  for (const id of input.published) {
    if (!input.accepted.has(id)) {
      counts.undelivered++;
      problems.push(`callback ${id} was never answered 2xx`);
    }
  }
  return { counts, problems };
}

export interface ScenarioRow extends LedgerCounts {
  scenario: string;
  /** Faults actually injected, by kind. */
  faults: Record<string, number>;
  seconds: number;
}

const COLUMNS: Array<[string, (r: ScenarioRow) => string]> = [
  ['scenario', (r) => r.scenario],
  ['orders', (r) => String(r.orders)],
  ['events', (r) => String(r.events)],
  ['applied', (r) => String(r.applied)],
  ['deferred', (r) => String(r.deferred)],
  ['expired', (r) => String(r.expired)],
  ['dead-lettered', (r) => String(r.deadLettered)],
  ['lost', (r) => String(r.lost)],
  ['duplicated', (r) => String(r.duplicated)],
  ['wrong final', (r) => String(r.wrongFinal)],
  ['undelivered', (r) => String(r.undelivered)],
  ['dup. chains', (r) => String(r.duplicatedChains)],
  ['bc reads/deferred event', (r) => String(r.bigcommerceReadsPerDeferredEvent)],
  [
    'faults injected',
    (r) =>
      Object.entries(r.faults)
        .filter(([, n]) => n > 0)
        .map(([k, n]) => `${k} ${n}`)
        .join(', ') || '-',
  ],
  ['s', (r) => r.seconds.toFixed(1)],
];

/** A plain-text table (also valid Markdown). */
export function formatTable(rows: ScenarioRow[]): string {
  const cells = rows.map((r) => COLUMNS.map(([, get]) => get(r)));
  const widths = COLUMNS.map(([title], i) => Math.max(title.length, ...cells.map((c) => c[i]!.length)));
  const line = (values: string[]) => `| ${values.map((v, i) => v.padEnd(widths[i]!)).join(' | ')} |`;
  return [
    line(COLUMNS.map(([title]) => title)),
    `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`,
    ...cells.map(line),
  ].join('\n');
}
