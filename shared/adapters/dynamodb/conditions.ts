/** DynamoDB-specific outcomes the adapters treat as answers rather than failures. */

/**
 * DynamoDB reports a failed ConditionExpression with this error name. Checked by name, not by class,
 * so a second copy of the SDK in a bundle cannot break the check.
 */
export function isConditionalCheckFailed(error: unknown): boolean {
  return error instanceof Error && error.name === 'ConditionalCheckFailedException';
}

/** Resolves true when the conditional write succeeded, false when its condition failed; rethrows anything else. */
export async function unlessConditionFails(write: Promise<unknown>): Promise<boolean> {
  try {
    await write;
    return true;
  } catch (error) {
    if (isConditionalCheckFailed(error)) return false;
    throw error;
  }
}
