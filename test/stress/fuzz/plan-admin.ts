import { READ_ONLY_CHANNEL_FIELDS, WRITABLE_FIELDS } from '../../../functions/domain/channel-settings';
import { randomBytes } from 'node:crypto';
import { type Planned, type World, poolStoreHash } from './model';
import { type AdminRecipe, CHANNEL_MUTATIONS } from './recipes-admin';
import { adminRequest, channelBody, isWellFormed } from './requests';

export function planAdmin(r: AdminRecipe, world: World): Planned {
  const poolId = (n: number) => world.pool[n % world.pool.length]!;
  const json = (value: unknown) => ({
    body: JSON.stringify(value),
    headers: { 'content-type': 'application/json' },
  });
  switch (r.kind) {
    case 'put-channel': {
      const channelId = poolId(r.pool);
      const live = world.live.has(channelId);
      // An update may leave the access token out (the stored one is kept); a new channel may not.
      const body = channelBody(r.body, poolStoreHash(channelId), world, !r.omitToken);
      const needsToken = !live && r.omitToken;
      // An id may not both cancel and fulfil, defaults included (docs/contract.md section 3).
      const cancelIds = r.body.cancelIds ?? [5];
      const overlap = (r.body.fulfillIds ?? [2, 10]).some((id) => cancelIds.includes(id));
      // Partially Shipped (3) never fulfils: it would ship the whole order (docs/contract.md section 11).
      const partial = r.body.fulfillIds?.includes(3) ?? false;
      const field = [
        ...(needsToken ? ['accessToken'] : []),
        ...(overlap ? ['cancelOnBigCommerceStatusIds', 'fulfillOnBigCommerceStatusIds'] : []),
        ...(partial ? ['fulfillOnBigCommerceStatusIds'] : []),
      ];
      return adminRequest(
        'PUT',
        '/channels/{channelId}',
        { channelId },
        {
          kind: overlap ? 'save channel (ids in both lists)' : 'save channel',
          via: r.via,
          ...json(body),
          expect: field.length > 0 ? [400] : [200],
          mayWrite: true,
          ...(field.length > 0 ? { field } : {}),
          after: (status) => {
            if (status === 200) world.live.add(channelId);
          },
        },
      );
    }
    case 'put-channel-bad-field': {
      const channelId = r.target === 'signed' ? world.signed.channelId : poolId(r.pool);
      const storeHash = r.target === 'signed' ? world.signed.storeHash : poolStoreHash(channelId);
      const body = channelBody(r.body, storeHash, world, true);
      const [field, value] = CHANNEL_MUTATIONS[r.mutation]!;
      if (field === '__proto__') {
        const text = JSON.stringify(body).replace(/^\{/, `{"__proto__":${JSON.stringify(value)},`);
        return adminRequest(
          'PUT',
          '/channels/{channelId}',
          { channelId },
          {
            kind: 'channel field __proto__',
            via: r.via,
            body: text,
            headers: { 'content-type': 'application/json' },
            expect: [400],
            mayWrite: false,
            field: '__proto__',
          },
        );
      }
      if (value === undefined) delete body[field];
      else body[field] = value;
      return adminRequest(
        'PUT',
        '/channels/{channelId}',
        { channelId },
        {
          kind: `channel field ${field}`,
          via: r.via,
          ...json(body),
          expect: [400],
          mayWrite: false,
          field,
        },
      );
    }
    case 'put-channel-bad-body': {
      const channelId = r.signedChannel ? world.signed.channelId : poolId(0);
      const bytes = 'bytes' in r.body ? r.body.bytes : undefined;
      const text = bytes ? undefined : (r.body as { text: string }).text;
      let parsed: unknown = undefined;
      try {
        parsed = text === undefined ? JSON.parse(bytes!.toString('utf8')) : JSON.parse(text);
      } catch {
        parsed = undefined;
      }
      // An object with only known keys could be a valid body; these never are (unknown or malformed).
      return adminRequest(
        'PUT',
        '/channels/{channelId}',
        { channelId },
        {
          kind: bytes ? 'channel body bytes' : 'channel body garbage',
          via: text !== undefined && !isWellFormed(text) ? 'direct' : r.via,
          body: bytes ?? text!,
          headers: { 'content-type': bytes ? 'application/octet-stream' : 'application/json' },
          expect: isPlainObjectWithOnlyKnownKeys(parsed) ? [200, 400] : [400],
          mayWrite: isPlainObjectWithOnlyKnownKeys(parsed),
        },
      );
    }
    case 'put-channel-store-change': {
      const body = {
        storeHash: 'someotherstore',
        accessToken: `t${randomBytes(8).toString('hex')}`,
        validCancellationStatuses: ['On Hold'],
        validFulfillmentStatuses: [],
      };
      return adminRequest(
        'PUT',
        '/channels/{channelId}',
        { channelId: world.signed.channelId },
        {
          kind: 'store hash change',
          via: r.via,
          ...json(body),
          expect: [400],
          mayWrite: false,
          field: 'storeHash',
        },
      );
    }
    case 'bad-channel-id': {
      const body =
        r.method === 'PUT'
          ? json({
              storeHash: 'abc',
              accessToken: 'x',
              validCancellationStatuses: [],
              validFulfillmentStatuses: [],
            })
          : { headers: {} };
      return adminRequest(
        r.method,
        '/channels/{channelId}',
        { channelId: r.id },
        {
          kind: `bad channel id (${r.method})`,
          via: r.via,
          ...body,
          expect: [400],
          mayWrite: false,
          field: 'channelId',
        },
      );
    }
    case 'get-channel': {
      const channelId = r.which === -1 ? world.signed.channelId : r.which === -2 ? r.random : poolId(r.which);
      const known =
        channelId === world.signed.channelId ||
        channelId === world.tokenOnly.channelId ||
        world.live.has(channelId);
      return adminRequest(
        'GET',
        '/channels/{channelId}',
        { channelId },
        { kind: 'read channel', via: r.via, headers: {}, expect: known ? [200] : [404], mayWrite: false },
      );
    }
    case 'delete-channel': {
      const channelId = poolId(r.pool);
      const live = world.live.has(channelId);
      return adminRequest(
        'DELETE',
        '/channels/{channelId}',
        { channelId },
        {
          kind: 'delete channel',
          via: r.via,
          headers: {},
          expect: live ? [204] : [404],
          mayWrite: live,
          after: (status) => {
            if (status === 204) world.live.delete(channelId);
          },
        },
      );
    }
    case 'put-order': {
      const channelId = r.channel === -1 ? world.signed.channelId : poolId(r.channel);
      const live = channelId === world.signed.channelId || world.live.has(channelId);
      const body: Record<string, unknown> = { status: r.status };
      if (r.echo) Object.assign(body, { channelId, orderId: r.orderId, history: [], updatedAt: 'x' });
      return adminRequest(
        'PUT',
        '/channels/{channelId}/orders/{orderId}',
        { channelId, orderId: String(r.orderId) },
        {
          kind: 'import order',
          via: r.via,
          ...json(body),
          expect: live ? [200] : [404],
          mayWrite: live,
        },
      );
    }
    case 'put-order-bad': {
      const channelId = world.signed.channelId;
      let orderId = '7';
      let body: string = JSON.stringify({ status: 'On Hold' });
      let field: string | undefined;
      if (r.how === 'status') {
        body = JSON.stringify({ status: r.status });
        field = 'status';
      } else if (r.how === 'extra-field') {
        body = JSON.stringify({ status: 'On Hold', version: 99 });
        field = 'version';
      } else if (r.how === 'order-id') {
        orderId = r.orderId;
        field = 'orderId';
      } else body = r.body;
      return adminRequest(
        'PUT',
        '/channels/{channelId}/orders/{orderId}',
        { channelId, orderId },
        {
          kind: `bad order import (${r.how})`,
          via: isWellFormed(body) ? r.via : 'direct',
          body,
          headers: { 'content-type': 'application/json' },
          expect: [400],
          mayWrite: false,
          ...(field ? { field } : {}),
        },
      );
    }
    case 'get-order': {
      const channelId = r.channel === -1 ? world.signed.channelId : poolId(r.channel);
      const validId = /^[1-9]\d{0,15}$/.test(r.orderId) && Number.isSafeInteger(Number(r.orderId));
      return adminRequest(
        'GET',
        '/channels/{channelId}/orders/{orderId}',
        { channelId, orderId: r.orderId },
        {
          kind: 'read order',
          via: r.via,
          headers: {},
          expect: validId ? [200, 404] : [400],
          mayWrite: false,
        },
      );
    }
    case 'health':
      return {
        target: 'channel-api',
        kind: 'health',
        via: r.via,
        method: 'GET',
        routeKey: 'GET /health',
        pathParameters: {},
        rawPath: '/health',
        headers: {},
        expect: [200],
        mayWrite: false,
      };
    case 'unknown-route':
      return {
        target: 'channel-api',
        kind: 'unknown route',
        via: 'direct',
        method: 'PATCH',
        routeKey: r.routeKey,
        pathParameters: { channelId: world.signed.channelId },
        rawPath: `/channels/${world.signed.channelId}`,
        headers: {},
        body: '{}',
        expect: [404],
        mayWrite: false,
      };
  }
}

// The settings a PUT knows (it ignores echoed read-only fields and rejects anything else).
const KNOWN_CHANNEL_KEYS = new Set<string>([...WRITABLE_FIELDS, ...READ_ONLY_CHANNEL_FIELDS]);

function isPlainObjectWithOnlyKnownKeys(value: unknown): boolean {
  return (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    Object.keys(value).every((k) => KNOWN_CHANNEL_KEYS.has(k))
  );
}
