// Typed calls of the MRR report commands (all read the cache; none asks Stripe), the default
// month range, and how rates read. Rates travel as whole basis points (11.11 % = 1111).
import { call } from './api';
import type { DiscountMode, MrrNowRow, MrrReport } from './bindings';

/** One wrapper per command, named as the command. `accountId` null means every account. */
export const mrrApi = {
  /** A `validation` error names the month that is wrong, or the range. */
  mrr_report: (accountId: string | null, fromMonth: string, toMonth: string) =>
    call<MrrReport>('mrr_report', { accountId, fromMonth, toMonth }),
  mrr_now: (accountId: string | null) => call<MrrNowRow[]>('mrr_now', { accountId }),
  get_mrr_discounts: () => call<DiscountMode>('get_mrr_discounts', {}),
  set_mrr_discounts: (mode: DiscountMode) => call<null>('set_mrr_discounts', { mode }),
};

/** `YYYY-MM` of a date, in UTC as the report's months are. */
export function monthOf(date: Date): string {
  return `${date.getUTCFullYear()}-${String(date.getUTCMonth() + 1).padStart(2, '0')}`;
}

/** The last `count` months up to the one `now` is in: the report's default range. */
export function lastMonths(now: Date, count = 12): { from: string; to: string } {
  const from = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - (count - 1), 1));
  return { from: monthOf(from), to: monthOf(now) };
}

/** 1111 → "11.11 %", −351 → "−3.51 %"; null (nothing to divide by) → "—". */
export function rateLabel(basisPoints: number | null): string {
  if (basisPoints === null) return '—';
  const sign = basisPoints < 0 ? '−' : '';
  const abs = Math.abs(basisPoints);
  return `${sign}${Math.trunc(abs / 100)}.${String(abs % 100).padStart(2, '0')} %`;
}

/** What the report's help says about the definition and where others count differently. */
export const MRR_HELP = {
  definition:
    'MRR follows Stripe Billing: subscriptions that are active or past due, each item normalized to a month ' +
    '(a yearly price counts 1/12, every 3 months 1/3, a week 52/12), times its quantity. Trials, free plans and ' +
    'metered items add nothing. Forever coupons lower MRR; once and repeating coupons do not. A subscription ' +
    'churns when it is canceled or turns unpaid. Months are calendar months in UTC; currencies are never converted.',
  movements:
    'A customer whose MRR goes from 0 up is new the first time and a reactivation after that; up or down while ' +
    'paying is expansion or contraction; down to 0 is churn. Changes in the same second are netted first.',
  others:
    'ChartMogul and Baremetrics count every discount while it applies (Settings → MRR discounts offers that) and ' +
    'can count a past-due subscription as churned after some days; here a past-due subscription counts until ' +
    'Stripe cancels it or it turns unpaid.',
  allAccounts:
    'All accounts adds the accounts up per currency: a customer belongs to one account, so the same person in ' +
    'two accounts counts twice.',
};
