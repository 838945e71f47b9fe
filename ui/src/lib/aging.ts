// The accounts-receivable aging summary as bars: one per bucket of days past due, each sized
// against the largest bucket of the same currency (currencies are never added together).
import type { AgingBucket } from './bindings';

/** The buckets in the order the chart shows them, as named in the Rust summary. */
export const AGING_KEYS = ['current', 'days_1_30', 'days_31_60', 'days_61_90', 'days_over_90'] as const;

export type AgingKey = (typeof AGING_KEYS)[number];

const LABELS: Record<AgingKey, string> = {
  current: 'Current',
  days_1_30: '1–30 days',
  days_31_60: '31–60 days',
  days_61_90: '61–90 days',
  days_over_90: '90+ days',
};

/** One bar of the chart. */
export interface AgingBar {
  key: AgingKey;
  label: string;
  /** Open balance in the bucket, minor units. */
  amount: number;
  /** Height as a share of the tallest bar, 0–1. */
  share: number;
  /** Past due (every bucket but "current"). */
  overdue: boolean;
}

/** The five bars of one currency's summary. */
export function agingBars(bucket: AgingBucket): AgingBar[] {
  const largest = Math.max(0, ...AGING_KEYS.map((key) => bucket[key]));
  return AGING_KEYS.map((key) => ({
    key,
    label: LABELS[key],
    amount: bucket[key],
    share: largest > 0 ? bucket[key] / largest : 0,
    overdue: key !== 'current',
  }));
}
