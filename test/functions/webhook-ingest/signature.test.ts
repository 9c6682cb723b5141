import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import { Webhook, WebhookVerificationError } from 'standardwebhooks';
import { signatureVerifier } from '../../../functions/webhook-ingest/signature';

/**
 * The node:crypto verifier against the `standardwebhooks` library as the oracle: signatures made by the
 * library verify with ours, signatures made by ours verify with the library, and both reject the same
 * tampered, stale and malformed deliveries. Keys follow BigCommerce's scheme: the library is constructed
 * with base64(client secret).
 */

const NOW_MS = Date.UTC(2026, 10, 30, 12, 0, 0);
const NOW_S = NOW_MS / 1000;

const libraryFor = (clientSecret: string) =>
  new Webhook(Buffer.from(clientSecret, 'utf8').toString('base64'));

/** What the library decides: ok, or the reason our verifier must give for the same input. */
function oracle(clientSecret: string, body: string, headers: Record<string, string>): string {
  try {
    libraryFor(clientSecret).verify(body, headers, { jsonParse: false });
    return 'ok';
  } catch (error) {
    if (!(error instanceof WebhookVerificationError)) return 'bad_signature';
    if (/timestamp too (old|new)/i.test(error.message)) return 'stale_timestamp';
    if (/invalid signature headers/i.test(error.message)) return 'malformed_signature_headers';
    return 'bad_signature';
  }
}

function ours(clientSecret: string, body: string, headers: Record<string, string>): string {
  const result = signatureVerifier(clientSecret)(
    body,
    headers as { 'webhook-id': string; 'webhook-timestamp': string; 'webhook-signature': string },
  );
  return result.ok ? 'ok' : result.reason;
}

/** Our own signature, for the reverse direction: the library must accept it. */
function ourSign(clientSecret: string, id: string, timestamp: number, body: string): string {
  return 'v1,' + createHmac('sha256', clientSecret).update(`${id}.${timestamp}.${body}`).digest('base64');
}

const secretArb = fc.string({ minLength: 1, maxLength: 64, unit: 'binary' });
const idArb = fc.string({ minLength: 1, maxLength: 40 }).filter((s) => !/[\s,]/.test(s));
const bodyArb = fc.oneof(fc.json(), fc.string({ unit: 'binary', maxLength: 300 }));
const skewArb = fc.integer({ min: -600, max: 600 });

beforeEach(() => jest.spyOn(Date, 'now').mockReturnValue(NOW_MS));
afterEach(() => jest.restoreAllMocks());

describe('signatureVerifier agrees with standardwebhooks', () => {
  it('accepts what the library signs, within ±5 minutes, and rejects it as stale outside', () => {
    fc.assert(
      fc.property(secretArb, idArb, bodyArb, skewArb, (secret, id, body, skew) => {
        const at = new Date((NOW_S + skew) * 1000);
        const headers = {
          'webhook-id': id,
          'webhook-timestamp': String(NOW_S + skew),
          'webhook-signature': libraryFor(secret).sign(id, at, body),
        };
        const expected = Math.abs(skew) <= 300 ? 'ok' : 'stale_timestamp';
        expect(oracle(secret, body, headers)).toBe(expected);
        expect(ours(secret, body, headers)).toBe(expected);
      }),
    );
  });

  it('signs what the library accepts (the reverse direction)', () => {
    fc.assert(
      fc.property(
        secretArb,
        idArb,
        bodyArb,
        fc.integer({ min: -300, max: 300 }),
        (secret, id, body, skew) => {
          const ts = NOW_S + skew;
          const headers = {
            'webhook-id': id,
            'webhook-timestamp': String(ts),
            'webhook-signature': ourSign(secret, id, ts, body),
          };
          expect(oracle(secret, body, headers)).toBe('ok');
          expect(ours(secret, body, headers)).toBe('ok');
        },
      ),
    );
  });

  it('rejects a tampered body, id or timestamp, or another secret, as the library does', () => {
    type Tamper = 'body' | 'id' | 'timestamp' | 'secret';
    fc.assert(
      fc.property(
        secretArb,
        idArb,
        bodyArb,
        fc.constantFrom<Tamper>('body', 'id', 'timestamp', 'secret'),
        (secret, id, body, tamper) => {
          const headers = {
            'webhook-id': id,
            'webhook-timestamp': String(NOW_S),
            'webhook-signature': libraryFor(secret).sign(id, new Date(NOW_MS), body),
          };
          let checkedSecret = secret;
          let checkedBody = body;
          if (tamper === 'body') checkedBody = body + ' ';
          if (tamper === 'id') headers['webhook-id'] = id + 'x';
          if (tamper === 'timestamp') headers['webhook-timestamp'] = String(NOW_S - 1);
          if (tamper === 'secret') checkedSecret = secret + 'x';
          expect(oracle(checkedSecret, checkedBody, headers)).toBe('bad_signature');
          expect(ours(checkedSecret, checkedBody, headers)).toBe('bad_signature');
        },
      ),
    );
  });

  it('accepts any one matching signature among several, and only v1 ones', () => {
    const secret = 'bc-client-secret';
    const body = '{"scope":"store/order/statusUpdated"}';
    const good = libraryFor(secret).sign('msg_1', new Date(NOW_MS), body);
    const other = libraryFor('another-secret').sign('msg_1', new Date(NOW_MS), body);
    const cases: Array<[string, string]> = [
      [`${other} ${good}`, 'ok'],
      [`${good} ${other}`, 'ok'],
      [`v1a,${good.slice(3)} ${other}`, 'bad_signature'],
      [`v2,${good.slice(3)}`, 'bad_signature'],
      [`${other} v1,${good.slice(3, -2)}`, 'bad_signature'],
      ['v1', 'bad_signature'],
      ['', 'bad_signature'],
    ];
    for (const [signature, expected] of cases) {
      const headers = {
        'webhook-id': 'msg_1',
        'webhook-timestamp': String(NOW_S),
        'webhook-signature': signature,
      };
      expect([signature, oracle(secret, body, headers)]).toEqual([signature, expected]);
      expect([signature, ours(secret, body, headers)]).toEqual([signature, expected]);
    }
  });

  it('gives the same reason for junk headers as the library', () => {
    fc.assert(
      fc.property(
        fc.string({ maxLength: 20 }),
        fc.oneof(fc.string({ maxLength: 12 }), fc.constant(String(NOW_S)), fc.constant(`${NOW_S}abc`)),
        fc.string({ maxLength: 60 }),
        (id, timestamp, signature) => {
          const headers = {
            'webhook-id': id,
            'webhook-timestamp': timestamp,
            'webhook-signature': signature,
          };
          expect(ours('secret', 'body', headers)).toBe(oracle('secret', 'body', headers));
        },
      ),
    );
  });

  it('judges the window edges exactly as the library: 300 s either way in, 301 s out', () => {
    const secret = 'edge-secret';
    for (const [skew, expected] of [
      [-300, 'ok'],
      [300, 'ok'],
      [-301, 'stale_timestamp'],
      [301, 'stale_timestamp'],
    ] as const) {
      const headers = {
        'webhook-id': 'msg_edge',
        'webhook-timestamp': String(NOW_S + skew),
        'webhook-signature': libraryFor(secret).sign('msg_edge', new Date((NOW_S + skew) * 1000), 'x'),
      };
      expect([skew, ours(secret, 'x', headers)]).toEqual([skew, expected]);
      expect([skew, oracle(secret, 'x', headers)]).toEqual([skew, expected]);
    }
  });
});
