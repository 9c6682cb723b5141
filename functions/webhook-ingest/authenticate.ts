import { createHmac, createSecretKey, hash, timingSafeEqual, type KeyObject } from 'node:crypto';

/**
 * Webhook authentication (DESIGN.md section 5). Reasons are for the log only; the caller always gets
 * the same generic 401. Nothing here ever returns or logs a token, signature or secret.
 */
export type AuthFailure =
  | 'missing_token'
  | 'bad_token'
  | 'bad_signature'
  | 'stale_timestamp'
  | 'malformed_signature_headers'
  | 'producer_mismatch'
  | 'channel_has_no_secrets';

export type AuthResult = { ok: true; signed: boolean } | { ok: false; reason: AuthFailure };

// Results are shared constants: the hot path allocates none.
const fail = (reason: AuthFailure): AuthResult => Object.freeze({ ok: false, reason });
const SIGNED: AuthResult = Object.freeze({ ok: true, signed: true });
const UNSIGNED: AuthResult = Object.freeze({ ok: true, signed: false });
const MISSING_TOKEN = fail('missing_token');
const BAD_TOKEN = fail('bad_token');
const BAD_SIGNATURE = fail('bad_signature');
const STALE_TIMESTAMP = fail('stale_timestamp');
const MALFORMED_SIGNATURE_HEADERS = fail('malformed_signature_headers');

const sha256 = (value: string) => hash('sha256', value, 'buffer');

/**
 * Constant-time token comparison: both sides are SHA-256 digests, so timingSafeEqual always compares
 * equal lengths whatever the presented token's length (and the length itself leaks nothing). The
 * expected digest is built once per cached channel, so a request hashes only its own token.
 */
export function tokenChecker(expected: string): (presented: string) => boolean {
  const expectedDigest = sha256(expected);
  return (presented) => timingSafeEqual(sha256(presented), expectedDigest);
}

/** Standard Webhooks' tolerance for the signed timestamp, either way. */
export const SIGNATURE_TOLERANCE_SECONDS = 5 * 60;

/** Length in bytes of a base64 HMAC-SHA256 (32 bytes → 44 characters with padding). */
const SIGNATURE_BASE64_LENGTH = 44;

export type SignatureVerifier = (rawBody: string, id: string, timestamp: string, signature: string) => AuthResult;

/**
 * The HMAC key BigCommerce's samples use: they key `standardwebhooks` with base64(client secret), and the
 * library base64-decodes its key (after dropping a `whsec_` prefix, which base64 text never has: `_` is
 * not in its alphabet). So the key is exactly the client secret's UTF-8 bytes.
 */
export const signingKey = (clientSecret: string): KeyObject => createSecretKey(Buffer.from(clientSecret, 'utf8'));

/**
 * Standard Webhooks verification with node:crypto, step for step what `Webhook#verify` of the
 * `standardwebhooks` package does (that package stays the reference in the tests, which also fuzz both
 * against each other): all three headers non-empty; timestamp read with `parseInt(…, 10)`, at most 5
 * minutes off either way; HMAC-SHA256 over `${id}.${timestamp}.${body}` with the timestamp as parsed;
 * the base64 digest compared in constant time with every `v1,<sig>` of the space-separated header.
 * `nowMs` is the clock the tolerance is measured against (the library's is Date.now).
 */
export function signatureVerifier(clientSecret: string, nowMs: () => number = Date.now): SignatureVerifier {
  const key = signingKey(clientSecret);
  // Scratch space for the constant-time comparison (verification is synchronous, so never shared).
  const expected = Buffer.alloc(SIGNATURE_BASE64_LENGTH);
  const presented = Buffer.alloc(SIGNATURE_BASE64_LENGTH);
  return (rawBody, id, timestampHeader, signatureHeader) => {
    if (!signatureHeader || !id || !timestampHeader) return BAD_SIGNATURE;
    const timestamp = parseInt(timestampHeader, 10);
    if (Number.isNaN(timestamp)) return MALFORMED_SIGNATURE_HEADERS;
    const now = Math.floor(nowMs() / 1000);
    if (now - timestamp > SIGNATURE_TOLERANCE_SECONDS || timestamp > now + SIGNATURE_TOLERANCE_SECONDS)
      return STALE_TIMESTAMP;
    expected.write(
      createHmac('sha256', key).update(`${id}.${timestamp}.${rawBody}`, 'utf8').digest('base64'),
      'latin1',
    );
    // `split(' ')`, then `split(',')` of each part keeping the first two fields, as the library does.
    for (let start = 0; start <= signatureHeader.length; ) {
      const space = signatureHeader.indexOf(' ', start);
      const end = space === -1 ? signatureHeader.length : space;
      if (signatureHeader.startsWith('v1,', start) && start + 3 <= end) {
        const comma = signatureHeader.indexOf(',', start + 3);
        const signature = signatureHeader.slice(start + 3, comma !== -1 && comma < end ? comma : end);
        // A base64 digest's length is public: only candidates of that length reach the constant-time compare.
        if (
          Buffer.byteLength(signature, 'utf8') === SIGNATURE_BASE64_LENGTH &&
          presented.write(signature, 'utf8') === SIGNATURE_BASE64_LENGTH &&
          timingSafeEqual(presented, expected)
        )
          return SIGNED;
      }
      start = end + 1;
    }
    return BAD_SIGNATURE;
  };
}

/** The per-channel checks, prepared once per cache fill. */
export interface ChannelAuth {
  checkToken: (presented: string) => boolean;
  /** Absent when the channel has no client secret: the token alone authenticates. */
  verifySignature?: SignatureVerifier;
}

export function prepareChannelAuth(secrets: { webhookToken: string; clientSecret?: string }): ChannelAuth {
  return {
    checkToken: tokenChecker(secrets.webhookToken),
    ...(secrets.clientSecret ? { verifySignature: signatureVerifier(secrets.clientSecret) } : {}),
  };
}

/** The headers authentication reads, already looked up case-insensitively by the caller. */
export interface AuthHeaders {
  token: string | undefined;
  id: string | undefined;
  timestamp: string | undefined;
  signature: string | undefined;
}

/**
 * Transport-level checks that need no parsing (run before the body is parsed, so an unauthenticated
 * caller learns nothing about what a valid body looks like):
 * 1. `X-Webhook-Token` must be present and match.
 * 2. When `webhook-id`, `webhook-timestamp` and `webhook-signature` are all present and the channel has a
 *    client secret, the signature must verify. Without a client secret, or with only some of the three
 *    headers, the token alone decides (BigCommerce sends either all three or none).
 */
export function authenticateRequest(auth: ChannelAuth, headers: AuthHeaders, rawBody: string): AuthResult {
  const { token, id, timestamp, signature } = headers;
  if (token === undefined || token === '') return MISSING_TOKEN;
  if (!auth.checkToken(token)) return BAD_TOKEN;
  if (auth.verifySignature && id !== undefined && timestamp !== undefined && signature !== undefined)
    return auth.verifySignature(rawBody, id, timestamp, signature);
  return UNSIGNED;
}

/** The last authentication check, once the body is known to be a callback. */
export const producerMatches = (producer: string, storeHash: string) => producer === `stores/${storeHash}`;
