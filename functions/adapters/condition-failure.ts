import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';

/** A conditional write lost (someone wrote first); by class, or by name when the error crossed a boundary. */
export const isConditionFailure = (error: unknown) =>
  error instanceof ConditionalCheckFailedException ||
  (error instanceof Error && error.name === 'ConditionalCheckFailedException');
