/**
 * ConnectionPusher on API Gateway's @connections management API (PostToConnection). The endpoint is
 * the WebSocket stage's callback URL, `https://{apiId}.execute-api.{region}.amazonaws.com/{stage}`
 * in AWS, or the embedded WebSocket gateway's URL locally (shared/local/websocketGateway.ts serves
 * the same API).
 */
import { ApiGatewayManagementApiClient, PostToConnectionCommand, type ApiGatewayManagementApiClientConfig } from '@aws-sdk/client-apigatewaymanagementapi';
import type { ConnectionPusher } from '../../ports';

export function createManagementClient(endpoint: string, config: Omit<ApiGatewayManagementApiClientConfig, 'endpoint'> = {}): ApiGatewayManagementApiClient {
  return new ApiGatewayManagementApiClient({ ...config, endpoint });
}

export class ApiGatewayConnectionPusher implements ConnectionPusher {
  constructor(private readonly client: ApiGatewayManagementApiClient) {}

  async post(connectionId: string, message: string): Promise<'sent' | 'gone'> {
    try {
      await this.client.send(new PostToConnectionCommand({ ConnectionId: connectionId, Data: Buffer.from(message, 'utf8') }));
      return 'sent';
    } catch (error) {
      if (isGone(error)) return 'gone';
      throw error;
    }
  }
}

/** 410 Gone: the client went away without a $disconnect the table heard of. Checked by name and status, not class. */
function isGone(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  return error.name === 'GoneException' || status === 410;
}
