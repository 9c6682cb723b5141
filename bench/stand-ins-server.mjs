// Child process of bench/stand-ins.ts (forked, IPC channel): dynalite + fauxqs on random 127.0.0.1 ports,
// so their CPU is not the measured process's CPU (in AWS, DynamoDB and SQS are remote too). Counts every
// DynamoDB request by operation (X-Amz-Target) as it arrives — no proxy hop — so a benchmark can run the
// real `wire(env)` and still count what it asked DynamoDB for.
// Messages in: {op: 'counts'} | {op: 'reset'} | {op: 'stop'}; out: {ready, dynamoEndpoint, sqsEndpoint} | {counts}.
import { createRequire } from 'node:module';
import { startFauxqs } from 'fauxqs';

const require = createRequire(import.meta.url);
const dynalite = require('dynalite');

const dynamo = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
let counts = {};
dynamo.on('request', (req) => {
  const target = String(req.headers['x-amz-target'] ?? 'unknown');
  const op = target.slice(target.lastIndexOf('.') + 1);
  counts[op] = (counts[op] ?? 0) + 1;
});
await new Promise((resolve, reject) => {
  dynamo.once('error', reject);
  dynamo.listen(0, '127.0.0.1', resolve);
});
const sqs = await startFauxqs({ port: 0, host: '127.0.0.1', logger: false });

let stopping = false;
async function stop() {
  if (stopping) return;
  stopping = true;
  await sqs.stop().catch(() => undefined);
  await new Promise((resolve) => dynamo.close(resolve));
  process.exit(0);
}

process.on('message', (message) => {
  if (message?.op === 'counts') process.send({ counts });
  else if (message?.op === 'reset') {
    counts = {};
    process.send({ counts });
  } else if (message?.op === 'stop') void stop();
});
// The parent went away: do not linger.
process.on('disconnect', () => void stop());
process.on('SIGTERM', () => void stop());

process.send({
  ready: true,
  dynamoEndpoint: `http://127.0.0.1:${dynamo.address().port}`,
  sqsEndpoint: sqs.address,
});
