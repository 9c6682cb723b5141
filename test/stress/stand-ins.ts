import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { LOOPBACK_ADDRESS, onLoopbackOnly } from '../../local/loopback';

/**
 * DynamoDB (dynalite) and SQS (fauxqs) for the stress runs. Under Jest they are the ones
 * test/global-setup.mjs started (TEST_DYNAMODB_ENDPOINT / TEST_SQS_ENDPOINT); under tsx (`npm run
 * test:faults`, `npm run test:fuzz`) this starts its own, in memory, on 127.0.0.1.
 */
export interface StandIns {
  dynamodb: string;
  sqs: string;
  stop(): Promise<void>;
}

export function standInsFromEnv(): StandIns | undefined {
  const dynamodb = process.env.TEST_DYNAMODB_ENDPOINT;
  const sqs = process.env.TEST_SQS_ENDPOINT;
  if (!dynamodb || !sqs) return undefined;
  // Shared with the rest of the Jest run: not ours to stop.
  return { dynamodb, sqs, stop: async () => undefined };
}

export async function startStandIns(): Promise<StandIns> {
  const fromEnv = standInsFromEnv();
  if (fromEnv) return fromEnv;
  process.env.AWS_REGION ??= 'us-east-1';
  process.env.AWS_ACCESS_KEY_ID ??= 'local';
  process.env.AWS_SECRET_ACCESS_KEY ??= 'local';
  const { default: dynalite } = await import('dynalite');
  const dynamo: Server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve, reject) => {
    dynamo.once('error', reject);
    dynamo.listen(0, '127.0.0.1', () => resolve());
  });
  // fauxqs is ESM-only: a dynamic import works from tsx's CommonJS (never reached under Jest).
  const { startFauxqs } = await import('fauxqs');
  // fauxqs ignores its host option (it listens on 0.0.0.0): forced onto loopback.
  const sqs = await onLoopbackOnly(() => startFauxqs({ port: 0, host: LOOPBACK_ADDRESS, logger: false }));
  return {
    dynamodb: `http://127.0.0.1:${(dynamo.address() as AddressInfo).port}`,
    sqs: sqs.address,
    stop: async () => {
      await sqs.stop();
      await new Promise<void>((resolve) => {
        dynamo.close(() => resolve());
        dynamo.closeAllConnections();
      });
    },
  };
}
