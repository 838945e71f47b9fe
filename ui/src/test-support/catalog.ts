// Catalog shapes for UI tests, each a plausible default that a test overrides.
import type { CopyPlan, PriceRow, ProductRow } from '../lib/bindings';

/** An active one-off EUR price of €450.00, tax exclusive. */
export function priceRow(overrides: Partial<PriceRow> = {}): PriceRow {
  return {
    id: 'price_1',
    product_id: 'prod_1',
    currency: 'eur',
    unit_amount: 45000,
    recurring_interval: null,
    recurring_interval_count: null,
    tax_behavior: 'exclusive',
    nickname: null,
    active: true,
    created: 1_799_000_000,
    ...overrides,
  };
}

/** A recurring EUR price: €50.00 every month unless overridden. */
export function recurringPrice(overrides: Partial<PriceRow> = {}): PriceRow {
  return priceRow({
    id: 'price_2',
    unit_amount: 5000,
    recurring_interval: 'month',
    recurring_interval_count: 1,
    tax_behavior: 'inclusive',
    ...overrides,
  });
}

/** An active product with one one-off price. */
export function productRow(overrides: Partial<ProductRow> = {}): ProductRow {
  return {
    id: 'prod_1',
    name: 'Workshop seat',
    description: 'One seat at the pre-conference workshop',
    active: true,
    credits: null,
    metadata: {},
    created: 1_799_000_000,
    updated: 1_799_000_000,
    prices: [priceRow()],
    ...overrides,
  };
}

/** A dry run with nothing to do unless overridden. */
export function copyPlan(overrides: Partial<CopyPlan> = {}): CopyPlan {
  return {
    products: [],
    actions: [],
    counts: {
      products_created: 0,
      products_updated: 0,
      products_archived: 0,
      products_unchanged: 0,
      prices_created: 0,
      prices_archived: 0,
      prices_updated: 0,
      requests: 0,
    },
    notes: [],
    digest: 'd0',
    ...overrides,
  };
}
