import { createMemoryFeatureStore } from '../../shared/adapters/memory/featureStore';
import { describeFeatureStoreContract } from './featureStore.contract';

describeFeatureStoreContract('memory', async () => createMemoryFeatureStore());
