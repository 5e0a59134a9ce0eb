/**
 * End to end, in headless Chromium: the analysts' console (built from shared/console with Vite into
 * a temporary directory) served with the analyst API on dynalite, over simulated history that ran
 * through the order pipeline with a shadow candidate and a suppression. An analyst edits a threshold
 * and sees validation as she types, saves the draft and backtests it; an approver (a second person)
 * approves and publishes it; the payment velocity of a card is looked up; an escalated buyer report is
 * upheld and reaches the merchant's penalty case. Screenshots of each view go to out/screenshots.
 */
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoConfigStore } from '../../shared/adapters/dynamodb/configStore';
import { DynamoReportStore } from '../../shared/adapters/dynamodb/reports';
import { DynamoViolationLedger } from '../../shared/adapters/dynamodb/violationLedger';
import { makeReportsHandler } from '../../functions/reports/handler';
import { createReportService, type ReportService } from '../../shared/app/reports/service';
import { devBuyerAuthenticator, devTokenSecret } from '../../shared/http/buyerAuth';
import { devTokenAuthenticator } from '../../shared/http/principal';
import { MemoryDecisionLog, MemoryViolationLedger, StaticConfigSource } from '../../shared/adapters/memory/sinks';
import { createOrderPipeline } from '../../shared/app/orderPipeline';
import { defaultThresholds } from '../../shared/config';
import { startAnalystConsole, type RunningConsole } from '../../shared/local/analystConsole';
import { repoPath } from '../../infra/paths';
import { startAnalystWorld, type AnalystWorld } from '../support/analysts';
import { chromiumOrSkip, launchChromium, type Browser } from '../support/chromium';
import { orderEvent } from '../support/orders';

const available = chromiumOrSkip('analyst console end to end');
const SCREENSHOTS = repoPath('out/screenshots');

describe.skipIf(!available)('the analysts console in the browser', () => {
  let dir: string;
  let world: AnalystWorld;
  let server: RunningConsole;
  let browser: Browser;
  let page: Page;
  let reports: ReportService;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'riskline-console-'));
    // The same build as `npm run build:console`, into this test's own directory.
    const { build } = await import('vite');
    // Vitest sets NODE_ENV=test, which would make Vite bundle React's development build.
    const nodeEnv = process.env.NODE_ENV;
    process.env.NODE_ENV = 'production';
    try {
      await build({ configFile: repoPath('shared/console/vite.config.ts'), mode: 'production', logLevel: 'error', build: { outDir: join(dir, 'console'), emptyOutDir: true, sourcemap: false } });
    } finally {
      process.env.NODE_ENV = nodeEnv;
    }
    world = await startAnalystWorld(dir, { events: 4_000, at: '2026-11-20T09:00:00.000Z' });
    reports = createReportService({
      store: new DynamoReportStore(world.documents, world.tables.reports),
      config: new StaticConfigSource(defaultThresholds),
      violations: new DynamoViolationLedger(world.documents, world.tables.violations),
      penalties: world.penalties.workflow,
    });
    server = await startAnalystConsole({
      documents: world.documents,
      tables: world.tables,
      seed: defaultThresholds,
      historyPath: () => world.historyPath,
      workDir: join(dir, 'backtests'),
      staticDir: join(dir, 'console'),
      velocity: world.features.sets,
      reports: makeReportsHandler({ reports, authenticate: devTokenAuthenticator, authenticateBuyer: devBuyerAuthenticator(devTokenSecret()) }),
    });
    await mkdir(SCREENSHOTS, { recursive: true });
    browser = await launchChromium();
    page = await browser.context.newPage();
    await page.setViewportSize({ width: 1360, height: 900 });
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await world?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const shot = (name: string) => page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
  const signIn = async (token: string) => {
    await page.locator('[data-testid=user]').selectOption(token);
    await page.locator('[data-testid=live-version]').waitFor();
  };
  const tab = (name: string) => page.locator(`[data-tab=${name}]`).click();

  it('edits a threshold with validation as it types, backtests it, and a second person approves and publishes it', async () => {
    await page.goto(server.url);
    await signIn('dev:analyst:alice');
    expect(await page.locator('[data-testid=live-version]').textContent()).toContain(defaultThresholds.version);

    // Alice starts a draft from the live version and types an impossible block threshold.
    await page.locator('[data-testid=new-draft]').click();
    await page.locator('[data-testid=version-detail] h2', { hasText: 'draft' }).waitFor();
    const draft = (await page.locator('[data-testid=version-detail] h2').textContent())!.split(' ')[0]!;
    const blockAt = page.locator('input[data-path="scoring.blockAt"]');
    await blockAt.fill('500');
    await page.locator('[data-error-for="scoring.blockAt"]').waitFor();
    expect(await page.locator('[data-testid=validation]').textContent()).toMatch(/1 problem.*scoring\.blockAt.*100/);
    expect(await page.locator('[data-testid=save-draft]').isDisabled()).toBe(true);
    await shot('1-thresholds-validation');

    // A block threshold under the review threshold is refused by the schema's cross-field rule too.
    await blockAt.fill('35');
    await page.locator('[data-error-for="scoring.reviewAt"]').waitFor();
    await page.locator('input[data-path="scoring.reviewAt"]').fill('20');
    await blockAt.fill('70');
    await page.locator('[data-testid=validation]', { hasText: 'valid' }).waitFor();
    expect(await page.locator('[data-testid=diff]').textContent()).toContain('scoring.blockAt');
    await page.locator('[data-testid=save-draft]').click();
    await page.locator('[data-testid=message]', { hasText: 'draft saved' }).waitFor();
    await shot('2-thresholds-draft-saved');

    // The backtest replays the stored history with the draft and with live, and compares them.
    await page.locator('[data-testid=backtest-this]').click();
    await page.locator('[data-testid=backtest-report]').waitFor({ timeout: 150_000 });
    await page.locator('[data-testid=pr-chart] path').first().waitFor();
    expect(await page.locator('[data-testid=backtest-detail] h2').textContent()).toContain(`${draft} vs ${defaultThresholds.version}`);
    expect(await page.locator('[data-testid=timeline-chart] rect').count()).toBeGreaterThan(0);
    // Reviewing from a score of 20 instead of 40 changes decisions: the report says which.
    expect(Number(await page.locator('[data-testid=changed-count]').textContent())).toBeGreaterThan(0);
    expect(await page.locator('[data-testid=backtest-jobs] li').count()).toBe(1);
    await shot('3-backtest-report');

    // Alice cannot approve: she is an analyst. Bob, an approver who wrote none of it, approves and publishes.
    await tab('thresholds');
    await page.locator(`[data-version="${draft}"]`).click();
    expect(await page.locator('[data-testid=approve]').count()).toBe(0);
    await signIn('dev:approver:bob');
    await tab('thresholds');
    await page.locator(`[data-version="${draft}"]`).click();
    await page.locator('[data-testid=note]').fill('backtest: recall up, no honest order blocked');
    await page.locator('[data-testid=approve]').click();
    await page.locator('[data-testid=version-detail] h2', { hasText: 'approved' }).waitFor();
    await shot('4-approved');
    await page.locator('[data-testid=publish]').click();
    await page.locator('[data-testid=live-version]', { hasText: draft }).waitFor();
    await shot('5-published');

    expect((await new DynamoConfigStore(world.documents, world.tables.configVersions).live())?.version).toBe(draft);
  }, 240_000);

  it('shows shadow disagreements, recent decisions with suppressed reasons, payment velocity, the penalty ladder and the audit log', async () => {
    await tab('shadow');
    await page.locator('[data-testid=shadow-matrix]').waitFor();
    expect(await page.locator('[data-testid=shadow-view]').textContent()).toContain(world.shadowVersion);
    expect(await page.locator('[data-testid=shadow-matrix] td.changed').evaluateAll((cells) => cells.reduce((n, c) => n + Number(c.textContent), 0))).toBeGreaterThan(0);
    await shot('6-shadow');

    await tab('decisions');
    await page.locator('[data-testid=decisions-view] table.decisions tbody tr').first().waitFor();
    expect(await page.locator('[data-testid=decisions-view] table.decisions tbody tr').count()).toBeGreaterThan(0);
    await page.screenshot({ path: join(SCREENSHOTS, '7-decisions.png') });
    // The order of the merchant whose price-gouging flag an analyst suppressed: the rule still shows, marked suppressed.
    expect(world.suppressedOrderId).not.toBeNull();
    await page.locator('[data-testid=decisions-view] input').fill(world.suppressedOrderId!);
    await page.locator('[data-testid=decisions-view] button[type=submit]').click();
    await page.locator('[data-testid=decisions-view] li.suppressed', { hasText: 'PRICE_GOUGING' }).first().waitFor();
    await shot('7b-decision-suppressed');

    // Payment velocity: a buyer's card is declined twice and then paid, minutes ago; the analyst looks the card up.
    const recent = createOrderPipeline({ features: world.features, decisions: new MemoryDecisionLog(), violations: new MemoryViolationLedger(), config: new StaticConfigSource(defaultThresholds) });
    const now = Date.now();
    const attempts = (['order.payment_failed', 'order.payment_failed', 'order.paid'] as const).map((type, n) =>
      orderEvent({ type, at: new Date(now - (3 - n) * 60_000).toISOString(), buyer: { id: 'b-velocity' }, payment: { method: 'card', instrumentId: 'pi-velocity' } }),
    );
    for (const event of attempts) await recent([{ event, occurredAtMs: Date.parse(event.occurredAt) }]);
    await page.locator('[data-testid=velocity-entity]').selectOption('instrument');
    await page.locator('[data-testid=velocity-id]').fill('pi-velocity');
    await page.locator('[data-testid=velocity-view] button[type=submit]').click();
    const declinedRow = page.locator('[data-testid=velocity-view] table.velocity tr', { hasText: 'declined payments' });
    await declinedRow.waitFor();
    expect(await declinedRow.locator('td.n').allTextContents()).toEqual(['2', '2', '2']);
    expect(await page.locator('[data-testid=velocity-view] table.velocity tr', { hasText: 'distinct buyers' }).locator('td.n').allTextContents()).toEqual(['1', '1', '1']);
    await shot('7c-velocity');

    // Buyer reports: three buyers report one shop (escalated, first in the queue), one buyer another.
    const now2 = Date.now();
    await reports.file('b-calm', { merchantId: 'm-report-calm', category: 'fake_reviews', statement: 'All five-star reviews posted the same night.' }, now2 - 3_600_000);
    for (const [n, b] of ['b-r1', 'b-r2', 'b-r3'].entries()) {
      await reports.file(b, { merchantId: 'm-report-hot', category: 'price_gouging', skuId: 'sku-mask', statement: `Masks at five times the price (buyer ${n + 1}).` }, now2 - (3 - n) * 60_000);
    }
    await signIn('dev:analyst:alice');
    await tab('reports');
    const rows = page.locator('[data-testid=reports-queue] tbody tr');
    await rows.first().waitFor();
    expect(await rows.count()).toBe(4);
    expect(await rows.first().textContent()).toContain('m-report-hot');
    expect(await rows.first().textContent()).toContain('escalated');
    expect(await rows.last().textContent()).toContain('m-report-calm');
    await shot('8a-reports');
    const first = rows.first();
    const reportId = (await first.getAttribute('data-report'))!;
    await first.locator('input.note').fill('Listing history shows the price jump; three buyers agree.');
    await first.locator('button', { hasText: 'Uphold' }).click();
    await page.locator('[data-testid=reports-decided]', { hasText: 'upheld' }).waitFor();
    await page.locator('[data-testid=reports-queue] tbody tr').nth(2).waitFor();
    expect(await page.locator('[data-testid=reports-queue] tbody tr').count()).toBe(3);
    const upheld = (await reports.get(reportId))!;
    expect(upheld).toMatchObject({ status: 'upheld', decidedBy: 'alice' });
    const tracked = (await world.penalties.cases.load('m-report-hot'))!.state.violations.map((v) => v.violationId);
    expect(tracked).toContain(upheld.violationId);
    await shot('8b-report-upheld');
    // The merchant's history: its three reports, the upheld one with who decided it.
    await page.locator('[data-testid=merchant-reports] input').fill('m-report-hot');
    await page.locator('[data-testid=merchant-reports] button[type=submit]').click();
    await page.locator('[data-testid=merchant-reports] tbody tr[data-status=upheld]').waitFor();
    expect(await page.locator('[data-testid=merchant-reports] tbody tr').count()).toBe(3);
    expect(await page.locator('[data-testid=merchant-reports] tbody tr[data-status=upheld]').textContent()).toContain('alice');

    await tab('merchants');
    await page.locator('[data-testid=ladder-view] tbody tr').first().waitFor();
    expect(await page.locator('[data-testid=ladder-view] tbody tr').count()).toBeGreaterThan(0);
    await shot('8-merchants');

    await tab('audit');
    await page.locator('[data-testid=audit-view] tbody tr').first().waitFor();
    const audit = await page.locator('[data-testid=audit-view]').textContent();
    expect(audit).toContain('publish');
    expect(audit).toContain('approve');
    expect(audit).toContain('draft.edit');
    await shot('9-audit');
  }, 60_000);
});
