// The invoices list: status chips, money in each currency's exponent, newest first by default
// with the header saying so, tooltips on long text, re-query on data-changed.
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import { afterEach, describe, expect, it, vi } from 'vitest';
import App from '../App.svelte';
import type { ListQuery } from '../lib/bindings';
import { router } from '../lib/router.svelte';
import { emitFromRust, fakeBackend, invoiceRow as invoice, pageOf, resetApp, settle } from '../test-support/backend';
import { creditNoteRow } from '../test-support/customers';
import { draftInvoice, invoiceDetail } from '../test-support/invoices';

afterEach(() => {
  cleanup();
  resetApp();
});

const INVOICES = [
  invoice({}),
  invoice({ id: 'in_2', number: 'RC-0002', currency: 'jpy', total: 50000, amount_remaining: 50000, status: 'paid' }),
  invoice({ id: 'in_3', number: 'RC-0003', currency: 'kwd', total: 1234567, amount_remaining: 10, status: 'open' }),
  invoice({ id: 'in_4', number: null, customer_name: null, status: 'draft', due_date: null }),
];

function answer({ query }: { query: ListQuery }) {
  return pageOf(
    INVOICES.filter((row) => !query.status || row.status === query.status),
    query,
  );
}

async function openInvoices() {
  render(App);
  await fireEvent.click(await screen.findByTestId('nav-invoices'));
  await waitFor(() => expect(screen.getAllByTestId('invoices-row').length).toBeGreaterThan(0));
}

const rowTexts = () => screen.getAllByTestId('invoices-row').map((row) => (row.textContent ?? '').replace(/\s/g, ' '));

describe('invoices', () => {
  it('formats totals with each currency’s exponent', async () => {
    fakeBackend({ list_invoices: answer });
    await openInvoices();
    const [usd, jpy, kwd, draft] = rowTexts();
    expect(usd).toContain('$1,500.00');
    expect(jpy).toContain('¥50,000');
    expect(jpy).not.toContain('¥50,000.');
    expect(kwd).toContain('KWD 1,234.567');
    expect(kwd).toContain('KWD 0.010');
    // A draft has no number yet: its id stands in; the customer falls back to the email.
    expect(draft).toContain('in_4');
    expect(draft).toContain('ap@ferris.example');
  });

  it('filters by status with the chips', async () => {
    const backend = fakeBackend({ list_invoices: answer });
    await openInvoices();
    await fireEvent.click(screen.getByTestId('status-paid'));
    await waitFor(() => expect(rowTexts()).toHaveLength(1));
    expect(rowTexts()[0]).toContain('RC-0002');
    expect(backend.argsOf('list_invoices').at(-1).query).toMatchObject({ status: 'paid', offset: 0 });
    expect(screen.getByTestId('status-paid').getAttribute('aria-pressed')).toBe('true');

    // Pressing the active chip again shows every status.
    await fireEvent.click(screen.getByTestId('status-paid'));
    await waitFor(() => expect(rowTexts()).toHaveLength(4));
    expect(backend.argsOf('list_invoices').at(-1).query.status).toBeNull();

    // Sort keys are the ones Rust knows for invoices.
    await fireEvent.click(screen.getByTestId('sort-customer'));
    await waitFor(() => expect(backend.argsOf('list_invoices').at(-1).query).toMatchObject({ sort: 'customer', descending: false }));

    await fireEvent.click(screen.getByTestId('status-uncollectible'));
    const empty = await screen.findByTestId('invoices-empty');
    expect(empty.textContent).toContain('No invoices match');
  });

  it('says the default order is newest first, and comes back to it', async () => {
    const backend = fakeBackend({ list_invoices: answer });
    await openInvoices();
    const lastQuery = () => backend.argsOf('list_invoices').at(-1).query;
    const arrow = (key: string) => screen.getByTestId(`sort-${key}-arrow`).textContent;
    const ariaSort = (key: string) => screen.getByTestId(`sort-${key}`).parentElement?.getAttribute('aria-sort');

    // Rust's default order (`sort: null`) is newest first: the header shows "Created ↓".
    expect(lastQuery()).toMatchObject({ sort: null });
    expect(screen.getByTestId('sort-created').textContent?.replace(/\s+/g, ' ').trim()).toBe('Created ↓');
    expect(ariaSort('created')).toBe('descending');
    expect(screen.getByTestId('sort-created').getAttribute('title')).toContain('Newest first');
    expect(arrow('number')).toBe('');

    // Another column: ascending, descending, then the default again.
    await fireEvent.click(screen.getByTestId('sort-number'));
    await settle();
    expect(lastQuery()).toMatchObject({ sort: 'number', descending: false, offset: 0, after: null });
    expect([arrow('number'), arrow('created')]).toEqual(['↑', '']);
    expect(ariaSort('created')).toBe('none');
    await fireEvent.click(screen.getByTestId('sort-number'));
    await settle();
    expect(lastQuery()).toMatchObject({ sort: 'number', descending: true });
    expect(arrow('number')).toBe('↓');
    await fireEvent.click(screen.getByTestId('sort-number'));
    await settle();
    expect(lastQuery()).toMatchObject({ sort: null });
    expect([arrow('number'), arrow('created')]).toEqual(['', '↓']);

    // The default column itself: oldest first, then back to the default.
    await fireEvent.click(screen.getByTestId('sort-created'));
    await settle();
    expect(lastQuery()).toMatchObject({ sort: 'created', descending: false });
    expect(arrow('created')).toBe('↑');
    expect(screen.getByTestId('sort-created').getAttribute('title')).toBeNull();
    await fireEvent.click(screen.getByTestId('sort-created'));
    await settle();
    expect(lastQuery()).toMatchObject({ sort: null });
    expect(arrow('created')).toBe('↓');
  });

  it('gives numbers, ids and customers their full text as a tooltip', async () => {
    fakeBackend({ list_invoices: answer });
    await openInvoices();
    const [first, , , draft] = screen.getAllByTestId('invoices-row');
    expect(within(first).getByText('RC-0001').getAttribute('title')).toBe('RC-0001');
    expect(within(first).getByText('Ferris Foundation').getAttribute('title')).toBe('Ferris Foundation · ap@ferris.example');
    expect(within(draft).getByText('in_4').getAttribute('title')).toBe('in_4');
  });

  it('re-queries when invoices (or the customers they show) change', async () => {
    let status = 'open';
    const backend = fakeBackend({
      list_invoices: () => ({ total: 1, rows: [invoice({ status })] }),
    });
    await openInvoices();
    expect(rowTexts()[0]).toContain('open');
    const before = backend.argsOf('list_invoices').length;

    status = 'paid';
    await emitFromRust('data-changed', { account_id: 'a1', resources: ['invoices'] });
    await waitFor(() => expect(rowTexts()[0]).toContain('paid'));
    await emitFromRust('data-changed', { account_id: 'a1', resources: ['customers'] });
    await emitFromRust('data-changed', { account_id: 'a1', resources: ['subscriptions'] });
    expect(backend.argsOf('list_invoices')).toHaveLength(before + 2);
  });
});

describe('invoices area', () => {
  const detailOf = ({ invoiceId }: { invoiceId: string }) => invoiceDetail({ id: invoiceId });
  const key = (key: string, target: Element = document.body) => fireEvent.keyDown(target, { key });
  const ticks = () => screen.getAllByTestId('invoice-tick') as HTMLInputElement[];

  it('has the credit notes as a second tab, whose rows open the invoice they credit', async () => {
    fakeBackend({
      list_invoices: answer,
      get_invoice: detailOf,
      list_credit_notes: ({ query }: { query: ListQuery }) => pageOf([creditNoteRow({ invoice_id: 'in_2' })], query),
    });
    await openInvoices();
    expect(screen.getByTestId('tab-invoices').getAttribute('aria-selected')).toBe('true');
    await fireEvent.click(screen.getByTestId('tab-credit-notes'));
    const rows = await screen.findAllByTestId('credit-notes-row');
    expect(rows).toHaveLength(1);
    expect(screen.queryByTestId('invoice-new')).toBeNull();
    await fireEvent.click(rows[0]);
    await waitFor(() => expect(router.invoice).toEqual({ kind: 'detail', id: 'in_2' }));
    await key('Escape');
    await fireEvent.click(await screen.findByTestId('tab-invoices'));
    await screen.findAllByTestId('invoices-row');
  });

  it('opens an invoice on a click or Enter, and Esc comes back to the list', async () => {
    fakeBackend({ list_invoices: answer, get_invoice: detailOf });
    await openInvoices();
    await fireEvent.click(screen.getAllByTestId('invoices-row')[1]);
    await waitFor(() => expect(router.invoice).toEqual({ kind: 'detail', id: 'in_2' }));
    await screen.findByTestId('invoice-status');

    await key('Escape');
    expect(router.invoice).toEqual({ kind: 'list' });
    await screen.findAllByTestId('invoices-row');

    // Keyboard only: arrows from anywhere move into the table, Enter opens the selected row.
    await key('ArrowDown');
    expect(document.activeElement).toBe(screen.getByTestId('invoices'));
    await key('ArrowDown', document.activeElement!);
    await key('ArrowUp', document.activeElement!);
    await key('ArrowDown', document.activeElement!);
    await key('ArrowDown', document.activeElement!);
    await key('Enter', document.activeElement!);
    expect(router.invoice).toEqual({ kind: 'detail', id: 'in_3' });
  });

  it('focuses the search with "/" and starts a new invoice with "n", but not while typing', async () => {
    fakeBackend({ list_invoices: answer, list_catalog_prices: () => [] });
    await openInvoices();
    const search = screen.getByTestId('invoices-search');
    await key('/');
    expect(document.activeElement).toBe(search);
    await key('n', search);
    expect(router.invoice).toEqual({ kind: 'list' });

    // A checkbox takes no letters: "n" there starts a new invoice too.
    await key('n', ticks()[0]);
    expect(router.invoice).toEqual({ kind: 'new' });
    await screen.findByTestId('invoice-editor');
    // Esc in a field keeps the form; elsewhere it leaves.
    await key('Escape', screen.getByTestId('invoice-currency'));
    expect(router.invoice).toEqual({ kind: 'new' });
    await key('Escape');
    expect(router.invoice).toEqual({ kind: 'list' });

    await fireEvent.click(await screen.findByTestId('invoice-new'));
    expect(router.invoice).toEqual({ kind: 'new' });
  });

  it('goes back from a draft’s editor to its detail with Esc', async () => {
    fakeBackend({ list_invoices: answer, get_invoice: () => draftInvoice(), list_catalog_prices: () => [] });
    await openInvoices();
    router.showInvoice({ kind: 'edit', id: 'in_draft' });
    await screen.findByTestId('invoice-editor-save');
    await key('Escape');
    expect(router.invoice).toEqual({ kind: 'detail', id: 'in_draft' });
  });

  it('ticks rows without opening them and sends reminders, showing each result', async () => {
    const backend = fakeBackend({
      list_invoices: answer,
      send_invoice_reminders: ({ invoiceIds }: { invoiceIds: string[] }) =>
        invoiceIds.map((id) =>
          id === 'in_2'
            ? { invoice_id: id, ok: false, message: 'Only open invoices can be sent; this one is paid.' }
            : { invoice_id: id, ok: true, message: null },
        ),
    });
    await openInvoices();
    expect(screen.queryByTestId('invoice-bulk')).toBeNull();
    await fireEvent.click(ticks()[0]);
    await fireEvent.click(ticks()[1]);
    expect(router.invoice).toEqual({ kind: 'list' });
    expect(screen.getByTestId('invoice-selected-count').textContent).toBe('2 selected');
    // Space ticks the row the keyboard is on.
    const grid = screen.getByTestId('invoices');
    grid.focus();
    await key('ArrowDown', grid);
    await key('ArrowDown', grid);
    await key('ArrowDown', grid);
    await key(' ', grid);
    expect(ticks().map((box) => box.checked)).toEqual([true, true, true, false]);

    await fireEvent.click(screen.getByTestId('invoice-bulk-remind'));
    expect(screen.getByRole('alertdialog').textContent).toContain('RC-0001, RC-0002, RC-0003');
    expect(backend.argsOf('send_invoice_reminders')).toHaveLength(0);
    await fireEvent.click(screen.getByTestId('invoice-remind-confirm'));
    await waitFor(() => expect(screen.getAllByTestId('invoice-bulk-result')).toHaveLength(3));
    expect(backend.argsOf('send_invoice_reminders')).toEqual([{ accountId: 'a1', invoiceIds: ['in_1', 'in_2', 'in_3'] }]);
    const results = screen.getAllByTestId('invoice-bulk-result').map((item) => item.textContent?.trim());
    expect(results).toEqual(['RC-0001: sent', 'RC-0002: Only open invoices can be sent; this one is paid.', 'RC-0003: sent']);
    expect(screen.getByTestId('invoice-bulk-results').textContent).toContain('2 sent, 1 not sent');

    await fireEvent.click(screen.getByTestId('invoice-bulk-clear'));
    expect(ticks().every((box) => !box.checked)).toBe(true);
  });

  it('shows a refused bulk call and sends nothing when going back', async () => {
    const backend = fakeBackend({
      list_invoices: answer,
      send_invoice_reminders: () => {
        throw { code: 'stripe_unreachable', message: 'Stripe cannot be reached.' };
      },
    });
    await openInvoices();
    await fireEvent.click(ticks()[0]);
    await fireEvent.click(screen.getByTestId('invoice-bulk-remind'));
    await fireEvent.click(screen.getByTestId('invoice-remind-cancel'));
    expect(backend.argsOf('send_invoice_reminders')).toHaveLength(0);
    await fireEvent.click(screen.getByTestId('invoice-bulk-remind'));
    await fireEvent.click(screen.getByTestId('invoice-remind-confirm'));
    expect((await screen.findByTestId('invoice-bulk-error')).textContent).toBe('Stripe cannot be reached.');
  });

  it('exports the ticked invoices as a CSV download, or shows the text', async () => {
    const csv = 'id,number\nin_1,RC-0001\n';
    const backend = fakeBackend({ list_invoices: answer, export_invoices_csv: () => csv });
    await openInvoices();
    await fireEvent.click(ticks()[3]);
    await fireEvent.click(ticks()[0]);

    // jsdom has no Blob URLs: the text shows for copying.
    await fireEvent.click(screen.getByTestId('invoice-bulk-export'));
    expect(((await screen.findByTestId('invoice-export-text')) as HTMLTextAreaElement).value).toBe(csv);
    expect(backend.argsOf('export_invoices_csv')).toEqual([{ accountId: 'a1', invoiceIds: ['in_4', 'in_1'] }]);

    const blobs: Blob[] = [];
    const clicked: string[] = [];
    URL.createObjectURL = (blob: Blob) => (blobs.push(blob), 'blob:csv');
    const revoked: string[] = [];
    URL.revokeObjectURL = (url: string) => void revoked.push(url);
    const click = vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
      clicked.push(`${this.download} ${this.getAttribute('href')}`);
    });
    try {
      await fireEvent.click(screen.getByTestId('invoice-bulk-export'));
      await waitFor(() => expect(screen.getByTestId('invoice-export-result').textContent).toContain('saved to your downloads'));
      expect(clicked).toEqual([expect.stringMatching(/^invoices-\d{4}-\d{2}-\d{2}\.csv blob:csv$/)]);
      const reader = new FileReader();
      const read = new Promise((resolve) => reader.addEventListener('load', () => resolve(reader.result)));
      reader.readAsText(blobs[0]);
      expect(await read).toBe(csv);
      expect(blobs[0].type).toBe('text/csv;charset=utf-8');
      expect(screen.queryByTestId('invoice-export-text')).toBeNull();
      await waitFor(() => expect(revoked).toEqual(['blob:csv']));
    } finally {
      click.mockRestore();
      Reflect.deleteProperty(URL, 'createObjectURL');
      Reflect.deleteProperty(URL, 'revokeObjectURL');
    }
  });
});
