// The invoice detail: what it shows, the actions it offers (only those the state allows), each
// confirmed with what Stripe will do before anything is asked of Rust, refusals shown, links.
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import { afterEach, describe, expect, it } from 'vitest';
import App from '../App.svelte';
import type { InvoiceActionKind, InvoiceDetail } from '../lib/bindings';
import { router } from '../lib/router.svelte';
import { emitFromRust, fakeBackend, resetApp, type Handler } from '../test-support/backend';
import { draftInvoice, invoiceDetail, invoiceLine } from '../test-support/invoices';

afterEach(() => {
  cleanup();
  resetApp();
});

async function openDetail(handlers: Record<string, Handler>, id = 'in_1') {
  const backend = fakeBackend(handlers);
  render(App);
  await screen.findByTestId('nav-invoices');
  router.showInvoice({ kind: 'detail', id });
  await screen.findByTestId('invoice-status');
  return backend;
}

const text = (testid: string) => (screen.getByTestId(testid).textContent ?? '').replace(/\s+/g, ' ').trim();
const offered = () =>
  [...screen.getByRole('group', { name: 'Actions' }).querySelectorAll('button')].map((button) => button.dataset.testid);

describe('invoice detail', () => {
  it('opens a payment of the invoice in the Payments & refunds area', async () => {
    await openDetail({
      get_invoice: () =>
        invoiceDetail({
          payments: [
            { id: 'inpay_1', amount_paid: 50000, status: 'paid', created: 1_799_500_000, payment_intent: 'pi_7', charge: null, paid_out_of_band: false },
            { id: 'inpay_2', amount_paid: 1000, status: 'paid', created: 1_799_500_100, payment_intent: null, charge: null, paid_out_of_band: true },
          ],
        }),
      payment_detail: () => new Promise(() => {}),
    });
    expect(screen.getAllByTestId('invoice-payment-open')).toHaveLength(1);
    expect(screen.getAllByTestId('invoice-payment')[1].textContent).toContain('Outside Stripe');
    await fireEvent.click(screen.getByTestId('invoice-payment-open'));
    expect(router.area).toBe('payments');
    expect(router.payment).toBe('pi_7');
    await screen.findByTestId('payment-detail');
  });

  it('shows the header, amounts, lines, payments, credit notes, timeline and raw object', async () => {
    await openDetail({
      get_invoice: () =>
        invoiceDetail({
          amount_paid: 50000,
          amount_remaining: 100000,
          payments: [
            { id: 'inpay_1', amount_paid: 50000, status: 'paid', created: 1_799_500_000, payment_intent: 'pi_1', charge: null, paid_out_of_band: false },
          ],
          credit_notes: [
            {
              id: 'cn_1', number: 'RC-0001-CN-01', invoice_id: 'in_1', customer_id: 'cus_1', status: 'issued', currency: 'usd',
              total: 2500, amount: 2500, refund_amount: 0, credit_amount: 0, out_of_band_amount: 0, reason: 'duplicate',
              memo: null, created: 1_799_600_000,
            },
          ],
          timeline: [{ event_id: 'evt_2', event_type: 'invoice.finalized', created: 1_799_000_100, source: 'webhook' }],
          po: { po_id: 'po_9', po_number: 'PO-1009' },
          custom_fields: [{ name: 'PO number', value: 'PO-1009' }],
        }),
    });
    expect(text('invoice-number')).toBe('RC-0001');
    expect(text('invoice-status')).toBe('open');
    expect(text('invoice-customer')).toBe('Ferris Foundation');
    expect(text('invoice-total')).toBe('$1,500.00');
    expect(text('invoice-amount-paid')).toBe('$500.00');
    expect(text('invoice-amount-remaining')).toBe('$1,000.00');
    expect(text('invoice-collection')).toBe('Send invoice');
    expect(screen.getAllByTestId('invoice-line')[0].textContent).toContain('$500.00');
    expect(screen.getAllByTestId('invoice-payment')[0].textContent).toContain('pi_1');
    expect(screen.getAllByTestId('invoice-credit-note')[0].textContent).toContain('RC-0001-CN-01');
    expect(screen.getAllByTestId('invoice-event')[0].textContent).toContain('invoice.finalized');
    expect(screen.getByText('PO-1009', { selector: 'dd' })).toBeTruthy();
    expect(text('invoice-raw')).toContain('"id": "in_1"');
    expect(screen.getByTestId('invoice-raw').closest('details')?.open).toBe(false);

    await fireEvent.click(screen.getByTestId('invoice-po'));
    expect([router.area, router.po]).toEqual(['purchase-orders', { kind: 'detail', id: 'po_9' }]);
  });

  it('opens the customer', async () => {
    await openDetail({ get_invoice: () => invoiceDetail() });
    await fireEvent.click(screen.getByTestId('invoice-customer'));
    expect([router.area, router.customer]).toEqual(['customers', { kind: 'detail', id: 'cus_1' }]);
  });

  it('shows the first 20 lines, then all on request', async () => {
    const lines = Array.from({ length: 25 }, (_, index) => invoiceLine({ id: `il_${index}`, description: `Line ${index + 1}` }));
    await openDetail({ get_invoice: () => invoiceDetail({ lines }) });
    expect(screen.getAllByTestId('invoice-line')).toHaveLength(20);
    await fireEvent.click(screen.getByTestId('invoice-all-lines'));
    expect(screen.getAllByTestId('invoice-line')).toHaveLength(25);
    expect(screen.getAllByTestId('invoice-line')[24].textContent).toContain('Line 25');
    expect(screen.queryByTestId('invoice-all-lines')).toBeNull();
  });

  it('offers only the actions the state allows', async () => {
    await openDetail({ get_invoice: () => invoiceDetail() });
    expect(offered()).toEqual([
      'invoice-action-send', 'invoice-action-pay', 'invoice-action-pay_out_of_band', 'invoice-action-mark_uncollectible',
      'invoice-action-void', 'invoice-duplicate', 'invoice-credit', 'invoice-open-hosted', 'invoice-open-pdf',
    ]);
    cleanup();
    resetApp();

    await openDetail({ get_invoice: () => draftInvoice() }, 'in_draft');
    expect(offered()).toEqual(['invoice-action-finalize', 'invoice-action-delete_draft', 'invoice-edit', 'invoice-duplicate']);
    expect(text('invoice-number')).toBe('Draft invoice');
    await fireEvent.click(screen.getByTestId('invoice-edit'));
    expect(router.invoice).toEqual({ kind: 'edit', id: 'in_draft' });
    cleanup();
    resetApp();

    await openDetail({ get_invoice: () => invoiceDetail({ status: 'void', actions: [], can_credit: false }) });
    expect(offered()).toEqual(['invoice-duplicate', 'invoice-open-hosted', 'invoice-open-pdf']);
  });

  // The action, what its confirmation says, the invoice before, its status after, what shows then.
  const ACTIONS: Array<[InvoiceActionKind, string, InvoiceDetail, string, string]> = [
    ['finalize', 'Stripe assigns the invoice a number and it can no longer be edited: amounts, lines and collection method are frozen. It is not emailed yet: Send then emails it to Ferris Foundation <ap@ferris.example>', draftInvoice(), 'open', 'Finalized as RC-0009.'],
    ['send', 'Stripe emails the invoice to Ferris Foundation <ap@ferris.example>', invoiceDetail(), 'open', 'Invoice RC-0009 sent to Ferris Foundation <ap@ferris.example>.'],
    ['pay', 'Stripe charges Ferris Foundation <ap@ferris.example>’s default payment method $1,500.00', invoiceDetail(), 'paid', 'Invoice RC-0009 is paid.'],
    ['pay_out_of_band', 'without charging anything', invoiceDetail(), 'paid', 'Invoice RC-0009 is paid.'],
    ['void', 'This cannot be undone.', invoiceDetail(), 'void', 'Invoice RC-0009 voided.'],
    ['mark_uncollectible', 'uncollectible (a bad debt)', invoiceDetail(), 'uncollectible', 'Invoice RC-0009 marked uncollectible.'],
    ['delete_draft', 'Stripe deletes the draft and its lines', draftInvoice(), 'deleted', ''],
  ];

  it.each(ACTIONS)('asks before %s, saying what Stripe does, and only then calls Rust', async (action, warning, start, status, done) => {
    const backend = await openDetail(
      {
        get_invoice: () => start,
        invoice_action: () => ({ ...start, number: 'RC-0009', status, actions: [] }),
      },
      start.id,
    );
    await fireEvent.click(screen.getByTestId(`invoice-action-${action}`));
    const dialog = screen.getByRole('alertdialog');
    expect(text('invoice-confirm-warning')).toContain(warning);
    expect(backend.argsOf('invoice_action')).toHaveLength(0);

    // Going back sends nothing; confirming sends exactly this action.
    await fireEvent.click(screen.getByTestId('invoice-confirm-cancel'));
    expect(screen.queryByRole('alertdialog')).toBeNull();
    expect(dialog.isConnected).toBe(false);
    await fireEvent.click(screen.getByTestId(`invoice-action-${action}`));
    await fireEvent.click(screen.getByTestId('invoice-confirm-ok'));
    await waitFor(() => expect(backend.argsOf('invoice_action')).toEqual([{ accountId: 'a1', invoiceId: start.id, action }]));
    await waitFor(() => expect(screen.queryByRole('alertdialog')).toBeNull());
    if (action === 'delete_draft') {
      expect(router.invoice).toEqual({ kind: 'list' });
    } else {
      expect(text('invoice-status')).toBe(status);
      expect(text('invoice-notice')).toBe(done);
    }
  });

  it('says finalizing an automatically charged invoice charges nothing yet', async () => {
    await openDetail({ get_invoice: () => draftInvoice({ collection_method: 'charge_automatically' }) }, 'in_draft');
    await fireEvent.click(screen.getByTestId('invoice-action-finalize'));
    expect(text('invoice-confirm-warning')).toContain('Nothing is charged yet: Charge now then charges Ferris Foundation <ap@ferris.example>’s default payment method $1,500.00.');
  });

  it('shows Stripe’s refusal in the dialog and keeps the invoice as it was', async () => {
    await openDetail({
      get_invoice: () => invoiceDetail(),
      invoice_action: () => {
        throw { code: 'stripe_card_error', message: 'Your card was declined.' };
      },
    });
    await fireEvent.click(screen.getByTestId('invoice-action-pay'));
    await fireEvent.click(screen.getByTestId('invoice-confirm-ok'));
    await waitFor(() => expect(text('invoice-action-error')).toBe('Your card was declined.'));
    expect(screen.getByRole('alertdialog')).toBeTruthy();
    expect(text('invoice-status')).toBe('open');
  });

  it('closes the confirmation with Esc, sending nothing', async () => {
    const backend = await openDetail({ get_invoice: () => invoiceDetail() });
    await fireEvent.click(screen.getByTestId('invoice-action-void'));
    await fireEvent.keyDown(window, { key: 'Escape' });
    expect(screen.queryByRole('alertdialog')).toBeNull();
    // Only the dialog closed: the detail is still open.
    expect(router.invoice).toEqual({ kind: 'detail', id: 'in_1' });
    expect(backend.argsOf('invoice_action')).toHaveLength(0);
  });

  it('duplicates after confirming and opens the copy', async () => {
    const backend = await openDetail({
      get_invoice: ({ invoiceId }) => (invoiceId === 'in_copy' ? draftInvoice({ id: 'in_copy' }) : invoiceDetail()),
      duplicate_invoice: () => draftInvoice({ id: 'in_copy' }),
    });
    await fireEvent.click(screen.getByTestId('invoice-duplicate'));
    expect(text('invoice-confirm-warning')).toContain('Nothing is sent to the customer');
    expect(backend.argsOf('duplicate_invoice')).toHaveLength(0);
    await fireEvent.click(screen.getByTestId('invoice-confirm-ok'));
    await waitFor(() => expect(router.invoice).toEqual({ kind: 'detail', id: 'in_copy' }));
    expect(backend.argsOf('duplicate_invoice')).toEqual([{ accountId: 'a1', invoiceId: 'in_1' }]);
    await waitFor(() => expect(text('invoice-number')).toBe('Draft invoice'));
  });

  it('opens the invoice page and the PDF through Rust, showing a refusal', async () => {
    let refuse = false;
    const backend = await openDetail({
      get_invoice: () => invoiceDetail(),
      open_invoice_link: () => {
        if (refuse) throw { code: 'validation', message: 'That link does not point to Stripe.' };
        return null;
      },
    });
    await fireEvent.click(screen.getByTestId('invoice-open-hosted'));
    await fireEvent.click(screen.getByTestId('invoice-open-pdf'));
    await waitFor(() =>
      expect(backend.argsOf('open_invoice_link')).toEqual([
        { accountId: 'a1', invoiceId: 'in_1', which: 'hosted' },
        { accountId: 'a1', invoiceId: 'in_1', which: 'pdf' },
      ]),
    );
    refuse = true;
    await fireEvent.click(screen.getByTestId('invoice-open-pdf'));
    await waitFor(() => expect(text('invoice-action-error')).toBe('That link does not point to Stripe.'));
  });

  it('opens the credit note form for a creditable invoice', async () => {
    await openDetail({ get_invoice: () => invoiceDetail() });
    await fireEvent.click(screen.getByTestId('invoice-credit'));
    const form = await screen.findByTestId('credit-note-form');
    expect((screen.getByTestId('invoice-credit') as HTMLButtonElement).disabled).toBe(true);
    await fireEvent.click(within(form).getByRole('button', { name: 'Cancel' }));
    expect(screen.queryByTestId('credit-note-form')).toBeNull();
    expect((screen.getByTestId('invoice-credit') as HTMLButtonElement).disabled).toBe(false);
  });

  it('says why the invoice cannot be shown', async () => {
    fakeBackend({
      get_invoice: () => {
        throw { code: 'not_found', message: 'No invoice in_404 in the cache.' };
      },
    });
    render(App);
    await screen.findByTestId('nav-invoices');
    router.showInvoice({ kind: 'detail', id: 'in_404' });
    expect((await screen.findByTestId('invoice-load-error')).textContent).toBe('No invoice in_404 in the cache.');
  });

  it('reloads when a sync changes invoices', async () => {
    let detail = invoiceDetail();
    await openDetail({ get_invoice: () => detail });
    detail = invoiceDetail({ status: 'paid', amount_paid: 150000, amount_remaining: 0, actions: [] });
    await emitFromRust('data-changed', { account_id: 'a1', resources: ['invoices'] });
    await waitFor(() => expect(text('invoice-status')).toBe('paid'));
    expect(text('invoice-amount-remaining')).toBe('$0.00');
  });

  it('keeps the newest load when two cross: an older answer arriving last is dropped', async () => {
    // The first reload is slow and answers the invoice as it was; the second is quick and paid.
    const releases: Array<() => void> = [];
    let calls = 0;
    await openDetail({
      get_invoice: () => {
        calls += 1;
        if (calls === 1) return invoiceDetail();
        if (calls === 2) return new Promise((resolve) => releases.push(() => resolve(invoiceDetail())));
        return invoiceDetail({ status: 'paid', amount_paid: 150000, amount_remaining: 0, actions: [] });
      },
    });
    await emitFromRust('data-changed', { account_id: 'a1', resources: ['invoices'] });
    await emitFromRust('data-changed', { account_id: 'a1', resources: ['invoices'] });
    await waitFor(() => expect(text('invoice-status')).toBe('paid'));
    expect(releases).toHaveLength(1);
    releases[0]();
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(text('invoice-status')).toBe('paid');
  });
});
