// The invoices list: status chips, money in each currency's exponent, newest first by default
// with the header saying so, tooltips on long text, re-query on data-changed.
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import { afterEach, describe, expect, it } from 'vitest';
import App from '../App.svelte';
import type { ListQuery } from '../lib/bindings';
import { emitFromRust, fakeBackend, invoiceRow as invoice, pageOf, resetApp, settle } from '../test-support/backend';

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
