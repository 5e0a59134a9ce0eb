/** Thresholds of the suspicious-payment signals. Amounts are minor units; times are event time. */
import { z } from 'zod';

const weight = z.number().min(0).max(100);
const count = z.number().int().min(1);

export const PaymentRulesSchema = z.object({
  enabled: z.boolean(),
  cardTesting: z.object({
    /** Declines on one instrument or device within an hour that make it a card-testing run. */
    minDeclines: count,
    /** A decline at most this amount counts as a probe. */
    smallAmount: z.number().int().min(0),
    /** An authorization of at least this amount after a run of probes is the cash-out. */
    largeAmount: z.number().int().min(0),
    /** Score of the cash-out authorization. */
    weight,
    /** Score of each further decline in a run (so the run itself is reviewed). */
    declineWeight: weight,
  }),
  botSignup: z.object({
    /** Paying within this many seconds of account creation is what sign-up bots do. */
    maxAccountAgeSeconds: z.number().min(0),
    weight,
  }),
  sharedDevice: z.object({
    /** Distinct buyer accounts on one device within 7 days, at or above which it is a device farm. */
    minBuyers: count,
    weight,
  }),
  sharedInstrument: z.object({
    /** Distinct buyer accounts paying with one instrument within 7 days. */
    minBuyers: count,
    weight,
  }),
  /**
   * Cycling through stolen cards: many distinct instruments tried (authorized or declined) from one
   * device or one account within 24 hours. Optional, so versions written before it stay valid (absent: off).
   */
  instrumentCycling: z
    .object({
      /** Distinct instruments within 24 hours, this one included, at or above which it fires. */
      minInstruments: z.number().int().min(2),
      weight,
    })
    .optional(),
  newAccountHighValue: z.object({
    maxAccountAgeHours: z.number().min(0),
    /** By currency (ISO 4217), minor units; currencies not listed never fire. */
    minAmount: z.record(z.string().regex(/^[A-Z]{3}$/), z.number().int().min(0)),
    weight,
  }),
  countryMismatch: z.object({
    /** Score when IP, billing, issuer and shipping countries name two countries. */
    twoCountriesWeight: weight,
    /** Score when they name three or more. */
    threeCountriesWeight: weight,
  }),
  accountTakeover: z.object({
    /** Only accounts at least this old can be taken over (younger ones are the bot rule's). */
    minAccountAgeDays: z.number().min(0),
    /** How many of device, instrument, shipping address and IP country must be new to the account. */
    minNewFactors: z.number().int().min(1).max(4),
    /** Orders below this amount (minor units, any currency) are left alone. */
    minAmount: z.number().int().min(0),
    weight,
  }),
});

export type PaymentRules = z.infer<typeof PaymentRulesSchema>;
