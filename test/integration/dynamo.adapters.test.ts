/** The DynamoDB adapters through the real SDK against dynalite, with tables provisioned from TABLES. */
import { DescribeTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { DynamoDecisionLog } from '../../shared/adapters/dynamodb/decisionLog';
import { DynamoQuarantine } from '../../shared/adapters/dynamodb/quarantine';
import { DynamoViolationLedger } from '../../shared/adapters/dynamodb/violationLedger';
import type { Decision, QuarantinedRecord, Violation } from '../../shared/domain/records';
import { createTables, type TableNames } from '../../shared/local/provision';
import { useDynalite } from '../support/dynalite';

const DAY_SECONDS = 86_400;

let dynamo: DynamoDBClient;
let documents: DynamoDBDocumentClient;
let tables: TableNames;

const local = useDynalite();

beforeAll(async () => {
  ({ dynamo, documents } = local);
  tables = await createTables(dynamo, 'it');
});

function violation(merchantId: string, violationId: string, overrides: Partial<Violation> = {}): Violation {
  return {
    violationId,
    merchantId,
    type: 'fake_orders',
    occurredAt: '2025-03-01T10:00:00.000Z',
    evidence: { orders: 7, buyers: ['b1', 'b2'], window: { fromMs: 1, toMs: 2 } },
    configVersion: 'v1',
    ...overrides,
  };
}

function decision(eventId: string, overrides: Partial<Decision> = {}): Decision {
  return {
    eventId,
    orderId: `order-${eventId}`,
    buyerId: 'buyer-1',
    merchantId: 'shop-1',
    eventType: 'order_placed',
    occurredAt: '2025-03-01T10:00:00.000Z',
    amount: 42.5,
    currency: 'EUR',
    score: 10,
    decision: 'allow',
    reasons: [],
    configVersion: 'v1',
    ...overrides,
  };
}

describe('createTables', () => {
  it('creates the tables from the definition and accepts them when they already exist', async () => {
    const again = await createTables(dynamo, 'it');

    const { Table } = await dynamo.send(new DescribeTableCommand({ TableName: tables.violations }));
    expect(again).toEqual(tables);
    expect(Table?.TableStatus).toBe('ACTIVE');
    expect(Table?.KeySchema).toEqual([
      { AttributeName: 'merchantId', KeyType: 'HASH' },
      { AttributeName: 'violationId', KeyType: 'RANGE' },
    ]);
    expect(Table?.GlobalSecondaryIndexes?.map((i) => i.IndexName)).toEqual(['byType']);
  });
});

describe('DynamoViolationLedger', () => {
  it('returns a violation as new the first time and not the second', async () => {
    const ledger = new DynamoViolationLedger(documents, tables.violations);
    const v = violation('shop-idem', 'viol-1');

    const first = await ledger.record([v]);
    const second = await ledger.record([v]);

    expect(first).toEqual([v]);
    expect(second).toEqual([]);
  });

  it('records two distinct violations as new and lists them by merchant', async () => {
    const ledger = new DynamoViolationLedger(documents, tables.violations);
    const a = violation('shop-two', 'viol-a');
    const b = violation('shop-two', 'viol-b', { type: 'price_gouging' });
    const elsewhere = violation('shop-other', 'viol-c');

    const recorded = await ledger.record([a, b, elsewhere]);
    const listed = await ledger.listByMerchant('shop-two');

    expect(recorded).toEqual([a, b, elsewhere]);
    expect(listed).toEqual([a, b]);
  });

  it('lets exactly one of two concurrent recorders see a violation as new', async () => {
    const ledger = new DynamoViolationLedger(documents, tables.violations);
    const v = violation('shop-race', 'viol-race');

    const results = await Promise.all([ledger.record([v]), ledger.record([v]), ledger.record([v])]);

    expect(results.flat()).toEqual([v]);
  });

  it('returns a violation repeated within one batch once', async () => {
    const ledger = new DynamoViolationLedger(documents, tables.violations);
    const v = violation('shop-dup', 'viol-dup');

    const recorded = await ledger.record([v, v]);

    expect(recorded).toEqual([v]);
  });

  it('stores violations so the byType index finds them', async () => {
    const ledger = new DynamoViolationLedger(documents, tables.violations);
    const v = violation('shop-index', 'viol-index', { type: 'suspicious_payments', occurredAt: '2025-04-02T00:00:00.000Z' });

    await ledger.record([v]);
    const { Items } = await documents.send(
      new QueryCommand({
        TableName: tables.violations,
        IndexName: 'byType',
        KeyConditionExpression: '#type = :type',
        ExpressionAttributeNames: { '#type': 'type' },
        ExpressionAttributeValues: { ':type': 'suspicious_payments' },
      }),
    );

    expect(Items?.map((i) => i.violationId)).toEqual(['viol-index']);
  });

  it('honours a limit when listing', async () => {
    const ledger = new DynamoViolationLedger(documents, tables.violations);
    await ledger.record(['x1', 'x2', 'x3'].map((id) => violation('shop-limit', id)));

    const listed = await ledger.listByMerchant('shop-limit', { limit: 2 });

    expect(listed.map((v) => v.violationId)).toEqual(['x1', 'x2']);
  });
});

describe('DynamoDecisionLog', () => {
  it('keeps the first decision for an eventId and sets expiresAt from occurredAt', async () => {
    const log = new DynamoDecisionLog(documents, tables.decisions);
    const first = decision('evt-1', { decision: 'allow', score: 10 });
    const rescored = decision('evt-1', { decision: 'block', score: 95, configVersion: 'v2' });

    await log.append([first]);
    await log.append([rescored]);
    const { Item } = await documents.send(new GetCommand({ TableName: tables.decisions, Key: { eventId: 'evt-1' } }));

    expect(Item).toEqual({ ...first, expiresAt: Date.parse(first.occurredAt) / 1000 + 90 * DAY_SECONDS });
  });

  it('keeps the first of two decisions for one eventId within a batch', async () => {
    const log = new DynamoDecisionLog(documents, tables.decisions, { ttlDays: 7 });
    const first = decision('evt-2', { decision: 'review' });
    const later = decision('evt-2', { decision: 'block' });

    await log.append([first, later, decision('evt-3')]);
    const { Item } = await documents.send(new GetCommand({ TableName: tables.decisions, Key: { eventId: 'evt-2' } }));

    // A review decision also keys the sparse flaggedByDay index (the analysts' recent decisions).
    expect(Item).toEqual({ ...first, expiresAt: Date.parse(first.occurredAt) / 1000 + 7 * DAY_SECONDS, flaggedDay: first.occurredAt.slice(0, 10) });
  });
});

describe('DynamoQuarantine', () => {
  const quarantinedAtMs = Date.parse('2025-05-01T00:00:00.000Z');

  function poison(source: string, sequenceNumber: string): QuarantinedRecord {
    return { source, sequenceNumber, partitionKey: 'pk-1', reason: 'INVALID_JSON', payload: '{"oops"', payloadBytes: 7 };
  }

  it('stores records and lists a source newest first, re-puts included', async () => {
    const quarantine = new DynamoQuarantine(documents, tables.quarantine, { now: () => quarantinedAtMs });
    const records = ['0001', '0002', '0003'].map((seq) => poison('orders/shard-0', seq));

    await quarantine.put([...records, poison('reviews/shard-0', '0001')]);
    await quarantine.put([records[0]!]);
    const all = await quarantine.list('orders/shard-0', 10);
    const newest = await quarantine.list('orders/shard-0', 2);

    expect(all).toEqual([...records].reverse().map((r) => ({ ...r, quarantinedAt: '2025-05-01T00:00:00.000Z' })));
    expect(newest.map((r) => r.sequenceNumber)).toEqual(['0003', '0002']);
  });

  it('writes more than one BatchWriteItem call of records and sets expiresAt', async () => {
    const quarantine = new DynamoQuarantine(documents, tables.quarantine, { now: () => quarantinedAtMs, ttlDays: 3 });
    const records = Array.from({ length: 60 }, (_, i) => poison('replay:input.jsonl', String(i).padStart(4, '0')));

    await quarantine.put(records);
    const listed = await quarantine.list('replay:input.jsonl', 100);
    const { Item } = await documents.send(
      new GetCommand({ TableName: tables.quarantine, Key: { source: 'replay:input.jsonl', sequenceNumber: '0000' } }),
    );

    expect(listed).toHaveLength(60);
    expect(Item?.expiresAt).toBe(quarantinedAtMs / 1000 + 3 * DAY_SECONDS);
  });
});
