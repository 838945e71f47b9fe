// The PO detail: totals and chips, issuing, recording payments (and saying what Stripe still
// shows), the invoice's credit notes, links, cancelling with a warning that says what happens,
// and the history.
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import { afterEach, describe, expect, it } from 'vitest';
import App from '../App.svelte';
import type { PurchaseOrder } from '../lib/bindings';
import { formatDate } from '../lib/format';
import { router } from '../lib/router.svelte';
import { todayIso } from '../lib/po';
import { emitFromRust, fakeBackend, purchaseOrder, resetApp } from '../test-support/backend';
import { creditNoteRow } from '../test-support/customers';

afterEach(() => {
  cleanup();
  resetApp();
});

async function openDetail(id = 'po_1') {
  render(App);
  await screen.findByTestId('nav-purchase-orders');
  router.showPo({ kind: 'detail', id });
  return screen.findByTestId('po-status');
}

const text = (testid: string) => (screen.getByTestId(testid).textContent ?? '').replace(/\s+/g, ' ').trim();
const type = (testid: string, value: string) => fireEvent.input(screen.getByTestId(testid), { target: { value } });

const DRAFT = purchaseOrder(
  { invoice_id: null, hosted_invoice_url: null, invoice_pdf: null },
  { status: 'draft', invoice_number: null, invoice_status: null, due_date: null },
);

describe('PO detail', () => {
  it('shows the totals, chips and lines of an issued PO', async () => {
    fakeBackend({
      get_purchase_order: () =>
        purchaseOrder(
          { overpaid: 0 },
          { status: 'partially_paid', paid: 100000, balance: 275000, overdue: true, invoice_status: 'open' },
        ),
    });
    await openDetail();
    expect(text('po-status')).toBe('Partially paid');
    expect(screen.getByTestId('po-overdue')).toBeTruthy();
    expect(screen.queryByTestId('po-invoice-flag')).toBeNull();
    expect(text('po-total')).toBe('$3,750.00');
    expect(text('po-paid')).toBe('$1,000.00');
    expect(text('po-balance')).toBe('$2,750.00');
    expect(screen.queryByTestId('po-overpaid')).toBeNull();
    expect(screen.queryByTestId('po-credited')).toBeNull();
    expect(screen.queryByTestId('po-credit-notes')).toBeNull();
    expect(text('po-invoice-number')).toBe('RC-0001');
    expect(within(screen.getByTestId('po-lines')).getAllByRole('row')).toHaveLength(4);
    expect(screen.queryByTestId('po-issue')).toBeNull();
    expect(screen.getByTestId('po-record-payment')).toBeTruthy();
  });

  it('lists the invoice credit notes, void ones struck through, and shows what they credited', async () => {
    const issued = creditNoteRow({
      id: 'cn_2',
      number: 'RC-0001-CN-02',
      total: 25000,
      reason: 'order_change',
      created: 1_799_300_000,
    });
    const voided = creditNoteRow({ status: 'void', reason: 'duplicate' });
    fakeBackend({
      get_purchase_order: () =>
        purchaseOrder(
          { credit_notes: [issued, voided] },
          { status: 'partially_paid', paid: 100000, credited: 25000, balance: 250000 },
        ),
    });
    await openDetail();
    expect(text('po-paid')).toBe('$1,000.00');
    expect(text('po-credited')).toBe('$250.00');
    expect(text('po-balance')).toBe('$2,500.00');
    const rows = screen.getAllByTestId('po-credit-note');
    expect(rows).toHaveLength(2);
    const cells = (row: HTMLElement) => within(row).getAllByRole('cell').map((cell) => cell.textContent?.trim());
    expect(cells(rows[0])).toEqual(['RC-0001-CN-02', formatDate(1_799_300_000), '$250.00', 'order change', 'issued']);
    expect(cells(rows[1])).toEqual(['RC-0001-CN-01', formatDate(1_799_200_000), '$100.00', 'duplicate', 'void']);
    expect(rows[0].classList.contains('void')).toBe(false);
    expect(rows[1].classList.contains('void')).toBe(true);
  });

  it('shows what was refunded of the invoice payments, which the balance owes again', async () => {
    fakeBackend({
      get_purchase_order: () => purchaseOrder({}, { status: 'paid', paid: 375000, refunded: 4000, balance: 4000 }),
    });
    await openDetail();
    expect(text('po-paid')).toBe('$3,750.00');
    expect(text('po-refunded')).toBe('$40.00');
    expect(text('po-balance')).toBe('$40.00');
  });

  it('has no refunded line when nothing was refunded', async () => {
    fakeBackend({ get_purchase_order: () => purchaseOrder({}, { status: 'paid', paid: 375000, balance: 0 }) });
    await openDetail();
    expect(screen.queryByTestId('po-refunded')).toBeNull();
  });

  it('marks a voided invoice and an overpayment', async () => {
    fakeBackend({
      get_purchase_order: () =>
        purchaseOrder({ overpaid: 500 }, { status: 'paid', paid: 375500, balance: 0, invoice_status: 'void' }),
    });
    await openDetail();
    expect(text('po-invoice-flag')).toBe('Void');
    expect(text('po-overpaid')).toBe('$5.00');
    expect(screen.queryByTestId('po-record-payment')).toBeNull();
    expect(screen.queryByTestId('po-cancel')).toBeNull();
  });

  it('issues a draft and shows the invoice it got', async () => {
    const issued = purchaseOrder({}, { status: 'invoiced' });
    const backend = fakeBackend({ get_purchase_order: () => DRAFT, issue_purchase_order: () => issued });
    await openDetail();
    expect(text('po-status')).toBe('Draft');
    expect(text('po-invoice-number')).toBe('Not issued');
    expect(screen.queryByTestId('po-open-invoice')).toBeNull();
    await fireEvent.click(screen.getByTestId('po-issue'));
    await waitFor(() => expect(text('po-status')).toBe('Invoiced'));
    expect(backend.argsOf('issue_purchase_order')).toEqual([{ accountId: 'a1', poId: 'po_1' }]);
    expect(text('po-invoice-number')).toBe('RC-0001');
    expect(text('po-notice')).toBe('Invoice issued and emailed to ap@ferris.example.');
    expect(screen.queryByTestId('po-issue')).toBeNull();
  });

  it('shows why issuing failed and stays a draft', async () => {
    fakeBackend({
      get_purchase_order: () => DRAFT,
      issue_purchase_order: () => {
        throw { code: 'stripe_unreachable', message: 'Stripe cannot be reached; the invoice will be issued when it can.' };
      },
    });
    await openDetail();
    await fireEvent.click(screen.getByTestId('po-issue'));
    expect((await screen.findByTestId('po-action-error')).textContent).toContain('Stripe cannot be reached');
    expect(text('po-status')).toBe('Draft');
  });

  it('records a partial payment and says Stripe still shows the remainder due', async () => {
    const before = purchaseOrder({}, { status: 'invoiced' });
    const after = purchaseOrder(
      {
        stripe_shows_remainder: true,
        payments: [
          { id: 'pay_1', amount: 100000, method: 'wire', reference: 'WIRE-42', received_on: '2027-03-05', note: null, recorded_in_stripe: false },
        ],
      },
      { status: 'partially_paid', paid: 100000, balance: 275000 },
    );
    const backend = fakeBackend({ get_purchase_order: () => before, record_po_payment: () => after });
    await openDetail();
    expect(screen.queryByTestId('po-remainder-note')).toBeNull();
    await fireEvent.click(screen.getByTestId('po-record-payment'));
    expect((screen.getByTestId('payment-date') as HTMLInputElement).value).toBe(todayIso());

    await type('payment-amount', '1,000.00');
    await fireEvent.change(screen.getByTestId('payment-method'), { target: { value: 'wire' } });
    await type('payment-reference', 'WIRE-42');
    expect(text('payment-outcome')).toContain(
      'Leaves $2,750.00 due. Recorded here only: Stripe still shows the remainder as due until the balance is complete.',
    );
    await fireEvent.click(screen.getByTestId('payment-save'));

    await waitFor(() => expect(text('po-status')).toBe('Partially paid'));
    expect(backend.argsOf('record_po_payment')).toEqual([
      {
        accountId: 'a1',
        poId: 'po_1',
        payment: { amount: '1,000.00', method: 'wire', reference: 'WIRE-42', received_on: todayIso(), note: null },
      },
    ]);
    expect(text('po-remainder-note')).toBe(
      'Recorded here only: Stripe still shows the remainder as due until the balance is complete.',
    );
    expect(text('po-balance')).toBe('$2,750.00');
    expect(screen.queryByTestId('payment-form')).toBeNull();
    const payment = screen.getByTestId('po-payment');
    expect(payment.textContent).toContain('Wire transfer');
    expect(payment.textContent).toContain('Here only');
  });

  it('says a payment completing the balance marks the invoice paid, and keeps the form on error', async () => {
    const backend = fakeBackend({
      get_purchase_order: () => purchaseOrder({}, { status: 'partially_paid', paid: 100000, balance: 275000 }),
      record_po_payment: () => {
        throw { code: 'validation', message: 'USD amounts have at most 2 decimals.' };
      },
    });
    await openDetail();
    await fireEvent.click(screen.getByTestId('po-record-payment'));
    await type('payment-amount', '2,750.00');
    expect(text('payment-outcome')).toContain('Completes the balance: the Stripe invoice is marked paid (out of band).');
    await type('payment-amount', '2,800.00');
    expect(text('payment-outcome')).toContain('$50.00 more than the balance is recorded as overpaid.');
    await type('payment-amount', '2,750.001');
    expect(screen.getByTestId('payment-form').textContent).toContain('USD has at most 2 decimals');

    await fireEvent.click(screen.getByTestId('payment-save'));
    expect((await screen.findByTestId('payment-error')).textContent).toBe('USD amounts have at most 2 decimals.');
    expect(backend.argsOf('record_po_payment')).toHaveLength(1);
    expect((screen.getByTestId('payment-amount') as HTMLInputElement).value).toBe('2,750.001');
  });

  it('warns what cancelling does before voiding the invoice', async () => {
    const open = purchaseOrder({}, { status: 'partially_paid', paid: 100000, balance: 275000 });
    const backend = fakeBackend({
      get_purchase_order: () => open,
      cancel_purchase_order: () => purchaseOrder({}, { status: 'cancelled', invoice_status: 'void', paid: 100000 }),
    });
    await openDetail();
    await fireEvent.click(screen.getByTestId('po-cancel'));
    expect(text('po-cancel-warning')).toBe(
      'Invoice RC-0001 will be voided in Stripe: the customer can no longer pay it, and Stripe keeps it marked void. ' +
        'The $1,000.00 already received stays recorded on the PO. The PO becomes Cancelled. This cannot be undone.',
    );
    await fireEvent.click(screen.getByTestId('po-cancel-keep'));
    expect(screen.queryByTestId('po-cancel-dialog')).toBeNull();
    expect(backend.argsOf('cancel_purchase_order')).toHaveLength(0);

    await fireEvent.click(screen.getByTestId('po-cancel'));
    await fireEvent.click(screen.getByTestId('po-cancel-confirm'));
    await waitFor(() => expect(text('po-status')).toBe('Cancelled'));
    expect(text('po-invoice-flag')).toBe('Void');
    expect(backend.argsOf('cancel_purchase_order')).toEqual([{ accountId: 'a1', poId: 'po_1' }]);
    await waitFor(() => expect(screen.queryByTestId('po-cancel-dialog')).toBeNull());
  });

  it('keeps the confirmation open with Rust’s reason when cancelling is refused', async () => {
    fakeBackend({
      get_purchase_order: () => purchaseOrder({}, { status: 'invoiced' }),
      cancel_purchase_order: () => {
        throw { code: 'stripe_error', message: 'Stripe refused to void the invoice: it is already paid.' };
      },
    });
    await openDetail();
    await fireEvent.click(screen.getByTestId('po-cancel'));
    await fireEvent.click(screen.getByTestId('po-cancel-confirm'));
    expect((await screen.findByTestId('po-action-error')).textContent).toBe(
      'Stripe refused to void the invoice: it is already paid.',
    );
    expect(screen.getByTestId('po-cancel-dialog')).toBeTruthy();
    expect(text('po-status')).toBe('Invoiced');
  });

  it('says a draft invoice is deleted, or that Stripe is untouched', async () => {
    let po: PurchaseOrder = { ...DRAFT, invoice_id: 'in_draft' };
    fakeBackend({ get_purchase_order: () => po });
    await openDetail();
    await fireEvent.click(screen.getByTestId('po-cancel'));
    expect(text('po-cancel-warning')).toContain('The draft invoice in Stripe will be deleted; it was never sent');
    cleanup();
    resetApp();

    po = DRAFT;
    fakeBackend({ get_purchase_order: () => po });
    await openDetail();
    await fireEvent.click(screen.getByTestId('po-cancel'));
    expect(text('po-cancel-warning')).toContain('Nothing was sent to Stripe, so nothing changes there.');
  });

  it('opens the invoice page and PDF through Rust, resends, and copies the link', async () => {
    const backend = fakeBackend({
      get_purchase_order: () => purchaseOrder({}, { status: 'invoiced' }),
      open_po_link: () => null,
      resend_po_invoice: () => purchaseOrder({}, { status: 'invoiced' }),
    });
    await openDetail();
    await fireEvent.click(screen.getByTestId('po-open-invoice'));
    await waitFor(() => expect(backend.argsOf('open_po_link')).toHaveLength(1));
    await fireEvent.click(screen.getByTestId('po-open-pdf'));
    await waitFor(() =>
      expect(backend.argsOf('open_po_link')).toEqual([
        { accountId: 'a1', poId: 'po_1', which: 'hosted' },
        { accountId: 'a1', poId: 'po_1', which: 'pdf' },
      ]),
    );
    await fireEvent.click(screen.getByTestId('po-resend'));
    await waitFor(() => expect(text('po-notice')).toBe('Invoice sent again to ap@ferris.example.'));

    const copied: string[] = [];
    Object.defineProperty(navigator, 'clipboard', {
      value: { writeText: async (value: string) => void copied.push(value) },
      configurable: true,
    });
    await fireEvent.click(screen.getByTestId('po-copy-link'));
    await waitFor(() => expect(text('po-notice')).toBe('Link to the invoice page copied.'));
    expect(copied).toEqual(['https://invoice.stripe.com/i/acct_1/test_1']);

    // A webview that refuses the clipboard gets the link selected for Ctrl+C instead.
    Object.defineProperty(navigator, 'clipboard', {
      value: { writeText: async () => Promise.reject(new Error('denied')) },
      configurable: true,
    });
    await fireEvent.click(screen.getByTestId('po-copy-link'));
    const field = (await screen.findByTestId('po-link-text')) as HTMLInputElement;
    expect(field.value).toBe('https://invoice.stripe.com/i/acct_1/test_1');
    expect(document.activeElement).toBe(field);
    expect([field.selectionStart, field.selectionEnd]).toEqual([0, field.value.length]);
    Reflect.deleteProperty(navigator, 'clipboard');
  });

  it('lists the timeline newest last and the audit trail', async () => {
    fakeBackend({
      get_purchase_order: () =>
        purchaseOrder({
          timeline: [
            { at: 1_800_000_300, kind: 'payment', label: 'Customer paid part', amount: 100000 },
            { at: 1_800_000_000, kind: 'created', label: 'Invoice created', amount: null },
            { at: 1_800_000_100, kind: 'finalized', label: 'Invoice finalized', amount: null },
            { at: 1_800_000_200, kind: 'sent', label: 'Invoice sent', amount: null },
          ],
          audit: [
            { id: 1, at: '2027-03-04T10:00:00Z', action: 'created', field: null, old_value: null, new_value: null, stripe_request_id: null },
            { id: 2, at: '2027-03-04T10:05:00Z', action: 'issued', field: 'status', old_value: 'draft', new_value: 'invoiced', stripe_request_id: 'req_123' },
          ],
        }),
    });
    await openDetail();
    const kinds = screen.getAllByTestId('po-timeline-entry').map((entry) => entry.dataset.kind);
    expect(kinds).toEqual(['created', 'finalized', 'sent', 'payment']);
    expect(screen.getAllByTestId('po-timeline-entry')[3].textContent).toContain('$1,000.00');
    const audit = screen.getAllByTestId('po-audit-entry');
    expect(audit).toHaveLength(2);
    expect(audit[1].textContent).toContain('draft → invoiced');
    expect(audit[1].textContent).toContain('req_123');
  });

  it('reloads when a sync changes POs', async () => {
    let po = purchaseOrder({}, { status: 'invoiced' });
    fakeBackend({ get_purchase_order: () => po });
    await openDetail();
    po = purchaseOrder({}, { status: 'paid', paid: 375000, balance: 0 });
    await emitFromRust('data-changed', { account_id: 'a1', resources: ['purchase_orders'] });
    await waitFor(() => expect(text('po-status')).toBe('Paid'));
    expect(text('po-balance')).toBe('$0.00');
  });

  it('reloads when a credit note is issued or voided', async () => {
    let po = purchaseOrder({}, { status: 'invoiced' });
    fakeBackend({ get_purchase_order: () => po });
    await openDetail();
    po = purchaseOrder({ credit_notes: [creditNoteRow()] }, { status: 'invoiced', credited: 10000, balance: 365000 });
    await emitFromRust('data-changed', { account_id: 'a1', resources: ['credit_notes'] });
    await waitFor(() => expect(text('po-credited')).toBe('$100.00'));
    expect(text('po-balance')).toBe('$3,650.00');
    expect(screen.getAllByTestId('po-credit-note')).toHaveLength(1);
  });
});
