/** The risk-score benchmark's server process (see riskScore.ts). Usage: riskScoreServer.ts scored|constant <redisUrl> <prefix> */
import { serveRiskScore } from './riskScore';

const [mode, redisUrl, prefix] = process.argv.slice(2);
if ((mode !== 'scored' && mode !== 'constant') || !redisUrl || !prefix) {
  console.error('usage: riskScoreServer.ts scored|constant <redisUrl> <prefix>');
  process.exit(2);
}
await serveRiskScore(mode, redisUrl, prefix);
