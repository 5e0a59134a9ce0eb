/** The DynamoDB adapters' SDK calls, with the document client mocked (aws-sdk-client-mock). */
import { ConditionalCheckFailedException, ProvisionedThroughputExceededException } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, DynamoDBDocumentClient, PutCommand, type PutCommandInput } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { createDocumentClient } from '../../shared/adapters/dynamodb/client';
import { DynamoDecisionLog } from '../../shared/adapters/dynamodb/decisionLog';
import { DynamoQuarantine } from '../../shared/adapters/dynamodb/quarantine';
import { DynamoViolationLedger } from '../../shared/adapters/dynamodb/violationLedger';
import type { Decision, QuarantinedRecord, Violation } from '../../shared/domain/records';
import { DependencyError } from '../../shared/errors';

const documentsMock = mockClient(DynamoDBDocumentClient);
const documents = createDocumentClient({ endpoint: 'http://127.0.0.1:1' });

afterEach(() => {
  documentsMock.reset();
});

function violation(violationId: string): Violation {
  return {
    violationId,
    merchantId: 'shop-1',
    type: 'fake_orders',
    occurredAt: '2025-03-01T10:00:00.000Z',
    evidence: { orders: 7 },
    configVersion: 'v1',
  };
}

function decision(eventId: string): Decision {
  return {
    eventId,
    orderId: 'order-1',
    buyerId: 'buyer-1',
    merchantId: 'shop-1',
    eventType: 'order_placed',
    occurredAt: '2025-03-01T10:00:00.000Z',
    amount: 10,
    currency: 'EUR',
    score: 0,
    decision: 'allow',
    reasons: [],
    configVersion: 'v1',
  };
}

function conditionFailed(): ConditionalCheckFailedException {
  return new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} });
}

describe('DynamoViolationLedger', () => {
  it('puts each violation with an attribute_not_exists condition', async () => {
    documentsMock.on(PutCommand).resolves({});
    const ledger = new DynamoViolationLedger(documents, 'violations');

    await ledger.record([violation('v1'), violation('v2')]);

    const inputs = documentsMock.commandCalls(PutCommand).map((call) => call.args[0].input);
    expect(inputs).toEqual([
      { TableName: 'violations', Item: violation('v1'), ConditionExpression: 'attribute_not_exists(violationId)' },
      { TableName: 'violations', Item: violation('v2'), ConditionExpression: 'attribute_not_exists(violationId)' },
    ]);
  });

  it('treats ConditionalCheckFailedException as "already recorded"', async () => {
    documentsMock
      .on(PutCommand)
      .callsFake((input: PutCommandInput) => (input.Item?.violationId === 'v1' ? Promise.reject(conditionFailed()) : Promise.resolve({})));
    const ledger = new DynamoViolationLedger(documents, 'violations');

    const fresh = await ledger.record([violation('v1'), violation('v2')]);

    expect(fresh).toEqual([violation('v2')]);
  });

  it('turns a throttling error into a DependencyError that keeps the cause', async () => {
    const throttled = new ProvisionedThroughputExceededException({ message: 'Rate exceeded', $metadata: {} });
    documentsMock.on(PutCommand).rejects(throttled);
    const ledger = new DynamoViolationLedger(documents, 'violations');

    const recording = ledger.record([violation('v1')]);

    await expect(recording).rejects.toBeInstanceOf(DependencyError);
    await expect(recording).rejects.toMatchObject({ dependency: 'dynamodb', cause: throttled });
  });

  it('starts no new puts after one fails, and settles those in flight first', async () => {
    let inFlight = 0;
    let maxInFlight = 0;
    documentsMock.on(PutCommand).callsFake(async (input: PutCommandInput) => {
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      await new Promise((resolve) => setTimeout(resolve, 5));
      inFlight--;
      if (input.Item?.violationId === 'v3') throw new Error('socket hang up');
      return {};
    });
    const ledger = new DynamoViolationLedger(documents, 'violations', { concurrency: 2 });

    await expect(ledger.record(Array.from({ length: 10 }, (_, i) => violation(`v${i}`)))).rejects.toBeInstanceOf(DependencyError);

    expect(inFlight).toBe(0);
    expect(maxInFlight).toBe(2);
    expect(documentsMock.commandCalls(PutCommand).length).toBeLessThan(10);
  });
});

describe('DynamoDecisionLog', () => {
  it('puts decisions conditionally with expiresAt and ignores ones already logged', async () => {
    documentsMock.on(PutCommand).rejects(conditionFailed());
    const log = new DynamoDecisionLog(documents, 'decisions', { ttlDays: 1 });

    await log.append([decision('e1')]);

    const [input] = documentsMock.commandCalls(PutCommand).map((call) => call.args[0].input);
    expect(input).toEqual({
      TableName: 'decisions',
      Item: { ...decision('e1'), expiresAt: Date.parse('2025-03-02T10:00:00.000Z') / 1000 },
      ConditionExpression: 'attribute_not_exists(eventId)',
    });
  });

  it('turns other errors into a DependencyError', async () => {
    documentsMock.on(PutCommand).rejects(new Error('connect ECONNREFUSED'));
    const log = new DynamoDecisionLog(documents, 'decisions');

    await expect(log.append([decision('e1')])).rejects.toBeInstanceOf(DependencyError);
  });
});

describe('DynamoQuarantine', () => {
  const record: QuarantinedRecord = { source: 'orders', sequenceNumber: '1', reason: 'INVALID_JSON', payload: '{', payloadBytes: 1 };

  it('resends items DynamoDB returned unprocessed', async () => {
    documentsMock
      .on(BatchWriteCommand)
      .resolvesOnce({ UnprocessedItems: { quarantine: [{ PutRequest: { Item: { source: 'orders', sequenceNumber: '1' } } }] } })
      .resolves({});
    const quarantine = new DynamoQuarantine(documents, 'quarantine', { baseDelayMs: 1 });

    await quarantine.put([record]);

    const calls = documentsMock.commandCalls(BatchWriteCommand);
    expect(calls).toHaveLength(2);
    expect(calls[1]?.args[0].input.RequestItems).toEqual({ quarantine: [{ PutRequest: { Item: { source: 'orders', sequenceNumber: '1' } } }] });
  });

  it('gives up with a DependencyError when items stay unprocessed', async () => {
    documentsMock.on(BatchWriteCommand).resolves({ UnprocessedItems: { quarantine: [{ PutRequest: { Item: { source: 'orders' } } }] } });
    const quarantine = new DynamoQuarantine(documents, 'quarantine', { baseDelayMs: 1, maxAttempts: 3 });

    await expect(quarantine.put([record])).rejects.toBeInstanceOf(DependencyError);
    expect(documentsMock.commandCalls(BatchWriteCommand)).toHaveLength(3);
  });
});
