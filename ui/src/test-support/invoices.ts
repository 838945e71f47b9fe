// Invoice shapes for UI tests, each a plausible default that a test overrides.
import type { CatalogPrice, InvoiceDetail, InvoiceLineView } from '../lib/bindings';

/** An ad hoc line of $500.00 × 3 unless overridden. */
export function invoiceLine(overrides: Partial<InvoiceLineView> = {}): InvoiceLineView {
  return {
    id: 'il_1',
    description: 'Booth',
    quantity: 3,
    unit_amount: 50000,
    amount: 150000,
    price_id: null,
    period_start: null,
    period_end: null,
    ...overrides,
  };
}

/** An open USD invoice of $1,500.00 sent to the Ferris Foundation, unpaid, unless overridden. */
export function invoiceDetail(overrides: Partial<InvoiceDetail> = {}): InvoiceDetail {
  return {
    id: 'in_1',
    number: 'RC-0001',
    status: 'open',
    customer_id: 'cus_1',
    customer_name: 'Ferris Foundation',
    customer_email: 'ap@ferris.example',
    currency: 'usd',
    collection_method: 'send_invoice',
    created: 1_799_000_000,
    due_date: 1_800_000_000,
    finalized_at: 1_799_000_100,
    subtotal: 150000,
    total: 150000,
    amount_due: 150000,
    amount_paid: 0,
    amount_remaining: 150000,
    starting_balance: 0,
    ending_balance: 0,
    memo: null,
    footer: null,
    hosted_invoice_url: 'https://invoice.stripe.com/i/acct_1/test_1',
    invoice_pdf: 'https://pay.stripe.com/invoice/acct_1/test_1/pdf',
    custom_fields: [],
    metadata: {},
    lines: [invoiceLine()],
    payments: [],
    credit_notes: [],
    refunds: [],
    po: null,
    timeline: [],
    actions: ['send', 'pay', 'pay_out_of_band', 'void', 'mark_uncollectible'],
    can_edit: false,
    can_credit: true,
    creditable_amount: 150000,
    raw_json: '{\n  "id": "in_1"\n}',
    ...overrides,
  };
}

/** A draft: no number or links yet, editable, finalizable or deletable. */
export function draftInvoice(overrides: Partial<InvoiceDetail> = {}): InvoiceDetail {
  return invoiceDetail({
    id: 'in_draft',
    number: null,
    status: 'draft',
    finalized_at: null,
    hosted_invoice_url: null,
    invoice_pdf: null,
    actions: ['finalize', 'delete_draft'],
    can_edit: true,
    can_credit: false,
    creditable_amount: 0,
    ...overrides,
  });
}

/** A one-off catalog price: a USD 250.00 ticket unless overridden. */
export function catalogPrice(overrides: Partial<CatalogPrice> = {}): CatalogPrice {
  return { id: 'price_1', product_name: 'Conference ticket', currency: 'usd', unit_amount: 25000, recurring: false, ...overrides };
}
