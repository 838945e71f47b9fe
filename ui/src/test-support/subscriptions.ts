// Subscription shapes for UI tests, each a plausible default that a test overrides.
import type {
  CouponRow,
  CustomerRow,
  RecurringPrice,
  SubscriptionDetail,
  SubscriptionItemView,
  SubscriptionRow,
  UpcomingInvoice,
} from '../lib/bindings';

/** An active USD subscription of the Ferris Foundation at $99.00 a month unless overridden. */
export function subscriptionRow(overrides: Partial<SubscriptionRow> = {}): SubscriptionRow {
  return {
    id: 'sub_1',
    customer_id: 'cus_1',
    customer_name: 'Ferris Foundation',
    customer_email: 'ap@ferris.example',
    status: 'active',
    currency: 'usd',
    mrr: 9900,
    next_renewal: 1_800_000_000,
    cancel_at_period_end: false,
    trial_end: null,
    created: 1_799_000_000,
    ...overrides,
  };
}

/** Two seats of the $49.50 monthly "Team plan" unless overridden. */
export function subscriptionItem(overrides: Partial<SubscriptionItemView> = {}): SubscriptionItemView {
  return {
    id: 'si_1',
    price_id: 'price_team',
    product_id: 'prod_team',
    product_name: 'Team plan',
    quantity: 2,
    unit_amount: 4950,
    currency: 'usd',
    interval: 'month',
    interval_count: 1,
    ...overrides,
  };
}

/** The active subscription of `subscriptionRow` in full, offering pause and both cancels. */
export function subscriptionDetail(overrides: Partial<SubscriptionDetail> = {}): SubscriptionDetail {
  return {
    id: 'sub_1',
    status: 'active',
    customer_id: 'cus_1',
    customer_name: 'Ferris Foundation',
    customer_email: 'ap@ferris.example',
    currency: 'usd',
    collection_method: 'charge_automatically',
    days_until_due: null,
    default_payment_method: 'pm_card_visa',
    current_period_start: 1_797_400_000,
    current_period_end: 1_800_000_000,
    trial_end: null,
    cancel_at_period_end: false,
    cancel_at: null,
    canceled_at: null,
    pause_collection: null,
    discounts: [],
    mrr: 9900,
    items: [subscriptionItem()],
    invoices: [],
    timeline: [],
    actions: ['cancel_now', 'cancel_at_period_end', 'pause_collection'],
    metadata: {},
    raw_json: '{\n  "id": "sub_1"\n}',
    ...overrides,
  };
}

/** The next month's invoice of $99.00 unless overridden. */
export function upcomingInvoice(overrides: Partial<UpcomingInvoice> = {}): UpcomingInvoice {
  return {
    currency: 'usd',
    subtotal: 9900,
    total: 9900,
    amount_due: 9900,
    period_end: 1_802_600_000,
    lines: [{ description: '2 × Team plan (at $49.50 / month)', amount: 9900, quantity: 2, period_start: 1_800_000_000, period_end: 1_802_600_000 }],
    ...overrides,
  };
}

/** An active monthly USD price of the "Team plan" unless overridden. */
export function recurringPrice(overrides: Partial<RecurringPrice> = {}): RecurringPrice {
  return {
    id: 'price_team',
    product_id: 'prod_team',
    currency: 'usd',
    unit_amount: 4950,
    recurring_interval: 'month',
    recurring_interval_count: 1,
    tax_behavior: 'exclusive',
    nickname: null,
    active: true,
    created: 1_790_000_000,
    product_name: 'Team plan',
    ...overrides,
  };
}

/** A cached USD customer as the customer search finds it. */
export function customerRow(overrides: Partial<CustomerRow> = {}): CustomerRow {
  return {
    id: 'cus_1',
    name: 'Ferris Foundation',
    email: 'ap@ferris.example',
    currency: 'usd',
    balance: 0,
    delinquent: false,
    created: 1_790_000_000,
    ...overrides,
  };
}

/** A valid 20 % coupon, once, usable on anything, unless overridden. */
export function couponRow(overrides: Partial<CouponRow> = {}): CouponRow {
  return {
    id: 'LAUNCH',
    name: 'Launch',
    percent_off_bp: 2000,
    amount_off: null,
    currency: null,
    duration: 'once',
    duration_in_months: null,
    valid: true,
    times_redeemed: 0,
    max_redemptions: null,
    redeem_by: null,
    applies_to_products: [],
    created: 1_799_000_000,
    ...overrides,
  };
}
