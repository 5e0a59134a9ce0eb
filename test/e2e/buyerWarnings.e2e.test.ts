/**
 * End to end, in headless Chromium: a buyer's page is open; a gouged order goes onto the order stream
 * of the local runtime (kinesalite, the event-source-mapping emulator, the order-stream handler, the
 * price-gouging detector, the warning service on dynalite, the push through PostToConnection to the
 * local WebSocket API) and the warning appears on the page, in Chinese and English, and only there.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultThresholds } from '../../shared/config';
import type { OrderEvent } from '../../shared/contracts/events';
import { chooseFeatureStore, type FeatureStoreChoice } from '../../shared/local/featureStore';
import { repoPath } from '../../infra/paths';
import { startLocalRuntime, type LocalRuntime } from '../../shared/local/runtime';
import { chromiumOrSkip, launchChromium, type Browser } from '../support/chromium';
import { orderEvent } from '../support/orders';

const available = chromiumOrSkip('buyer warnings end to end');

const DAY = 86_400_000;
// The page lists what is within its retention by the wall clock: the history ends yesterday.
const T0 = Math.floor(Date.now() / DAY) * DAY - 21 * DAY + 10 * 3_600_000;
const day = (d: number, minute = 0) => new Date(T0 + d * DAY + minute * 60_000).toISOString();

function sale(n: number, unitPrice: number, occurredAt: string, overrides: Partial<OrderEvent> = {}): OrderEvent {
  return orderEvent({
    eventId: `e2e-sale-${n}`,
    orderId: `e2e-o-${n}`,
    type: 'order.paid',
    at: occurredAt,
    merchantId: 'm-honest',
    buyer: { id: `b-e2e-${n}` },
    amount: unitPrice,
    items: [{ skuId: 'sku-mask', category: 'health.masks', quantity: 1, unitPrice }],
    shipping: { country: 'CN', fee: 0 },
    ...overrides,
  });
}

describe.skipIf(!available)('buyer warnings in the browser', () => {
  let features: FeatureStoreChoice;
  let runtime: LocalRuntime;
  let browser: Browser;
  let outDir: string;

  beforeAll(async () => {
    outDir = await mkdtemp(join(tmpdir(), 'riskline-e2e-'));
    features = await chooseFeatureStore({ redisUrl: undefined, prefix: 'e2e' });
    runtime = await startLocalRuntime({ features, thresholds: defaultThresholds, outDir, eventSource: { maxBatchingWindowMs: 20 } });
    // Nineteen days of ordinary sales: the SKU's usual price is about 10 CNY.
    const history: OrderEvent[] = [];
    for (let d = 0; d < 19; d++) for (let k = 0; k < 10; k++) history.push(sale(d * 10 + k, 990 + (k % 3) * 10, day(d, k * 30)));
    await runtime.put(history);
    await runtime.drain();
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await runtime?.stop();
    await features?.close();
    if (outDir) await rm(outDir, { recursive: true, force: true });
  });

  it('shows the warning of a gouged order live on its buyer\'s page, not on another buyer\'s', async () => {
    const victim = await browser.context.newPage();
    const bystander = await browser.context.newPage();
    await victim.goto(`${runtime.endpoints.buyerPage}/?buyer=b-victim`);
    await bystander.goto(`${runtime.endpoints.buyerPage}/?buyer=b-bystander`);
    await victim.locator('#status[data-state="live"]').waitFor();
    await bystander.locator('#status[data-state="live"]').waitFor();

    await runtime.put([sale(9_999, 3_400, day(20), { eventId: 'e2e-gouged', orderId: 'o-gouged', type: 'order.placed', merchantId: 'm-gouger', buyer: { id: 'b-victim' } })]);
    const card = victim.locator('article.warning[data-type="price_gouging"]');
    await card.waitFor();
    await runtime.drain();

    expect(await card.locator('.en').textContent()).toContain('This price is 3.4 times what this item usually sells for');
    expect(await card.locator('.zh').textContent()).toContain('3.4 倍');
    expect(await card.getAttribute('data-status')).toBe('unread');
    expect(await bystander.locator('article.warning').count()).toBe(0);
  });

  it('acknowledges from the page through the buyer API', async () => {
    const page = await browser.context.newPage();
    await page.goto(`${runtime.endpoints.buyerPage}/?buyer=b-victim`);
    const card = page.locator('article.warning[data-type="price_gouging"]');
    await card.waitFor();

    await card.getByRole('button').click();
    await page.locator('article.warning[data-type="price_gouging"][data-status="read"]').waitFor();
    const listed = await fetch(`${runtime.endpoints.http}/v1/buyers/b-victim/warnings`, {
      headers: { authorization: `Bearer ${runtime.buyerWarnings.devToken('b-victim')}` },
    }).then((r) => r.json() as Promise<{ unread: number; warnings: { status: string }[] }>);

    expect(listed.unread).toBe(0);
    expect(listed.warnings.map((w) => w.status)).toEqual(['read']);
  });

  it('files a report from the page, and shows its outcome live once an analyst upholds it', async () => {
    const page = await browser.context.newPage();
    await page.goto(`${runtime.endpoints.buyerPage}/?buyer=b-victim`);
    await page.locator('#status[data-state="live"]').waitFor();

    await page.locator('#report-form input[name=merchantId]').fill('m-gouger');
    await page.locator('#report-form select[name=category]').selectOption('price_gouging');
    await page.locator('#report-form input[name=orderId]').fill('o-gouged');
    await page.locator('#report-form textarea[name=statement]').fill('3.4 times the usual price for sanitiser.');
    await page.locator('#report-form button').click();
    const report = page.locator('article.report[data-status="open"]');
    await report.waitFor();
    expect(await report.textContent()).toContain('We received your report of price gouging');
    const reportId = (await report.getAttribute('data-report-id'))!;

    // An analyst upholds it through the HTTP API (the console's Reports tab does the same).
    const decided = await fetch(`${runtime.endpoints.http}/v1/reports/${reportId}/decision`, {
      method: 'POST',
      headers: { authorization: 'Bearer dev:analyst:alice', 'content-type': 'application/json' },
      body: JSON.stringify({ upheld: true, note: 'order o-gouged at 3.4x the baseline' }),
    });
    expect(decided.status).toBe(200);

    await page.locator('article.warning[data-type="report_outcome"]').waitFor();
    await page.locator('article.report[data-status="upheld"]').waitFor();
    expect(await page.locator('article.warning[data-type="report_outcome"] .en').textContent()).toContain('was upheld');
    await page.screenshot({ path: repoPath('out/screenshots/buyer-report-upheld.png'), fullPage: true });
  });
});
