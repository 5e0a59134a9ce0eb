/**
 * Thresholds of the fake-review (炒信) signals. A review gets a trust weight in 0..1, the product of
 * one factor per signal (1 when the signal is silent), so each factor below is what a fired signal
 * multiplies the weight by. Times are event time.
 */
import { z } from 'zod';

const factor = z.number().min(0).max(1);
const count = z.number().int().min(1);
const accounts = z.number().int().min(2);

export const ReviewRulesSchema = z
  .object({
    enabled: z.boolean(),
    /** Ratings at or above this are "high": bursts count them, and a cancelled or refunded order discounts them. */
    highRating: z.number().int().min(1).max(5),
    purchase: z.object({
      /** No order id: not tied to a verified purchase. */
      unverifiedFactor: factor,
      /** An order id the order stream has not reported yet: provisional, judged again when the order arrives. */
      pendingFactor: factor,
      /** The order belongs to another buyer, shop or product. */
      mismatchFactor: factor,
      /** The order was placed but never paid (nor received). */
      unpaidFactor: factor,
      /** A high rating on a cancelled order. */
      cancelledFactor: factor,
      /** A high rating on a refunded order. */
      refundedFactor: factor,
      /** The order lies in an order-brushing window of its shop. */
      brushingFactor: factor,
    }),
    tooSoon: z.object({
      /** A review within this many minutes of confirming receipt is what review bots do. */
      minMinutesAfterCompleted: z.number().min(0),
      /** Before receipt is confirmed, a review within this many hours of payment cannot be about the goods. */
      minHoursAfterPaid: z.number().min(0),
      factor,
    }),
    burst: z.object({
      /** The sliding window in which high ratings are counted. */
      windowMinutes: z.number().positive(),
      /** Trailing hours (before the window) from which the SKU's or shop's usual rate is estimated. */
      baselineHours: z.number().int().min(1).max(24 * 31),
      /** The busiest share of those hours left out of the usual rate (so a past burst does not raise it). */
      trimTopShare: z.number().min(0).max(0.5),
      /** Floor of the usual rate, high ratings per hour (a new SKU has no history). */
      priorPerHour: z.number().positive(),
      /** What a high rating from a verified, paid, distinct buyer counts for (1 = a full suspicious one). */
      verifiedWeight: z.number().min(0).max(1),
      /** -log10 of the Poisson tail probability at or above which the window is a burst. */
      minScore: z.number().positive(),
      /** A burst needs at least this many high ratings that are not from verified, paid, distinct buyers. */
      minSuspicious: count,
      /** Also count bursts over the whole shop (a ring spread over several SKUs). */
      merchantScope: z.boolean(),
      factor,
    }),
    ring: z.object({
      /** Reviewers of a SKU are linked when they share something within this many hours. */
      windowHours: z.number().positive(),
      minAccountsPerDevice: accounts,
      minAccountsPerNetwork: accounts,
      /** Network = the IPv4 address cut to this prefix length (bits, a multiple of 8). */
      ipv4PrefixBits: z.number().int().min(8).max(32).multipleOf(8),
      /** Network = the IPv6 address cut to this prefix length (bits, a multiple of 16). */
      ipv6PrefixBits: z.number().int().min(16).max(128).multipleOf(16),
      /** Accounts created in the same bucket of this many minutes were "created together". */
      createdTogetherMinutes: z.number().positive(),
      minAccountsCreatedTogether: accounts,
      factor,
    }),
    text: z.object({
      enabled: z.boolean(),
      /** MinHash LSH: the signature has bands × rowsPerBand hashes. */
      bands: z.number().int().min(1).max(32),
      rowsPerBand: z.number().int().min(1).max(16),
      /** Character shingle length for Chinese/Japanese/Korean text (a character is about a word). */
      cjkShingle: z.number().int().min(1).max(8),
      /** Character shingle length for other scripts. */
      otherShingle: z.number().int().min(1).max(12),
      /** Texts with fewer distinct shingles are too short to say anything ("好评", "Good") and are not indexed. */
      minShingles: count,
      /** Two texts are near-duplicates when their signatures agree on at least this many bands. */
      minSharedBands: count,
      /** Each LSH bucket keeps at most this many (most recent) reviews. */
      bucketCap: z.number().int().min(2).max(1_000),
      /** A bucket forgets reviews older than this. */
      ttlHours: z.number().positive(),
      /** Distinct accounts (this one included) posting near-duplicates at the shop, not from verified purchases. */
      minAccounts: accounts,
      /** Share of the near-duplicates' accounts that are at this shop: generic phrases are everywhere, a ring's script is not. */
      minMerchantShare: z.number().min(0).max(1),
      /** ...or share of them not from verified purchases: a farm's script reused at many shops (honest buyers mostly bought). */
      minSuspiciousShare: z.number().min(0).max(1),
      factor,
    }),
    /**
     * After a ring, burst or text cluster on a SKU, buyers opening an order on it are warned for this
     * long (buyers already holding an open order are warned at once; what "open" means and whether
     * the warning is on at all are the warnings section's `reviewsManipulated`).
     */
    manipulatedHours: z.number().positive(),
    /** One `fake_reviews` violation per shop per bucket of this many hours (one campaign is one violation). */
    violationBucketHours: z.number().positive(),
  })
  .refine((r) => r.text.minSharedBands <= r.text.bands, { message: 'minSharedBands must not exceed bands', path: ['text', 'minSharedBands'] })
  .refine((r) => r.text.bands * r.text.rowsPerBand <= 128, { message: 'bands × rowsPerBand must be at most 128 hashes', path: ['text', 'bands'] });

export type ReviewRules = z.infer<typeof ReviewRulesSchema>;
