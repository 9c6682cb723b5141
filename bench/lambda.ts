/** Lambda-shaped inputs for invoking wired handlers in-process, and a sink for their stdout. */
import { createHash } from 'node:crypto';
import type { APIGatewayProxyEventV2, Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { Webhook } from 'standardwebhooks';
import type { OrderEvent } from '../functions/domain/order-event';
import { createLambdaContext } from '../local/lambda-context';

/** order-worker's handler as Lambda calls it. */
export type SqsHandler = (event: SQSEvent, context: Context) => Promise<SQSBatchResponse>;

/** The SQS record Lambda would hand order-worker for `event`: first receive, sent now, the bench queue. */
export function sqsRecord(event: OrderEvent, messageId: string = event.eventId): SQSRecord {
  const now = String(Date.now());
  return {
    messageId,
    receiptHandle: messageId,
    body: JSON.stringify(event),
    attributes: {
      ApproximateReceiveCount: '1',
      SentTimestamp: now,
      SenderId: 'AIDABENCH',
      ApproximateFirstReceiveTimestamp: now,
    },
    messageAttributes: {},
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:us-east-1:000000000000:bench-order-events',
    awsRegion: 'us-east-1',
  };
}

/** The Lambda context the local runtime builds (local/lambda-context.ts), `remainingMs` from now. */
export const fakeContext = (functionName: string, remainingMs = 30_000): Context =>
  createLambdaContext({ functionName, timeoutMs: remainingMs }, Date.now() + remainingMs);

export interface SignedCallback {
  channelId: string;
  storeHash: string;
  webhookToken: string;
  clientSecret: string;
  orderId: number;
  webhookId: string;
  /** Defaults to now; BigCommerce signs at delivery time. */
  at?: Date;
}

/**
 * A `store/order/statusUpdated` delivery as API Gateway v2 hands it over: the X-Webhook-Token header and
 * a Standard Webhooks signature keyed with base64(client secret), as BigCommerce's samples sign.
 */
export function webhookEvent(input: SignedCallback): APIGatewayProxyEventV2 {
  const at = input.at ?? new Date();
  const createdAt = Math.floor(at.getTime() / 1000);
  const body = JSON.stringify({
    scope: 'store/order/statusUpdated',
    store_id: '1025646',
    data: {
      type: 'order',
      id: input.orderId,
      status: { previous_status_id: 11, new_status_id: 5 },
    },
    hash: createHash('sha1').update(`${input.orderId}:${input.webhookId}`).digest('hex'),
    created_at: createdAt,
    producer: `stores/${input.storeHash}`,
  });
  const signature = new Webhook(Buffer.from(input.clientSecret, 'utf8').toString('base64')).sign(
    input.webhookId,
    at,
    body,
  );
  const rawPath = `/webhooks/bigcommerce/${input.channelId}`;
  return {
    version: '2.0',
    routeKey: 'POST /webhooks/bigcommerce/{channelId}',
    rawPath,
    rawQueryString: '',
    headers: {
      'content-type': 'application/json',
      'content-length': String(Buffer.byteLength(body)),
      host: 'hooks.example.com',
      'user-agent': 'bigcommerce-webhooks',
      'x-webhook-token': input.webhookToken,
      'webhook-id': input.webhookId,
      'webhook-timestamp': String(createdAt),
      'webhook-signature': signature,
    },
    pathParameters: { channelId: input.channelId },
    requestContext: {
      accountId: '123456789012',
      apiId: 'bench',
      domainName: 'hooks.example.com',
      domainPrefix: 'hooks',
      http: { method: 'POST', path: rawPath, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'bc' },
      requestId: input.webhookId,
      routeKey: 'POST /webhooks/bigcommerce/{channelId}',
      stage: '$default',
      time: at.toISOString(),
      timeEpoch: at.getTime(),
    },
    body,
    isBase64Encoded: false,
  };
}

/**
 * Runs `fn` with process.stdout swallowed (counted), so Powertools logs and EMF metrics still cost what
 * they cost in Lambda without mixing into the report's JSON lines. Progress goes to stderr meanwhile.
 */
export async function withStdoutSunk<T>(fn: () => Promise<T>): Promise<{ result: T; sunkBytes: number }> {
  const original = process.stdout.write;
  let sunkBytes = 0;
  process.stdout.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
    sunkBytes += typeof chunk === 'string' ? Buffer.byteLength(chunk) : chunk.length;
    const cb = rest.find((r) => typeof r === 'function') as (() => void) | undefined;
    cb?.();
    return true;
  }) as typeof process.stdout.write;
  try {
    return { result: await fn(), sunkBytes };
  } finally {
    process.stdout.write = original;
  }
}
