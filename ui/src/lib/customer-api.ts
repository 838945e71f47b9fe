// Typed calls for credit notes and customers. Every command answers from the cache or goes
// through the journal on the Rust side; errors arrive as {code, message}.
import { call } from './api';
import type {
  CreditNoteInput,
  CreditNotePage,
  CreditNotePreview,
  CreditNoteRow,
  CustomerDetail,
  CustomerInput,
  CustomerRow,
  ListQuery,
} from './bindings';

export const customerApi = {
  /** What a credit note would do; nothing is recorded or sent to Stripe. */
  previewCreditNote: (accountId: string, input: CreditNoteInput) =>
    call<CreditNotePreview>('preview_credit_note', { accountId, input }),
  /** Issues the credit note in Stripe, exactly once. */
  createCreditNote: (accountId: string, input: CreditNoteInput) =>
    call<CreditNoteRow>('create_credit_note', { accountId, input }),
  voidCreditNote: (accountId: string, creditNoteId: string) =>
    call<CreditNoteRow>('void_credit_note', { accountId, creditNoteId }),
  listCreditNotes: (accountId: string, query: ListQuery) =>
    call<CreditNotePage>('list_credit_notes', { accountId, query }),
  /** The cached customer with its invoices, credit notes, subscriptions, POs and history. */
  getCustomer: (accountId: string, customerId: string) =>
    call<CustomerDetail>('get_customer', { accountId, customerId }),
  createCustomer: (accountId: string, input: CustomerInput) =>
    call<CustomerDetail>('create_customer', { accountId, input }),
  updateCustomer: (accountId: string, customerId: string, input: CustomerInput) =>
    call<CustomerDetail>('update_customer', { accountId, customerId, input }),
  /** Cached customers with this email, for the duplicate warning. */
  customersWithEmail: (accountId: string, email: string) =>
    call<CustomerRow[]>('customers_with_email', { accountId, email }),
};
