import { randomBytes } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import { createRuntime, secretStore } from '../../../functions/common/runtime';
import { API_GATEWAY_ROUTES } from '../../../functions/common/routes';
import { startEventBus } from '../../../local/event-bus';
import { loadHandlerModule } from '../../../local/handlers';
import { createHttpGateway } from '../../../local/http-gateway';
import { invokeHandler, type LambdaHandler } from '../../../local/lambda-context';
import { ensureQueues, ensureTables, resourceEnv, tableNames } from '../../../local/provision';
import { startFaultProxy } from '../fault-proxy';
import { type Answer, type KnownChannel, type Planned, type Target, type World } from './model';
import { adminRequest } from './requests';
import { snapshot, type Snapshot } from './snapshot';
import { toEvent, viaGateway } from './transport';

/** The world a fuzz run aims at, and how to send a request into it and watch what it wrote. */
export interface Stage {
  world: World;
  send(p: Planned): Promise<Answer>;
  /** Successful writes seen so far (DynamoDB and SQS through the recording proxies, EventBridge events). */
  writes(): { all: number; sqs: number };
  /** Waits until the EventBridge shim has handled every event sent so far. */
  idle(): Promise<void>;
  snapshot(): Promise<Snapshot>;
  stop(): Promise<void>;
}

const INVOKE_TIMEOUT_MS = 10_000;

/**
 * Own tables and queues (unique prefix) behind recording proxies, the EventBridge shim with no rules,
 * the two functions from `wire(env)`, the local HTTP gateway, and two channels: `fz-signed` (client
 * secret: signed deliveries) and `fz-token` (token only).
 */
export async function startStage(standIns: { dynamodb: string; sqs: string }): Promise<Stage> {
  const prefix = `z${randomBytes(4).toString('hex')}-`;
  const creds = { region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } };
  const dynamo = new DynamoDBClient({ ...creds, endpoint: standIns.dynamodb });
  const sqs = new SQSClient({ ...creds, endpoint: standIns.sqs });
  const cleanups: Array<() => Promise<void>> = [
    async () => {
      dynamo.destroy();
      sqs.destroy();
    },
  ];
  const stop = async () => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
  };
  try {
    const tables = tableNames(prefix);
    await ensureTables(dynamo, tables);
    const queues = await ensureQueues(sqs, prefix);
    const dynamoProxy = await startFaultProxy({ upstream: standIns.dynamodb });
    cleanups.push(() => dynamoProxy.stop());
    const sqsProxy = await startFaultProxy({ upstream: standIns.sqs });
    cleanups.push(() => sqsProxy.stop());
    const bus = await startEventBus({ rules: [] });
    cleanups.push(() => bus.stop());

    const env: Record<string, string> = {
      ...resourceEnv({ dynamoEndpoint: dynamoProxy.url, sqsEndpoint: sqsProxy.url, tables, queues }),
      EVENT_BUS_NAME: 'default',
      EVENTBRIDGE_ENDPOINT: bus.url,
      POWERTOOLS_METRICS_DISABLED: 'true',
      POWERTOOLS_LOG_LEVEL: 'SILENT',
    };
    // Powertools reads these from process.env, not from wire's env.
    process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';
    const handlers: Record<Target, LambdaHandler> = {
      'webhook-ingest': (await loadHandlerModule('webhook-ingest')).wire(env),
      'channel-api': (await loadHandlerModule('channel-api')).wire(env),
    };
    const invokeRaw = (target: string, event: unknown) =>
      invokeHandler(handlers[target as Target], event, {
        functionName: target,
        timeoutMs: INVOKE_TIMEOUT_MS,
      });
    const invoke = async (p: Planned): Promise<Answer> => {
      const result = (await invokeRaw(p.target, toEvent(p))) as {
        statusCode?: unknown;
        body?: unknown;
        isBase64Encoded?: boolean;
      };
      if (typeof result?.statusCode !== 'number')
        throw new Error(`answer without a statusCode: ${JSON.stringify(result)?.slice(0, 100)}`);
      const body =
        typeof result.body === 'string'
          ? result.isBase64Encoded
            ? Buffer.from(result.body, 'base64').toString('utf8')
            : result.body
          : '';
      return { status: result.statusCode, body };
    };
    const gateway = createHttpGateway({
      routes: API_GATEWAY_ROUTES,
      health: async () => ({ ok: true, parts: {} }),
      invoke: invokeRaw,
    });
    const port = await gateway.listen(0, '127.0.0.1');
    cleanups.push(() => gateway.close());
    const gatewayUrl = `http://127.0.0.1:${port}`;

    const save = async (channelId: string, storeHash: string, clientSecret?: string) => {
      const accessToken = randomBytes(16).toString('hex');
      const body = JSON.stringify({
        storeHash,
        accessToken,
        ...(clientSecret ? { clientSecret } : {}),
        validCancellationStatuses: ['On Hold'],
        validFulfillmentStatuses: [],
      });
      const answer = await invoke(
        adminRequest(
          'PUT',
          '/channels/{channelId}',
          { channelId },
          {
            kind: 'setup',
            via: 'direct',
            headers: { 'content-type': 'application/json' },
            body,
            expect: [200],
            mayWrite: true,
          },
        ),
      );
      if (answer.status !== 200)
        throw new Error(`setup: saving ${channelId} answered ${answer.status} ${answer.body}`);
      const stored = await secretStore(
        createRuntime({ SECRETS_TABLE: tables.secrets }, { dynamo: dynamo }),
      ).get(channelId);
      if (!stored) throw new Error(`setup: no secrets stored for ${channelId}`);
      const channel: KnownChannel = {
        channelId,
        storeHash,
        webhookToken: stored.webhookToken,
        ...(clientSecret ? { clientSecret } : {}),
      };
      return { accessToken, channel };
    };
    const signedSecret = randomBytes(16).toString('hex');
    const s = await save('fz-signed', 'fzsigned', signedSecret);
    const t = await save('fz-token', 'fztoken');
    const world: World = {
      signed: s.channel,
      tokenOnly: t.channel,
      pool: Array.from({ length: 8 }, (_, i) => `fz-p${i}`),
      live: new Set(),
      secrets: new Set([
        signedSecret,
        s.accessToken,
        t.accessToken,
        s.channel.webhookToken,
        t.channel.webhookToken,
      ]),
    };
    return {
      world,
      send: (p) => (p.via === 'gateway' ? viaGateway(gatewayUrl, p) : invoke(p)),
      writes: () => ({
        all: dynamoProxy.stats.writes.length + sqsProxy.stats.writes.length + bus.events.length,
        sqs: sqsProxy.stats.writes.length,
      }),
      idle: () => bus.idle(),
      snapshot: () => snapshot(dynamo, sqs, tables, queues),
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
