// Customer and credit-note shapes for UI tests, each a plausible default that a test overrides.
import type {
  BalanceTransactionRow,
  CreditNotePreview,
  CreditNoteRow,
  CustomerDetail,
  InvoiceDetail,
  PaymentMethodRow,
} from '../lib/bindings';
import { invoiceRow } from './backend';
import { invoiceDetail } from './invoices';

/** A USD customer owing nothing, with one open invoice, one PO and one event. */
export function customerDetail(overrides: Partial<CustomerDetail> = {}): CustomerDetail {
  return {
    id: 'cus_1',
    name: 'Ferris Foundation',
    email: 'ap@ferris.example',
    phone: '+1 555 0100',
    address: { line1: '1 Crab Way', line2: null, city: 'Portland', state: 'OR', postal_code: '97201', country: 'US' },
    preferred_locales: ['en'],
    currency: 'usd',
    balance: 0,
    delinquent: false,
    created: 1_799_000_000,
    default_payment_method: null,
    invoice_footer: 'Thank you for sponsoring.',
    metadata: { crm_id: '42' },
    invoices: [invoiceRow()],
    credit_notes: [],
    refunds: [],
    subscriptions: [],
    purchase_orders: [
      { po_id: 'po_1', po_number: 'PO-1001', status: 'invoiced', currency: 'usd', total: 375000, balance: 375000 },
    ],
    timeline: [{ event_id: 'evt_1', event_type: 'customer.created', created: 1_799_000_000, source: 'poll' }],
    ...overrides,
  };
}

/** A ledger entry: a $25.00 credit unless overridden. */
export function balanceTransaction(overrides: Partial<BalanceTransactionRow> = {}): BalanceTransactionRow {
  return {
    id: 'cbtxn_1',
    created: 1_799_100_000,
    type: 'adjustment',
    amount: -2500,
    currency: 'usd',
    ending_balance: -2500,
    description: 'Goodwill',
    invoice_id: null,
    credit_note_id: null,
    ...overrides,
  };
}

/** A Visa card, the customer's default unless overridden. */
export function paymentMethod(overrides: Partial<PaymentMethodRow> = {}): PaymentMethodRow {
  return {
    id: 'pm_1',
    method_type: 'card',
    brand: 'visa',
    last4: '4242',
    exp_month: 12,
    exp_year: 2030,
    is_default: true,
    created: 1_799_050_000,
    ...overrides,
  };
}

/** An invoice the credit-note form is opened on: open, $1,500.00 in two lines, nothing paid. */
export function creditableInvoice(overrides: Partial<InvoiceDetail> = {}): InvoiceDetail {
  return invoiceDetail({
    hosted_invoice_url: null,
    invoice_pdf: null,
    lines: [
      { id: 'il_1', description: 'Gold sponsorship', quantity: 1, unit_amount: 100000, amount: 100000, price_id: null, period_start: null, period_end: null },
      { id: 'il_2', description: 'Booth', quantity: 2, unit_amount: 25000, amount: 50000, price_id: null, period_start: null, period_end: null },
    ],
    raw_json: '{}',
    ...overrides,
  });
}

/** The same invoice, paid in full. */
export function paidInvoice(overrides: Partial<InvoiceDetail> = {}): InvoiceDetail {
  return creditableInvoice({
    status: 'paid',
    amount_paid: 150000,
    amount_remaining: 0,
    actions: [],
    ...overrides,
  });
}

/** An issued $100.00 credit note on in_1. */
export function creditNoteRow(overrides: Partial<CreditNoteRow> = {}): CreditNoteRow {
  return {
    id: 'cn_1',
    number: 'RC-0001-CN-01',
    invoice_id: 'in_1',
    customer_id: 'cus_1',
    status: 'issued',
    currency: 'usd',
    total: 10000,
    amount: 10000,
    refund_amount: 0,
    credit_amount: 0,
    out_of_band_amount: 0,
    reason: null,
    memo: null,
    created: 1_799_200_000,
    ...overrides,
  };
}

/** Stripe's preview of a credit note of `total` on an invoice with `remaining` left to pay. */
export function creditNotePreview(total: number, remaining: number, status = 'open'): CreditNotePreview {
  return {
    total,
    subtotal: total,
    currency: 'usd',
    lines: [{ description: 'Credit', quantity: 1, amount: total }],
    amount_remaining_after: Math.max(0, remaining - total),
    invoice_status: status,
    creditable_amount: 150000,
  };
}
