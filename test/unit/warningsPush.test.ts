/** The live push: the warnings table's stream records to messages on the buyer's connections (SDK mocked). */
import { ApiGatewayManagementApiClient, GoneException, PostToConnectionCommand } from '@aws-sdk/client-apigatewaymanagementapi';
import { marshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { makeWarningsPushHandler, changeOf } from '../../functions/warnings-push/handler';
import { ApiGatewayConnectionPusher } from '../../shared/adapters/apigateway/connectionPusher';
import { warningItem } from '../../shared/adapters/dynamodb/warnings';
import { MemoryWarningConnections } from '../../shared/adapters/memory/warnings';
import { createWarningPush } from '../../shared/app/warnings/push';
import { defaultThresholds } from '../../shared/config';
import { issueWarning, type StoredWarning } from '../../shared/domain/warnings/policy';
import { lambdaContext } from '../support/kinesis';
import { warningRequest } from '../contract/warnings.contract';

const management = mockClient(ApiGatewayManagementApiClient);

afterEach(() => {
  management.reset();
});

function stored(overrides: Partial<StoredWarning> = {}): StoredWarning {
  return { ...issueWarning(warningRequest({ buyerId: 'b-1' }), defaultThresholds.warnings)!, ...overrides };
}

type Image = NonNullable<NonNullable<DynamoDBRecord['dynamodb']>['NewImage']>;
const image = (item: Record<string, unknown>) => marshall(item, { removeUndefinedValues: true }) as unknown as Image;

function record(eventName: 'INSERT' | 'MODIFY' | 'REMOVE', before: StoredWarning | Record<string, unknown> | undefined, after: StoredWarning | Record<string, unknown> | undefined, sequence: string): DynamoDBRecord {
  const asItem = (x: StoredWarning | Record<string, unknown>) => ('message' in x && 'issuedAtMs' in x ? warningItem(x as StoredWarning) : x);
  return {
    eventName,
    eventSource: 'aws:dynamodb',
    dynamodb: {
      SequenceNumber: sequence,
      ...(before ? { OldImage: image(asItem(before)) } : {}),
      ...(after ? { NewImage: image(asItem(after)) } : {}),
    },
  };
}

async function connections(...ids: string[]) {
  const c = new MemoryWarningConnections();
  for (const id of ids) await c.add({ buyerId: 'b-1', connectionId: id, connectedAtMs: 0, expiresAtMs: 1 });
  return c;
}

describe('warning changes in the table\'s stream', () => {
  it('tells issue, renewal, read and withdrawal apart, and skips the rest', () => {
    const w = stored();
    const read = { ...w, status: 'read' as const, readAt: '2026-11-29T00:00:00.000Z' };
    const renewed = { ...read, status: 'unread' as const, issuedAtMs: w.issuedAtMs + 1, readAt: undefined };
    const withdrawn = { ...w, status: 'withdrawn' as const, withdrawnAt: '2026-11-29T00:00:00.000Z' };
    const rate = { buyerId: 'b-1', warningId: '#rate#0', kind: 'rate', issued: 3 };

    expect(changeOf(record('INSERT', undefined, w, '1'))?.kind).toBe('issued');
    expect(changeOf(record('MODIFY', w, read, '2'))?.kind).toBe('read');
    expect(changeOf(record('MODIFY', read, renewed, '3'))?.kind).toBe('issued');
    expect(changeOf(record('MODIFY', w, withdrawn, '4'))?.kind).toBe('withdrawn');
    expect(changeOf(record('MODIFY', w, w, '5'))).toBeUndefined();
    expect(changeOf(record('INSERT', undefined, rate, '6'))).toBeUndefined();
    expect(changeOf(record('REMOVE', w, undefined, '7'))).toBeUndefined();
  });
});

describe('warnings push', () => {
  it('sends the buyer view to each of the buyer\'s connections and forgets the gone ones', async () => {
    management.on(PostToConnectionCommand).resolves({});
    management.on(PostToConnectionCommand, { ConnectionId: 'c-gone' }).rejects(new GoneException({ message: 'Gone', $metadata: { httpStatusCode: 410 } }));
    const c = await connections('c-1', 'c-gone');
    const push = createWarningPush({ connections: c, pusher: new ApiGatewayConnectionPusher(new ApiGatewayManagementApiClient({ region: 'local' })) });
    const w = stored();

    const report = await push.deliver([{ kind: 'issued', warning: w }]);

    const sent = management.commandCalls(PostToConnectionCommand).map((call) => [call.args[0].input.ConnectionId, JSON.parse(Buffer.from(call.args[0].input.Data as Uint8Array).toString('utf8'))]);
    expect(report).toEqual({ sent: 1, gone: 1 });
    expect(sent).toContainEqual(['c-1', { type: 'warning.issued', warning: expect.objectContaining({ warningId: w.warningId, message: w.message, status: 'unread' }) }]);
    expect(JSON.stringify(sent)).not.toContain('sourceEventId');
    expect(await c.ofBuyer('b-1')).toEqual(['c-1']);
  });

  it('reports a record whose push failed for a retry, and goes on with the others', async () => {
    management.on(PostToConnectionCommand).rejectsOnce(new Error('throttled')).resolves({});
    const c = await connections('c-1');
    const handler = makeWarningsPushHandler({ push: createWarningPush({ connections: c, pusher: new ApiGatewayConnectionPusher(new ApiGatewayManagementApiClient({ region: 'local' })) }) });
    const event: DynamoDBStreamEvent = { Records: [record('INSERT', undefined, stored(), '100'), record('INSERT', undefined, stored(), '200')] };

    const response = await handler(event, lambdaContext);

    expect(response.batchItemFailures).toEqual([{ itemIdentifier: '100' }]);
    expect(management.commandCalls(PostToConnectionCommand)).toHaveLength(2);
  });
});
