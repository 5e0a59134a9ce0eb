/**
 * Maps the e-commerce fraud set "Fraud_Data" (../shared/datasets/ecommerce_fraud, see its README)
 * into the event contract: each row (a user's first purchase at one online shop) becomes one
 * `order.paid` with the account's sign-up time, the device, the amount in cents and the label.
 *
 * The 51,689-row file (no IP column) holds every row used: rows 1..30,189 are the tuning rows,
 * rows 30,190.. are held out. Its last line is cut off in the source (its class reads "51690"):
 * rows whose class is not 0 or 1 are left out and counted. `source`, `browser`, `sex` and `age`
 * have no place in the contract and are not used.
 */
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { createGunzip } from 'node:zlib';
import type { OrderEvent } from '../../shared/contracts/events';
import { datasetPath } from '../paths';

export const FRAUD_DATA_CSV = 'ecommerce_fraud/Fraud_Data_first51689rows_noip_revanth.csv.gz';
export const HEADER = 'user_id,signup_time,purchase_time,purchase_value,device_id,source,browser,sex,age,class';
/** The last tuning row (1-based data row); rows after it are the held-out set. */
export const LAST_TUNING_ROW = 30_189;

export function fraudDataPath(rel = FRAUD_DATA_CSV): string {
  return datasetPath(rel);
}

/** `M/D/YY H:MM` or `M/D/YYYY H:MM`, read as UTC (the source gives no zone). */
export function parseFraudDataTime(text: string): string {
  const m = /^(\d{1,2})\/(\d{1,2})\/(\d{2}|\d{4}) (\d{1,2}):(\d{2})$/.exec(text);
  if (!m) throw new Error(`not a M/D/YY H:MM time: ${JSON.stringify(text)}`);
  const [, month, dayOfMonth, year, hour, minute] = m as unknown as [string, string, string, string, string, string];
  const fullYear = year.length === 2 ? 2000 + Number(year) : Number(year);
  const pad = (v: string | number) => String(v).padStart(2, '0');
  return `${fullYear}-${pad(month)}-${pad(dayOfMonth)}T${pad(hour)}:${pad(minute)}:00Z`;
}

export interface MappedRow {
  row: number;
  event: OrderEvent;
}

export function mapFraudDataLine(text: string, row: number): MappedRow | { row: number; skipped: string } {
  const cols = text.split(',');
  if (cols.length !== 10) return { row, skipped: `expected 10 columns, found ${cols.length}` };
  const [userId, signup, purchase, value, deviceId, , , , , label] = cols as [string, string, string, string, string, string, string, string, string, string];
  if (label !== '0' && label !== '1') return { row, skipped: `class is ${JSON.stringify(label)}, not 0 or 1 (a cut-off row)` };
  return {
    row,
    event: {
      schemaVersion: 1,
      kind: 'order',
      eventId: `fd-${row}`,
      type: 'order.paid',
      occurredAt: parseFraudDataTime(purchase),
      orderId: `fd-o-${row}`,
      merchantId: 'fraud-data-shop',
      buyer: { id: `fd-u-${userId}`, accountCreatedAt: parseFraudDataTime(signup) },
      amount: Math.round(Number(value) * 100),
      currency: 'USD',
      payment: { method: 'card', status: 'captured' },
      device: { id: deviceId },
      label: { fraud: label === '1', scenario: 'fraud_data' },
    },
  };
}

/** Reads every row; throws if the file does not start with the expected header. */
export async function readFraudData(path = fraudDataPath()): Promise<{ rows: MappedRow[]; skipped: { row: number; skipped: string }[] }> {
  const lines = createInterface({ input: createReadStream(path).pipe(createGunzip()), crlfDelay: Infinity });
  const rows: MappedRow[] = [];
  const skipped: { row: number; skipped: string }[] = [];
  let n = -1;
  for await (const raw of lines) {
    const text = raw.replace(/^\uFEFF/, '');
    if (n === -1) {
      if (text !== HEADER) throw new Error(`${path}: unexpected header ${JSON.stringify(text.slice(0, 120))}`);
      n = 0;
      continue;
    }
    if (text === '') continue;
    const mapped = mapFraudDataLine(text, ++n);
    if ('event' in mapped) rows.push(mapped);
    else skipped.push(mapped);
  }
  return { rows, skipped };
}
