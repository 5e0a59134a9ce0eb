/**
 * npm run export:blacklist -- --out <dir> [--from <replay out dir> | --from dynamodb[:<prefix>] [--endpoint <url>]]
 *
 * Writes the blacklisted merchants with their counted violations and their penalty steps, for the
 * regulators' information-sharing platform: blacklist.json, blacklist.csv (one row per merchant),
 * blacklist-violations.csv and blacklist-steps.csv.
 *   --from <dir>          a replay's output (its penalty-cases.jsonl); default: out/start (npm start)
 *   --from dynamodb       the penalty cases table (AWS credentials from the environment), or the
 *                         local runtime's dynalite with --endpoint; prefix default `riskline`
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createDocumentClient } from '../shared/adapters/dynamodb/client';
import { DynamoPenaltyCases } from '../shared/adapters/dynamodb/penaltyCases';
import { blacklistEntry, blacklistFiles, type BlacklistEntry } from '../shared/app/penalties/blacklistExport';
import { MerchantPenaltyStateSchema } from '../shared/domain/penalties/state';
import { DEFAULT_PREFIX, TABLES, tableName } from '../shared/resources';

const USAGE = 'usage: npm run export:blacklist -- --out <dir> [--from <replay out dir> | --from dynamodb[:<prefix>] [--endpoint <url>]]';

async function fromReplay(dir: string): Promise<BlacklistEntry[]> {
  const path = join(dir, 'penalty-cases.jsonl');
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    throw new Error(`${path} not found: run npm start or npm run replay first, or give --from`);
  }
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as { state: unknown; creditScore: number | null })
    .map((c) => ({ state: MerchantPenaltyStateSchema.parse(c.state), creditScore: c.creditScore }))
    .filter((c) => c.state.blacklisted)
    .map((c) => blacklistEntry(c.state, c.creditScore));
}

async function fromDynamo(prefix: string, endpoint: string | undefined): Promise<BlacklistEntry[]> {
  const documents = createDocumentClient(endpoint === undefined ? {} : { endpoint });
  try {
    const cases = new DynamoPenaltyCases(documents, tableName(TABLES.penaltyCases, prefix));
    return (await cases.blacklisted()).map((r) => blacklistEntry(r.state, r.creditScore));
  } finally {
    documents.destroy();
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { out: { type: 'string' }, from: { type: 'string' }, endpoint: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
  });
  if (values.help) return console.log(USAGE);
  if (!values.out) throw new Error(`--out is required (${USAGE})`);
  const from = values.from ?? join('out', 'start');
  const merchants = from.startsWith('dynamodb') ? await fromDynamo(from.split(':')[1] || DEFAULT_PREFIX, values.endpoint) : await fromReplay(from);
  const files = blacklistFiles({ generatedAt: new Date().toISOString(), source: from, merchants });
  await mkdir(values.out, { recursive: true });
  for (const [name, content] of Object.entries(files)) await writeFile(join(values.out, name), content);
  console.log(`export:blacklist: ${merchants.length} blacklisted merchant(s) from ${from} -> ${Object.keys(files).map((f) => join(values.out!, f)).join(', ')}`);
}

main().catch((error: unknown) => {
  console.error(`export:blacklist failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
