/**
 * An in-process dynalite for one test file: started before its tests and closed after, with the
 * real SDK clients pointed at it. Read the fields inside tests or hooks (they are set by beforeAll).
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll } from 'vitest';
import { createDocumentClient } from '../../shared/adapters/dynamodb/client';
import { localDynamoClient } from '../../shared/local/clients';
import { startDynalite, type RunningEmulator } from '../../shared/local/emulators';

export interface LocalDynamo {
  emulator: RunningEmulator;
  dynamo: DynamoDBClient;
  documents: DynamoDBDocumentClient;
}

export function useDynalite(): LocalDynamo {
  const local = {} as LocalDynamo;
  beforeAll(async () => {
    local.emulator = await startDynalite();
    local.dynamo = localDynamoClient(local.emulator.endpoint);
    local.documents = createDocumentClient({ endpoint: local.emulator.endpoint });
  });
  afterAll(async () => {
    local.documents?.destroy();
    local.dynamo?.destroy();
    await local.emulator?.close();
  });
  return local;
}
