/** The regulator export: blacklisted merchants with their counted violations and their steps, JSON and CSV. */
import { describe, expect, it } from 'vitest';
import { blacklistEntry, blacklistFiles } from '../../shared/app/penalties/blacklistExport';
import { at, brushingViolation, penaltyHarness } from '../support/penalties';

async function blacklistedMerchant() {
  const h = penaltyHarness({ merchants: { 'm-1': { deviceIds: ['dev-owner'] } } });
  await h.buyerLinks.record([{ buyerId: 'b-ring', kind: 'device', value: 'dev-owner', atMs: 0 }]);
  await h.workflow.onViolations([0, 2, 4].map((d) => brushingViolation('m-1', d, ['b-ring'])));
  // Fake reviews by strangers: held for investigation, so not exported as the merchant's.
  await h.workflow.onViolations([{ ...brushingViolation('m-1', 5, ['b-stranger']), violationId: 'v-reviews', type: 'fake_reviews' }]);
  await h.decidePending('m-1', 'grant', at(5, 1), 'alice', 'blacklisted');
  return h;
}

describe('export:blacklist', () => {
  it('lists the blacklisted merchant with its counted violations and every step', async () => {
    const h = await blacklistedMerchant();
    const [record] = await h.cases.blacklisted();

    const entry = blacklistEntry(record!.state, record!.creditScore);

    expect(entry).toMatchObject({ merchantId: 'm-1', blacklistedAt: at(5, 1), level: 'trading_suspended' });
    expect(entry.violations.map((v) => v.basis)).toEqual(['linked', 'linked', 'linked']);
    expect(entry.steps.map((s) => [s.kind, s.appliedBy])).toEqual([
      ['warning', 'system:penalty-ladder'],
      ['listing_restricted', 'system:penalty-ladder'],
      ['trading_suspended', 'system:penalty-ladder'],
      ['blacklisted', 'alice'],
    ]);
  });

  it('writes JSON and RFC 4180 CSV files, quoting what needs quoting', async () => {
    const h = await blacklistedMerchant();
    const [record] = await h.cases.blacklisted();
    const entry = blacklistEntry(record!.state, 40);
    entry.steps[0]!.reason = 'a reason, with "quotes"';

    const files = blacklistFiles({ generatedAt: at(9), source: 'test', merchants: [entry] });

    expect(Object.keys(files).sort()).toEqual(['blacklist-steps.csv', 'blacklist-violations.csv', 'blacklist.csv', 'blacklist.json']);
    expect(files['blacklist.csv']).toBe(`merchantId,blacklistedAt,level,creditScore,violations,steps\r\nm-1,${at(5, 1)},trading_suspended,40,3,4\r\n`);
    expect(files['blacklist-steps.csv']!.split('\r\n')[1]).toContain('"a reason, with ""quotes"""');
    expect(JSON.parse(files['blacklist.json']!)).toMatchObject({ generatedAt: at(9), merchants: [{ merchantId: 'm-1', creditScore: 40 }] });
  });
});
