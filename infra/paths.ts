/**
 * Paths the CDK app needs, resolved from this file rather than the working directory, so `cdk synth`
 * and the infra tests behave the same wherever they are started from.
 */
import { fileURLToPath } from 'node:url';

/** The repository root (holds package-lock.json, tsconfig.json, functions/ and shared/). */
export const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));

/** An absolute path from one relative to the repository root. */
export function repoPath(relative: string): string {
  return fileURLToPath(new URL(`../${relative}`, import.meta.url));
}
