import { randomBytes } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import { type APIGatewayProxyEventV2 } from 'aws-lambda';
import fc from 'fast-check';
import { createSecretStore } from '../../../functions/adapters/secret-store';
import { API_GATEWAY_ROUTES } from '../../../functions/common/routes';
import { startEventBus, type EventBusShim } from '../../../local/event-bus';
import { loadHandlerModule } from '../../../local/handlers';
import { createHttpGateway } from '../../../local/http-gateway';
import { invokeHandler, type LambdaHandler } from '../../../local/lambda-context';
import { ensureQueues, ensureTables, resourceEnv, tableNames } from '../../../local/provision';
import { startFaultProxy, type FaultProxy } from '../fault-proxy';
import { captureOutput, leakedSecrets } from '../log-capture';
import { type Answer, type Planned, type Target, type World } from './model';
import { clearRejection } from './oracle';
import { planAdmin } from './plan-admin';
import { planIngest } from './plan-ingest';
import { type AdminRecipe, type Recipe, requestRecipe } from './recipes-admin';
import { type IngestRecipe } from './recipes-ingest';
import { adminRequest } from './requests';
import { snapshot } from './snapshot';
import { type FuzzOptions, type FuzzSummary } from './summary';
import { toEvent, viaGateway } from './transport';

/**
 * Fuzzing (issue 8, item 2): generated requests against webhook-ingest and the admin routes (channel-api),
 * invoked in-process with API Gateway v2 events and, for a share of them, through the local HTTP gateway.
 * Every answer is checked: no crash (thrown error or timeout), no 5xx, the status the request calls for,
 * every rejection a 4xx `{"errors":[{…, "message"}]}` (naming the bad field where there is one), no
 * secret in any answer, and no state change for a rejected or read-only request (every successful
 * write through the recording proxies and every EventBridge event is attributed to the request that
 * caused it; a sample of requests also compares full snapshots of the tables and the queue).
 */
export async function runFuzz(options: FuzzOptions): Promise<FuzzSummary> {
  const started = Date.now();
  // Every log line of the functions is captured (at DEBUG, the most they ever say) and searched for secrets.
  const savedLevel = process.env.POWERTOOLS_LOG_LEVEL;
  process.env.POWERTOOLS_LOG_LEVEL = 'DEBUG';
  const output = captureOutput();
  const log = (line: string) => (options.log ? output.print(`${line}\n`) : undefined);
  let secrets = new Set<string>();
  const suffix = randomBytes(4).toString('hex');
  const prefix = `z${suffix}-`;
  const creds = { region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } };
  const dynamo = new DynamoDBClient({ ...creds, endpoint: options.standIns.dynamodb });
  const sqs = new SQSClient({ ...creds, endpoint: options.standIns.sqs });
  const cleanups: Array<() => Promise<void>> = [];
  const summary: FuzzSummary = {
    requests: 0,
    byTarget: {},
    byVia: {},
    byStatus: {},
    byKind: {},
    crashes: 0,
    serverErrors: 0,
    stateChanges: 0,
    unexpectedStatus: 0,
    unclearRejections: 0,
    leaks: 0,
    logLines: 0,
    logLeaks: 0,
    snapshotsCompared: 0,
    acceptedChanges: 0,
    acceptedChangesSeenWriting: 0,
    failures: [],
    seconds: 0,
  };
  const fail = (what: string, p: Planned, detail: string) => {
    if (summary.failures.length < 50)
      summary.failures.push(
        `${what}: ${p.target} ${p.kind} via ${p.via} ${p.method} ${p.rawPath.slice(0, 80)}: ${detail}`,
      );
  };
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => unhandled.push(reason);
  process.on('unhandledRejection', onUnhandled);

  try {
    const tables = tableNames(prefix);
    await ensureTables(dynamo, tables);
    const queues = await ensureQueues(sqs, prefix);
    const dynamoProxy: FaultProxy = await startFaultProxy({ upstream: options.standIns.dynamodb });
    cleanups.push(() => dynamoProxy.stop());
    const sqsProxy: FaultProxy = await startFaultProxy({ upstream: options.standIns.sqs });
    cleanups.push(() => sqsProxy.stop());
    const bus: EventBusShim = await startEventBus({ rules: [] });
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
    const invoke = async (target: Target, event: APIGatewayProxyEventV2): Promise<Answer> => {
      const result = (await invokeHandler(handlers[target], event, {
        functionName: target,
        timeoutMs: 10_000,
      })) as {
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
      invoke: (target, event) =>
        invokeHandler(handlers[target as Target], event, { functionName: target, timeoutMs: 10_000 }),
    });
    const port = await gateway.listen(0, '127.0.0.1');
    cleanups.push(() => gateway.close());
    const gatewayUrl = `http://127.0.0.1:${port}`;

    // --- Two channels to aim at: one with a client secret (signed deliveries), one with the token only.
    const save = async (channelId: string, storeHash: string, clientSecret?: string) => {
      const accessToken = randomBytes(16).toString('hex');
      const answer = await invoke(
        'channel-api',
        toEvent(
          adminRequest(
            'PUT',
            '/channels/{channelId}',
            { channelId },
            {
              kind: 'setup',
              via: 'direct',
              headers: { 'content-type': 'application/json' },
              body: JSON.stringify({
                storeHash,
                accessToken,
                ...(clientSecret ? { clientSecret } : {}),
                validCancellationStatuses: ['On Hold'],
                validFulfillmentStatuses: [],
              }),
              expect: [200],
              mayWrite: true,
            },
          ),
        ),
      );
      if (answer.status !== 200)
        throw new Error(`setup: saving ${channelId} answered ${answer.status} ${answer.body}`);
      const stored = await createSecretStore({ SECRETS_TABLE: tables.secrets }, dynamo).get(channelId);
      if (!stored) throw new Error(`setup: no secrets stored for ${channelId}`);
      return {
        accessToken,
        channel: {
          channelId,
          storeHash,
          webhookToken: stored.webhookToken,
          ...(clientSecret ? { clientSecret } : {}),
        },
      };
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
    secrets = world.secrets;

    // --- The run: recipes sampled in chunks (so huge bodies are not all in memory), executed one at a time.
    const snapshotShare = options.snapshotShare ?? 0.1;
    const chunk = 250;
    const bar = Math.max(1, Math.floor(options.requests / 10));
    for (let done = 0; done < options.requests; done += chunk) {
      const recipes: Recipe[] = fc.sample(requestRecipe, {
        seed: options.seed + done,
        numRuns: Math.min(chunk, options.requests - done),
      });
      for (const recipe of recipes) {
        const p =
          recipe.target === 'webhook-ingest'
            ? planIngest(recipe.r as IngestRecipe, world)
            : planAdmin(recipe.r as AdminRecipe, world);
        const compare = Math.random() < snapshotShare;
        const before = compare ? await snapshot(dynamo, sqs, tables, queues) : undefined;
        const writesBefore = dynamoProxy.stats.writes.length + sqsProxy.stats.writes.length;
        const eventsBefore = bus.events.length;
        const sqsWritesBefore = sqsProxy.stats.writes.length;

        let answer: Answer | undefined;
        try {
          answer = p.via === 'gateway' ? await viaGateway(gatewayUrl, p) : await invoke(p.target, toEvent(p));
        } catch (error) {
          summary.crashes++;
          fail('crash', p, error instanceof Error ? `${error.name}: ${error.message}` : String(error));
        }
        await bus.idle();
        const wrote =
          dynamoProxy.stats.writes.length +
          sqsProxy.stats.writes.length -
          writesBefore +
          (bus.events.length - eventsBefore);

        summary.requests++;
        summary.byTarget[p.target] = (summary.byTarget[p.target] ?? 0) + 1;
        summary.byVia[p.via] = (summary.byVia[p.via] ?? 0) + 1;
        summary.byKind[p.kind] = (summary.byKind[p.kind] ?? 0) + 1;
        if (!answer) continue;
        const status = answer.status;
        summary.byStatus[status] = (summary.byStatus[status] ?? 0) + 1;
        p.after?.(status);

        if (status >= 500) {
          summary.serverErrors++;
          fail('5xx', p, `${status} ${answer.body.slice(0, 200)}`);
        }
        if (!p.expect.includes(status)) {
          summary.unexpectedStatus++;
          fail(
            'unexpected status',
            p,
            `${status}, expected ${p.expect.join(' or ')}: ${answer.body.slice(0, 200)}`,
          );
        }
        const rejected = status >= 400;
        if (rejected) {
          const problem = clearRejection(answer, status === 400 ? p.field : undefined);
          if (problem) {
            summary.unclearRejections++;
            fail('unclear rejection', p, `${status}: ${problem}`);
          }
        }
        for (const secret of world.secrets)
          if (answer.body.includes(secret)) {
            summary.leaks++;
            fail('secret in answer', p, `${status}`);
            break;
          }
        const mayChange = !rejected && p.mayWrite && p.method !== 'GET';
        if (mayChange) {
          summary.acceptedChanges++;
          if (wrote > 0) summary.acceptedChangesSeenWriting++;
          // DESIGN.md section 2: ingest makes one SQS call and nothing else.
          const sends = sqsProxy.stats.writes.length - sqsWritesBefore;
          if (p.target === 'webhook-ingest' && (wrote !== 1 || sends !== 1)) {
            summary.unexpectedStatus++;
            fail('accepted webhook not enqueued exactly once', p, `${wrote} write(s), ${sends} to SQS`);
          }
        }
        if (!mayChange && wrote > 0) {
          summary.stateChanges++;
          fail('state change', p, `${status} after ${wrote} write(s)`);
        }
        if (before && !mayChange) {
          const after = await snapshot(dynamo, sqs, tables, queues);
          summary.snapshotsCompared++;
          if (after.tables !== before.tables || after.queue !== before.queue) {
            summary.stateChanges++;
            fail(
              'state change (snapshot)',
              p,
              `${status}: tables ${after.tables === before.tables ? 'same' : 'changed'}, queue ${before.queue} -> ${after.queue}`,
            );
          }
        }
        if (summary.requests % bar === 0) log(`fuzz: ${summary.requests}/${options.requests}`);
      }
    }
    if (unhandled.length > 0) {
      summary.crashes += unhandled.length;
      summary.failures.push(`unhandled rejections: ${unhandled.map(String).join('; ').slice(0, 500)}`);
    }
  } finally {
    output.stop();
    if (savedLevel === undefined) delete process.env.POWERTOOLS_LOG_LEVEL;
    else process.env.POWERTOOLS_LOG_LEVEL = savedLevel;
    process.off('unhandledRejection', onUnhandled);
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
    dynamo.destroy();
    sqs.destroy();
  }
  summary.logLines = output.lines.length;
  const leaked = leakedSecrets(output.lines, secrets);
  summary.logLeaks = leaked.length;
  if (leaked.length > 0) summary.failures.push(`secrets in logs: ${leaked.length} of ${secrets.size}`);
  summary.seconds = (Date.now() - started) / 1000;
  return summary;
}
