import { MemoryReportStore } from '../../shared/adapters/memory/reports';
import { describeReportStoreContract } from './reports.contract';

describeReportStoreContract('memory', async () => new MemoryReportStore());
