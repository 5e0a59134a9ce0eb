/** Thresholds of price-gouging (哄抬价格) detection and the emergencies analysts declare. */
import { z } from 'zod';

const ratio = z.number().gt(1, 'must be greater than 1');

export const EmergencySchema = z.object({
  id: z.string().min(1),
  /** Category prefixes (`health` covers `health.masks`). */
  categories: z.array(z.string().min(1)).min(1),
  /** Shipping countries (ISO 3166 alpha-2); empty means everywhere. */
  regions: z.array(z.string().regex(/^[A-Z]{2}$/)),
  startAt: z.iso.datetime({ offset: true }),
  endAt: z.iso.datetime({ offset: true }).optional(),
  /** A stricter ratio during the emergency; defaults to the essential ratio. */
  maxRatio: ratio.optional(),
});

export const PriceGougingRulesSchema = z.object({
  enabled: z.boolean(),
  /** The baseline is the median paid unit price over this many days... */
  baselineDays: z.number().int().min(1),
  /** ...ending this many hours before the order, so a spike in progress cannot raise its own baseline. */
  excludeRecentHours: z.number().min(0),
  /** Paid units a SKU needs in the window for its own baseline; below, its category's is used. */
  minSamples: z.number().int().min(1),
  categoryMinSamples: z.number().int().min(1),
  /** Ratio to the SKU's own baseline above which a price is gouging. */
  defaultMaxRatio: ratio,
  /** Stricter ratio for essential goods. */
  essentialMaxRatio: ratio,
  /** Ratio to a category baseline (SKUs of one category differ more than one SKU's prices do). */
  categoryBaselineMaxRatio: ratio,
  /** Per-category overrides of defaultMaxRatio, longest matching prefix wins. */
  categoryMaxRatio: z.record(z.string(), ratio),
  /** Category prefixes of essential goods (masks, sanitiser, medicine, baby formula, water...). */
  essentialCategories: z.array(z.string().min(1)),
  emergencies: z.array(EmergencySchema),
  weight: z.number().min(0).max(100),
  /** One `price_gouging` violation per merchant and SKU per bucket of this many hours. */
  violationBucketHours: z.number().positive(),
});

export type PriceGougingRules = z.infer<typeof PriceGougingRulesSchema>;
export type Emergency = z.infer<typeof EmergencySchema>;
