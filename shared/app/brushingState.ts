/** The current brushing verdict of shops, read from the feature store's windows and orders. */
import { mergeSpans, verdictFromWindows, type ShopBrushingVerdict } from '../domain/brushing/windows';
import type { BrushingFeatures } from '../ports';

export async function shopVerdicts(features: BrushingFeatures, shopIds: readonly string[]): Promise<Map<string, ShopBrushingVerdict>> {
  const windows = await features.windows(shopIds.map((shopId) => ({ shopId })));
  const periodsPerShop = windows.map((w) => mergeSpans(w));
  const queries = shopIds.flatMap((shopId, n) => periodsPerShop[n]!.map((p) => ({ shopId, fromMs: p.startMs, toMs: p.endMs })));
  const snapshots = await features.readOrders(queries);
  const verdicts = new Map<string, ShopBrushingVerdict>();
  let q = 0;
  shopIds.forEach((shopId, n) => {
    const orders = snapshots.slice(q, q + periodsPerShop[n]!.length).flatMap((s) => s.orders);
    q += periodsPerShop[n]!.length;
    verdicts.set(shopId, verdictFromWindows(windows[n]!, orders));
  });
  return verdicts;
}
