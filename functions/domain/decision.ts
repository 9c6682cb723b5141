import type { ChannelSettings } from './channel';
import type { EventSource, OmOrder } from './order';
import { delayForAttempt, isExpired, type RetryPolicy } from './retry-policy';
import {
  CONFIGURABLE_OM_STATUSES,
  DEFAULT_CANCEL_ON_BIGCOMMERCE_STATUS_IDS,
  DEFAULT_FULFILL_ON_BIGCOMMERCE_STATUS_IDS,
  TARGET_STATUS,
  type ConfigurableOmStatus,
  type OmStatus,
  type OrderAction,
} from './statuses';

/**
 * The order-worker's decision (docs/contract.md section 4): pure, no I/O. Given the channel's settings, the order
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
export type CurrentBigCommerceOrder = { statusId: number } | undefined;

export interface DecisionEvent {
  /** ISO time of the first receipt (expiry counts from here). */
  receivedAt: string;
  attempt: number;
  source: EventSource;
}

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
    };

/** Decisions that change the OM status. */
export const isApplied = (
  decision: Decision,
): decision is Extract<Decision, { outcome: 'cancelled' | 'fulfilled' }> =>
  decision.outcome === 'cancelled' || decision.outcome === 'fulfilled';

/**
 * Which action a BigCommerce status asks for, from the channel's lists (defaults of docs/contract.md section 3
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
  omOrder: Pick<OmOrder, 'status'> | undefined,
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

  // 1. BigCommerce status in neither list.
  const action = actionFor(channel, bigcommerceStatusId);
  if (!action) {
    return {
      outcome: 'no_action_for_bigcommerce_status',
      bigcommerceStatusId,
      statusBefore: current,
      statusAfter: current,
    };
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
