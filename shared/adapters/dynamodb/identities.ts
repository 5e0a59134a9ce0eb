/**
 * The identity tables behind the reverse-brushing guard, both keyed (owner, `kind#value`):
 * TABLES.merchantIdentities (the merchant registry) and TABLES.buyerLinks (what each buyer used,
 * expiring `ttlDays` after it was last seen).
 */
import { BatchWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { BuyerIdentities, MerchantIdentities } from '../../domain/penalties/attribution';
import { DependencyError, asDependency } from '../../errors';
import type { BuyerIdentityLinks, BuyerIdentityObservation, MerchantRegistry } from '../../ports/penalties';
import { firstByKey, mapBounded } from './concurrency';
import { expiryAfter, requirePositiveDays } from './expiry';
import { queryAll } from './query';

const BATCH_SIZE = 25;
const MAX_ATTEMPTS = 6;

type Kind = 'account' | 'device' | 'instrument' | 'address';

function identityKey(kind: Kind, value: string): string {
  return `${kind}#${value}`;
}

function splitIdentity(identity: string): { kind: string; value: string } {
  const at = identity.indexOf('#');
  return { kind: identity.slice(0, at), value: identity.slice(at + 1) };
}

async function batchPut(client: DynamoDBDocumentClient, tableName: string, items: Record<string, unknown>[]): Promise<void> {
  const chunks: Record<string, unknown>[][] = [];
  for (let i = 0; i < items.length; i += BATCH_SIZE) chunks.push(items.slice(i, i + BATCH_SIZE));
  await asDependency('dynamodb', () =>
    mapBounded(chunks, 4, async (chunk) => {
      let requests = chunk.map((Item) => ({ PutRequest: { Item } }));
      for (let attempt = 1; requests.length > 0; attempt++) {
        if (attempt > MAX_ATTEMPTS) throw new DependencyError('dynamodb', `${requests.length} identity items still unprocessed after ${MAX_ATTEMPTS} attempts`);
        const result = await client.send(new BatchWriteCommand({ RequestItems: { [tableName]: requests } }));
        requests = (result.UnprocessedItems?.[tableName] ?? []).flatMap((r) => (r.PutRequest?.Item ? [{ PutRequest: { Item: r.PutRequest.Item } }] : []));
        if (requests.length > 0) await new Promise((resolve) => setTimeout(resolve, 25 * 2 ** attempt));
      }
    }),
  );
}

export class DynamoMerchantRegistry implements MerchantRegistry {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async identitiesOf(merchantId: string): Promise<MerchantIdentities> {
    const items = await queryAll(this.client, {
      TableName: this.tableName,
      KeyConditionExpression: 'merchantId = :m',
      ExpressionAttributeValues: { ':m': merchantId },
    });
    const out: MerchantIdentities = { accountIds: [], deviceIds: [], instrumentIds: [], addressIds: [] };
    for (const item of items) {
      const { kind, value } = splitIdentity(item.identity as string);
      if (kind === 'account') out.accountIds.push(value);
      else if (kind === 'device') out.deviceIds.push(value);
      else if (kind === 'instrument') out.instrumentIds.push(value);
      else if (kind === 'address') out.addressIds.push(value);
    }
    return out;
  }

  /** Adds identities to a merchant (onboarding, the registry loader); existing ones are kept. */
  async add(merchantId: string, identities: Partial<MerchantIdentities>): Promise<void> {
    const items = [
      ...(identities.accountIds ?? []).map((v) => identityKey('account', v)),
      ...(identities.deviceIds ?? []).map((v) => identityKey('device', v)),
      ...(identities.instrumentIds ?? []).map((v) => identityKey('instrument', v)),
      ...(identities.addressIds ?? []).map((v) => identityKey('address', v)),
    ].map((identity) => ({ merchantId, identity }));
    await batchPut(this.client, this.tableName, firstByKey(items, (i) => i.identity));
  }
}

export class DynamoBuyerIdentityLinks implements BuyerIdentityLinks {
  private readonly ttlDays: number;

  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    options: { ttlDays?: number; concurrency?: number } = {},
  ) {
    this.ttlDays = requirePositiveDays('ttlDays', options.ttlDays ?? 180);
    this.concurrency = options.concurrency ?? 8;
  }

  private readonly concurrency: number;

  /** Plain puts: the latest sighting wins and pushes the expiry out; one BatchWriteItem per 25. */
  async record(observations: readonly BuyerIdentityObservation[]): Promise<void> {
    const latest = new Map<string, BuyerIdentityObservation>();
    for (const o of observations) {
      const key = `${o.buyerId}\u0000${identityKey(o.kind, o.value)}`;
      const found = latest.get(key);
      if (found === undefined || o.atMs > found.atMs) latest.set(key, o);
    }
    const items = [...latest.values()].map((o) => ({
      buyerId: o.buyerId,
      identity: identityKey(o.kind, o.value),
      lastSeenAt: new Date(o.atMs).toISOString(),
      expiresAt: expiryAfter(o.atMs, this.ttlDays),
    }));
    await batchPut(this.client, this.tableName, items);
  }

  async linksOf(buyerIds: readonly string[]): Promise<Map<string, BuyerIdentities>> {
    const unique = [...new Set(buyerIds)];
    const found = await mapBounded(unique, this.concurrency, (buyerId) =>
      queryAll(this.client, { TableName: this.tableName, KeyConditionExpression: 'buyerId = :b', ExpressionAttributeValues: { ':b': buyerId } }),
    );
    const out = new Map<string, BuyerIdentities>();
    unique.forEach((buyerId, n) => {
      const items = found[n]!;
      if (items.length === 0) return;
      const ids = { deviceIds: [] as string[], instrumentIds: [] as string[], addressIds: [] as string[] };
      for (const item of items) {
        const { kind, value } = splitIdentity(item.identity as string);
        if (kind === 'device') ids.deviceIds.push(value);
        else if (kind === 'instrument') ids.instrumentIds.push(value);
        else if (kind === 'address') ids.addressIds.push(value);
      }
      out.set(buyerId, ids);
    });
    return out;
  }
}
