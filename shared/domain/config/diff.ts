/**
 * A JSON diff of two thresholds documents, field by field, for the audit log and the console: every
 * leaf that was added, removed or changed, with its dotted path and both values. Pure, and free of
 * Node APIs so the console bundles it too.
 */

export type DiffOp = 'added' | 'removed' | 'changed';

export interface DiffEntry {
  /** Dotted path from the document root; array items by index (`rules.priceGouging.emergencies.0.id`). */
  path: string;
  op: DiffOp;
  before?: unknown;
  after?: unknown;
}

export interface DiffOptions {
  /** Top-level keys left out (the `version` id differs between any two versions by construction). */
  ignoreTopLevel?: readonly string[];
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function join(path: string, key: string | number): string {
  return path === '' ? String(key) : `${path}.${key}`;
}

/** The differences from `before` to `after`, in document order (keys of `before` first, then new keys). */
export function diffDocuments(before: unknown, after: unknown, options: DiffOptions = {}): DiffEntry[] {
  const out: DiffEntry[] = [];
  const ignored = new Set(options.ignoreTopLevel ?? []);
  walk(before, after, '', out, ignored);
  return out;
}

function walk(a: unknown, b: unknown, path: string, out: DiffEntry[], ignored: ReadonlySet<string>): void {
  if (isObject(a) && isObject(b)) {
    const keys = [...Object.keys(a), ...Object.keys(b).filter((k) => !(k in a))];
    for (const key of keys) {
      if (path === '' && ignored.has(key)) continue;
      const p = join(path, key);
      if (!(key in b)) out.push({ path: p, op: 'removed', before: a[key] });
      else if (!(key in a)) out.push({ path: p, op: 'added', after: b[key] });
      else walk(a[key], b[key], p, out, ignored);
    }
    return;
  }
  if (Array.isArray(a) && Array.isArray(b)) {
    const n = Math.max(a.length, b.length);
    for (let i = 0; i < n; i++) {
      const p = join(path, i);
      if (i >= b.length) out.push({ path: p, op: 'removed', before: a[i] });
      else if (i >= a.length) out.push({ path: p, op: 'added', after: b[i] });
      else walk(a[i], b[i], p, out, ignored);
    }
    return;
  }
  if (!Object.is(a, b)) out.push({ path: path || '(document)', op: 'changed', before: a, after: b });
}

/** One line per entry, e.g. `~ scoring.blockAt: 80 -> 75`, for logs and the command line. */
export function formatDiff(entries: readonly DiffEntry[]): string[] {
  const show = (v: unknown) => JSON.stringify(v);
  return entries.map((e) =>
    e.op === 'added' ? `+ ${e.path}: ${show(e.after)}` : e.op === 'removed' ? `- ${e.path}: ${show(e.before)}` : `~ ${e.path}: ${show(e.before)} -> ${show(e.after)}`,
  );
}
