import { MemoryBacktestJobs, MemoryConfigAuditLog, MemoryConfigStore, MemoryShadowResults } from '../../shared/adapters/memory/config';
import { describeConfigContract } from './configStore.contract';

describeConfigContract('memory', async () => ({
  store: new MemoryConfigStore(),
  audit: new MemoryConfigAuditLog(),
  shadow: new MemoryShadowResults(),
  jobs: new MemoryBacktestJobs(),
}));
