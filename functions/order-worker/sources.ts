import { BigCommerceError } from '../adapters/bigcommerce-client';
import type { ApiCredentials, Channel } from '../domain/channel';
import { isStaleRead } from '../domain/history';
import type { BigCommerceRead, OmOrder } from '../domain/order';
import type { Shipment } from '../domain/shipment';
import { createTtlCache } from '../common/ttl-cache';
import {
  CACHE_TTL_MS,
  MissingCredentialsError,
  StaleReadError,
  WORKER_COUNTERS,
  type LogAttributes,
  type OrderWorkerDeps,
} from './deps';

class ChannelNotFound extends Error {}

/** Reads of the same order when BigCommerce answers one older than the one applied. */
const STALE_READ_TRIES = 2;

/**
 * Where the pipeline gets its inputs besides the OM order: the channel and its credentials (hot
 * containers reuse them for 60 s; misses are not cached, so a channel created a moment ago is seen at
 * once) and the order as BigCommerce has it now.
 */
export function makeSources(deps: OrderWorkerDeps, count: (name: string) => void) {
  const ttlMs = deps.cacheTtlMs ?? CACHE_TTL_MS;
  const channelCache = createTtlCache<Channel>({ ttlMs });
  const secretCache = createTtlCache<ApiCredentials>({ ttlMs });

  /** The live channel; an unknown or deleted one is counted and logged (the caller drops the event). */
  async function loadChannel(channelId: string, attrs: LogAttributes): Promise<Channel | undefined> {
    const channel = await findChannel(channelId);
    if (!channel) {
      count(WORKER_COUNTERS.unknownChannel);
      deps.logger.warn('Dropped an event for an unknown or deleted channel', attrs);
    }
    return channel;
  }

  async function findChannel(channelId: string): Promise<Channel | undefined> {
    try {
      const channel = await channelCache.get(channelId, async () => {
        const found = await deps.channels.get(channelId);
        if (!found) throw new ChannelNotFound();
        return found;
      });
      return channel.deletedAt ? undefined : channel;
    } catch (error) {
      if (error instanceof ChannelNotFound) return undefined;
      throw error;
    }
  }

  const loadSecrets = (channelId: string) =>
    secretCache.get(channelId, async () => {
      const secrets = await deps.secrets.getApiCredentials(channelId);
      // A live channel without credentials is a broken setup: fail (and dead-letter) so it can be replayed.
      if (!secrets) throw new MissingCredentialsError(`channel ${channelId} has no BigCommerce credentials`);
      return secrets;
    });

  async function getOrder(
    channel: Channel,
    orderId: number,
    deadline: number | undefined,
  ): Promise<BigCommerceRead | undefined> {
    const secrets = await loadSecrets(channel.channelId);
    try {
      const found = await deps.bigcommerce.getOrder(
        { storeHash: channel.storeHash, accessToken: secrets.accessToken },
        orderId,
        { deadline, onThrottle: () => count(WORKER_COUNTERS.throttled) },
      );
      return (
        found && {
          statusId: found.statusId,
          dateModified: found.dateModified,
          ...(found.isDeleted && { isDeleted: true }),
        }
      );
    } catch (error) {
      // Credentials may have been rotated: read them again next time.
      if (error instanceof BigCommerceError && (error.status === 401 || error.status === 403)) {
        secretCache.delete(channel.channelId);
      }
      throw error;
    }
  }

  /**
   * The order as BigCommerce has it now (undefined: 404). A read older than one already applied to
   * `applied` is read again; still older after that, StaleReadError (the caller sends the event back).
   */
  async function readBigCommerce(
    channel: Channel,
    orderId: number,
    deadline: number | undefined,
    applied: Pick<OmOrder, 'bigcommerceDateModified'> | undefined,
  ): Promise<BigCommerceRead | undefined> {
    for (let tries = 1; ; tries++) {
      const read = await getOrder(channel, orderId, deadline);
      if (!read || !isStaleRead(applied, read)) return read;
      if (tries >= STALE_READ_TRIES) {
        throw new StaleReadError(
          `order ${orderId}: BigCommerce answered date_modified ${read.dateModified}, older than the ` +
            `${applied?.bigcommerceDateModified} already applied`,
        );
      }
    }
  }

  /** The order's shipments now (docs/contract.md section 11): one request for an ordinary order. */
  async function readShipments(
    channel: Channel,
    orderId: number,
    deadline: number | undefined,
  ): Promise<Shipment[]> {
    const secrets = await loadSecrets(channel.channelId);
    return deps.bigcommerce.listShipments(
      { storeHash: channel.storeHash, accessToken: secrets.accessToken },
      orderId,
      { deadline, onThrottle: () => count(WORKER_COUNTERS.throttled) },
    );
  }

  return { loadChannel, readBigCommerce, readShipments };
}

export type Sources = ReturnType<typeof makeSources>;
