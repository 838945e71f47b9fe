// The change of a subscription's prices and quantities as the change dialog edits it: one row
// per item (existing or new), turned into the `SubscriptionChangeInput` that the preview and
// the change both send, and a key telling whether a preview was made for the current inputs.
import type { ItemChange, ProrationChoice, SubscriptionChangeInput, SubscriptionDetail } from './bindings';

/** One item as the dialog edits it. */
export interface ChangeRow {
  /** Stable for the row's lifetime (the item id, or a made-up one for a new item). */
  key: string;
  /** The existing item (`si_…`), null for a new one. */
  itemId: string | null;
  /** Its price before the change (null for a new item). */
  originalPriceId: string | null;
  /** Its quantity before the change (null for a new item). */
  originalQuantity: number | null;
  priceId: string;
  quantity: number;
  removed: boolean;
}

/** The three ways to bill the difference, in plain words. */
export const PRORATION_CHOICES: Array<{ value: ProrationChoice; label: string; explanation: string }> = [
  {
    value: 'always_invoice',
    label: 'Prorate now',
    explanation: 'The difference for the rest of this period is invoiced and charged at once.',
  },
  {
    value: 'create_prorations',
    label: 'Prorate at next renewal',
    explanation: 'The difference for the rest of this period is added to the next invoice.',
  },
  { value: 'none', label: 'No proration', explanation: 'Nothing is billed for this period; the new prices apply from the next one.' },
];

/** The subscription's items as rows, unchanged. */
export function rowsOf(detail: SubscriptionDetail): ChangeRow[] {
  return detail.items.map((item) => ({
    key: item.id,
    itemId: item.id,
    originalPriceId: item.price_id,
    originalQuantity: item.quantity,
    priceId: item.price_id ?? '',
    quantity: item.quantity,
    removed: false,
  }));
}

/** What one row asks of Stripe; null when it changes nothing. */
function itemChange(row: ChangeRow): ItemChange | null {
  if (row.itemId === null) {
    return row.removed ? null : { item_id: null, price_id: row.priceId, quantity: row.quantity, deleted: false };
  }
  if (row.removed) return { item_id: row.itemId, price_id: null, quantity: null, deleted: true };
  const price = row.priceId !== row.originalPriceId ? row.priceId : null;
  const quantity = row.quantity !== row.originalQuantity ? row.quantity : null;
  if (price === null && quantity === null) return null;
  return { item_id: row.itemId, price_id: price, quantity, deleted: false };
}

/** The change the rows make, prorated from `prorationDate`. */
export function changeInput(rows: ChangeRow[], proration: ProrationChoice, prorationDate: number): SubscriptionChangeInput {
  const items = rows.map(itemChange).filter((item): item is ItemChange => item !== null);
  return { items, proration, proration_date: prorationDate };
}

/** Identifies a change apart from its proration date: equal keys ask the same of Stripe. */
export function changeKey(input: SubscriptionChangeInput): string {
  return JSON.stringify([input.items, input.proration]);
}

/** Now, kept within the current period (Stripe refuses a proration date outside it). */
export function prorationDateFor(detail: SubscriptionDetail, nowSeconds: number): number {
  let date = Math.floor(nowSeconds);
  if (detail.current_period_start !== null) date = Math.max(date, detail.current_period_start);
  if (detail.current_period_end !== null) date = Math.min(date, detail.current_period_end);
  return date;
}
