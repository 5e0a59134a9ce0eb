/**
 * Shadow mode's results on DynamoDB (TABLES.shadowResults, keyed (candidateVersion, key)): one item per
 * decision disagreement (`d#<occurredAt>#<eventId>`, a plain put: the same key on a retry), one per
 * violation disagreement (`v#<violationId>`, put if absent: counted once however often a bucket is
 * re-evaluated), and a `summary` item of counters added to by each batch. A batch retried after its
 * shadow pass was recorded adds its decision counts twice: the summary is a monitor, the items are
 * the record. Everything expires after `ttlDays`.
 */
import { GetCommand, PutCommand, QueryCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { DecisionKind } from '../../domain/records';
import type { DecisionDisagreement, ShadowBatch, ShadowSummary, Transition, ViolationDisagreement } from '../../domain/shadow/disagreements';
import { asDependency } from '../../errors';
import type { ShadowResults, ShadowSink } from '../../ports';
import { mapBounded } from './concurrency';
import { isConditionalCheckFailed } from './conditions';
import { expiryAfter } from './expiry';

const KINDS: readonly DecisionKind[] = ['allow', 'review', 'block'];
const SUMMARY = 'summary';

export interface DynamoShadowResultsOptions {
  ttlDays?: number;
  now?: () => number;
  concurrency?: number;
}

export class DynamoShadowResults implements ShadowSink, ShadowResults {
  private readonly ttlDays: number;
  private readonly now: () => number;
  private readonly concurrency: number;

  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    options: DynamoShadowResultsOptions = {},
  ) {
    this.ttlDays = options.ttlDays ?? 30;
    this.now = options.now ?? Date.now;
    this.concurrency = options.concurrency ?? 8;
  }

  async record(batch: ShadowBatch): Promise<void> {
    const nowMs = this.now();
    const expiresAt = expiryAfter(nowMs, this.ttlDays);
    const candidateVersion = batch.candidateVersion;
    await asDependency('dynamodb', async () => {
      await mapBounded(batch.decisions, this.concurrency, (d) =>
        this.client.send(new PutCommand({ TableName: this.tableName, Item: { candidateVersion, key: `d#${d.occurredAt}#${d.eventId}`, ...d, expiresAt } })),
      );
      const fresh = await mapBounded(batch.violations, this.concurrency, async (v) => {
        try {
          await this.client.send(
            new PutCommand({ TableName: this.tableName, Item: { candidateVersion, key: `v#${v.violationId}`, ...v, expiresAt }, ConditionExpression: 'attribute_not_exists(#key)', ExpressionAttributeNames: { '#key': 'key' } }),
          );
          return v;
        } catch (error) {
          if (isConditionalCheckFailed(error)) return null;
          throw error;
        }
      });
      const counted = fresh.filter((v): v is ViolationDisagreement => v !== null);
      const adds: Record<string, number> = {
        compared: batch.compared,
        changed: batch.decisions.length,
        violationsCandidateOnly: counted.filter((v) => v.side === 'candidate_only').length,
        violationsLiveOnly: counted.filter((v) => v.side === 'live_only').length,
      };
      for (const [t, n] of Object.entries(batch.transitions)) adds[`t_${t.replace('->', '_')}`] = n;
      const names: Record<string, string> = { '#updatedAt': 'updatedAt', '#expiresAt': 'expiresAt', '#live': 'liveVersions' };
      const values: Record<string, unknown> = { ':updatedAt': new Date(nowMs).toISOString(), ':expiresAt': expiresAt, ':live': new Set([batch.liveVersion]) };
      const addParts = Object.entries(adds).map(([name, n], i) => {
        names[`#a${i}`] = name;
        values[`:a${i}`] = n;
        return `#a${i} :a${i}`;
      });
      let set = 'SET #updatedAt = :updatedAt, #expiresAt = :expiresAt';
      if (batch.lastEventAt !== null) {
        // The latest event time seen: kept only when later than what is stored.
        names['#last'] = 'lastEventAt';
        values[':last'] = batch.lastEventAt;
        set += ', #last = if_not_exists(#last, :last)';
      }
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { candidateVersion, key: SUMMARY },
          UpdateExpression: `${set} ADD ${[...addParts, '#live :live'].join(', ')}`,
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
        }),
      );
      if (batch.lastEventAt !== null) {
        await this.client
          .send(
            new UpdateCommand({
              TableName: this.tableName,
              Key: { candidateVersion, key: SUMMARY },
              UpdateExpression: 'SET lastEventAt = :last',
              ConditionExpression: 'lastEventAt < :last',
              ExpressionAttributeValues: { ':last': batch.lastEventAt },
            }),
          )
          .catch((error: unknown) => {
            if (!isConditionalCheckFailed(error)) throw error;
          });
      }
    });
  }

  async summary(candidateVersion: string): Promise<ShadowSummary | null> {
    const { Item } = await asDependency('dynamodb', () =>
      this.client.send(new GetCommand({ TableName: this.tableName, Key: { candidateVersion, key: SUMMARY }, ConsistentRead: true })),
    );
    if (Item === undefined) return null;
    const transitions: Partial<Record<Transition, number>> = {};
    for (const from of KINDS) {
      for (const to of KINDS) {
        const n = Item[`t_${from}_${to}`];
        if (typeof n === 'number' && n > 0) transitions[`${from}->${to}`] = n;
      }
    }
    const num = (name: string) => (typeof Item[name] === 'number' ? (Item[name] as number) : 0);
    const live = Item.liveVersions;
    return {
      candidateVersion,
      liveVersions: live instanceof Set ? [...(live as Set<string>)].sort() : [],
      compared: num('compared'),
      changed: num('changed'),
      transitions,
      violationsCandidateOnly: num('violationsCandidateOnly'),
      violationsLiveOnly: num('violationsLiveOnly'),
      updatedAt: (Item.updatedAt as string | undefined) ?? null,
      lastEventAt: (Item.lastEventAt as string | undefined) ?? null,
    };
  }

  async decisions(candidateVersion: string, limit: number): Promise<DecisionDisagreement[]> {
    return (await this.query(candidateVersion, 'd#', limit)) as unknown as DecisionDisagreement[];
  }

  async violations(candidateVersion: string, limit: number): Promise<ViolationDisagreement[]> {
    const items = (await this.query(candidateVersion, 'v#', limit)) as unknown as ViolationDisagreement[];
    return items.sort((a, b) => b.occurredAt.localeCompare(a.occurredAt));
  }

  private async query(candidateVersion: string, prefix: string, limit: number): Promise<Record<string, unknown>[]> {
    const { Items } = await asDependency('dynamodb', () =>
      this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'candidateVersion = :c AND begins_with(#key, :p)',
          ExpressionAttributeNames: { '#key': 'key' },
          ExpressionAttributeValues: { ':c': candidateVersion, ':p': prefix },
          ScanIndexForward: false,
          Limit: limit,
        }),
      ),
    );
    return (Items ?? []).map(({ candidateVersion: _c, key: _k, expiresAt: _e, ...rest }) => rest);
  }
}
