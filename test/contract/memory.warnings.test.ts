import { MemoryWarningConnections, MemoryWarningStore } from '../../shared/adapters/memory/warnings';
import { describeWarningConnectionsContract, describeWarningStoreContract } from './warnings.contract';

describeWarningStoreContract('memory', async () => new MemoryWarningStore());
describeWarningConnectionsContract('memory', async () => new MemoryWarningConnections());
