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
}

/** Credentials and the webhook token: only ever in the SecretStore, never in logs or answers. */
export interface ChannelSecrets {
  accessToken: string;
  clientSecret?: string;
  webhookToken: string;
}

/** What authenticating a callback needs, and all the public webhook function may read. */
export type WebhookAuthSecrets = Pick<ChannelSecrets, 'webhookToken' | 'clientSecret'>;

/** A channel wants its hook when either valid-status set names a status. */
export const wantsHooks = (
  settings: Pick<ChannelSettings, 'validCancellationStatuses' | 'validFulfillmentStatuses'>,
) => settings.validCancellationStatuses.length > 0 || settings.validFulfillmentStatuses.length > 0;

export const CHANNEL_ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;
/** BigCommerce store hashes are lower-case alphanumerics. */
export const STORE_HASH_PATTERN = /^[a-z0-9]{1,32}$/;
