/**
 * Real data sets live in ../shared/datasets (relative to the project root), never in the project.
 * A fresh clone has no ../shared: tests that need a set skip with a one-line reason, except under
 * CI=true, where a missing set fails instead.
 */
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** `../shared/datasets/<rel>` from the project root, as an absolute path. */
export function datasetPath(rel: string): string {
  return resolve(REPO_ROOT, '..', 'shared', 'datasets', rel);
}

/** The data set's path when it is there; otherwise null after a one-line warning (or throws under CI). */
export function datasetOrSkip(suite: string, rel: string): string | null {
  const path = datasetPath(rel);
  if (existsSync(path)) return path;
  const reason = `data set ${rel} is absent (no ${path})`;
  if (process.env.CI === 'true') throw new Error(`${suite}: ${reason}, and CI=true requires it`);
  console.warn(`skipping ${suite}: ${reason}`);
  return null;
}
