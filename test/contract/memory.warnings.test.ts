import { MemoryOpenOrders, MemoryWarningConnections, MemoryWarningStore } from '../../shared/adapters/memory/warnings';
import { describeOpenOrdersContract } from './openOrders.contract';
import { describeWarningConnectionsContract, describeWarningStoreContract } from './warnings.contract';

describeWarningStoreContract('memory', async () => new MemoryWarningStore());
describeWarningConnectionsContract('memory', async () => new MemoryWarningConnections());
describeOpenOrdersContract('memory', async () => new MemoryOpenOrders());
