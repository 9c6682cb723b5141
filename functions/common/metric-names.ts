/**
 * The metrics' one source: namespace and names, imported by the functions that emit them (Powertools
 * EMF), by the CDK dashboard and alarms that read them, and by the local runtime and benchmarks.
 * No dependencies, so the CDK app can import it without loading the runtime libraries.
 */
export const METRICS_NAMESPACE = 'OmBigCommerce';

/**
 * The Powertools metrics each function emits (namespace OmBigCommerce, default dimension `service` =
 * POWERTOOLS_SERVICE_NAME). The dashboard and alarms read them by these names.
 */
export const INGEST_METRICS = {
  received: 'WebhookReceived',
  accepted: 'WebhookAccepted',
  /** Extra dimension `reason` (REJECTION_REASONS). */
  rejected: 'WebhookRejected',
  ignored: 'WebhookIgnored',
  enqueueFailed: 'EnqueueFailed',
  /** A callback for a deleted channel, acknowledged (200) and dropped. */
  forDeletedChannel: 'WebhookForDeletedChannel',
  /** A `store/hook/deliveryException` callback: BigCommerce is failing to deliver to us. */
  deliveryException: 'WebhookDeliveryException',
} as const;

export const REJECTION_REASONS = ['unauthorized', 'invalid', 'too_large', 'unknown_channel'] as const;

export const WORKER_METRICS = {
  cancelled: 'OrderCancelled',
  fulfilled: 'OrderFulfilled',
  statusNotConfigured: 'StatusNotConfigured',
  deferred: 'Deferred',
  expired: 'Expired',
  alreadyInTargetStatus: 'AlreadyInTargetStatus',
  noAction: 'NoAction',
  duplicateDropped: 'DuplicateDropped',
  bigCommerceOrderNotFound: 'BigCommerceOrderNotFound',
  bigCommerceThrottled: 'BigCommerceThrottled',
  throttledRequeued: 'ThrottledRequeued',
  staleReadRequeued: 'StaleReadRequeued',
  omImportRecheck: 'OmImportRecheck',
  processingFailed: 'ProcessingFailed',
  writeConflict: 'WriteConflict',
  deferralChained: 'DeferralChained',
  malformedDropped: 'MalformedMessageDropped',
  unknownChannelDropped: 'UnknownChannelDropped',
  partiallyShipped: 'PartiallyShipped',
  shipmentRecorded: 'ShipmentRecorded',
  /** Extra dimension `reason` (NEEDS_ATTENTION_REASONS). */
  needsAttention: 'NeedsAttention',
} as const;

export const HOOK_METRICS = {
  created: 'HookCreated',
  reactivated: 'HookReactivated',
  repaired: 'HookRepaired',
  deleted: 'HookDeleted',
  verifyFailed: 'HookVerifyFailed',
  channelsVerified: 'ChannelsVerified',
  reconcileEnqueued: 'ReconcileEventsEnqueued',
  reconcileFailed: 'ReconcileFailed',
  /** Channels a scheduled run put on the work queue (in shards) to be verified. */
  sweepChannelsQueued: 'SweepChannelsQueued',
  /** Catch-up reconciles queued after a hook was created or re-activated. */
  catchUpsQueued: 'CatchUpsQueued',
} as const;

export const CHANNEL_API_METRICS = {
  requests: 'ChannelApiRequests',
  errors: 'ChannelApiErrors',
  saved: 'ChannelSaved',
  deleted: 'ChannelDeleted',
  /** The settings are stored but hook-manager only converges them on its next scheduled run. */
  eventPublishFailed: 'ChannelEventPublishFailed',
  /** BigCommerce refused new credentials (401/403): answered 422, nothing saved. */
  credentialsRefused: 'CredentialsRefused',
  /** BigCommerce could not answer the credentials check (5xx, timeout): saved, error on the hook. */
  credentialsUnverified: 'CredentialsUnverified',
} as const;

type ValueOf<T> = T[keyof T];
export type IngestMetric = ValueOf<typeof INGEST_METRICS>;
export type HookMetric = ValueOf<typeof HOOK_METRICS>;
export type WorkerMetric = ValueOf<typeof WORKER_METRICS>;
