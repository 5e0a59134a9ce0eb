import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FRAUD_DATA_CSV } from '../../scripts/datasets/fraudData';
import { evaluateFraudData } from '../../scripts/eval';
import { datasetOrSkip } from '../support/datasets';

const present = datasetOrSkip('Fraud_Data evaluation', FRAUD_DATA_CSV) !== null;

describe.skipIf(!present)('suspicious payments on the real Fraud_Data set', () => {
  it('meets the target on the held-out rows: precision >= 0.95 with recall >= 0.50 (review and block positive)', async () => {
    const outDir = await mkdtemp(join(tmpdir(), 'riskline-eval-'));
    try {
      const result = await evaluateFraudData({ outDir });

      console.log(`Fraud_Data held-out: ${JSON.stringify(result.heldOut)}`);
      expect(result.rows).toBe(51_689);
      expect(result.heldOut.reviewOrBlock.precision).toBeGreaterThanOrEqual(0.95);
      expect(result.heldOut.reviewOrBlock.recall).toBeGreaterThanOrEqual(0.5);
      expect(result.heldOut.blockOnly.precision).toBeGreaterThanOrEqual(0.95);
    } finally {
      await rm(outDir, { recursive: true, force: true });
    }
  });
});
