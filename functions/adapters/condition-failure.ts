import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';

/** A conditional write lost (someone wrote first); by class, or by name when the error crossed a boundary. */
export const isConditionFailure = (error: unknown) =>
  error instanceof ConditionalCheckFailedException ||
  (error instanceof Error && error.name === 'ConditionalCheckFailedException');

/** Sends a conditional write: true when written, false when its condition failed; other errors throw. */
export async function writtenUnlessConditionFails(write: () => Promise<unknown>): Promise<boolean> {
  try {
    await write();
    return true;
  } catch (error) {
    if (isConditionFailure(error)) return false;
    throw error;
  }
}
