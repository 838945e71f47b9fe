// Prices as people read and type them: "€50.00 / month", "€150.00 every 3 months", and the
// price form's fields turned into the `PriceInput` Rust checks again. Amounts are typed in major
// units and read digit by digit (`parseMajor`), never through floats.
import type { PriceInput, PriceRow } from './bindings';
import { formatMoney } from './format';
import { parseMajor } from './po';

/** The intervals Stripe renews on. */
export const INTERVALS = ['day', 'week', 'month', 'year'] as const;
export type Interval = (typeof INTERVALS)[number];

/** Stripe's longest renewal period is one year: this many of each interval. */
export const MAX_INTERVAL_COUNT: Record<Interval, number> = { day: 365, week: 52, month: 12, year: 1 };

/** How tax applies to a price, in the order the form offers them. */
export const TAX_BEHAVIORS = ['unspecified', 'exclusive', 'inclusive'] as const;

const TAX_LABELS: Record<string, string> = {
  inclusive: 'tax inclusive',
  exclusive: 'tax exclusive',
  unspecified: 'tax unspecified',
};

/** Every price form field as typed. */
export interface PriceDraft {
  currency: string;
  amount: string;
  /** `once` for a one-off price, else an interval. */
  interval: 'once' | Interval;
  count: string;
  tax_behavior: string;
  nickname: string;
}

/** An empty draft in the account's currency: one-off, tax unspecified. */
export function emptyPrice(currency: string): PriceDraft {
  return { currency, amount: '', interval: 'once', count: '1', tax_behavior: 'unspecified', nickname: '' };
}

/** The draft of an existing price, as a starting point for the one that replaces it. */
export function priceDraftOf(price: PriceRow, amount: string): PriceDraft {
  const interval = INTERVALS.find((each) => each === price.recurring_interval) ?? 'once';
  return {
    currency: price.currency,
    amount,
    interval,
    count: String(price.recurring_interval_count ?? 1),
    tax_behavior: price.tax_behavior ?? 'unspecified',
    nickname: price.nickname ?? '',
  };
}

/** `"1,250.00"` for 125000 in EUR: what the amount field starts with when a price is replaced. */
export function amountText(minor: number, currency: string): string {
  return formatMoney(minor, currency, 'en-US').replace(/[^\d.,]/g, '');
}

/** What is wrong with the draft, by field; empty when it can be sent. */
export function priceProblems(draft: PriceDraft): Record<string, string> {
  const problems: Record<string, string> = {};
  const currency = draft.currency.trim().toLowerCase();
  if (!/^[a-z]{3}$/.test(currency)) problems.currency = 'A three-letter currency code, like EUR';
  if (draft.amount.trim().startsWith('-')) problems.amount = 'A price cannot be negative';
  else {
    const parsed = parseMajor(draft.amount, currency || 'usd');
    if (parsed.error) problems.amount = parsed.error;
  }
  if (draft.interval !== 'once') {
    const max = MAX_INTERVAL_COUNT[draft.interval];
    const count = /^\d{1,3}$/.test(draft.count.trim()) ? Number(draft.count.trim()) : 0;
    if (count < 1 || count > max) {
      problems.count = `Between 1 and ${max} ${draft.interval}s (at most a year)`;
    }
  }
  if (draft.nickname.trim().length > 250) problems.nickname = 'At most 250 characters';
  return problems;
}

/** The input Rust receives; only call once `priceProblems` is empty. */
export function priceInputOf(draft: PriceDraft): PriceInput {
  const currency = draft.currency.trim().toLowerCase();
  const parsed = parseMajor(draft.amount, currency);
  const nickname = draft.nickname.trim();
  return {
    currency,
    unit_amount: parsed.minor ?? 0,
    recurring: draft.interval === 'once' ? null : { interval: draft.interval, interval_count: Number(draft.count.trim()) },
    tax_behavior: draft.tax_behavior || null,
    nickname: nickname || null,
  };
}

/** How often it renews: "/ month", "every 3 months", or "one-off". */
export function cadence(interval: string | null, count: number | null): string {
  if (!interval) return 'one-off';
  const times = count ?? 1;
  return times === 1 ? `/ ${interval}` : `every ${times} ${interval}s`;
}

/** A price as one line: "€50.00 / month", "€150.00 every 3 months", "€450.00". */
export function priceLabel(price: Pick<PriceRow, 'unit_amount' | 'currency' | 'recurring_interval' | 'recurring_interval_count'>): string {
  const amount = price.unit_amount === null ? 'Custom amount' : formatMoney(price.unit_amount, price.currency);
  return price.recurring_interval ? `${amount} ${cadence(price.recurring_interval, price.recurring_interval_count)}` : amount;
}

/** "tax inclusive", "tax exclusive", "tax unspecified"; nothing when Stripe says nothing. */
export function taxLabel(behavior: string | null): string | null {
  return behavior ? (TAX_LABELS[behavior] ?? `tax ${behavior}`) : null;
}

/** The label of the price a valid draft would create. */
export function draftLabel(draft: PriceDraft): string {
  const input = priceInputOf(draft);
  return priceLabel({
    unit_amount: input.unit_amount,
    currency: input.currency,
    recurring_interval: input.recurring?.interval ?? null,
    recurring_interval_count: input.recurring?.interval_count ?? null,
  });
}

/** What replacing a price does, said before anything is sent. */
export const REPLACE_EXPLANATION =
  'Stripe prices cannot be changed: Billfold creates a new price and archives this one; existing subscriptions keep the old price.';
