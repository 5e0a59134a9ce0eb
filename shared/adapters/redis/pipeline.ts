import type { Redis } from 'ioredis';
import { DependencyError, asDependency } from '../../errors';

/** Runs a pipeline and returns its results, throwing one DependencyError if any command failed. */
export async function runPipeline<T>(pipeline: ReturnType<Redis['pipeline']>): Promise<T[]> {
  const results = await asDependency('redis', () => pipeline.exec());
  if (results === null) throw new DependencyError('redis', 'pipeline was discarded');
  return results.map(([error, value]) => {
    if (error) throw new DependencyError('redis', error.message, { cause: error });
    return value as T;
  });
}
