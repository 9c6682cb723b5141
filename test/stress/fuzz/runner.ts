import fc from 'fast-check';
import { captureOutput, leakedSecrets } from '../log-capture';
import { type Answer, type Planned } from './model';
import { judge, runsAlone, fail, type Observed } from './oracle';
import { planAdmin } from './plan-admin';
import { planIngest } from './plan-ingest';
import { requestRecipe, type AdminRecipe, type Recipe } from './recipes-admin';
import { type IngestRecipe } from './recipes-ingest';
import { startStage, type Stage } from './stage';
import { DEFAULT_CONCURRENCY, emptySummary, type FuzzOptions, type FuzzSummary } from './summary';

/**
 * Fuzzing: generated requests against webhook-ingest and the admin routes (channel-api), invoked
 * in-process with API Gateway v2 events and, for a share of them, through the local HTTP gateway, up to
 * `concurrency` at once. Every answer is judged by the oracle (`oracle.ts`).
 *
 * Concurrency keeps the oracle exact: a request that may change state, or whose expected answer depends
 * on what came before it (`runsAlone`), waits until nothing is in flight and runs alone; the others
 * (rejections and reads, which must write nothing) run together between them. So every write seen while
 * only those are in flight is a failure, a snapshot taken around one of them sees no legitimate change,
 * and each request is planned against a model that every earlier state change has already updated.
 */
export async function runFuzz(options: FuzzOptions): Promise<FuzzSummary> {
  const started = Date.now();
  const concurrency = options.concurrency ?? DEFAULT_CONCURRENCY;
  const summary = emptySummary(concurrency);
  // Every log line of the functions is captured (at DEBUG, the most they ever say) and searched for secrets.
  const savedLevel = process.env.POWERTOOLS_LOG_LEVEL;
  process.env.POWERTOOLS_LOG_LEVEL = 'DEBUG';
  const output = captureOutput();
  const log = (line: string) => (options.log ? output.print(`${line}\n`) : undefined);
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => unhandled.push(reason);
  process.on('unhandledRejection', onUnhandled);
  let secrets = new Set<string>();
  let stage: Stage | undefined;
  try {
    stage = await startStage(options.standIns);
    secrets = stage.world.secrets;
    await runRequests(stage, options, summary, log);
    if (unhandled.length > 0) {
      summary.crashes += unhandled.length;
      summary.failures.push(`unhandled rejections: ${unhandled.map(String).join('; ').slice(0, 500)}`);
    }
  } finally {
    output.stop();
    if (savedLevel === undefined) delete process.env.POWERTOOLS_LOG_LEVEL;
    else process.env.POWERTOOLS_LOG_LEVEL = savedLevel;
    process.off('unhandledRejection', onUnhandled);
    await stage?.stop();
  }
  summary.logLines = output.lines.length;
  const leaked = leakedSecrets(output.lines, secrets);
  summary.logLeaks = leaked.length;
  if (leaked.length > 0) summary.failures.push(`secrets in logs: ${leaked.length} of ${secrets.size}`);
  summary.seconds = (Date.now() - started) / 1000;
  return summary;
}

/** Recipes sampled in chunks (so huge bodies are not all in memory), planned in order, run concurrently. */
async function runRequests(
  stage: Stage,
  options: FuzzOptions,
  summary: FuzzSummary,
  log: (line: string) => void,
) {
  const inFlight = new Set<Promise<void>>();
  const drain = () => Promise.all(inFlight);
  const chunk = 250;
  const bar = Math.max(1, Math.floor(options.requests / 10));
  let launched = 0;
  for (let done = 0; done < options.requests; done += chunk) {
    const recipes: Recipe[] = fc.sample(requestRecipe, {
      seed: options.seed + done,
      numRuns: Math.min(chunk, options.requests - done),
    });
    for (const recipe of recipes) {
      // Whatever is in flight now changes no state, so the model already holds every earlier change.
      const p =
        recipe.target === 'webhook-ingest'
          ? planIngest(recipe.r as IngestRecipe, stage.world)
          : planAdmin(recipe.r as AdminRecipe, stage.world);
      const alone = runsAlone(p);
      if (alone) await drain();
      else while (inFlight.size >= summary.concurrency) await Promise.race(inFlight);
      const run = runOne(stage, p, options.snapshotShare ?? 0.1, summary).finally(() => inFlight.delete(run));
      inFlight.add(run);
      summary.maxInFlight = Math.max(summary.maxInFlight, inFlight.size);
      if (alone) await run;
      if (++launched % bar === 0) log(`fuzz: ${launched}/${options.requests}`);
    }
  }
  await drain();
}

async function runOne(stage: Stage, p: Planned, snapshotShare: number, summary: FuzzSummary): Promise<void> {
  const before = Math.random() < snapshotShare ? await stage.snapshot() : undefined;
  const writesBefore = stage.writes();
  let answer: Answer | undefined;
  try {
    answer = await stage.send(p);
  } catch (error) {
    summary.crashes++;
    fail(summary, 'crash', p, error instanceof Error ? `${error.name}: ${error.message}` : String(error));
  }
  await stage.idle();
  const writesAfter = stage.writes();
  const observed: Observed = {
    wrote: writesAfter.all - writesBefore.all,
    sends: writesAfter.sqs - writesBefore.sqs,
    ...(before ? { snapshots: { before, after: () => stage.snapshot() } } : {}),
  };
  await judge(summary, p, answer, observed, stage.world.secrets);
}
