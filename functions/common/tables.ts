/** DynamoDB key schemas, shared by the CDK stack and the local stack so both build the same tables. */
export interface TableDefinition {
  partitionKey: { name: string; type: 'S' | 'N' };
  sortKey?: { name: string; type: 'S' | 'N' };
  /** Set in CDK only (dynalite has no UpdateTimeToLive). */
  timeToLiveAttribute?: string;
}

export const TABLES = {
  /**
   * One item per channel: settings, hook state, reconcile watermark. A purged channel's tombstone
   * carries `expiresAt` (30 days). Env: CHANNELS_TABLE.
   */
  channels: { partitionKey: { name: 'channelId', type: 'S' }, timeToLiveAttribute: 'expiresAt' },
  /**
   * One item per (channel, BigCommerce order id): OM status, bounded history, processed event ids.
   * Items for orders OM has not imported yet carry `expiresAt` so they age out. Env: ORDERS_TABLE.
   */
  orders: {
    partitionKey: { name: 'channelId', type: 'S' },
    sortKey: { name: 'orderId', type: 'N' },
    timeToLiveAttribute: 'expiresAt',
  },
  /** Local only: the secret store's stand-in for Secrets Manager. Env: SECRETS_TABLE. */
  secrets: { partitionKey: { name: 'channelId', type: 'S' } },
} as const satisfies Record<string, TableDefinition>;
