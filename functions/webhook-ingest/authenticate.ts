import { createHash, timingSafeEqual } from 'node:crypto';
import type { WebhookAuthSecrets } from '../domain/channel';
import { signatureVerifier } from './signature';

/**
 * Webhook authentication (docs/contract.md section 5). Reasons are for the log only; the caller always gets
 * the same generic 401. Nothing here ever returns or logs a token, signature or secret.
 */
export type AuthFailure =
  | 'missing_token'
  | 'bad_token'
  | 'bad_signature'
  | 'stale_timestamp'
  | 'malformed_signature_headers'
  | 'missing_signature'
  | 'producer_mismatch'
  | 'channel_has_no_secrets';

export type AuthResult = { ok: true; signed: boolean } | { ok: false; reason: AuthFailure };

const digest = (value: string) => createHash('sha256').update(value, 'utf8').digest();

/**
 * Constant-time token comparison: both sides are SHA-256 digests, so timingSafeEqual always compares
 * equal lengths whatever the presented token's length (and the length itself leaks nothing). The
 * expected digest is built once per cached channel, so a request hashes only its own token.
 */
export function tokenChecker(expected: string): (presented: string) => boolean {
  const expectedDigest = digest(expected);
  return (presented) => timingSafeEqual(digest(presented), expectedDigest);
}

export type SignatureVerifier = (
  rawBody: string,
  headers: { 'webhook-id': string; 'webhook-timestamp': string; 'webhook-signature': string },
) => AuthResult;

/** Standard Webhooks verification (node:crypto), one verifier per cached channel. */
export { signatureVerifier };

/** The per-channel checks, prepared once per cache fill. */
export interface ChannelAuth {
  checkToken: (presented: string) => boolean;
  /** Absent when the channel has no client secret: the token alone authenticates. */
  verifySignature?: SignatureVerifier;
}

export function prepareChannelAuth(secrets: WebhookAuthSecrets): ChannelAuth {
  return {
    checkToken: tokenChecker(secrets.webhookToken),
    ...(secrets.clientSecret ? { verifySignature: signatureVerifier(secrets.clientSecret) } : {}),
  };
}

/**
 * Transport-level checks that need no parsing (run before the body is parsed, so an unauthenticated
 * caller learns nothing about what a valid body looks like):
 * 1. `X-Webhook-Token` must be present and match.
 * 2. A channel with a client secret requires `webhook-id`, `webhook-timestamp` and `webhook-signature`,
 *    and the signature must verify: the token alone is not enough (contract.md section 15). Only a channel
 *    without a client secret is authenticated by its token alone, and its callbacks are unsigned.
 */
export function authenticateRequest(
  auth: ChannelAuth,
  headers: Readonly<Record<string, string | undefined>>,
  rawBody: string,
): AuthResult {
  const token = headers['x-webhook-token'];
  if (token === undefined || token === '') return { ok: false, reason: 'missing_token' };
  if (!auth.checkToken(token)) return { ok: false, reason: 'bad_token' };
  const id = headers['webhook-id'];
  const timestamp = headers['webhook-timestamp'];
  const signature = headers['webhook-signature'];
  if (!auth.verifySignature) return { ok: true, signed: false };
  if (id === undefined || timestamp === undefined || signature === undefined)
    return { ok: false, reason: 'missing_signature' };
  return auth.verifySignature(rawBody, {
    'webhook-id': id,
    'webhook-timestamp': timestamp,
    'webhook-signature': signature,
  });
}

/** The last authentication check, once the body is known to be a callback. */
export const producerMatches = (producer: string, storeHash: string) => producer === `stores/${storeHash}`;
