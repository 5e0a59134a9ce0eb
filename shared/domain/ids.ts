import { createHash } from 'node:crypto';

/** A short, stable id from its parts (deterministic: the same evidence always gives the same id). */
export function stableId(prefix: string, ...parts: readonly (string | number)[]): string {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(String(part)).update('\u001f');
  return `${prefix}-${hash.digest('hex').slice(0, 24)}`;
}
