/** Writes simulated traffic as JSONL (one event per line, the replay's input) and its manifest beside it. */
import { createWriteStream } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { once } from 'node:events';
import { Marketplace, type MarketplaceOptions, type ScenarioManifest } from './marketplace';

export function manifestPathFor(jsonlPath: string): string {
  return jsonlPath.replace(/\.jsonl(\.gz)?$/, '') + '.manifest.json';
}

/** Streams the traffic to `path` (so a large run needs little memory) and writes `<name>.manifest.json`. */
export async function writeMarketplaceJsonl(path: string, options: Partial<MarketplaceOptions>): Promise<{ manifest: ScenarioManifest; manifestPath: string }> {
  await mkdir(dirname(path), { recursive: true });
  const market = new Marketplace(options);
  const out = createWriteStream(path);
  for (const event of market.events()) {
    if (!out.write(JSON.stringify(event) + '\n')) await once(out, 'drain');
  }
  await new Promise<void>((resolve, reject) => out.end((error?: Error | null) => (error ? reject(error) : resolve())));
  const manifestPath = manifestPathFor(path);
  await writeFile(manifestPath, JSON.stringify(market.manifest, null, 2) + '\n');
  return { manifest: market.manifest, manifestPath };
}
