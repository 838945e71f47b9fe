// Typed calls of the coupon commands (the list reads the cache; a new coupon goes to Stripe
// through the operations journal), how a coupon reads, and the new-coupon form's checks.
// Percentages travel as basis points (25.5 % = 2550): no float ever reaches Rust.
import { call } from './api';
import type { CouponRow, NewCouponInput } from './bindings';
import { formatDate, formatMoney } from './format';
import { endOfDay } from './invoice-form';
import { parseMajor } from './po';

/** One wrapper per coupon command, named as the command. */
export const couponApi = {
  /** The account's cached coupons, valid ones first. */
  list_coupons: (accountId: string) => call<CouponRow[]>('list_coupons', { accountId }),
  /** A `validation` error means nothing was sent. */
  create_coupon: (accountId: string, input: NewCouponInput) => call<CouponRow>('create_coupon', { accountId, input }),
};

/** 2550 → "25.5 %". */
export function percentLabel(basisPoints: number): string {
  const whole = Math.trunc(basisPoints / 100);
  const part = basisPoints % 100;
  const decimals = part === 0 ? '' : part % 10 === 0 ? `.${part / 10}` : `.${String(part).padStart(2, '0')}`;
  return `${whole}${decimals} %`;
}

/** What it takes off: "25.5 % off" or "€50.00 off". */
export function couponValue(coupon: Pick<CouponRow, 'percent_off_bp' | 'amount_off' | 'currency'>): string {
  if (coupon.percent_off_bp !== null) return `${percentLabel(coupon.percent_off_bp)} off`;
  if (coupon.amount_off !== null) return `${formatMoney(coupon.amount_off, coupon.currency ?? 'usd')} off`;
  return '';
}

/** For how long: "once", "for 3 months", "forever". */
export function couponDuration(coupon: Pick<CouponRow, 'duration' | 'duration_in_months'>): string {
  if (coupon.duration === 'repeating') {
    const months = coupon.duration_in_months ?? 1;
    return `for ${months} ${months === 1 ? 'month' : 'months'}`;
  }
  return coupon.duration === 'once' ? 'once' : 'forever';
}

/** The whole coupon in one line: "Early bird: 25.5 % off for 3 months". */
export function couponLabel(coupon: CouponRow): string {
  return `${coupon.name ?? coupon.id}: ${couponValue(coupon)} ${couponDuration(coupon)}`;
}

/** Why a coupon can no longer be used, or how much use is left. */
export function couponLimits(coupon: CouponRow): string {
  if (!coupon.valid) return 'No longer redeemable';
  const parts: string[] = [];
  if (coupon.max_redemptions !== null) parts.push(`${coupon.times_redeemed} of ${coupon.max_redemptions} used`);
  else parts.push(`${coupon.times_redeemed} used`);
  if (coupon.redeem_by !== null) parts.push(`until ${formatDate(coupon.redeem_by)}`);
  return parts.join(', ');
}

/** Whether Stripe would take the coupon on something billed in `currency` with these products. */
export function couponFits(coupon: CouponRow, currency: string, productIds: string[]): boolean {
  if (!coupon.valid) return false;
  if (coupon.amount_off !== null && coupon.currency?.toLowerCase() !== currency.toLowerCase()) return false;
  if (coupon.applies_to_products.length > 0 && !productIds.some((id) => coupon.applies_to_products.includes(id))) return false;
  return true;
}

/** Every new-coupon field as typed. */
export interface CouponDraft {
  name: string;
  kind: 'percent' | 'amount';
  percent: string;
  amount: string;
  currency: string;
  duration: 'once' | 'repeating' | 'forever';
  months: string;
  maxRedemptions: string;
  redeemBy: string;
}

/** An empty draft: a percentage, once, in the account's currency for an amount. */
export function emptyCoupon(currency: string): CouponDraft {
  return { name: '', kind: 'percent', percent: '', amount: '', currency, duration: 'once', months: '3', maxRedemptions: '', redeemBy: '' };
}

/** "25.5" → 2550; null when not a percentage with at most two decimals in (0, 100]. */
export function parsePercent(text: string): number | null {
  const match = /^(\d{1,3})(?:[.,](\d{1,2}))?$/.exec(text.trim().replace(/\s*%$/, ''));
  if (!match) return null;
  const basisPoints = Number(match[1]) * 100 + Number((match[2] ?? '').padEnd(2, '0'));
  return basisPoints >= 1 && basisPoints <= 10_000 ? basisPoints : null;
}

/** What is wrong with the draft, by field; empty when it can be sent. */
export function couponProblems(draft: CouponDraft, nowSeconds: number): Record<string, string> {
  const problems: Record<string, string> = {};
  const name = draft.name.trim();
  if (!name || name.length > 40) problems.name = 'A name of 1 to 40 characters; customers see it on invoices';
  if (draft.kind === 'percent' && parsePercent(draft.percent) === null) problems.percent = 'A percentage above 0 and at most 100, like 15 or 12.5';
  if (draft.kind === 'amount') {
    if (!/^[a-z]{3}$/i.test(draft.currency.trim())) problems.currency = 'A three-letter currency code, like EUR';
    else {
      const parsed = parseMajor(draft.amount, draft.currency.trim().toLowerCase());
      if (parsed.error) problems.amount = parsed.error;
      else if (!parsed.minor) problems.amount = 'More than zero';
    }
  }
  if (draft.duration === 'repeating') {
    const months = /^\d{1,2}$/.test(draft.months.trim()) ? Number(draft.months.trim()) : 0;
    if (months < 1 || months > 36) problems.months = 'Between 1 and 36 months';
  }
  if (draft.maxRedemptions.trim() && !/^[1-9]\d{0,6}$/.test(draft.maxRedemptions.trim())) problems.maxRedemptions = 'A whole number of at least 1, or empty';
  if (draft.redeemBy.trim()) {
    const until = endOfDay(draft.redeemBy);
    if (until === null || until <= nowSeconds) problems.redeemBy = 'A day from today on, or empty';
  }
  return problems;
}

/** The input Rust receives; only call once `couponProblems` is empty. */
export function couponInputOf(draft: CouponDraft): NewCouponInput {
  const currency = draft.currency.trim().toLowerCase();
  return {
    name: draft.name.trim(),
    value:
      draft.kind === 'percent'
        ? { kind: 'percent', basis_points: parsePercent(draft.percent) ?? 0 }
        : { kind: 'amount', amount: parseMajor(draft.amount, currency).minor ?? 0, currency },
    duration: draft.duration,
    duration_in_months: draft.duration === 'repeating' ? Number(draft.months.trim()) : null,
    max_redemptions: draft.maxRedemptions.trim() ? Number(draft.maxRedemptions.trim()) : null,
    redeem_by: draft.redeemBy.trim() ? endOfDay(draft.redeemBy) : null,
    applies_to_products: [],
  };
}
