// Typed calls of the invoice commands. Rust reads only its cache for `get_invoice` and
// `list_catalog_prices`; every other call goes to Stripe through the operations journal.
import { call } from './api';
import type {
  BulkResult,
  CatalogPrice,
  DraftChanges,
  InvoiceActionKind,
  InvoiceDetail,
  NewInvoiceInput,
} from './bindings';

/** Which of a finalized invoice's Stripe pages to open. */
export type InvoiceLink = 'hosted' | 'pdf';

export const invoiceApi = {
  /** One invoice from the cache, with the actions its state allows. */
  getInvoice: (accountId: string, invoiceId: string) => call<InvoiceDetail>('get_invoice', { accountId, invoiceId }),
  /** Refused up front when `action` is not among the invoice's `actions`. */
  invoiceAction: (accountId: string, invoiceId: string, action: InvoiceActionKind) =>
    call<InvoiceDetail>('invoice_action', { accountId, invoiceId, action }),
  /** Creates a draft; a `validation` error means nothing was sent. */
  createInvoice: (accountId: string, input: NewInvoiceInput) => call<InvoiceDetail>('create_invoice', { accountId, input }),
  updateDraftInvoice: (accountId: string, invoiceId: string, changes: DraftChanges) =>
    call<InvoiceDetail>('update_draft_invoice', { accountId, invoiceId, changes }),
  /** A new draft with the same customer, lines and terms. */
  duplicateInvoice: (accountId: string, invoiceId: string) =>
    call<InvoiceDetail>('duplicate_invoice', { accountId, invoiceId }),
  /** Active one-off prices, in `currency` when given. */
  listCatalogPrices: (accountId: string, currency: string | null) =>
    call<CatalogPrice[]>('list_catalog_prices', { accountId, currency }),
  /** One result per invoice, in the order asked. */
  sendInvoiceReminders: (accountId: string, invoiceIds: string[]) =>
    call<BulkResult[]>('send_invoice_reminders', { accountId, invoiceIds }),
  /** The CSV text of these invoices. */
  exportInvoicesCsv: (accountId: string, invoiceIds: string[]) =>
    call<string>('export_invoices_csv', { accountId, invoiceIds }),
  /** Opens the invoice page or PDF in the system browser; Rust checks the host first. */
  openInvoiceLink: (accountId: string, invoiceId: string, which: InvoiceLink) =>
    call<null>('open_invoice_link', { accountId, invoiceId, which }),
};
