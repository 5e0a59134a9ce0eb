import {
  MemoryBuyerIdentityLinks,
  MemoryMerchantRegistry,
  MemoryPenaltyApprovals,
  MemoryPenaltyAudit,
  MemoryPenaltyCases,
} from '../../shared/adapters/memory/penalties';
import { describePenaltyStoresContract } from './penalties.contract';

describePenaltyStoresContract('memory', async () => ({
  cases: new MemoryPenaltyCases(),
  audit: new MemoryPenaltyAudit(),
  approvals: new MemoryPenaltyApprovals(),
  buyerLinks: new MemoryBuyerIdentityLinks(),
  registry: async (seed) => new MemoryMerchantRegistry(seed),
}));
