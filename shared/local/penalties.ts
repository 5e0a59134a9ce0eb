/**
 * The penalty workflow in the local runtime: the DynamoDB adapters the workflow Lambda uses, on
 * dynalite, driven in-process by the local workflow (no Step Functions here: the same transitions,
 * see shared/app/penalties/localWorkflow.ts), and the penalty API with development tokens
 * (`Authorization: Bearer dev:approver:alice`, `dev:merchant:m-42`; shared/http/principal.ts).
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { makePenaltyApiHandler } from '../../functions/penalty-api/handler';
import { DynamoBuyerIdentityLinks, DynamoMerchantRegistry } from '../adapters/dynamodb/identities';
import { DynamoPenaltyApprovals } from '../adapters/dynamodb/penaltyApprovals';
import { DynamoPenaltyAudit } from '../adapters/dynamodb/penaltyAudit';
import { DynamoPenaltyCases } from '../adapters/dynamodb/penaltyCases';
import { MemoryPenaltyNotices } from '../adapters/memory/penalties';
import { LocalPenaltyWorkflow } from '../app/penalties/localWorkflow';
import { devTokenAuthenticator } from '../http/principal';
import type { ConfigSource } from '../ports';
import type { PenaltyNotices } from '../ports/penalties';
import type { TableNames } from './provision';

export function localPenalties(documents: DynamoDBDocumentClient, tables: TableNames, config: ConfigSource, notices: PenaltyNotices = new MemoryPenaltyNotices()) {
  const cases = new DynamoPenaltyCases(documents, tables.penaltyCases);
  const audit = new DynamoPenaltyAudit(documents, tables.penaltyAudit);
  const approvals = new DynamoPenaltyApprovals(documents, tables.penaltyApprovals);
  const registry = new DynamoMerchantRegistry(documents, tables.merchantIdentities);
  const buyerLinks = new DynamoBuyerIdentityLinks(documents, tables.buyerLinks);
  const workflow = new LocalPenaltyWorkflow({ cases, audit, approvals, notices, registry, buyerLinks, config });
  const api = makePenaltyApiHandler({ cases, audit, approvals, executions: workflow, config, authenticate: devTokenAuthenticator });
  return { workflow, api, cases, audit, approvals, registry, buyerLinks, notices };
}

export type LocalPenalties = ReturnType<typeof localPenalties>;
