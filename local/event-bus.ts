import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { EventBridgeEvent } from 'aws-lambda';
import { LOCAL_ACCOUNT_ID, LOCAL_REGION } from './lambda-context';

/**
 * A tiny EventBridge stand-in: it speaks just enough of the API (`PutEvents`, awsJson1_1) for the AWS SDK,
 * and delivers each accepted entry, after answering, to the targets whose rule matches its source and
 * detail-type, as an EventBridge event. Delivery is asynchronous as with EventBridge: a failing target
 * is reported to `onError` and never to the publisher.
 */

export type BusEvent = EventBridgeEvent<string, unknown>;

export interface EventRule {
  source: string;
  detailType: string;
  /** Only events on this bus (default: the default bus). */
  eventBusName?: string;
  target: (event: BusEvent) => Promise<unknown>;
}

export interface EventBusOptions {
  rules: EventRule[];
  region?: string;
  port?: number;
  onError?: (message: string, error: unknown) => void;
}

export interface EventBusShim {
  /** Use as EVENTBRIDGE_ENDPOINT. */
  url: string;
  /** Every event accepted so far (matched or not), oldest first. */
  events: BusEvent[];
  /** Resolves when no delivery is in flight. */
  idle(): Promise<void>;
  stop(): Promise<void>;
}

interface PutEventsEntry {
  Source?: unknown;
  DetailType?: unknown;
  Detail?: unknown;
  EventBusName?: unknown;
  Resources?: unknown;
  Time?: unknown;
}

type EntryResult = { EventId: string } | { ErrorCode: string; ErrorMessage: string };

const MAX_ENTRIES = 10;

/** The bus name from a name or an ARN (`arn:aws:events:…:event-bus/NAME`). */
const busName = (value: unknown) =>
  typeof value === 'string' && value !== ''
    ? value.replace(/^arn:[^:]*:events:[^:]*:[^:]*:event-bus\//, '')
    : 'default';

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

export async function startEventBus(options: EventBusOptions): Promise<EventBusShim> {
  const region = options.region ?? LOCAL_REGION;
  const onError = options.onError ?? (() => undefined);
  const events: BusEvent[] = [];
  const inFlight = new Set<Promise<void>>();

  function toEvent(entry: PutEventsEntry): BusEvent | { ErrorCode: string; ErrorMessage: string } {
    if (typeof entry.Source !== 'string' || entry.Source === '')
      return { ErrorCode: 'InvalidArgument', ErrorMessage: 'Parameter Source is not valid.' };
    if (typeof entry.DetailType !== 'string' || entry.DetailType === '')
      return { ErrorCode: 'InvalidArgument', ErrorMessage: 'Parameter DetailType is not valid.' };
    let detail: unknown;
    try {
      detail = JSON.parse(typeof entry.Detail === 'string' ? entry.Detail : '');
    } catch {
      return { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' };
    }
    if (typeof detail !== 'object' || detail === null || Array.isArray(detail))
      return { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' };
    return {
      version: '0',
      id: randomUUID(),
      'detail-type': entry.DetailType,
      source: entry.Source,
      account: LOCAL_ACCOUNT_ID,
      time: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
      region,
      resources: Array.isArray(entry.Resources) ? entry.Resources.map(String) : [],
      detail,
    };
  }

  function deliver(event: BusEvent, bus: string): void {
    for (const rule of options.rules) {
      if (rule.source !== event.source || rule.detailType !== event['detail-type']) continue;
      if ((rule.eventBusName ?? 'default') !== bus) continue;
      const delivery = Promise.resolve()
        .then(() => rule.target(event))
        .then(
          () => undefined,
          (error: unknown) => onError(`delivering ${event['detail-type']} failed`, error),
        );
      inFlight.add(delivery);
      void delivery.finally(() => inFlight.delete(delivery));
    }
  }

  const server = createServer((req, res) => {
    const answer = (status: number, body: unknown, errorType?: string) => {
      res.statusCode = status;
      res.setHeader('content-type', 'application/x-amz-json-1.1');
      res.setHeader('x-amzn-requestid', randomUUID());
      if (errorType) res.setHeader('x-amzn-errortype', errorType);
      res.end(JSON.stringify(body));
    };
    const validation = (message: string) =>
      answer(400, { __type: 'ValidationException', message }, 'ValidationException');

    readBody(req).then(
      (raw) => {
        const target = req.headers['x-amz-target'];
        if (req.method !== 'POST' || target !== 'AWSEvents.PutEvents') {
          return answer(
            400,
            { __type: 'UnknownOperationException', message: `Only AWSEvents.PutEvents is supported locally` },
            'UnknownOperationException',
          );
        }
        let input: { Entries?: unknown };
        try {
          input = JSON.parse(raw) as { Entries?: unknown };
        } catch {
          return answer(
            400,
            { __type: 'SerializationException', message: 'Body is not JSON' },
            'SerializationException',
          );
        }
        if (!Array.isArray(input.Entries) || input.Entries.length === 0)
          return validation(
            "1 validation error detected: Value null at 'entries' failed to satisfy constraint: Member must not be null",
          );
        if (input.Entries.length > MAX_ENTRIES)
          return validation(
            `1 validation error detected: Value at 'entries' failed to satisfy constraint: Member must have length less than or equal to ${MAX_ENTRIES}`,
          );

        const accepted: Array<{ event: BusEvent; bus: string }> = [];
        const results: EntryResult[] = (input.Entries as PutEventsEntry[]).map((entry) => {
          const event = toEvent(entry ?? {});
          if ('ErrorCode' in event) return event;
          accepted.push({ event, bus: busName(entry.EventBusName) });
          return { EventId: event.id };
        });
        answer(200, { FailedEntryCount: results.filter((r) => 'ErrorCode' in r).length, Entries: results });
        for (const { event, bus } of accepted) {
          events.push(event);
          deliver(event, bus);
        }
      },
      (error: unknown) => {
        onError('event bus request failed', error);
        res.destroy();
      },
    );
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;

  const idle = async () => {
    while (inFlight.size > 0) await Promise.all([...inFlight]);
  };

  return {
    url: `http://127.0.0.1:${port}`,
    events,
    idle,
    async stop() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await idle();
    },
  };
}
