/** Builders and an in-memory harness for the penalty workflow tests. */
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import {
  MemoryBuyerIdentityLinks,
  MemoryMerchantRegistry,
  MemoryPenaltyApprovals,
  MemoryPenaltyAudit,
  MemoryPenaltyCases,
  MemoryPenaltyNotices,
} from '../../shared/adapters/memory/penalties';
import { StaticConfigSource } from '../../shared/adapters/memory/sinks';
import { LocalPenaltyWorkflow } from '../../shared/app/penalties/localWorkflow';
import { defaultThresholds } from '../../shared/config';
import type { Thresholds } from '../../shared/domain/config/thresholds';
import type { MerchantIdentities } from '../../shared/domain/penalties/attribution';
import type { PenaltyPolicy } from '../../shared/domain/penalties/policy';
import type { MerchantPenaltyState } from '../../shared/domain/penalties/state';
import type { Violation, ViolationType } from '../../shared/domain/records';

export const DAY = 86_400_000;
export const T0 = Date.parse('2026-03-01T10:00:00.000Z');

export function at(dayOffset: number, hours = 0): string {
  return new Date(T0 + dayOffset * DAY + hours * 3_600_000).toISOString();
}

/** A fake_orders (brushing) violation as the brushing detector records it. */
export function brushingViolation(merchantId: string, day: number, buyers: readonly string[], hours = 0): Violation {
  const ordersPerBuyer = Object.fromEntries(buyers.map((b, i) => [b, i === 0 ? 6 : 2]));
  const orders = Object.values(ordersPerBuyer).reduce((a, b) => a + b, 0);
  return {
    violationId: `viol-${merchantId}-d${day}-h${hours}`,
    merchantId,
    type: 'fake_orders',
    occurredAt: at(day, hours),
    configVersion: 'test',
    evidence: {
      rule: 'orderBrushing',
      periodStart: at(day, hours),
      periodEnd: at(day, hours + 0.5),
      orders,
      distinctBuyers: buyers.length,
      concentrateRate: Number((orders / buyers.length).toFixed(4)),
      threshold: 3,
      windowMinutes: 60,
      suspiciousBuyerIds: [buyers[0]],
      ordersPerBuyer,
      orderIds: Array.from({ length: orders }, (_, i) => `o-${merchantId}-${day}-${i}`),
    },
  };
}

export function violationOf(type: ViolationType, merchantId: string, day: number, hours = 0): Violation {
  return { violationId: `viol-${merchantId}-${type}-d${day}-h${hours}`, merchantId, type, occurredAt: at(day, hours), configVersion: 'test', evidence: { ratio: 3.4 } };
}

export function thresholdsWith(policy: Partial<PenaltyPolicy> = {}): Thresholds {
  return { ...defaultThresholds, version: 'penalty-test', penalties: { ...defaultThresholds.penalties, ...policy } };
}

export interface HarnessOptions {
  merchants?: Record<string, Partial<MerchantIdentities>>;
  policy?: Partial<PenaltyPolicy>;
}

export function penaltyHarness(options: HarnessOptions = {}) {
  const cases = new MemoryPenaltyCases();
  const audit = new MemoryPenaltyAudit();
  const approvals = new MemoryPenaltyApprovals();
  const notices = new MemoryPenaltyNotices();
  const registry = new MemoryMerchantRegistry(options.merchants ?? {});
  const buyerLinks = new MemoryBuyerIdentityLinks();
  const config = new StaticConfigSource(thresholdsWith(options.policy));
  const workflow = new LocalPenaltyWorkflow({ cases, audit, approvals, notices, registry, buyerLinks, config });
  return {
    cases,
    audit,
    approvals,
    notices,
    registry,
    buyerLinks,
    config,
    workflow,
    async state(merchantId: string): Promise<MerchantPenaltyState> {
      const found = await cases.load(merchantId);
      if (found === null) throw new Error(`no case for ${merchantId}`);
      return found.state;
    },
    /** Decides the merchant's pending approval (of `kind`, if several wait), as an approver would through the API. */
    async decidePending(merchantId: string, decision: 'grant' | 'reject', atIso: string, by = 'alice', kind?: string): Promise<string> {
      const pending = (await approvals.pending(100)).filter((a) => a.merchantId === merchantId && (kind === undefined || a.kind === kind));
      if (pending.length !== 1) throw new Error(`expected one pending approval for ${merchantId}, found ${pending.length}`);
      const a = pending[0]!;
      await workflow.resume(a.taskToken, {
        type: decision === 'grant' ? 'ApprovalGranted' : 'ApprovalRejected',
        approvalId: a.approvalId,
        by,
        at: atIso,
        note: `${decision} in test`,
      });
      await approvals.settle(a.approvalId, decision === 'grant' ? 'approved' : 'rejected', by, atIso);
      return a.approvalId;
    },
  };
}

/** An API Gateway HTTP API (payload v2) request to a penalty route, with a development token. */
export function apiRequest(
  routeKey: string,
  options: { params?: Record<string, string>; body?: unknown; token?: string; atIso?: string } = {},
): APIGatewayProxyEventV2 {
  const [method, template] = routeKey.split(' ') as [string, string];
  const path = template.replace(/\{(\w+)\}/g, (_, name: string) => options.params?.[name] ?? `{${name}}`);
  const timeEpoch = Date.parse(options.atIso ?? at(0));
  return {
    version: '2.0',
    routeKey,
    rawPath: path,
    rawQueryString: '',
    headers: {
      'content-type': 'application/json',
      ...(options.token === undefined ? {} : { authorization: `Bearer ${options.token}` }),
    },
    ...(options.params ? { pathParameters: options.params } : {}),
    ...(options.body === undefined ? {} : { body: typeof options.body === 'string' ? options.body : JSON.stringify(options.body) }),
    isBase64Encoded: false,
    requestContext: { http: { method, path }, timeEpoch, routeKey } as unknown as APIGatewayProxyEventV2['requestContext'],
  };
}
