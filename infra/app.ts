/**
 * CDK entry point (cdk.json: `npx tsx infra/app.ts`). Synthesizes offline with the local esbuild:
 * `CDK_DISABLE_CLI_TELEMETRY=true npm run synth`.
 */
import { App } from 'aws-cdk-lib';
import { buildRiskline } from './riskline';

buildRiskline(new App());
