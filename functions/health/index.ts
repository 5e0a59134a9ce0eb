/**
 * Composition root of the health Lambda. In AWS it reports liveness only: a dependency check needs
 * the dependency's grant, and each is added here when a function of the API is given one.
 */
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { makeHealthHandler } from './handler';

export const handler: (event: APIGatewayProxyEventV2, context: Context) => Promise<APIGatewayProxyStructuredResultV2> = makeHealthHandler({
  service: 'riskline',
  version: process.env.RISKLINE_VERSION ?? 'unversioned',
});
