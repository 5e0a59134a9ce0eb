/** DynamoDB-specific outcomes the adapters treat as answers rather than failures. */

/**
 * DynamoDB reports a failed ConditionExpression with this error name. Checked by name, not by class,
 * so a second copy of the SDK in a bundle cannot break the check.
 */
export function isConditionalCheckFailed(error: unknown): boolean {
  return error instanceof Error && error.name === 'ConditionalCheckFailedException';
}
