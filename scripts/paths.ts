/** Where the project and its neighbours are, whether a script runs from source or bundled. */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The project root: the nearest folder above this file whose package.json is riskline's. */
export function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === 'riskline') return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new Error('cannot find the riskline project root above ' + fileURLToPath(import.meta.url));
    dir = parent;
  }
}

/** `../shared/datasets/<rel>` relative to the project root (data is never committed into the project). */
export function datasetPath(rel: string): string {
  return resolve(repoRoot(), '..', 'shared', 'datasets', rel);
}
