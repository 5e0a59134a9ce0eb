/**
 * What a buyer is told about their report, in Chinese and English: its acknowledgement while open and
 * its outcome once decided. One place for the texts the buyer's report list and the outcome notice
 * (a buyer warning of type `report_outcome`) both show. Pure, and free of Node modules.
 */
import type { ViolationType } from '../records';

export type ReportOutcome = 'open' | 'upheld' | 'dismissed';

/** What each report category is called, for buyers and analysts alike. */
export const REPORT_CATEGORY_NAMES: Record<ViolationType, { zh: string; en: string }> = {
  fake_orders: { zh: '刷单', en: 'fake orders' },
  fake_reviews: { zh: '虚假评价', en: 'fake reviews' },
  price_gouging: { zh: '哄抬价格', en: 'price gouging' },
  suspicious_payments: { zh: '支付欺诈', en: 'payment fraud' },
};

/** `dueAt` (ISO) is shown while the report is open. An unknown category is named generically. */
export function reportOutcomeText(category: string, outcome: ReportOutcome, dueAt?: string): { zh: string; en: string } {
  const name = REPORT_CATEGORY_NAMES[category as ViolationType] ?? { zh: '违规', en: 'a violation' };
  switch (outcome) {
    case 'open': {
      const due = dueAt === undefined ? '' : dueAt.slice(0, 16).replace('T', ' ');
      return { zh: `我们已收到您关于${name.zh}的举报，将于 ${due} (UTC) 前处理并告知结果。`, en: `We received your report of ${name.en} and will handle it by ${due} UTC.` };
    }
    case 'upheld':
      return { zh: `您关于${name.zh}的举报经核实成立，已记入该商家的违规记录。感谢您的举报。`, en: `Your report of ${name.en} was upheld and recorded against the shop. Thank you for reporting it.` };
    case 'dismissed':
      return { zh: `经核查，您关于${name.zh}的举报暂未发现违规。如有新的证据，欢迎再次举报。`, en: `We looked into your report of ${name.en} and found no violation. If you have new evidence, report it again.` };
  }
}
