/** The OpenOrders contract (open orders by SKU), run against the memory and Redis adapters. */
import { describe, expect, it } from 'vitest';
import type { OpenOrderLine, OpenOrders } from '../../shared/ports';

const DAY = 86_400_000;
const RETENTION = 30 * DAY;

function line(orderId: string, skuId: string, atMs: number, buyerId = `b-${orderId}`): OpenOrderLine {
  return { orderId, buyerId, merchantId: 'm-1', skuId, atMs };
}

export function describeOpenOrdersContract(adapter: string, make: () => Promise<OpenOrders>): void {
  describe(`OpenOrders contract: ${adapter}`, () => {
    it('lists the open orders on a SKU since a time, each at its earliest opening', async () => {
      const open = await make();
      await open.apply([line('o1', 'sku-a', 2_000), line('o2', 'sku-a', 1_000), line('o2', 'sku-b', 1_000)], [], RETENTION);
      await open.apply([line('o1', 'sku-a', 3_000), line('o1', 'sku-a', 1_500), line('o3', 'sku-a', 500)], [], RETENTION);

      const [a, since, b, none] = await open.bySku([
        { skuId: 'sku-a', sinceMs: 0 },
        { skuId: 'sku-a', sinceMs: 1_000 },
        { skuId: 'sku-b', sinceMs: 0 },
        { skuId: 'sku-z', sinceMs: 0 },
      ]);

      expect(a).toEqual([line('o3', 'sku-a', 500), line('o2', 'sku-a', 1_000), line('o1', 'sku-a', 1_500)]);
      expect(since!.map((l) => l.orderId)).toEqual(['o2', 'o1']);
      expect(b).toEqual([line('o2', 'sku-b', 1_000)]);
      expect(none).toEqual([]);
    });

    it('closes an order on every SKU, for good: a late opening event does not reopen it', async () => {
      const open = await make();
      await open.apply([line('o1', 'sku-a', 1_000), line('o1', 'sku-b', 1_000), line('o2', 'sku-a', 1_000)], [], RETENTION);

      await open.apply([], ['o1', 'o-never-seen'], RETENTION);
      await open.apply([line('o1', 'sku-a', 900), line('o-never-seen', 'sku-a', 900)], [], RETENTION);
      const [a, b] = await open.bySku([
        { skuId: 'sku-a', sinceMs: 0 },
        { skuId: 'sku-b', sinceMs: 0 },
      ]);

      expect(a!.map((l) => l.orderId)).toEqual(['o2']);
      expect(b).toEqual([]);
    });
  });
}
