import { randomBytes } from 'node:crypto';
import { type Planned, type World } from './model';
import { planAuthentication } from './plan-ingest-auth';
import { FIELD_MUTATIONS, type IngestRecipe } from './recipes-ingest';
import {
  ACCEPTED,
  callbackBody,
  ingestRequest,
  isWellFormed,
  post,
  setPath,
  signedHeaders,
  withCase,
} from './requests';

/** A callback recipe → the request; the authentication cases are in `plan-ingest-auth.ts`. */
export function planIngest(r: IngestRecipe, world: World): Planned {
  const channel = 'tokenOnly' in r && r.tokenOnly ? world.tokenOnly : world.signed;
  const { signed } = world;
  switch (r.kind) {
    case 'valid': {
      const body = JSON.stringify(callbackBody(r.cb, channel.storeHash));
      const headers = withCase(signedHeaders(channel, body), r.bits);
      const plan = ingestRequest(channel.channelId, {
        kind: r.tokenOnly ? 'valid (token only)' : 'valid (signed)',
        via: r.via,
        headers,
        body: r.base64 ? Buffer.from(body) : body,
        base64Flag: r.base64,
        expect: [200],
        mayWrite: true,
      });
      world.lastSigned = { body, headers, channel };
      return plan;
    }
    case 'other-scope': {
      const body = JSON.stringify(
        callbackBody(
          r.cb,
          signed.storeHash,
          r.scope,
          r.scope.startsWith('store/order/') ? r.cb.orderId : r.id,
        ),
      );
      return post(signed.channelId, 'ignored scope', r.via, signedHeaders(signed, body), body, {
        expect: [200],
        mayWrite: false,
      });
    }
    case 'replay': {
      const last = world.lastSigned;
      if (!last)
        return planIngest(
          { kind: 'valid', tokenOnly: false, cb: r.cb, bits: 0, base64: false, via: r.via },
          world,
        );
      if (r.sameBody)
        // BigCommerce redelivers; so may an attacker within the 5 minutes: accepted, deduplicated by the worker.
        return post(last.channel.channelId, 'replayed delivery', r.via, last.headers, last.body, ACCEPTED);
      const other = JSON.stringify(callbackBody(r.cb, last.channel.storeHash));
      const expectStatus = last.channel.clientSecret && other !== last.body ? [401] : [200];
      return post(last.channel.channelId, 'replayed signature, other body', r.via, last.headers, other, {
        expect: expectStatus,
        mayWrite: expectStatus[0] === 200,
      });
    }
    case 'bad-field': {
      const [path, value, expect] = FIELD_MUTATIONS[r.mutation]!;
      const cb = callbackBody(r.cb, signed.storeHash) as Record<string, unknown>;
      setPath(cb, path, value);
      const body = JSON.stringify(cb);
      return ingestRequest(signed.channelId, {
        kind: `bad field ${path}`,
        via: r.via,
        headers: signedHeaders(signed, body),
        body,
        expect,
        mayWrite: false,
        ...(expect[0] === 400 ? { field: path } : {}),
      });
    }
    case 'garbage-body': {
      const target = r.tokenOnly ? world.tokenOnly : signed;
      const bytes = 'bytes' in r.body ? r.body.bytes : undefined;
      // What ingest will see as the raw body (invalid UTF-8 decodes with replacement characters).
      const seen = bytes ? bytes.toString('utf8') : (r.body as { text: string }).text;
      const headers = r.signed ? signedHeaders(target, seen) : { 'x-webhook-token': target.webhookToken };
      return ingestRequest(target.channelId, {
        kind: bytes ? 'garbage bytes' : 'garbage body',
        via: typeof (r.body as { text?: string }).text === 'string' && !isWellFormed(seen) ? 'direct' : r.via,
        headers,
        body: bytes ?? seen,
        // Unsigned on a channel with a client secret: refused before the body is even parsed.
        expect: !r.signed && target.clientSecret ? [401] : [400],
        mayWrite: false,
      });
    }
    case 'size': {
      const channelId = r.unknownChannel ? `nope-${randomBytes(4).toString('hex')}` : signed.channelId;
      const base = callbackBody(r.cb, signed.storeHash) as Record<string, unknown>;
      const pad = (n: number) => (r.multibyte ? '\u00e9'.repeat(Math.ceil(n / 2)) : 'p'.repeat(n));
      const limit = 65_536 + r.extraBytes;
      base.x_pad = '';
      let body = JSON.stringify(base);
      base.x_pad = pad(Math.max(0, limit - Buffer.byteLength(body)));
      body = JSON.stringify(base);
      const size = Buffer.byteLength(body);
      const headers = r.authenticated ? signedHeaders(signed, body) : {};
      const expect = size > 65_536 ? [413] : r.unknownChannel ? [404] : r.authenticated ? [200] : [401];
      return ingestRequest(channelId, {
        kind: size > 65_536 ? 'body over 64 KiB' : 'body at or just under 64 KiB',
        via: r.via,
        headers,
        body,
        expect,
        mayWrite: expect[0] === 200,
      });
    }
    case 'unknown-channel': {
      const channelId = [signed.channelId, world.tokenOnly.channelId, ...world.pool].includes(r.channelId)
        ? `${r.channelId}-x`
        : r.channelId;
      const body = JSON.stringify(callbackBody(r.cb, signed.storeHash));
      // A lone surrogate or an empty id cannot be sent over HTTP as such; those go in direct events.
      const wire = isWellFormed(channelId) && channelId !== '' ? r.via : 'direct';
      return ingestRequest(channelId, {
        kind: 'unknown channel',
        via: wire,
        headers: signedHeaders(signed, body),
        body,
        expect: [404],
        mayWrite: false,
      });
    }
    default:
      return planAuthentication(r, world);
  }
}
