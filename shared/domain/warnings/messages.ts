/**
 * Buyer-facing warning texts, in Chinese and English, with the numbers that matter to a buyer and
 * nothing about which rule fired or how (that would teach a fraudster what to avoid). Pure.
 */
import type { WarningRequest, WarningType } from '../records';
import { reportOutcomeText, type ReportOutcome } from '../reports/messages';

export type Language = 'zh' | 'en';
export type Messages = Record<Language, string>;

function money(minor: unknown, currency: unknown, language: Language): string {
  const amount = Number(minor) / 100;
  const code = typeof currency === 'string' ? currency : 'CNY';
  try {
    return new Intl.NumberFormat(language === 'zh' ? 'zh-CN' : 'en-US', { style: 'currency', currency: code }).format(amount);
  } catch {
    return `${amount.toFixed(2)} ${code}`;
  }
}

const TEMPLATES: Record<WarningType, (p: WarningRequest['params'], language: Language) => string> = {
  price_gouging: (p, l) =>
    l === 'zh'
      ? `该商品当前价格是平时售价的 ${p.ratio} 倍（平时约 ${money(p.baseline, p.currency, l)}，此处为 ${money(p.unitPrice, p.currency, l)}），请谨慎购买。`
      : `This price is ${p.ratio} times what this item usually sells for (usually about ${money(p.baseline, p.currency, l)}, here ${money(p.unitPrice, p.currency, l)}).`,
  payment_not_by_owner: (p, l) =>
    l === 'zh'
      ? `您的账户有一笔 ${money(p.amount, p.currency, l)} 的付款看起来不是您本人操作。如非本人操作，请立即修改密码并联系客服。`
      : `A payment of ${money(p.amount, p.currency, l)} on your account looks like it was not made by you. If it wasn't you, change your password and contact us.`,
  merchant_restricted: (_p, l) =>
    l === 'zh' ? '该店铺因违反平台规则正受到处罚限制，请谨慎交易。' : 'This shop is restricted for breaking platform rules. Consider buying elsewhere.',
  reviews_manipulated: (_p, l) =>
    l === 'zh' ? '该商品的评价疑似被操纵，请谨慎参考。' : 'Reviews of this product look manipulated; read them with care.',
  // Not a risk: the outcome of the buyer's own report (投诉与举报), delivered like a warning.
  report_outcome: (p, l) => reportOutcomeText(String(p.category), String(p.outcome) as ReportOutcome)[l],
};

export function renderWarning(warning: Pick<WarningRequest, 'type' | 'params'>): Messages {
  const template = TEMPLATES[warning.type];
  return { zh: template(warning.params, 'zh'), en: template(warning.params, 'en') };
}
