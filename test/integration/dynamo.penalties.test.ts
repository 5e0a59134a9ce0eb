/**
 * The penalty adapters through the real SDK against dynalite (conditional Put/Update only: dynalite has
 * no transactions and no TTL), with tables provisioned from TABLES: the port contracts, and the whole
 * local workflow on DynamoDB reaching what it reaches in memory.
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { DynamoBuyerIdentityLinks, DynamoMerchantRegistry } from '../../shared/adapters/dynamodb/identities';
import { DynamoPenaltyApprovals } from '../../shared/adapters/dynamodb/penaltyApprovals';
import { DynamoPenaltyAudit } from '../../shared/adapters/dynamodb/penaltyAudit';
import { DynamoPenaltyCases } from '../../shared/adapters/dynamodb/penaltyCases';
import { MemoryPenaltyNotices } from '../../shared/adapters/memory/penalties';
import { LocalPenaltyWorkflow } from '../../shared/app/penalties/localWorkflow';
import { HTTP_ROUTES } from '../../shared/http/routes';
import { startHttpGateway } from '../../shared/local/httpGateway';
import { localPenalties } from '../../shared/local/penalties';
import { createTables } from '../../shared/local/provision';
import { describePenaltyStoresContract, type PenaltyStores } from '../contract/penalties.contract';
import { at, brushingViolation, penaltyHarness } from '../support/penalties';
import { useDynalite } from '../support/dynalite';

let dynamo: DynamoDBClient;
let documents: DynamoDBDocumentClient;
let prefixes = 0;

const local = useDynalite();

beforeAll(async () => {
  ({ dynamo, documents } = local);
});

/** Fresh tables (a new prefix) for each use. */
async function dynamoStores(): Promise<PenaltyStores & { registryStore: DynamoMerchantRegistry }> {
  const tables = await createTables(dynamo, `pen${++prefixes}`);
  const registryStore = new DynamoMerchantRegistry(documents, tables.merchantIdentities);
  return {
    cases: new DynamoPenaltyCases(documents, tables.penaltyCases),
    audit: new DynamoPenaltyAudit(documents, tables.penaltyAudit),
    approvals: new DynamoPenaltyApprovals(documents, tables.penaltyApprovals),
    buyerLinks: new DynamoBuyerIdentityLinks(documents, tables.buyerLinks),
    registryStore,
    registry: async (seed) => {
      for (const [merchantId, identities] of Object.entries(seed)) await registryStore.add(merchantId, identities);
      return registryStore;
    },
  };
}

describePenaltyStoresContract('DynamoDB (dynalite)', dynamoStores);

describe('the local penalty workflow on DynamoDB', () => {
  it('reaches the same cases and audit trail as on the memory adapters', async () => {
    // Arrange
    const stores = await dynamoStores();
    await stores.registry({ 'm-1': { deviceIds: ['dev-owner'] } });
    await stores.buyerLinks.record([{ buyerId: 'b-ring', kind: 'device', value: 'dev-owner', atMs: 0 }]);
    const notices = new MemoryPenaltyNotices();
    const onDynamo = new LocalPenaltyWorkflow({ ...stores, registry: stores.registryStore, notices, config: penaltyHarness().config });
    const inMemory = penaltyHarness({ merchants: { 'm-1': { deviceIds: ['dev-owner'] } } });
    await inMemory.buyerLinks.record([{ buyerId: 'b-ring', kind: 'device', value: 'dev-owner', atMs: 0 }]);
    const violations = [0, 2, 4, 6].map((d) => brushingViolation('m-1', d, ['b-ring'])).concat(brushingViolation('m-2', 1, ['b-stranger']));

    // Act: violations, an approval, redelivery
    for (const workflow of [onDynamo, inMemory.workflow]) await workflow.onViolations(violations);
    const [pendingOnDynamo] = (await stores.approvals.pending(10)).filter((a) => a.kind === 'blacklisted');
    const [pendingInMemory] = (await inMemory.approvals.pending(10)).filter((a) => a.kind === 'blacklisted');
    const grant = { type: 'ApprovalGranted' as const, approvalId: pendingOnDynamo!.approvalId, by: 'alice', at: at(7), note: 'repeat offender' };
    await onDynamo.resume(pendingOnDynamo!.taskToken, grant);
    await inMemory.workflow.resume(pendingInMemory!.taskToken, grant);
    for (const workflow of [onDynamo, inMemory.workflow]) await workflow.onViolations(violations);

    // Assert
    for (const merchantId of ['m-1', 'm-2']) {
      expect(await stores.cases.load(merchantId)).toEqual(await inMemory.cases.load(merchantId));
      expect(await stores.audit.list(merchantId)).toEqual(await inMemory.audit.list(merchantId));
    }
    expect(notices.published).toEqual(inMemory.notices.published);
    const m1 = (await stores.cases.load('m-1'))!.state;
    expect([m1.level, m1.blacklisted, m1.pending.map((p) => p.kind)]).toEqual(['trading_suspended', true, ['deposit_deducted']]);
    expect((await stores.cases.blacklisted()).map((r) => r.state.merchantId)).toEqual(['m-1']);
  });
});

describe('the penalty API in the local runtime (local gateway, dynalite, development tokens)', () => {
  it('answers a merchant its credit and lets an approver decide over HTTP', async () => {
    // Arrange
    const tables = await createTables(dynamo, `pen${++prefixes}`);
    const penalties = localPenalties(documents, tables, penaltyHarness().config);
    await penalties.registry.add('m-1', { deviceIds: ['dev-owner'] });
    await penalties.buyerLinks.record([{ buyerId: 'b-ring', kind: 'device', value: 'dev-owner', atMs: 0 }]);
    await penalties.workflow.onViolations([0, 2, 4].map((d) => brushingViolation('m-1', d, ['b-ring'])));
    const gateway = await startHttpGateway({ routes: HTTP_ROUTES.filter((r) => r.functionId === 'penalty-api'), handlers: { 'penalty-api': penalties.api } });
    const get = (path: string, token: string) => fetch(`${gateway.url}${path}`, { headers: { authorization: `Bearer ${token}` } });

    try {
      // Act
      const credit = await get('/v1/merchants/m-1/credit', 'dev:merchant:m-1');
      const anonymous = await fetch(`${gateway.url}/v1/penalties/approvals`);
      const { approvals } = (await (await get('/v1/penalties/approvals', 'dev:viewer:vic')).json()) as { approvals: { approvalId: string }[] };
      const decided = await fetch(`${gateway.url}/v1/penalties/approvals/${approvals[0]!.approvalId}/decision`, {
        method: 'POST',
        headers: { authorization: 'Bearer dev:approver:alice', 'content-type': 'application/json' },
        body: JSON.stringify({ decision: 'approve', note: 'repeat offender' }),
      });

      // Assert
      expect(credit.status).toBe(200);
      expect(await credit.json()).toMatchObject({ merchantId: 'm-1', level: 'trading_suspended', blacklisted: false });
      expect(anonymous.status).toBe(401);
      expect(decided.status).toBe(202);
      expect((await penalties.cases.load('m-1'))!.state.blacklisted).toBe(true);
    } finally {
      await gateway.close();
    }
  });
});
