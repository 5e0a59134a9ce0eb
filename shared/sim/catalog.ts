/**
 * What the simulated marketplace sells and where its traffic comes from: categories with baseline
 * prices, the essential goods a declared emergency covers, address blocks per country, and review
 * phrases. Plain data, so a scenario reads as "who buys what, where from, at what price".
 */

export interface CategoryInfo {
  /** Typical unit price in minor units (fen). Each SKU varies around it. */
  basePrice: number;
  /** Goods people cannot do without: price gouging rules are stricter for them during an emergency. */
  essential: boolean;
  /** How people write about it in reviews. */
  noun: string;
}

export const CATEGORIES = {
  'health.masks': { basePrice: 3_990, essential: true, noun: '口罩' },
  'health.sanitiser': { basePrice: 2_590, essential: true, noun: '消毒液' },
  'health.medicine': { basePrice: 4_500, essential: true, noun: '退烧药' },
  'baby.formula': { basePrice: 26_800, essential: true, noun: '奶粉' },
  'grocery.water': { basePrice: 2_990, essential: true, noun: '矿泉水' },
  'grocery.snacks': { basePrice: 3_500, essential: false, noun: '零食' },
  'home.kitchen': { basePrice: 8_900, essential: false, noun: '锅' },
  'home.bedding': { basePrice: 19_900, essential: false, noun: '被子' },
  'beauty.skincare': { basePrice: 18_900, essential: false, noun: '面霜' },
  'fashion.apparel': { basePrice: 15_900, essential: false, noun: '衣服' },
  'fashion.shoes': { basePrice: 45_000, essential: false, noun: '鞋子' },
  'toys.games': { basePrice: 9_900, essential: false, noun: '玩具' },
  'sports.outdoor': { basePrice: 22_000, essential: false, noun: '帐篷' },
  'electronics.audio': { basePrice: 29_900, essential: false, noun: '耳机' },
  'electronics.phones': { basePrice: 499_900, essential: false, noun: '手机' },
  'electronics.laptops': { basePrice: 699_900, essential: false, noun: '笔记本电脑' },
  'digital.topup': { basePrice: 5_000, essential: false, noun: '话费充值' },
} as const satisfies Record<string, CategoryInfo>;

export type Category = keyof typeof CATEGORIES;

export const ALL_CATEGORIES = Object.keys(CATEGORIES) as Category[];
export const ESSENTIAL_CATEGORIES = ALL_CATEGORIES.filter((c) => CATEGORIES[c].essential);
/** Categories ordinary shops sell (digital top-ups are a platform service, used by card testers). */
export const SHOP_CATEGORIES = ALL_CATEGORIES.filter((c) => c !== 'digital.topup');
export const HIGH_VALUE_CATEGORIES: Category[] = ['electronics.phones', 'electronics.laptops'];

/** How often each category is bought, relative to the others (everyday goods more than laptops). */
export const CATEGORY_DEMAND: Record<Category, number> = {
  'health.masks': 3,
  'health.sanitiser': 2,
  'health.medicine': 2,
  'baby.formula': 2,
  'grocery.water': 4,
  'grocery.snacks': 6,
  'home.kitchen': 3,
  'home.bedding': 2,
  'beauty.skincare': 4,
  'fashion.apparel': 6,
  'fashion.shoes': 3,
  'toys.games': 3,
  'sports.outdoor': 2,
  'electronics.audio': 2,
  'electronics.phones': 0.6,
  'electronics.laptops': 0.3,
  'digital.topup': 0,
};

/**
 * First two octets of public address blocks allocated to each country (from the registries'
 * delegation files); the simulator draws the last two. `CN-DC` is a cloud provider's data-centre
 * range in China, where bots run.
 */
export const IP_BLOCKS = {
  CN: ['36.112', '58.246', '113.87', '183.14', '223.104', '111.30', '120.229', '117.136', '27.38', '114.84'],
  'CN-DC': ['47.242', '39.108', '8.134'],
  HK: ['203.198', '112.118'],
  SG: ['116.88', '183.90'],
  US: ['73.162', '98.207', '24.56'],
  RU: ['95.153', '178.176'],
  BR: ['177.45', '189.6'],
  NG: ['105.112', '102.89'],
  VN: ['14.161', '113.161'],
} as const satisfies Record<string, readonly string[]>;

export type IpRegion = keyof typeof IP_BLOCKS;

/** Where buyers live: mostly mainland China, some cross-border. */
export const BUYER_COUNTRIES: readonly [IpRegion, number][] = [
  ['CN', 0.95],
  ['HK', 0.025],
  ['SG', 0.015],
  ['US', 0.01],
];

export const DECLINE_REASONS = ['do_not_honor', 'insufficient_funds', 'incorrect_cvc', 'expired_card', 'invalid_account', 'pickup_card'] as const;

/** Review phrases by tone; a review joins one to three of them. */
export const REVIEW_PHRASES = {
  positive: [
    '质量很好，物流很快',
    '包装完好，跟描述一致',
    '性价比很高，会回购',
    '用了几天感觉不错',
    '东西不错，客服态度也好',
    '第二次购买了，一如既往的好',
    '家里人都说好',
    '发货速度快，第二天就到了',
    'Great quality, fast delivery',
    'Exactly as described, would buy again',
    'Good value for money',
    'Works as expected',
  ],
  neutral: ['一般般，还可以', '物流有点慢，东西还行', '和预期差不多', 'OK for the price', 'Packaging could be better'],
  negative: ['质量太差了，不推荐', '和图片不一样', '客服不理人', '收到就是坏的', 'Arrived damaged', 'Not what I ordered'],
} as const;

/** The fake-review ring's script: near-duplicates of one text, varied only by small edits. */
export const FAKE_REVIEW_TEMPLATE = '这家店的{noun}真的太好了，强烈推荐，五星好评！';
export const FAKE_REVIEW_EDITS: readonly ((text: string) => string)[] = [
  (t) => t,
  (t) => t.replace('！', '!!'),
  (t) => t.replace('真的', '真是'),
  (t) => t + '👍',
  (t) => t.replace('强烈推荐', '强烈推荐给大家'),
  (t) => t.replace('，', ','),
  (t) => t.replace('五星好评', '好评五星'),
  (t) => t + '会回购的',
];
