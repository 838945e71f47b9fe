// The invoice shapes that cross IPC, written as the generated bindings render the Rust types
// (snake_case fields, `T | null` for options, string unions for enums, `{ [key in string]: V }`
// for maps). Once the core's invoice types are exported to bindings.ts, these names are
// re-exported from there unchanged.

/** What can be done to an invoice, as the core names it. */
export type InvoiceActionKind =
  | 'finalize'
  | 'send'
  | 'pay'
  | 'pay_out_of_band'
  | 'void'
  | 'mark_uncollectible'
  | 'delete_draft';

/** One line of an invoice as cached. */
export type InvoiceLineView = {
  id: string;
  description: string | null;
  quantity: number | null;
  /** Minor units. */
  unit_amount: number | null;
  /** Minor units. */
  amount: number;
  price_id: string | null;
  period_start: number | null;
  period_end: number | null;
};

/** One payment of an invoice. */
export type InvoicePaymentView = {
  id: string;
  amount_paid: number;
  status: string;
  created: number;
  payment_intent: string | null;
  charge: string | null;
  paid_out_of_band: boolean;
};

/** A credit note as lists show it. */
export type CreditNoteRow = {
  id: string;
  number: string | null;
  invoice_id: string | null;
  customer_id: string | null;
  /** `issued` or `void`. */
  status: string;
  currency: string;
  total: number;
  amount: number;
  refund_amount: number;
  credit_amount: number;
  out_of_band_amount: number;
  reason: string | null;
  memo: string | null;
  created: number;
};

/** One Stripe event about an invoice; `source` is `poll` or `webhook`. */
export type InvoiceTimelineEntry = { event_id: string; event_type: string; created: number; source: string };

/** The PO an invoice was issued for. */
export type InvoicePoLink = { po_id: string; po_number: string };

/** A name/value pair Stripe prints on the invoice. */
export type CustomField = { name: string; value: string };

/** One invoice in full, with what its state allows now. */
export type InvoiceDetail = {
  id: string;
  number: string | null;
  status: string;
  customer_id: string | null;
  customer_name: string | null;
  customer_email: string | null;
  currency: string;
  collection_method: string;
  created: number;
  due_date: number | null;
  finalized_at: number | null;
  subtotal: number;
  total: number;
  amount_due: number;
  amount_paid: number;
  amount_remaining: number;
  starting_balance: number;
  ending_balance: number | null;
  /** Stripe's `description`. */
  memo: string | null;
  footer: string | null;
  hosted_invoice_url: string | null;
  invoice_pdf: string | null;
  custom_fields: Array<CustomField>;
  metadata: { [key in string]: string };
  /** Every cached line, in Stripe's order. */
  lines: Array<InvoiceLineView>;
  payments: Array<InvoicePaymentView>;
  credit_notes: Array<CreditNoteRow>;
  po: InvoicePoLink | null;
  /** Newest first. */
  timeline: Array<InvoiceTimelineEntry>;
  /** What the state allows now; the UI offers only these. */
  actions: Array<InvoiceActionKind>;
  can_edit: boolean;
  can_credit: boolean;
  creditable_amount: number;
  /** The cached object, pretty-printed. */
  raw_json: string;
};

/** How Stripe collects an invoice. */
export type CollectionMethod = 'send_invoice' | 'charge_automatically';

/** The customer of a new invoice: one already cached, or one found or created by email. */
export type CustomerChoice = { kind: 'existing'; customer_id: string } | { kind: 'by_email'; email: string; name: string };

/** A new line: a catalog price (description optional), or a description and unit amount. */
export type NewInvoiceLine = {
  price_id: string | null;
  description: string | null;
  quantity: number;
  unit_amount: number | null;
};

/** Everything a new draft invoice needs. */
export type NewInvoiceInput = {
  customer: CustomerChoice;
  currency: string;
  collection_method: CollectionMethod;
  days_until_due: number | null;
  due_date: number | null;
  lines: Array<NewInvoiceLine>;
  memo: string | null;
  footer: string | null;
  custom_fields: Array<CustomField>;
  metadata: { [key in string]: string };
};

/** A change to one line of a draft; null fields stay as they are. */
export type LineChange = {
  line_id: string;
  description: string | null;
  quantity: number | null;
  unit_amount: number | null;
};

/** What to change on a draft; null fields stay as they are. */
export type DraftChanges = {
  add_lines: Array<NewInvoiceLine>;
  update_lines: Array<LineChange>;
  remove_line_ids: Array<string>;
  collection_method: CollectionMethod | null;
  days_until_due: number | null;
  due_date: number | null;
  memo: string | null;
  footer: string | null;
};

/** An active one-off price from the cached catalog. */
export type CatalogPrice = {
  id: string;
  product_name: string;
  currency: string;
  unit_amount: number | null;
  recurring: boolean;
};

/** How one invoice of a bulk action went. */
export type BulkResult = { invoice_id: string; ok: boolean; message: string | null };
