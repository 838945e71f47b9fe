// The credit-note and customer shapes that cross IPC, written as the Rust side's generated
// bindings will render them (snake_case fields, `T | null` for options, minor-unit money as
// numbers). Once the bindings carry them, this file only re-exports them from there.
import type { InvoiceRow } from './bindings';
import type { CreditNoteRow, InvoiceTimelineEntry } from './bindings';

export type { CreditNoteRow };

/** Why a credit note is issued, as Stripe names the reasons. */
export type CreditReason = 'duplicate' | 'fraudulent' | 'order_change' | 'product_unsatisfactory';

/** How many of one invoice line's units to credit. */
export type CreditLineInput = { invoice_line_id: string; quantity: number };

/**
 * A credit note to preview or issue: by `amount`, or by `lines` (exactly one of the two). On a
 * paid invoice the refund, balance credit and out-of-band parts add up to the total; 0/0/0 on
 * an open invoice.
 */
export type CreditNoteInput = {
  invoice_id: string;
  amount: number | null;
  lines: Array<CreditLineInput>;
  reason: CreditReason | null;
  memo: string | null;
  refund_amount: number;
  credit_amount: number;
  out_of_band_amount: number;
};

/** One line of a credit-note preview. */
export type CreditNotePreviewLine = { description: string | null; quantity: number | null; amount: number };

/** What issuing a credit note would do, as Stripe previews it. */
export type CreditNotePreview = {
  total: number;
  subtotal: number;
  currency: string;
  lines: Array<CreditNotePreviewLine>;
  /** The invoice's `amount_remaining` once the credit note is issued. */
  amount_remaining_after: number;
  invoice_status: string;
  creditable_amount: number;
};

/** One page of cached credit notes. */
export type CreditNotePage = {
  total: number;
  rows: Array<CreditNoteRow>;
  next: string | null;
  search_hint: string | null;
};

/** A postal address; `country` is ISO 3166-1 alpha-2. */
export type Address = {
  line1: string | null;
  line2: string | null;
  city: string | null;
  state: string | null;
  postal_code: string | null;
  country: string | null;
};

/** What creating or updating a customer sends; every field replaces the stored one. */
export type CustomerInput = {
  name: string | null;
  email: string | null;
  phone: string | null;
  address: Address | null;
  preferred_locales: Array<string>;
  default_payment_method: string | null;
  invoice_footer: string | null;
  metadata: { [key in string]: string };
};

/** One of a customer's subscriptions. */
export type CustomerSubscription = {
  id: string;
  status: string;
  current_period_end: number | null;
  description: string | null;
};

/** One of a customer's purchase orders. */
export type CustomerPo = {
  po_id: string;
  po_number: string;
  status: string;
  currency: string;
  total: number;
  balance: number;
};

/** A customer in full, from the cache. */
export type CustomerDetail = {
  id: string;
  name: string | null;
  email: string | null;
  phone: string | null;
  address: Address | null;
  preferred_locales: Array<string>;
  currency: string | null;
  /** Minor units of `currency`; negative is credit the customer holds. */
  balance: number;
  delinquent: boolean;
  created: number;
  default_payment_method: string | null;
  invoice_footer: string | null;
  metadata: { [key in string]: string };
  invoices: Array<InvoiceRow>;
  credit_notes: Array<CreditNoteRow>;
  subscriptions: Array<CustomerSubscription>;
  purchase_orders: Array<CustomerPo>;
  /** Newest first. */
  timeline: Array<InvoiceTimelineEntry>;
};
