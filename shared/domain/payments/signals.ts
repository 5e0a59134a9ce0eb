/**
 * Suspicious-payment signals: pure functions of one payment's features and the thresholds.
 * Each signal is a stable reason code with the numbers that made it fire.
 */
import type { PaymentRules } from '../config/paymentRules';
import type { Signal } from '../scoring/score';

export type PaymentOutcome = 'authorized' | 'declined';

export interface PaymentFeatures {
  amount: number;
  currency: string;
  /** Undefined for an order that is not yet paid (placed, or scored at checkout). */
  outcome?: PaymentOutcome;
  /** occurredAt - buyer.accountCreatedAt, when the account's creation time is known. */
  accountAgeMs: number | null;
  /** Small declines within the last hour, this payment included. */
  smallDeclines1h: { instrument: number | null; device: number | null };
  /** Distinct buyer accounts within 7 days, this one included. */
  buyersPerDevice7d: number | null;
  buyersPerInstrument7d: number | null;
  /** Distinct instruments tried (authorized or declined) within 24 hours, this one included. */
  instrumentsPerDevice24h: number | null;
  instrumentsPerBuyer24h: number | null;
  /** Distinct countries among IP, billing, issuer and shipping. */
  countries: string[];
  /** Whether each is new to an account that has history (null: absent, or no history to compare). */
  newToAccount: { device: boolean | null; instrument: boolean | null; address: boolean | null; ipCountry: boolean | null };
}

const DAY_MS = 86_400_000;

export function money(amount: number, currency: string): string {
  return `${(amount / 100).toFixed(2)} ${currency}`;
}

export function paymentSignals(f: PaymentFeatures, rules: PaymentRules): Signal[] {
  if (!rules.enabled) return [];
  const signals: Signal[] = [];
  const ct = rules.cardTesting;
  const probes = Math.max(f.smallDeclines1h.instrument ?? 0, f.smallDeclines1h.device ?? 0);
  const on = (f.smallDeclines1h.instrument ?? 0) >= (f.smallDeclines1h.device ?? 0) ? 'instrument' : 'device';
  // The cash-out: a large authorization, or a large order about to be paid (checkout, order.placed).
  if (f.outcome !== 'declined' && f.amount >= ct.largeAmount && probes >= ct.minDeclines) {
    signals.push({
      code: 'CARD_TESTING_CASHOUT',
      weight: ct.weight,
      detail: `${f.outcome === 'authorized' ? 'authorization' : 'order'} of ${money(f.amount, f.currency)} after ${probes} small declines on the same ${on} within an hour (threshold ${ct.minDeclines})`,
    });
  }
  if (f.outcome === 'declined' && f.amount <= ct.smallAmount && probes >= ct.minDeclines) {
    signals.push({
      code: 'CARD_TESTING_PROBES',
      weight: ct.declineWeight,
      detail: `${probes} small declines on the same ${on} within an hour (threshold ${ct.minDeclines})`,
    });
  }

  const age = f.accountAgeMs;
  if (age !== null && age <= rules.botSignup.maxAccountAgeSeconds * 1000) {
    signals.push({
      code: 'BOT_SIGNUP',
      weight: rules.botSignup.weight,
      detail: `account created ${Math.max(0, Math.round(age / 1000))} s before this order (threshold ${rules.botSignup.maxAccountAgeSeconds} s)`,
    });
  }

  const nahv = rules.newAccountHighValue;
  const minAmount = nahv.minAmount[f.currency];
  if (age !== null && age <= nahv.maxAccountAgeHours * 3_600_000 && minAmount !== undefined && f.amount >= minAmount) {
    signals.push({
      code: 'NEW_ACCOUNT_HIGH_VALUE',
      weight: nahv.weight,
      detail: `${money(f.amount, f.currency)} from an account ${(age / 3_600_000).toFixed(1)} h old (thresholds ${money(minAmount, f.currency)}, ${nahv.maxAccountAgeHours} h)`,
    });
  }

  if (f.buyersPerDevice7d !== null && f.buyersPerDevice7d >= rules.sharedDevice.minBuyers) {
    signals.push({
      code: 'DEVICE_SHARED_BY_ACCOUNTS',
      weight: rules.sharedDevice.weight,
      detail: `${f.buyersPerDevice7d} buyer accounts used this device within 7 days (threshold ${rules.sharedDevice.minBuyers})`,
    });
  }
  if (f.buyersPerInstrument7d !== null && f.buyersPerInstrument7d >= rules.sharedInstrument.minBuyers) {
    signals.push({
      code: 'INSTRUMENT_SHARED_BY_ACCOUNTS',
      weight: rules.sharedInstrument.weight,
      detail: `${f.buyersPerInstrument7d} buyer accounts paid with this instrument within 7 days (threshold ${rules.sharedInstrument.minBuyers})`,
    });
  }

  const cycling = rules.instrumentCycling;
  if (cycling) {
    const device = f.instrumentsPerDevice24h ?? 0;
    const buyer = f.instrumentsPerBuyer24h ?? 0;
    const most = Math.max(device, buyer);
    if (most >= cycling.minInstruments) {
      signals.push({
        code: 'INSTRUMENT_CYCLING',
        weight: cycling.weight,
        detail: `${most} different payment instruments tried from the same ${device >= buyer ? 'device' : 'account'} within 24 hours (threshold ${cycling.minInstruments})`,
      });
    }
  }

  if (f.countries.length >= 2) {
    const three = f.countries.length >= 3;
    signals.push({
      code: 'COUNTRY_MISMATCH',
      weight: three ? rules.countryMismatch.threeCountriesWeight : rules.countryMismatch.twoCountriesWeight,
      detail: `IP, billing, issuer and shipping countries disagree: ${f.countries.join(', ')}`,
    });
  }

  const ato = rules.accountTakeover;
  const fresh = Object.entries(f.newToAccount)
    .filter(([, isNew]) => isNew === true)
    .map(([what]) => what);
  if (age !== null && age >= ato.minAccountAgeDays * DAY_MS && fresh.length >= ato.minNewFactors && f.amount >= ato.minAmount) {
    signals.push({
      code: 'ACCOUNT_TAKEOVER_PATTERN',
      weight: ato.weight,
      detail: `an account ${Math.floor(age / DAY_MS)} days old paying ${money(f.amount, f.currency)} with a new ${fresh.join(', new ')} (threshold ${ato.minNewFactors} new)`,
    });
  }
  return signals;
}
