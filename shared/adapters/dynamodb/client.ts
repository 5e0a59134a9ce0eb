/** The DynamoDB document client every DynamoDB adapter takes: built once per cold start or local run. */
import { DynamoDBClient, type DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/** Emulators accept any signed request; the region and keys only have to be present. */
export const EMULATOR_REGION = 'local';
export const EMULATOR_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' } as const;

export interface DocumentClientOptions {
  /** An emulator's URL (dynalite); when set, the region defaults to 'local' and credentials to dummies. */
  endpoint?: string;
  region?: string;
  credentials?: DynamoDBClientConfig['credentials'];
}

/**
 * Without options the SDK's default chain applies (in Lambda: AWS_REGION and the role's credentials).
 * Undefined attributes are dropped rather than rejected, so optional fields need no special casing.
 */
export function createDocumentClient(options: DocumentClientOptions = {}): DynamoDBDocumentClient {
  const local = options.endpoint !== undefined;
  const config: DynamoDBClientConfig = {};
  if (local) config.endpoint = options.endpoint;
  const region = options.region ?? (local ? EMULATOR_REGION : undefined);
  if (region !== undefined) config.region = region;
  const credentials = options.credentials ?? (local ? EMULATOR_CREDENTIALS : undefined);
  if (credentials !== undefined) config.credentials = credentials;
  return DynamoDBDocumentClient.from(new DynamoDBClient(config), {
    marshallOptions: { removeUndefinedValues: true },
  });
}
