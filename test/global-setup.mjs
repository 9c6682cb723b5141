// Starts the shared local stand-ins once for the whole Jest run. fauxqs is ESM-only, so it lives here
// (native ESM) rather than inside the CommonJS test files. Workers inherit the endpoints via process.env.
import { createRequire } from 'node:module';
import { startFauxqs } from 'fauxqs';
import { tsImport } from 'tsx/esm/api';

const require = createRequire(import.meta.url);
const dynalite = require('dynalite');

export default async function globalSetup() {
  const dynamo = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise((resolve, reject) => {
    dynamo.once('error', reject);
    dynamo.listen(0, '127.0.0.1', resolve);
  });
  // fauxqs ignores its host option (it listens on 0.0.0.0): forced onto loopback like the local stack.
  const { onLoopbackOnly, LOOPBACK_ADDRESS } = await tsImport('../local/loopback.ts', import.meta.url);
  const sqs = await onLoopbackOnly(() => startFauxqs({ port: 0, host: LOOPBACK_ADDRESS, logger: false }));
  globalThis.__standIns = { dynamo, sqs };
  process.env.TEST_DYNAMODB_ENDPOINT = `http://127.0.0.1:${dynamo.address().port}`;
  process.env.TEST_SQS_ENDPOINT = sqs.address;
  process.env.AWS_REGION ??= 'us-east-1';
  process.env.AWS_ACCESS_KEY_ID ??= 'local';
  process.env.AWS_SECRET_ACCESS_KEY ??= 'local';
}
