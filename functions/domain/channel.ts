import type { ConfigurableOmStatus } from './statuses';

/** What the merchant chose for one sales channel (one BigCommerce store). */
export interface ChannelSettings {
  storeHash: string;
  validCancellationStatuses: ConfigurableOmStatus[];
  validFulfillmentStatuses: ConfigurableOmStatus[];
  cancelOnBigCommerceStatusIds: number[];
  fulfillOnBigCommerceStatusIds: number[];
}

/** Last known state of the channel's BigCommerce hook, as hook-manager recorded it. */
export interface HookState {
  hookId?: number;
  isActive: boolean;
  lastVerifiedAt?: string;
  lastError?: string;
  /**
   * A hook was created or re-activated: reconcile once more at this ISO time (BigCommerce may take a
   * minute to start firing it). Cleared by that catch-up run.
   */
  catchUpAfter?: string;
}

export interface ReconcileState {
  /** ISO time: orders modified at or after this have not been reconciled yet. */
  watermark?: string;
  lastRunAt?: string;
}

/** A channel as stored (no secrets: those live in the SecretStore). */
export interface Channel extends ChannelSettings {
  channelId: string;
  createdAt: string;
  updatedAt: string;
  hook?: HookState;
  reconcile?: ReconcileState;
  /**
   * Set by DELETE: the channel is gone for every caller (404), and hook-manager removes its hooks and
   * then purges the item and its secrets.
   */
  deletedAt?: string;
  /**
   * Set when hook-manager has removed a deleted channel's hooks and secrets. The item stays as a
   * tombstone until `expiresAt` (epoch seconds, DynamoDB TTL), so late callbacks for it are told apart
   * from callbacks for ids never known.
   */
  purgedAt?: string;
  expiresAt?: number;
  /** The last `store/hook/deliveryException` BigCommerce sent for this channel's hooks. */
  lastDeliveryException?: DeliveryException;
}

/** BigCommerce's early warning that deliveries to one of the channel's hooks are failing. */
export interface DeliveryException {
  at: string;
  /** 90001 (one failure), 90002 (blocklisted), 90003 (deactivated) as documented by BigCommerce. */
  errorCode: number;
  message: string;
  hookId: number | null;
}

/** How long a purged channel's tombstone is kept (callbacks still in flight are answered 200). */
export const TOMBSTONE_TTL_MS = 30 * 24 * 60 * 60 * 1000;

/** The tombstone's expiry, as DynamoDB TTL wants it (epoch seconds). */
export const tombstoneExpiresAt = (purgedAt: Date) =>
  Math.ceil((purgedAt.getTime() + TOMBSTONE_TTL_MS) / 1000);

/** A tombstone past its expiry counts as never known (DynamoDB removes expired items only eventually). */
export const tombstoneExpired = (channel: Pick<Channel, 'expiresAt'>, now: Date) =>
  channel.expiresAt !== undefined && channel.expiresAt * 1000 <= now.getTime();

/** Credentials and the webhook token: only ever in the SecretStore, never in logs or answers. */
export interface ChannelSecrets {
  accessToken: string;
  clientSecret?: string;
  webhookToken: string;
}

/** What authenticating a callback needs, and all the public webhook function may read. */
export type WebhookAuthSecrets = Pick<ChannelSecrets, 'webhookToken' | 'clientSecret'>;
/** What calling BigCommerce needs (order-worker). */
export type ApiCredentials = Pick<ChannelSecrets, 'accessToken'>;

/** A channel wants its hook when either valid-status set names a status. */
export const wantsHooks = (
  settings: Pick<ChannelSettings, 'validCancellationStatuses' | 'validFulfillmentStatuses'>,
) => settings.validCancellationStatuses.length > 0 || settings.validFulfillmentStatuses.length > 0;

export const CHANNEL_ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;
/** BigCommerce store hashes are lower-case alphanumerics. */
export const STORE_HASH_PATTERN = /^[a-z0-9]{1,32}$/;
