/**
 * npm run dataset:shopee -- --out <events.jsonl | events.jsonl.gz>
 *
 * Maps the Shopee order-brushing orders (../shared/datasets/shopee_order_brushing, see its README)
 * into the event contract (../shared/contracts/events.md): one `order.placed` per CSV row, so that
 * `npm run replay` can run it. The CSV is simple (no quoted fields); a row that does not have
 * exactly 5 columns, or a value of an unexpected shape, stops the mapping with its line number.
 */
import { createReadStream, createWriteStream, existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { Readable, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { createGunzip, createGzip } from 'node:zlib';
import type { OrderEvent } from '../../shared/contracts/events';

export const SHOPEE_CSV = 'shopee_order_brushing/order_brush_order_candidate_shops.csv.gz';
export const SHOPEE_HEADER = 'orig_row,orderid,shopid,userid,event_time';
/** The data's local time zone (Shopee's Code League 2020 data is in +08:00). */
const ZONE = '+08:00';

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** `../shared/datasets/<rel>` relative to the project root. */
export function shopeeDatasetPath(rel = SHOPEE_CSV): string {
  return resolve(REPO_ROOT, '..', 'shared', 'datasets', rel);
}

export interface ShopeeRow {
  origRow: string;
  orderId: string;
  shopId: string;
  userId: string;
  /** `YYYY-MM-DD HH:MM:SS`, local time +08:00. */
  eventTime: string;
}

const DIGITS = /^\d+$/;
const EVENT_TIME = /^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2})$/;

export class ShopeeFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ShopeeFormatError';
  }
}

/** Splits one CSV line; throws (naming the line) unless it is 5 plain columns of the expected shape. */
export function parseShopeeLine(text: string, line: number): ShopeeRow {
  const cols = text.split(',');
  if (cols.length !== 5) throw new ShopeeFormatError(`line ${line}: expected 5 columns (${SHOPEE_HEADER}), found ${cols.length}: ${text.slice(0, 120)}`);
  const [origRow, orderId, shopId, userId, eventTime] = cols as [string, string, string, string, string];
  for (const [name, value] of [['orig_row', origRow], ['orderid', orderId], ['shopid', shopId], ['userid', userId]] as const) {
    if (!DIGITS.test(value)) throw new ShopeeFormatError(`line ${line}: ${name} must be an integer, found ${JSON.stringify(value)}`);
  }
  if (!EVENT_TIME.test(eventTime)) throw new ShopeeFormatError(`line ${line}: event_time must be YYYY-MM-DD HH:MM:SS, found ${JSON.stringify(eventTime)}`);
  return { origRow, orderId, shopId, userId, eventTime };
}

/** One CSV row as the `order.placed` event the shop received. */
export function shopeeRowToEvent(row: ShopeeRow): OrderEvent {
  const [, date, time] = EVENT_TIME.exec(row.eventTime) ?? [];
  if (date === undefined || time === undefined) throw new ShopeeFormatError(`orig_row ${row.origRow}: bad event_time ${row.eventTime}`);
  return {
    schemaVersion: 1,
    kind: 'order',
    eventId: `shopee-${row.origRow}`,
    type: 'order.placed',
    occurredAt: `${date}T${time}${ZONE}`,
    orderId: String(row.orderId),
    merchantId: String(row.shopId),
    buyer: { id: String(row.userId) },
    // The data set has no amounts; brushing does not read them.
    amount: 0,
    currency: 'CNY',
  };
}

/** Reads the gzipped CSV and yields one event per row, checking the header and every row. */
export async function* readShopeeEvents(csvGzPath: string): AsyncGenerator<OrderEvent> {
  const reader = createInterface({ input: createReadStream(csvGzPath).pipe(createGunzip()), crlfDelay: Infinity });
  let line = 0;
  for await (const text of reader) {
    line++;
    if (line === 1) {
      if (text.trim() !== SHOPEE_HEADER) throw new ShopeeFormatError(`line 1: expected the header ${SHOPEE_HEADER}, found ${text.slice(0, 120)}`);
      continue;
    }
    if (text === '') continue;
    yield shopeeRowToEvent(parseShopeeLine(text, line));
  }
}

/** Writes the events as JSONL (gzipped when `outPath` ends in .gz); returns how many were written. */
export async function writeShopeeJsonl(csvGzPath: string, outPath: string): Promise<{ events: number }> {
  await mkdir(dirname(resolve(outPath)), { recursive: true });
  let events = 0;
  const lines = Readable.from(
    (async function* () {
      for await (const event of readShopeeEvents(csvGzPath)) {
        events++;
        yield JSON.stringify(event) + '\n';
      }
    })(),
  );
  const file = createWriteStream(outPath);
  if (outPath.endsWith('.gz')) await pipeline(lines, createGzip(), file as Writable);
  else await pipeline(lines, file);
  return { events };
}

const USAGE = 'usage: npm run dataset:shopee -- --out <events.jsonl[.gz]>';

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { out: { type: 'string' }, help: { type: 'boolean', short: 'h' } } });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  if (!values.out) throw new Error(`--out is required (${USAGE})`);
  const csv = shopeeDatasetPath();
  if (!existsSync(csv)) throw new Error(`the Shopee data set is absent: ${csv} does not exist (see ../shared/datasets/README.md)`);
  const { events } = await writeShopeeJsonl(csv, values.out);
  console.error(`dataset:shopee: ${events} order.placed events -> ${values.out}`);
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  main().catch((error: unknown) => {
    console.error(`dataset:shopee failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  });
}
