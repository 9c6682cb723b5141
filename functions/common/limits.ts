import type { FunctionName } from './routes';

/**
 * Each function's Lambda timeout: lib/ sets it in AWS, the local runtime enforces the same, and the
 * order-events queue's visibility timeout is derived from the worker's.
 */
export const FUNCTION_TIMEOUT_SECONDS: Readonly<Record<FunctionName, number>> = {
  'webhook-ingest': 10,
  'channel-api': 10,
  'order-worker': 30,
  'hook-manager': 300,
  'support-widget': 10,
};

/** Receives of an order event before SQS moves it to the dead-letter queue (AWS and local). */
export const MAX_RECEIVE_COUNT = 5;
