import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { JsonlWriter } from '../../shared/app/replay';

describe('the replay output writer', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'riskline-jsonl-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('waits for the disk as often as asked without piling up listeners, and loses no line', async () => {
    const warnings: Error[] = [];
    const onWarning = (w: Error) => warnings.push(w);
    process.on('warning', onWarning);
    try {
      // Every write goes to the stream and every call waits for it: the replay's back-pressure, made constant.
      const writer = new JsonlWriter(join(dir, 'out.jsonl'), { writeFromChars: 1, waitAboveBytes: 1 });
      for (let n = 0; n < 200; n++) {
        writer.write({ n });
        await writer.drained();
      }
      await writer.close();
      const lines = (await readFile(join(dir, 'out.jsonl'), 'utf8')).trim().split('\n');
      expect(lines.map((l) => (JSON.parse(l) as { n: number }).n)).toEqual([...Array(200).keys()]);
      await new Promise((resolve) => setImmediate(resolve)); // warnings are emitted on the next tick
      expect(warnings.map((w) => w.name)).not.toContain('MaxListenersExceededWarning');
    } finally {
      process.off('warning', onWarning);
    }
  });
});
