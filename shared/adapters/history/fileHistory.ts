/**
 * History from a local JSONL file (what `npm start` writes, or any replay input): the file itself, or
 * the lines whose occurredAt lies in the requested range written to the work directory.
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { access } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { HistorySource } from '../../ports';

const OCCURRED_AT = /"occurredAt"\s*:\s*"([^"]*)"/;

/** Keeps a line whose event time lies in [from, to); lines without a readable time are kept (the replay rejects them). */
export function inRange(line: string, fromMs: number, toMs: number): boolean {
  const at = OCCURRED_AT.exec(line)?.[1];
  const ms = at === undefined ? Number.NaN : Date.parse(at);
  return !Number.isFinite(ms) || (ms >= fromMs && ms < toMs);
}

export class FileHistorySource implements HistorySource {
  /** `path` is read when a backtest runs: it may not exist yet when the source is made. */
  constructor(private readonly path: () => string) {}

  async materialize(range: { from?: string; to?: string }, workDir: string): Promise<{ path: string; objects: number }> {
    const source = this.path();
    try {
      await access(source);
    } catch {
      throw new Error(`no stored history at ${source} (run npm start first, or point the console at a JSONL file)`);
    }
    if (range.from === undefined && range.to === undefined) return { path: source, objects: 1 };
    const fromMs = range.from === undefined ? Number.NEGATIVE_INFINITY : Date.parse(range.from);
    const toMs = range.to === undefined ? Number.POSITIVE_INFINITY : Date.parse(range.to);
    const target = join(workDir, 'history.jsonl');
    const out = createWriteStream(target);
    for await (const line of createInterface({ input: createReadStream(source), crlfDelay: Infinity })) {
      if (line.trim() !== '' && inRange(line, fromMs, toMs) && !out.write(line + '\n')) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
    }
    await new Promise<void>((resolve, reject) => out.end((error?: Error | null) => (error ? reject(error) : resolve())));
    return { path: target, objects: 1 };
  }
}
