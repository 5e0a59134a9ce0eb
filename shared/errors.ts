/**
 * One error class per kind. Handlers and the HTTP error mapper decide retry or status from the class,
 * never from the message.
 */

/** Input that can never succeed: quarantine it or answer 4xx; never retry. */
export class ValidationError extends Error {
  constructor(message: string, readonly issues: readonly unknown[] = []) {
    super(message);
    this.name = 'ValidationError';
  }
}

/** A dependency (Redis, DynamoDB, Kinesis) failed or timed out: retry the work. */
export class DependencyError extends Error {
  constructor(readonly dependency: string, message: string, options?: { cause?: unknown }) {
    super(`${dependency}: ${message}`, options);
    this.name = 'DependencyError';
  }
}

/** Optimistic concurrency lost too many times in a row: retry the work later. */
export class ConflictError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConflictError';
  }
}

/** Wraps any thrown value from an adapter call into a DependencyError (keeps the cause). */
export async function asDependency<T>(dependency: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (error instanceof DependencyError) throw error;
    throw new DependencyError(dependency, error instanceof Error ? error.message : String(error), { cause: error });
  }
}
