import { isShipmentScope } from './callback';
import type { ChannelSettings } from './channel';
import { statusSetByThisSystem, type EventSource, type NeedsAttentionReason, type OmOrder } from './order';
import { delayForAttempt, isExpired, type RetryPolicy } from './retry-policy';
import {
  BIGCOMMERCE_STATUS,
  CONFIGURABLE_OM_STATUSES,
  DEFAULT_CANCEL_ON_BIGCOMMERCE_STATUS_IDS,
  DEFAULT_FULFILL_ON_BIGCOMMERCE_STATUS_IDS,
  TARGET_STATUS,
  type ConfigurableOmStatus,
  type OmStatus,
  type OrderAction,
} from './statuses';

/**
 * The order-worker's decision (contract.md section 4): pure, no I/O. Given the channel's settings, the order
 * as BigCommerce has it now, the OM order and the event, it says what to record and whether to change
 * the OM status. Every variant carries the history fields (`bigcommerceStatusId`, `statusBefore`,
 * `statusAfter`) so the caller can append the entry without re-deriving anything.
 */
export type DecisionChannel = Pick<
  ChannelSettings,
  'validCancellationStatuses' | 'validFulfillmentStatuses'
> &
  Partial<Pick<ChannelSettings, 'cancelOnBigCommerceStatusIds' | 'fulfillOnBigCommerceStatusIds'>>;

/** What BigCommerce answered for the order now; undefined when it answered 404. */
export type CurrentBigCommerceOrder = { statusId: number; isDeleted?: boolean } | undefined;

export interface DecisionEvent {
  /** ISO time of the first receipt (expiry counts from here). */
  receivedAt: string;
  attempt: number;
  source: EventSource;
  /** The callback scope; `store/shipment/…` events refresh the shipments of an order we shipped. */
  scope?: string;
}

/** What the decision reads of the OM order: its status, and its history (who set that status). */
export type DecisionOmOrder = Pick<OmOrder, 'status'> & Partial<Pick<OmOrder, 'history'>>;

export type Decision =
  | {
      outcome: 'cancelled';
      action: 'cancel';
      bigcommerceStatusId: number;
      statusBefore: ConfigurableOmStatus;
      statusAfter: 'Cancelled';
    }
  | {
      outcome: 'fulfilled';
      action: 'fulfill';
      bigcommerceStatusId: number;
      statusBefore: ConfigurableOmStatus;
      statusAfter: 'Shipped';
    }
  | {
      outcome: 'deferred';
      action: OrderAction;
      /** Wait before the next attempt (may exceed SQS's 900 s; the caller chains). */
      delaySeconds: number;
      bigcommerceStatusId: number;
      statusBefore: 'Unprocessed' | null;
      statusAfter: 'Unprocessed' | null;
    }
  | {
      outcome: 'expired';
      action: OrderAction;
      bigcommerceStatusId: number;
      statusBefore: 'Unprocessed' | null;
      statusAfter: 'Unprocessed' | null;
    }
  | {
      outcome: 'already_in_target_status';
      action: OrderAction;
      bigcommerceStatusId: number;
      statusBefore: OmStatus;
      statusAfter: OmStatus;
    }
  | {
      outcome: 'status_not_configured';
      action: OrderAction;
      bigcommerceStatusId: number;
      statusBefore: OmStatus;
      statusAfter: OmStatus;
    }
  | {
      outcome: 'no_action_for_bigcommerce_status';
      bigcommerceStatusId: number;
      statusBefore: OmStatus | null;
      statusAfter: OmStatus | null;
    }
  | {
      outcome: 'bigcommerce_order_not_found';
      bigcommerceStatusId: null;
      statusBefore: OmStatus | null;
      statusAfter: OmStatus | null;
    }
  | {
      /** Shipments are read and stored; the status stays. */
      outcome: 'partially_shipped' | 'shipment_recorded';
      bigcommerceStatusId: number;
      statusBefore: OmStatus;
      statusAfter: OmStatus;
    }
  | {
      outcome: 'needs_attention';
      reason: NeedsAttentionReason;
      bigcommerceStatusId: number;
      statusBefore: OmStatus | null;
      statusAfter: OmStatus | null;
    };

/** Decisions after which the worker reads the order's shipments and stores them (contract.md section 11). */
export const readsShipments = (decision: Decision): boolean =>
  decision.outcome === 'fulfilled' ||
  decision.outcome === 'partially_shipped' ||
  decision.outcome === 'shipment_recorded';

const isShipmentEvent = (event: DecisionEvent) => event.scope !== undefined && isShipmentScope(event.scope);

/** Whether the OM order is `status` because this system set it (order.ts `statusSetByThisSystem`). */
export const setByThisSystem = (order: DecisionOmOrder | undefined, status: 'Cancelled' | 'Shipped') =>
  order?.status === status && statusSetByThisSystem(order);

/** BigCommerce statuses that need a person rather than an action, when no list asks for an action. */
const ATTENTION_STATUSES: Readonly<Record<number, NeedsAttentionReason>> = {
  [BIGCOMMERCE_STATUS.disputed]: 'disputed',
  [BIGCOMMERCE_STATUS.manualVerificationRequired]: 'manual_verification_required',
};

/** Decisions that change the OM status. */
export const isApplied = (
  decision: Decision,
): decision is Extract<Decision, { outcome: 'cancelled' | 'fulfilled' }> =>
  decision.outcome === 'cancelled' || decision.outcome === 'fulfilled';

/**
 * Which action a BigCommerce status asks for, from the channel's lists (defaults of contract.md section 3
 * when a list is absent). A status in both lists cancels: cancelling is the safer of the two.
 */
export function actionFor(channel: DecisionChannel, bigcommerceStatusId: number): OrderAction | undefined {
  const cancelIds = channel.cancelOnBigCommerceStatusIds ?? DEFAULT_CANCEL_ON_BIGCOMMERCE_STATUS_IDS;
  const fulfillIds = channel.fulfillOnBigCommerceStatusIds ?? DEFAULT_FULFILL_ON_BIGCOMMERCE_STATUS_IDS;
  if (cancelIds.includes(bigcommerceStatusId)) return 'cancel';
  if (fulfillIds.includes(bigcommerceStatusId)) return 'fulfill';
  return undefined;
}

const isConfigurable = (status: OmStatus): status is ConfigurableOmStatus =>
  (CONFIGURABLE_OM_STATUSES as readonly OmStatus[]).includes(status);

const validSetFor = (channel: DecisionChannel, action: OrderAction): readonly OmStatus[] =>
  action === 'cancel' ? channel.validCancellationStatuses : channel.validFulfillmentStatuses;

export function decide(
  channel: DecisionChannel,
  bigcommerceOrder: CurrentBigCommerceOrder,
  omOrder: DecisionOmOrder | undefined,
  event: DecisionEvent,
  now: Date,
  policy: RetryPolicy,
): Decision {
  const current = omOrder?.status ?? null;
  if (!bigcommerceOrder) {
    return {
      outcome: 'bigcommerce_order_not_found',
      bigcommerceStatusId: null,
      statusBefore: current,
      statusAfter: current,
    };
  }
  const bigcommerceStatusId = bigcommerceOrder.statusId;
  const action = actionFor(channel, bigcommerceStatusId);
  const unchanged = { bigcommerceStatusId, statusBefore: current, statusAfter: current };

  // 0. A person should look (docs/contract.md section 12); the OM status is never changed for these.
  if (bigcommerceOrder.isDeleted)
    return { outcome: 'needs_attention', reason: 'archived_in_bigcommerce', ...unchanged };
  if (action !== 'cancel' && setByThisSystem(omOrder, 'Cancelled'))
    return { outcome: 'needs_attention', reason: 'uncancelled_in_bigcommerce', ...unchanged };
  // A shipment of an order we shipped: store its shipments again (docs/contract.md section 11).
  if (current !== null && isShipmentEvent(event) && setByThisSystem(omOrder, 'Shipped'))
    return { outcome: 'shipment_recorded', bigcommerceStatusId, statusBefore: current, statusAfter: current };

  // 1. BigCommerce status in neither list.
  if (!action) {
    const reason = ATTENTION_STATUSES[bigcommerceStatusId];
    if (reason) return { outcome: 'needs_attention', reason, ...unchanged };
    if (
      bigcommerceStatusId === BIGCOMMERCE_STATUS.partiallyShipped &&
      current !== null &&
      isConfigurable(current) &&
      channel.validFulfillmentStatuses.includes(current)
    )
      return {
        outcome: 'partially_shipped',
        bigcommerceStatusId,
        statusBefore: current,
        statusAfter: current,
      };
    return { outcome: 'no_action_for_bigcommerce_status', ...unchanged };
  }

  // 2. Not imported or not processed in OM yet: look again later, until the event is too old.
  if (current === null || current === 'Unprocessed') {
    if (isExpired(policy, event.receivedAt, now)) {
      return { outcome: 'expired', action, bigcommerceStatusId, statusBefore: current, statusAfter: current };
    }
    return {
      outcome: 'deferred',
      action,
      delaySeconds: delayForAttempt(policy, event.attempt),
      bigcommerceStatusId,
      statusBefore: current,
      statusAfter: current,
    };
  }

  // 3. Already where the action would take it.
  const target = TARGET_STATUS[action];
  if (current === target) {
    return {
      outcome: 'already_in_target_status',
      action,
      bigcommerceStatusId,
      statusBefore: current,
      statusAfter: current,
    };
  }

  // 4. The merchant ticked this status for this action.
  // Only processed, non-terminal statuses can ever qualify, whatever a stored set might say.
  if (isConfigurable(current) && validSetFor(channel, action).includes(current)) {
    const statusBefore = current;
    return action === 'cancel'
      ? { outcome: 'cancelled', action, bigcommerceStatusId, statusBefore, statusAfter: TARGET_STATUS.cancel }
      : {
          outcome: 'fulfilled',
          action,
          bigcommerceStatusId,
          statusBefore,
          statusAfter: TARGET_STATUS.fulfill,
        };
  }

  // 5. Left alone; the status is recorded so support can explain why.
  return {
    outcome: 'status_not_configured',
    action,
    bigcommerceStatusId,
    statusBefore: current,
    statusAfter: current,
  };
}
