/**
 * Near-duplicate review texts: MinHash signatures over character shingles, cut into LSH bands.
 *
 * Character shingles, not words, so Chinese (no spaces between words) works like English: after
 * normalisation (NFKC, lower case, no spaces, punctuation, symbols or emoji) a text is the set of its
 * k-character substrings, with k by script (a Chinese character is about a word, so k is smaller).
 * The MinHash of a set keeps, per hash function, the smallest hash of its shingles; two texts agree
 * on a hash with probability equal to their Jaccard similarity J, so on a band of r rows with
 * probability J^r. Two texts that agree on at least `minSharedBands` of the bands are near-duplicates
 * (with the defaults, 8 bands of 4 rows and 2 bands, texts with J = 0.8 are caught 90% of the time,
 * J = 0.68 half the time, J = 0.5 9%, J = 0.3 0.2%). Pure.
 */
import type { ReviewRules } from '../config/reviewRules';

export type TextParams = Pick<ReviewRules['text'], 'bands' | 'rowsPerBand' | 'cjkShingle' | 'otherShingle' | 'minShingles'>;

const CJK = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]/u;
const NOISE = /[\s\p{P}\p{S}\p{C}]/gu;

/** NFKC, lower case, and nothing but letters, marks and digits: "强烈推荐！👍" and "强烈推荐!!" become one text. */
export function normalizeText(text: string): string {
  return text.normalize('NFKC').toLowerCase().replace(NOISE, '');
}

/** The shingle length for a normalised text: the CJK length when at least a third of it is CJK. */
export function shingleLength(chars: readonly string[], params: Pick<TextParams, 'cjkShingle' | 'otherShingle'>): number {
  let cjk = 0;
  for (const c of chars) if (CJK.test(c)) cjk++;
  return cjk * 3 >= chars.length ? params.cjkShingle : params.otherShingle;
}

/** The distinct character shingles of a text (code points, so no surrogate is split). */
export function shingles(text: string, params: Pick<TextParams, 'cjkShingle' | 'otherShingle'>): Set<string> {
  const chars = Array.from(normalizeText(text));
  const out = new Set<string>();
  if (chars.length === 0) return out;
  const k = shingleLength(chars, params);
  if (chars.length <= k) {
    out.add(chars.join(''));
    return out;
  }
  for (let i = 0; i + k <= chars.length; i++) out.add(chars.slice(i, i + k).join(''));
  return out;
}

/** 32-bit FNV-1a over UTF-16 code units. */
function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** MurmurHash3's finaliser: a bijection on 32 bits that mixes every input bit into every output bit. */
function fmix32(x: number): number {
  let h = x >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

const SEEDS: number[] = [];
function seed(i: number): number {
  while (SEEDS.length <= i) SEEDS.push(fmix32(Math.imul(SEEDS.length + 1, 0x9e3779b9)));
  return SEEDS[i]!;
}

/** The MinHash signature: per hash function i, the least fmix32(hash(shingle) xor seed_i). */
export function minhash(set: ReadonlySet<string>, hashes: number): Uint32Array {
  const signature = new Uint32Array(hashes).fill(0xffffffff);
  for (const s of set) {
    const base = fnv1a(s);
    for (let i = 0; i < hashes; i++) {
      const h = fmix32(base ^ seed(i));
      if (h < signature[i]!) signature[i] = h;
    }
  }
  return signature;
}

/** One key per band, `<band>:<hash of its rows>`: texts in the same bucket agree on that band. */
export function bandKeys(signature: Uint32Array, bands: number, rowsPerBand: number): string[] {
  const keys: string[] = [];
  for (let b = 0; b < bands; b++) {
    let h = 0x811c9dc5 ^ b;
    for (let r = 0; r < rowsPerBand; r++) {
      const v = signature[b * rowsPerBand + r]!;
      for (let shift = 0; shift < 32; shift += 8) h = Math.imul(h ^ ((v >>> shift) & 0xff), 0x01000193);
    }
    keys.push(`${b}:${(h >>> 0).toString(16).padStart(8, '0')}`);
  }
  return keys;
}

export interface TextSignature {
  /** The LSH band keys to index and look up. */
  bands: string[];
  shingles: number;
}

/** The signature of a review text, or null when it is too short to say anything (and is not indexed). */
export function textSignature(text: string | undefined, params: TextParams): TextSignature | null {
  if (text === undefined) return null;
  const set = shingles(text, params);
  if (set.size < params.minShingles) return null;
  return { bands: bandKeys(minhash(set, params.bands * params.rowsPerBand), params.bands, params.rowsPerBand), shingles: set.size };
}

/** The Jaccard similarity that agreeing on `shared` of `bands` bands of `rowsPerBand` rows suggests. */
export function similarityFromBands(shared: number, bands: number, rowsPerBand: number): number {
  return Math.pow(Math.min(1, Math.max(0, shared / bands)), 1 / rowsPerBand);
}

export function jaccard<T>(a: ReadonlySet<T>, b: ReadonlySet<T>): number {
  if (a.size === 0 && b.size === 0) return 1;
  let both = 0;
  for (const x of a) if (b.has(x)) both++;
  return both / (a.size + b.size - both);
}

/** A review whose text shares LSH bands with this one (from the index). */
export interface NearDuplicateCandidate {
  reviewId: string;
  buyerId: string;
  merchantId: string;
  /** Not from a verified, paid, distinct buyer. */
  suspicious: boolean;
  sharedBands: number;
}

export interface TextCluster {
  /** Distinct accounts at the shop posting near-duplicates not from verified purchases, this one included. */
  accounts: number;
  /** Of the near-duplicates' distinct accounts (this one included), the share at this shop. */
  merchantShare: number;
  /** Of the near-duplicates' distinct accounts (this one included), the share not from verified purchases. */
  suspiciousShare: number;
  /** Estimated Jaccard similarity to the closest near-duplicate at the shop. */
  similarity: number;
  /** The cluster at the shop (suspicious reviews), this review first. */
  members: { reviewId: string; buyerId: string }[];
}

/**
 * Judges a review's near-duplicates: a cluster when enough distinct accounts at the same shop posted
 * near-duplicates outside verified purchases, and the text is not a phrase everyone uses: most of the
 * accounts that wrote it are at this shop, or almost none of them bought anything (a farm's script
 * used at many shops; honest buyers, mostly verified, write the common phrases). Null when it does
 * not fire.
 */
export function judgeNearDuplicates(
  self: { reviewId: string; buyerId: string; merchantId: string; suspicious: boolean },
  candidates: readonly NearDuplicateCandidate[],
  rules: ReviewRules['text'],
): TextCluster | null {
  if (!self.suspicious) return null;
  const near = candidates.filter((c) => c.sharedBands >= rules.minSharedBands && c.buyerId !== self.buyerId);
  const allAccounts = new Set<string>([self.buyerId]);
  const suspiciousAccounts = new Set<string>([self.buyerId]);
  const shopAccounts = new Set<string>([self.buyerId]);
  const members = [{ reviewId: self.reviewId, buyerId: self.buyerId }];
  let best = 0;
  for (const c of [...near].sort((a, b) => b.sharedBands - a.sharedBands || a.reviewId.localeCompare(b.reviewId))) {
    allAccounts.add(c.buyerId);
    if (c.suspicious) suspiciousAccounts.add(c.buyerId);
    if (c.merchantId !== self.merchantId || !c.suspicious) continue;
    best = Math.max(best, c.sharedBands);
    if (!shopAccounts.has(c.buyerId)) members.push({ reviewId: c.reviewId, buyerId: c.buyerId });
    shopAccounts.add(c.buyerId);
  }
  const atShop = new Set([...near.filter((c) => c.merchantId === self.merchantId).map((c) => c.buyerId), self.buyerId]);
  const merchantShare = atShop.size / allAccounts.size;
  const suspiciousShare = suspiciousAccounts.size / allAccounts.size;
  if (shopAccounts.size < rules.minAccounts) return null;
  if (merchantShare < rules.minMerchantShare && suspiciousShare < rules.minSuspiciousShare) return null;
  return {
    accounts: shopAccounts.size,
    merchantShare: Number(merchantShare.toFixed(4)),
    suspiciousShare: Number(suspiciousShare.toFixed(4)),
    similarity: Number(similarityFromBands(best, rules.bands, rules.rowsPerBand).toFixed(4)),
    members,
  };
}
