/**
 * Buyer reports in the local runtime (`npm start -- --serve` wires it so): over the HTTP gateway, on
 * dynalite, as the reports Lambda is wired in AWS. A buyer reports a shop, an analyst upholds it, the
 * merchant's penalty case counts the violation, and the buyer's warnings list carries the outcome.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultThresholds } from '../../shared/config';
import { devBuyerToken, devTokenSecret } from '../../shared/http/buyerAuth';
import { chooseFeatureStore, type FeatureStoreChoice } from '../../shared/local/featureStore';
import { startLocalRuntime, type LocalRuntime } from '../../shared/local/runtime';

let features: FeatureStoreChoice;
let runtime: LocalRuntime;
let outDir: string;

beforeAll(async () => {
  outDir = await mkdtemp(join(tmpdir(), 'riskline-reports-'));
  features = await chooseFeatureStore({ redisUrl: undefined, prefix: 'reports-it' });
  runtime = await startLocalRuntime({ features, thresholds: defaultThresholds, outDir });
}, 60_000);

afterAll(async () => {
  await runtime?.stop();
  await features?.close();
  if (outDir) await rm(outDir, { recursive: true, force: true });
});

/** The fields of the answers this test reads. */
interface Answer {
  report: { reportId: string; violationId?: string };
  reports: { reportId: string; status: string }[];
  case: { level: string | null; violations: unknown[] };
  warnings: { type: string; message: { en: string } }[];
}

async function call(method: string, path: string, token: string, body?: unknown) {
  const response = await fetch(new URL(path, runtime.endpoints.http), {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: response.status, body: (await response.json()) as Answer };
}

describe('buyer reports in the local runtime', () => {
  it('a report filed over HTTP and upheld by an analyst counts on the merchant\'s case, and the buyer is told', async () => {
    const buyer = devBuyerToken('b-local', devTokenSecret());
    const filed = await call('POST', '/v1/buyers/b-local/reports', buyer, {
      merchantId: 'm-local',
      category: 'price_gouging',
      skuId: 'sku-sanitiser',
      statement: 'Sanitiser at six times the usual price.',
    });
    expect(filed.status).toBe(201);
    const reportId = filed.body.report.reportId;

    const queue = await call('GET', '/v1/reports', 'dev:viewer:vic');
    expect(queue.body.reports.map((r) => r.reportId)).toEqual([reportId]);
    const decided = await call('POST', `/v1/reports/${reportId}/decision`, 'dev:analyst:alice', { upheld: true, note: 'price history confirms it' });
    expect(decided.status).toBe(200);

    const penaltyCase = await call('GET', '/v1/merchants/m-local/penalties', 'dev:viewer:vic');
    expect(penaltyCase.status).toBe(200);
    expect(penaltyCase.body.case.violations).toEqual([
      expect.objectContaining({ violationId: decided.body.report.violationId, type: 'price_gouging', status: 'counted', basis: 'analyst' }),
    ]);
    expect(penaltyCase.body.case.level).toBe('warning');
    const warnings = await call('GET', '/v1/buyers/b-local/warnings', buyer);
    expect(warnings.body.warnings.map((w) => [w.type, w.message.en])).toEqual([
      ['report_outcome', expect.stringContaining('was upheld')],
    ]);
    const mine = await call('GET', '/v1/buyers/b-local/reports', buyer);
    expect(mine.body.reports.map((r) => r.status)).toEqual(['upheld']);
  }, 60_000);
});
