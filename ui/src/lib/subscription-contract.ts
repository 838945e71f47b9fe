// The Subscriptions shapes that cross IPC, written as ts-rs generates them from the core's
// `subscriptions` module (snake_case fields, `T | null`, tagged unions on `kind`), so they can
// become imports from the generated bindings without touching the views.
import type { CollectionMethod, CustomerChoice, InvoiceRow, InvoiceTimelineEntry } from './bindings';

/** One subscription as the list shows it. */
export type SubscriptionRow = {
  /** `sub_…` */
  id: string;
  customer_id: string | null;
  customer_name: string | null;
  customer_email: string | null;
  /** trialing, active, past_due, unpaid, paused, canceled, incomplete, incomplete_expired */
  status: string;
  currency: string;
  /** Monthly recurring revenue of its items, minor units; 0 when trialing, canceled or incomplete. */
  mrr: number;
  /** The current period's end, Unix seconds, unless canceled or cancelling. */
  next_renewal: number | null;
  cancel_at_period_end: boolean;
  trial_end: number | null;
  created: number;
};

/** One page of the subscriptions list. */
export type SubscriptionPage = {
  total: number;
  rows: Array<SubscriptionRow>;
  next: string | null;
  search_hint: string | null;
};

/** One item of a subscription: a price and its quantity. */
export type SubscriptionItemView = {
  /** `si_…` */
  id: string;
  price_id: string | null;
  product_name: string | null;
  quantity: number;
  unit_amount: number | null;
  currency: string;
  /** day, week, month or year */
  interval: string | null;
  interval_count: number | null;
};

/** How collection is paused: what happens to new invoices, and when it resumes by itself. */
export type PauseView = { behavior: string; resumes_at: number | null };

/** What the user may do with a subscription in its state. */
export type SubscriptionActionKind =
  | 'cancel_now'
  | 'cancel_at_period_end'
  | 'undo_cancel'
  | 'pause_collection'
  | 'resume_collection';

/** One subscription from the cache, in full. */
export type SubscriptionDetail = {
  id: string;
  status: string;
  customer_id: string | null;
  customer_name: string | null;
  customer_email: string | null;
  currency: string;
  collection_method: string;
  days_until_due: number | null;
  default_payment_method: string | null;
  current_period_start: number | null;
  current_period_end: number | null;
  trial_end: number | null;
  cancel_at_period_end: boolean;
  cancel_at: number | null;
  canceled_at: number | null;
  pause_collection: PauseView | null;
  discount: string | null;
  mrr: number;
  items: Array<SubscriptionItemView>;
  /** Newest first. */
  invoices: Array<InvoiceRow>;
  timeline: Array<InvoiceTimelineEntry>;
  actions: Array<SubscriptionActionKind>;
  metadata: { [key in string]: string };
  raw_json: string;
};

/** One line of the invoice Stripe would issue next. */
export type UpcomingLine = {
  description: string | null;
  amount: number;
  quantity: number | null;
  period_start: number | null;
  period_end: number | null;
};

/** The invoice Stripe would issue next for a subscription (a preview, nothing created). */
export type UpcomingInvoice = {
  currency: string;
  subtotal: number;
  total: number;
  amount_due: number;
  period_end: number | null;
  lines: Array<UpcomingLine>;
};

/** One action on a subscription, with its options. */
export type SubscriptionAction =
  | { kind: 'cancel_now'; invoice_now: boolean; prorate: boolean }
  | { kind: 'cancel_at_period_end' }
  | { kind: 'undo_cancel' }
  | { kind: 'pause_collection'; behavior: string; resumes_at: number | null }
  | { kind: 'resume_collection' };

/** One item of a new subscription. */
export type SubscriptionItemInput = { price_id: string; quantity: number };

/** A new subscription's trial. */
export type TrialInput = { kind: 'none' } | { kind: 'days'; days: number } | { kind: 'until'; trial_end: number };

/** What `create_subscription` takes. */
export type NewSubscriptionInput = {
  customer: CustomerChoice;
  items: Array<SubscriptionItemInput>;
  trial: TrialInput;
  collection_method: CollectionMethod;
  days_until_due: number | null;
  /** allow_incomplete, default_incomplete or error_if_incomplete */
  payment_behavior: string;
  metadata: { [key in string]: string };
};

/** An active recurring price with its product's name, as `list_recurring_prices` answers. */
export type RecurringPrice = {
  id: string;
  product_id: string;
  currency: string;
  unit_amount: number | null;
  recurring_interval: string | null;
  recurring_interval_count: number | null;
  tax_behavior: string | null;
  nickname: string | null;
  active: boolean;
  created: number;
  product_name: string | null;
};
