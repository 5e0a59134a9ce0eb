/** SDK clients pointed at the embedded emulators (see emulators.ts). */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { KinesisClient } from '@aws-sdk/client-kinesis';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { EMULATOR_CREDENTIALS, EMULATOR_REGION } from '../adapters/dynamodb/client';

export function localDynamoClient(endpoint: string): DynamoDBClient {
  return new DynamoDBClient({ endpoint, region: EMULATOR_REGION, credentials: EMULATOR_CREDENTIALS });
}

/**
 * The Kinesis client defaults to an HTTP/2 handler, which kinesalite (HTTP/1.1 only) cannot answer;
 * the HTTP/1.1 handler fixes that. Address streams by StreamName: kinesalite knows no StreamARN.
 */
export function localKinesisClient(endpoint: string): KinesisClient {
  return new KinesisClient({
    endpoint,
    region: EMULATOR_REGION,
    credentials: EMULATOR_CREDENTIALS,
    requestHandler: new NodeHttpHandler(),
  });
}
