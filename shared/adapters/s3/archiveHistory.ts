/**
 * History from the streams' archive (STREAM_ARCHIVE: Firehose to S3, gzipped newline-delimited JSON
 * under `<stream>/YYYY/MM/DD/HH/`). The objects of the hours that can hold the requested event-time
 * range are streamed, in key order, into one JSONL file in the work directory; lines outside the
 * range are dropped. Firehose files by arrival time, so an hour of margin is read on either side.
 */
import { createWriteStream, type WriteStream } from 'node:fs';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { createInterface } from 'node:readline';
import { createGunzip } from 'node:zlib';
import { GetObjectCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { asDependency } from '../../errors';
import type { HistorySource } from '../../ports';
import { inRange } from '../history/fileHistory';

const HOUR_MS = 3_600_000;

export interface ArchiveHistoryOptions {
  bucket: string;
  /** One per archived stream, e.g. `orders/`, `reviews/`. */
  prefixes: readonly string[];
  /** With no `from`, how far back to read (default 30 days). */
  defaultDays?: number;
  now?: () => number;
}

/** The `YYYY/MM/DD/HH/` key prefixes of every hour from `fromMs` to `toMs`. */
export function hourPrefixes(fromMs: number, toMs: number): string[] {
  const out: string[] = [];
  for (let t = Math.floor(fromMs / HOUR_MS) * HOUR_MS; t <= toMs; t += HOUR_MS) {
    const d = new Date(t).toISOString();
    out.push(`${d.slice(0, 4)}/${d.slice(5, 7)}/${d.slice(8, 10)}/${d.slice(11, 13)}/`);
  }
  return out;
}

export class S3ArchiveHistorySource implements HistorySource {
  constructor(
    private readonly s3: S3Client,
    private readonly options: ArchiveHistoryOptions,
  ) {}

  async materialize(range: { from?: string; to?: string }, workDir: string): Promise<{ path: string; objects: number }> {
    const now = (this.options.now ?? Date.now)();
    const toMs = range.to === undefined ? now : Date.parse(range.to);
    const fromMs = range.from === undefined ? toMs - (this.options.defaultDays ?? 30) * 24 * HOUR_MS : Date.parse(range.from);
    const keys: string[] = [];
    for (const prefix of this.options.prefixes) {
      for (const hour of hourPrefixes(fromMs - HOUR_MS, toMs + HOUR_MS)) keys.push(...(await this.list(`${prefix}${hour}`)));
    }
    const path = join(workDir, 'history.jsonl');
    const out = createWriteStream(path);
    for (const key of keys) await this.copy(key, out, fromMs, toMs);
    await new Promise<void>((resolve, reject) => out.end((error?: Error | null) => (error ? reject(error) : resolve())));
    if (keys.length === 0) throw new Error(`the archive s3://${this.options.bucket} holds no history between ${new Date(fromMs).toISOString()} and ${new Date(toMs).toISOString()}`);
    return { path, objects: keys.length };
  }

  private async list(prefix: string): Promise<string[]> {
    const keys: string[] = [];
    let token: string | undefined;
    do {
      const page = await asDependency('s3', () => this.s3.send(new ListObjectsV2Command({ Bucket: this.options.bucket, Prefix: prefix, ContinuationToken: token })));
      keys.push(...(page.Contents ?? []).flatMap((o) => (o.Key ? [o.Key] : [])));
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token !== undefined);
    return keys.sort();
  }

  private async copy(key: string, out: WriteStream, fromMs: number, toMs: number): Promise<void> {
    const { Body } = await asDependency('s3', () => this.s3.send(new GetObjectCommand({ Bucket: this.options.bucket, Key: key })));
    if (Body === undefined) return;
    const body = Body as Readable;
    const text = key.endsWith('.gz') ? body.pipe(createGunzip()) : body;
    for await (const line of createInterface({ input: text, crlfDelay: Infinity })) {
      if (line.trim() !== '' && inRange(line, fromMs, toMs) && !out.write(line + '\n')) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
    }
  }
}
