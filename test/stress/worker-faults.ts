import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { loadHandlerModule, type HandlerModuleLoader } from '../../local/handlers';
import type { LambdaHandler } from '../../local/lambda-context';
import type { Rng } from './rng';

/**
 * "A worker that throws mid-batch": the real order-worker handles the first part of the batch (its
 * writes happen), then the invocation throws, as a Lambda that crashes half-way would. The event source
 * mapping then deletes nothing, so every record of the batch comes back after the visibility timeout,
 * the processed ones included: the at-most-once rule must drop those.
 */
export interface WorkerFaultControl {
  /** Probability that an invocation throws after handling the first half of its batch. */
  throwRate: number;
  /**
   * Sabotage, for the negative control only: probability that an invocation reports success without
   * handling anything, so its records are deleted unprocessed (lost). The ledger must catch it.
   */
  dropRate?: number;
  rng: Rng;
  onThrow?: () => void;
  /** Set once an invocation has crashed. */
  crashedOnce?: boolean;
}

export class InjectedWorkerCrash extends Error {
  override name = 'InjectedWorkerCrash';
}

export function wrapWorker(
  real: LambdaHandler<SQSEvent, SQSBatchResponse>,
  control: WorkerFaultControl,
): LambdaHandler<SQSEvent, SQSBatchResponse> {
  return async (event, context: Context) => {
    if (control.dropRate && control.rng.chance(control.dropRate)) return { batchItemFailures: [] };
    if (control.throwRate <= 0) return real(event, context);
    // The first batch of two or more records always crashes, so even a short run injects the fault.
    const first = !control.crashedOnce && event.Records.length >= 2;
    if (!first && !control.rng.chance(control.throwRate)) return real(event, context);
    control.crashedOnce = true;
    const half = Math.ceil(event.Records.length / 2);
    // The first half is handled for real (its effects are stored), then the invocation dies.
    await real({ Records: event.Records.slice(0, half) }, context);
    control.onThrow?.();
    throw new InjectedWorkerCrash(`injected crash after ${half} of ${event.Records.length} records`);
  };
}

/** The stack's module loader, with order-worker's handler wrapped by `wrapWorker`. */
export function faultyWorkerLoader(control: WorkerFaultControl): HandlerModuleLoader {
  return async (name) => {
    const mod = await loadHandlerModule(name);
    if (name !== 'order-worker') return mod;
    return {
      wire: (env) =>
        wrapWorker(mod.wire(env) as LambdaHandler<SQSEvent, SQSBatchResponse>, control) as LambdaHandler,
    };
  };
}
