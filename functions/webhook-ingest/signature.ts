import { createHmac, createSecretKey, timingSafeEqual } from 'node:crypto';
import type { SignatureVerifier } from './authenticate';

/** Standard Webhooks: a signature is valid for 5 minutes either side of its timestamp. */
export const SIGNATURE_TOLERANCE_SECONDS = 5 * 60;

/**
 * Standard Webhooks verification with Node's own crypto (the `standardwebhooks` package computes
 * SHA-256 in JavaScript, several times slower; it stays as the oracle in the tests).
 *
 * Keyed as BigCommerce's samples key the library: `new Webhook(base64(clientSecret))`, whose key is the
 * decoded base64, i.e. the client secret's UTF-8 bytes. Signed content `id.timestamp.body`, HMAC-SHA256,
 * base64; the header holds space-separated `v1,<signature>` entries, any one may match. The same
 * checks in the same order as the library, so the failure reasons match what it would have thrown.
 */
export function signatureVerifier(clientSecret: string): SignatureVerifier {
  const key = createSecretKey(Buffer.from(clientSecret, 'utf8'));
  return (rawBody, headers) => {
    const id = headers['webhook-id'];
    const signatures = headers['webhook-signature'];
    const timestampHeader = headers['webhook-timestamp'];
    if (!id || !signatures || !timestampHeader) return { ok: false, reason: 'bad_signature' };

    const timestamp = parseInt(timestampHeader, 10);
    if (Number.isNaN(timestamp)) return { ok: false, reason: 'malformed_signature_headers' };
    const now = Math.floor(Date.now() / 1000);
    if (now - timestamp > SIGNATURE_TOLERANCE_SECONDS || timestamp > now + SIGNATURE_TOLERANCE_SECONDS)
      return { ok: false, reason: 'stale_timestamp' };

    const expected = createHmac('sha256', key)
      .update(`${id}.${timestamp}.${rawBody}`, 'utf8')
      .digest('base64');
    const expectedBytes = Buffer.from(expected, 'latin1');
    for (const entry of signatures.split(' ')) {
      const [version, signature] = entry.split(',');
      if (version !== 'v1' || signature === undefined) continue;
      const presented = Buffer.from(signature, 'utf8');
      // The expected length is public (always 44); only equal lengths reach the constant-time compare.
      if (presented.length === expectedBytes.length && timingSafeEqual(presented, expectedBytes))
        return { ok: true, signed: true };
    }
    return { ok: false, reason: 'bad_signature' };
  };
}
