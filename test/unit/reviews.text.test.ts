import { describe, expect, it } from 'vitest';
import { defaultThresholds } from '../../shared/config';
import { jaccard, judgeNearDuplicates, normalizeText, shingles, textSignature, type NearDuplicateCandidate } from '../../shared/domain/reviews/text';

const rules = defaultThresholds.rules.reviews.text;

function sharedBands(a: string, b: string): number {
  const x = textSignature(a, rules)!;
  const y = new Set(textSignature(b, rules)!.bands);
  return x.bands.filter((band) => y.has(band)).length;
}

describe('near-duplicate texts', () => {
  it('normalises width, case, punctuation, spaces and emoji away', () => {
    expect(normalizeText('强烈推荐！！ 五星好评👍')).toBe(normalizeText('强烈推荐!! 五星好评'));
    expect(normalizeText('Ｇｒｅａｔ  Quality, FAST!')).toBe('greatqualityfast');
  });

  it('uses short shingles for Chinese and longer ones for English', () => {
    expect([...shingles('质量很好', rules)]).toEqual(['质量', '量很', '很好']);
    expect([...shingles('Great item', rules)]).toEqual(['grea', 'reat', 'eati', 'atit', 'tite', 'item']);
  });

  it.each([
    ['a word changed', '这家店的口罩真的太好了，强烈推荐，五星好评！', '这家店的口罩真是太好了，强烈推荐，五星好评！'],
    ['words added', '这家店的口罩真的太好了，强烈推荐，五星好评！', '这家店的口罩真的太好了，强烈推荐给大家，五星好评！'],
    ['a phrase appended', '这家店的口罩真的太好了，强烈推荐，五星好评！', '这家店的口罩真的太好了，强烈推荐，五星好评！会回购的'],
  ])('finds Chinese near-duplicates (%s)', (_what, a, b) => {
    expect(jaccard(shingles(a, rules), shingles(b, rules))).toBeGreaterThan(0.75);
    expect(sharedBands(a, b)).toBeGreaterThanOrEqual(rules.minSharedBands);
  });

  it.each([
    ['a word changed', 'Absolutely amazing headphones, best purchase this year, five stars from me!', 'Absolutely amazing headphones, best purchase this year, five stars from us!'],
    ['punctuation and case', 'Absolutely amazing headphones, best purchase this year, five stars from me!', 'absolutely amazing headphones best purchase this year five stars from me'],
  ])('finds English near-duplicates (%s)', (_what, a, b) => {
    expect(sharedBands(a, b)).toBeGreaterThanOrEqual(rules.minSharedBands);
  });

  it.each([
    ['Chinese', '这家店的口罩真的太好了，强烈推荐，五星好评！', '物流有点慢，包装也破了，东西还行吧，一般般'],
    ['English', 'Absolutely amazing headphones, best purchase this year, five stars from me!', 'The strap broke after two days and support never answered my emails.'],
    ['same topic, different writers', 'Great quality and fast delivery, exactly as described in the listing.', 'Delivery was quick, the quality is good and it matches the photos.'],
  ])('does not pair unrelated texts (%s)', (_what, a, b) => {
    expect(sharedBands(a, b)).toBeLessThan(rules.minSharedBands);
  });

  it('does not index texts too short to say anything', () => {
    expect(textSignature('好评', rules)).toBeNull();
    expect(textSignature('Good', rules)).toBeNull();
    expect(textSignature(undefined, rules)).toBeNull();
  });

  describe('clusters', () => {
    const self = { reviewId: 'r0', buyerId: 'b0', merchantId: 'm1', suspicious: true };
    const near = (n: number, merchantId = 'm1', suspicious = true): NearDuplicateCandidate => ({ reviewId: `r${n}`, buyerId: `b${n}`, merchantId, suspicious, sharedBands: 6 });

    it('fires when enough other accounts at the shop, outside verified purchases, wrote it', () => {
      const cluster = judgeNearDuplicates(self, [near(1), near(2)], rules);

      expect(cluster).toMatchObject({ accounts: 3, merchantShare: 1, members: [{ reviewId: 'r0' }, { reviewId: 'r1' }, { reviewId: 'r2' }] });
    });

    it('fires for a script unverified accounts use at several shops', () => {
      const cluster = judgeNearDuplicates(self, [near(1), near(2), near(3, 'm2'), near(4, 'm3'), near(5, 'm4')], rules);

      expect(cluster).toMatchObject({ accounts: 3, merchantShare: 0.5, suspiciousShare: 1 });
    });

    it('does not fire for a phrase many shops see, nor on verified buyers, nor for one account', () => {
      expect(judgeNearDuplicates(self, [near(1), near(2), near(3, 'm2', false), near(4, 'm3', false), near(5, 'm4', false)], rules)).toBeNull();
      expect(judgeNearDuplicates(self, [near(1, 'm1', false), near(2, 'm1', false)], rules)).toBeNull();
      expect(judgeNearDuplicates({ ...self, suspicious: false }, [near(1), near(2)], rules)).toBeNull();
      expect(judgeNearDuplicates(self, [{ ...near(1), buyerId: 'b0' }, { ...near(2), buyerId: 'b0' }], rules)).toBeNull();
    });
  });
});
