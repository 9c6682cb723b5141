import { randomBytes } from 'node:crypto';
import { type Planned, type World } from './model';
import { type IngestRecipe } from './recipes-ingest';
import { callbackBody, ingestRequest, signature, signedHeaders, webhookId, withCase } from './requests';

import { ACCEPTED, post, UNAUTHORIZED } from './requests';

export type AuthenticationRecipe = Extract<
  IngestRecipe,
  {
    kind:
      | 'bad-token'
      | 'bad-webhook-id'
      | 'conflicting-case'
      | 'lying-base64'
      | 'partial-signature'
      | 'several-signatures'
      | 'tampered-body'
      | 'tampered-signature'
      | 'timestamp'
      | 'token-only-on-signed'
      | 'unsigned-hash-id';
  }
>;

/** Signatures, timestamps, tokens and their headers: what must be refused (or accepted) and how. */
export function planAuthentication(r: AuthenticationRecipe, world: World): Planned {
  const { signed } = world;
  switch (r.kind) {
    case 'tampered-body': {
      const original = callbackBody(r.cb, signed.storeHash);
      const body = JSON.stringify(original);
      const headers = signedHeaders(signed, body);
      let sent: string;
      if (r.how === 'order-id')
        sent = JSON.stringify({ ...original, data: { ...(original.data as object), id: r.cb.orderId + 1 } });
      else if (r.how === 'append-space') sent = `${body} `;
      else if (r.how === 'flip-char') sent = body.replace('"scope"', '"scopE"');
      else if (r.how === 'reorder-keys')
        sent = JSON.stringify(Object.fromEntries(Object.entries(original).reverse()));
      else sent = body.replace('store/order', 'store\\/order');
      if (sent === body) sent = `${body}\n`;
      return post(signed.channelId, `tampered body (${r.how})`, r.via, headers, sent, UNAUTHORIZED);
    }
    case 'tampered-signature': {
      const body = JSON.stringify(callbackBody(r.cb, signed.storeHash));
      const headers = signedHeaders(signed, body);
      const sig = headers['webhook-signature']!;
      const value = sig.slice(3);
      const flipped = `${value[0] === 'A' ? 'B' : 'A'}${value.slice(1)}`;
      if (r.how === 'flip') headers['webhook-signature'] = `v1,${flipped}`;
      else if (r.how === 'random') headers['webhook-signature'] = `v1,${randomBytes(32).toString('base64')}`;
      else if (r.how === 'v2') headers['webhook-signature'] = `v2,${value}`;
      else if (r.how === 'empty') headers['webhook-signature'] = '';
      else if (r.how === 'no-comma') headers['webhook-signature'] = value;
      else if (r.how === 'two-wrong')
        headers['webhook-signature'] = `v1,${flipped} v1,${randomBytes(32).toString('base64')}`;
      else if (r.how === 'wrong-secret') {
        const at = new Date(Number(headers['webhook-timestamp']) * 1000);
        headers['webhook-signature'] = signature(`${signed.clientSecret}x`, headers['webhook-id']!, at, body);
      } else headers['webhook-id'] = `${headers['webhook-id']}x`;
      return post(signed.channelId, `tampered signature (${r.how})`, r.via, headers, body, UNAUTHORIZED);
    }
    case 'several-signatures': {
      const body = JSON.stringify(callbackBody(r.cb, signed.storeHash));
      const headers = signedHeaders(signed, body);
      const wrong = `v1,${randomBytes(32).toString('base64')}`;
      headers['webhook-signature'] = r.validFirst
        ? `${headers['webhook-signature']} ${wrong}`
        : `${wrong} ${headers['webhook-signature']}`;
      return post(signed.channelId, 'several signatures, one valid', r.via, headers, body, ACCEPTED);
    }
    case 'timestamp': {
      const body = JSON.stringify(callbackBody(r.cb, signed.storeHash));
      const at = new Date(Date.now() + r.offset * 1000);
      const headers = signedHeaders(signed, body, { at });
      if (r.garbage !== undefined) headers['webhook-timestamp'] = r.garbage;
      return post(
        signed.channelId,
        r.garbage === undefined ? 'stale or future timestamp' : 'unparseable timestamp',
        r.via,
        headers,
        body,
        UNAUTHORIZED,
      );
    }
    case 'bad-token': {
      const body = JSON.stringify(callbackBody(r.cb, signed.storeHash));
      const headers = signedHeaders(signed, body);
      const token = signed.webhookToken;
      if (r.how === 'missing') delete headers['x-webhook-token'];
      else if (r.how === 'empty') headers['x-webhook-token'] = '';
      else if (r.how === 'wrong') headers['x-webhook-token'] = randomBytes(32).toString('base64url');
      else if (r.how === 'case')
        headers['x-webhook-token'] =
          token === token.toUpperCase() ? token.toLowerCase() : token.toUpperCase();
      else if (r.how === 'prefix') headers['x-webhook-token'] = token.slice(0, -1);
      else if (r.how === 'suffix') headers['x-webhook-token'] = `${token}=`;
      else if (r.how === 'huge') headers['x-webhook-token'] = token.repeat(200);
      else if (r.how === 'unicode') headers['x-webhook-token'] = r.garbage.length > 0 ? r.garbage : '\u00e9';
      else headers['x-webhook-token'] = world.tokenOnly.webhookToken;
      // Header values must be Latin-1 on the wire: unicode tokens only in direct events.
      const wire = r.how === 'unicode' ? 'direct' : r.via;
      return ingestRequest(signed.channelId, {
        kind: `bad token (${r.how})`,
        via: wire,
        headers: withCase(headers, r.bits),
        body,
        expect: [401],
        mayWrite: false,
      });
    }
    case 'partial-signature': {
      const body = JSON.stringify(callbackBody(r.cb, signed.storeHash));
      const full = signedHeaders(signed, body);
      const headers: Record<string, string> = {
        'x-webhook-token': full['x-webhook-token']!,
        [r.keep]: full[r.keep]!,
      };
      // A channel with a client secret needs all three (docs/webhook-ingest.md).
      return post(signed.channelId, 'some signature headers', r.via, headers, body, UNAUTHORIZED);
    }
    case 'token-only-on-signed': {
      const body = JSON.stringify(callbackBody(r.cb, signed.storeHash));
      const headers: Record<string, string> = {
        'x-webhook-token': signed.webhookToken,
        'content-type': 'application/json',
        ...(r.withSenderId && { 'webhook-id': webhookId() }),
      };
      return post(
        signed.channelId,
        'token alone where a signature is required',
        r.via,
        headers,
        body,
        UNAUTHORIZED,
      );
    }
    case 'unsigned-hash-id': {
      const cb = { ...r.cb, createdAt: (r.cb.createdAt ?? 1_700_000_000) + r.createdAtShift };
      const body = JSON.stringify(callbackBody(cb, world.tokenOnly.storeHash));
      const headers = signedHeaders(world.tokenOnly, body);
      // Header values must be sendable; anything else the gateway path would refuse on its own.
      if (r.senderId !== undefined && /^[\x20-\x7e]+$/.test(r.senderId)) headers['webhook-id'] = r.senderId;
      return post(
        world.tokenOnly.channelId,
        'unsigned (hash-derived event id)',
        r.via,
        headers,
        body,
        ACCEPTED,
      );
    }
    case 'lying-base64': {
      const body = JSON.stringify(callbackBody(r.cb, signed.storeHash));
      // isBase64Encoded set on a plain body: ingest decodes it into garbage, whose signature cannot match.
      return ingestRequest(signed.channelId, {
        kind: 'base64 flag on a plain body',
        via: 'direct',
        headers: signedHeaders(signed, body),
        body,
        base64Flag: true,
        expect: [400, 401],
        mayWrite: false,
      });
    }
    case 'conflicting-case': {
      const body = JSON.stringify(callbackBody(r.cb, signed.storeHash));
      const headers = signedHeaders(signed, body);
      const good = headers['x-webhook-token']!;
      delete headers['x-webhook-token'];
      const pair: Array<[string, string]> = [
        ['X-Webhook-Token', r.goodLast ? 'wrong' : good],
        ['x-webhook-token', r.goodLast ? good : 'wrong'],
      ];
      // Two spellings of one header: whichever wins, a wrong value must not be accepted silently.
      return post(
        signed.channelId,
        'one header twice',
        r.via,
        { ...headers, ...Object.fromEntries(pair) },
        body,
        { expect: [200, 401], mayWrite: true },
      );
    }
    case 'bad-webhook-id': {
      const body = JSON.stringify(callbackBody(r.cb, signed.storeHash));
      const headers = signedHeaders(signed, body, { id: r.id });
      return ingestRequest(signed.channelId, {
        kind: 'malformed webhook-id',
        via: 'direct',
        headers,
        body,
        expect: [400, 401],
        mayWrite: false,
      });
    }
  }
}
