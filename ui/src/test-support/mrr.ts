// MRR report fixtures for UI tests: months with every field, built from a few numbers.
import type { MrrMonth, MrrReport, Rate } from '../lib/bindings';

export function rate(numerator: number, denominator: number, basis_points: number | null): Rate {
  return { numerator, denominator, basis_points };
}

/** A month where nothing moved, at `mrr`, unless overridden. */
export function mrrMonth(month: string, mrr: number, overrides: Partial<MrrMonth> = {}): MrrMonth {
  return {
    month,
    mrr_at_start: mrr,
    mrr,
    new: 0,
    expansion: 0,
    contraction: 0,
    churn: 0,
    reactivation: 0,
    net: 0,
    subscriptions: 1,
    customers: 1,
    customers_at_start: 1,
    churned_customers: 0,
    new_customers: 0,
    arpa: mrr,
    churn_rate: rate(0, 1, 0),
    gross_mrr_churn: rate(0, mrr, mrr ? 0 : null),
    net_mrr_churn: rate(0, mrr, mrr ? 0 : null),
    ...overrides,
  };
}

/** Two months of EUR (the second as the hand-worked test's month 2) and one of USD. */
export function mrrReport(overrides: Partial<MrrReport> = {}): MrrReport {
  return {
    account_id: null,
    from_month: '2026-01',
    to_month: '2026-02',
    discounts: 'forever',
    currencies: [
      {
        currency: 'eur',
        months: [
          mrrMonth('2026-01', 45_600, { mrr_at_start: 0, new: 45_600, net: 45_600, subscriptions: 9, customers: 8, customers_at_start: 0, new_customers: 8, arpa: 5700, churn_rate: rate(0, 8, 0), gross_mrr_churn: rate(0, 0, null), net_mrr_churn: rate(0, 0, null) }),
          mrrMonth('2026-02', 49_000, {
            mrr_at_start: 45_600, new: 5000, expansion: 5400, contraction: 2000, churn: 5000, net: 3400, subscriptions: 9, customers: 8,
            customers_at_start: 8, churned_customers: 1, new_customers: 1, arpa: 6125,
            churn_rate: rate(1, 9, 1111), gross_mrr_churn: rate(7000, 45_600, 1535), net_mrr_churn: rate(1600, 45_600, 351),
          }),
        ],
      },
      { currency: 'usd', months: [mrrMonth('2026-01', 0, { customers: 0, arpa: null }), mrrMonth('2026-02', 999, { mrr_at_start: 0, new: 999, net: 999 })] },
    ],
    ...overrides,
  };
}
