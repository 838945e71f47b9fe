// The PO list: overdue first, chips, search and filters sent to Rust, opening a PO, re-query on
// data-changed, and the CSV import report and export paths.
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import { afterEach, describe, expect, it } from 'vitest';
import App from '../App.svelte';
import { app } from '../lib/app-state.svelte';
import type { PoSummary } from '../lib/bindings';
import {
  cursorAt,
  emitFromRust,
  fakeBackend,
  poListFrom,
  poSummary,
  purchaseOrder,
  resetApp,
  SHORT_SEARCH_HINT,
} from '../test-support/backend';

afterEach(() => {
  cleanup();
  resetApp();
});

const POS: PoSummary[] = [
  poSummary({ id: 'po_1', po_number: 'PO-1', organization: 'Ferris Foundation', created_at: '2027-03-01T10:00:00Z' }),
  poSummary({
    id: 'po_2',
    po_number: 'PO-2',
    organization: 'Crab Labs',
    contact_email: 'billing@crab.example',
    status: 'partially_paid',
    paid: 100000,
    balance: 275000,
    overdue: true,
    invoice_number: 'RC-0002',
    created_at: '2027-01-10T10:00:00Z',
  }),
  poSummary({
    id: 'po_3',
    po_number: 'PO-3',
    organization: 'Tokyo Rust',
    currency: 'jpy',
    total: 500000,
    balance: 500000,
    status: 'draft',
    invoice_number: null,
    invoice_status: null,
    due_date: null,
    created_at: '2027-03-03T10:00:00Z',
  }),
  poSummary({
    id: 'po_4',
    po_number: 'PO-4',
    organization: 'Kuwait Systems',
    currency: 'kwd',
    total: 1234567,
    balance: 1234567,
    overdue: true,
    invoice_number: 'RC-0004',
    invoice_status: 'uncollectible',
    created_at: '2027-02-01T10:00:00Z',
  }),
];

async function openList() {
  render(App);
  await fireEvent.click(await screen.findByTestId('nav-purchase-orders'));
  await waitFor(() => expect(screen.getAllByTestId('po-list-row').length).toBeGreaterThan(0));
}

const rowTexts = () => screen.getAllByTestId('po-list-row').map((row) => (row.textContent ?? '').replace(/\s/g, ' '));
const words = (element: HTMLElement) => (element.textContent ?? '').replace(/\s+/g, ' ');
const numbers = () => rowTexts().map((text) => /PO-\d+/.exec(text)?.[0]);

describe('PO list', () => {
  it('shows overdue POs first, with status chips and amounts in each currency', async () => {
    const backend = fakeBackend({ list_purchase_orders: poListFrom(POS) });
    await openList();
    expect(numbers()).toEqual(['PO-4', 'PO-2', 'PO-3', 'PO-1']);
    const listed = backend.argsOf('list_purchase_orders').filter((args) => args.query.limit > 1);
    expect(listed[0]).toEqual({
      accountId: 'a1',
      query: {
        search: null,
        status: null,
        overdue_only: false,
        sort: null,
        descending: false,
        offset: 0,
        limit: 200,
        after: null,
      },
    });
    const [kwd, partial, draft, open] = screen.getAllByTestId('po-list-row');
    expect(within(kwd).getByTestId('po-overdue').textContent).toBe('Overdue');
    expect(within(kwd).getByTestId('po-invoice-flag').textContent).toBe('Uncollectible');
    expect(rowTexts()[0]).toContain('KWD 1,234.567');
    expect(within(partial).getByText('Partially paid')).toBeTruthy();
    expect(rowTexts()[1]).toContain('$2,750.00');
    expect(within(draft).getByText('Draft')).toBeTruthy();
    expect(within(draft).queryByTestId('po-overdue')).toBeNull();
    expect(rowTexts()[2]).toContain('¥500,000');
    expect(within(open).queryByTestId('po-overdue')).toBeNull();
    expect(screen.getByTestId('po-list-count').textContent).toBe('4 purchase orders');
    // The default order shows on "Entered" and says the rest in its tooltip.
    expect(screen.getByTestId('sort-created_at').parentElement?.getAttribute('aria-sort')).toBe('descending');
    expect(screen.getByTestId('sort-created_at').getAttribute('title')).toContain('Overdue first, then newest');
    // Every chip's word is in the status cell's tooltip, in case the cell cuts one off.
    expect(within(kwd).getByTestId('po-overdue').parentElement?.getAttribute('title')).toBe('Invoiced · Overdue · Uncollectible');
  });

  it('says when the search text is too short, and pages on with cursors', async () => {
    const many = Array.from({ length: 450 }, (_, index) =>
      poSummary({ id: `po_${index}`, po_number: `PO-${index}`, created_at: `2027-01-01T00:00:00Z` }),
    );
    const backend = fakeBackend({ list_purchase_orders: poListFrom(many) });
    await openList();
    await fireEvent.input(screen.getByTestId('po-search'), { target: { value: 'po' } });
    expect((await screen.findByTestId('po-list-search-hint')).textContent).toBe(SHORT_SEARCH_HINT);
    expect(screen.getByTestId('po-list-count').textContent).toBe('450 purchase orders');
    await fireEvent.input(screen.getByTestId('po-search'), { target: { value: 'po-44' } });
    await waitFor(() => expect(screen.queryByTestId('po-list-search-hint')).toBeNull());
    await fireEvent.input(screen.getByTestId('po-search'), { target: { value: '' } });
    await waitFor(() => expect(screen.getByTestId('po-list-count').textContent).toBe('450 purchase orders'));

    // Scrolling to the end of the first page asks for the second with the first's cursor.
    const grid = screen.getByTestId('po-list');
    grid.scrollTop = 32 * 190;
    await fireEvent.scroll(grid);
    await waitFor(() => expect(numbers()).toContain('PO-205'));
    const pages = backend.argsOf('list_purchase_orders').filter((args) => args.query.limit > 1);
    expect(pages.at(-1).query).toMatchObject({ search: null, offset: 200, after: cursorAt(200) });
  });

  it('filters by status, overdue and search, and sorts by header', async () => {
    const backend = fakeBackend({ list_purchase_orders: poListFrom(POS) });
    await openList();
    const lastQuery = () => backend.argsOf('list_purchase_orders').at(-1).query;

    await fireEvent.click(screen.getByTestId('po-filter-overdue'));
    await waitFor(() => expect(numbers()).toEqual(['PO-4', 'PO-2']));
    expect(lastQuery()).toMatchObject({ overdue_only: true, status: null });
    expect(screen.getByTestId('po-filter-overdue').getAttribute('aria-pressed')).toBe('true');

    await fireEvent.click(screen.getByTestId('po-status-partially_paid'));
    await waitFor(() => expect(numbers()).toEqual(['PO-2']));
    expect(lastQuery()).toMatchObject({ overdue_only: true, status: 'partially_paid' });

    await fireEvent.click(screen.getByTestId('po-status-all'));
    await waitFor(() => expect(numbers()).toHaveLength(4));
    expect(lastQuery()).toMatchObject({ overdue_only: false, status: null });

    // Search reaches Rust after a pause in typing; invoice numbers match too.
    await fireEvent.input(screen.getByTestId('po-search'), { target: { value: 'rc-0004' } });
    await waitFor(() => expect(numbers()).toEqual(['PO-4']));
    expect(lastQuery().search).toBe('rc-0004');
    await fireEvent.input(screen.getByTestId('po-search'), { target: { value: 'crab.example' } });
    await waitFor(() => expect(numbers()).toEqual(['PO-2']));
    await fireEvent.input(screen.getByTestId('po-search'), { target: { value: 'nobody' } });
    expect((await screen.findByTestId('po-list-empty')).textContent).toContain('No purchase orders match');
    await fireEvent.input(screen.getByTestId('po-search'), { target: { value: '' } });
    await waitFor(() => expect(numbers()).toHaveLength(4));

    await fireEvent.click(screen.getByTestId('sort-balance'));
    await waitFor(() => expect(numbers()).toEqual(['PO-2', 'PO-1', 'PO-3', 'PO-4']));
    expect(lastQuery()).toMatchObject({ sort: 'balance', descending: false });
    await fireEvent.click(screen.getByTestId('sort-balance'));
    await waitFor(() => expect(lastQuery()).toMatchObject({ sort: 'balance', descending: true }));
  });

  it('opens a PO and comes back to the same filters', async () => {
    const backend = fakeBackend({
      list_purchase_orders: poListFrom(POS),
      get_purchase_order: ({ poId }) => purchaseOrder({}, POS.find((row) => row.id === poId)),
    });
    await openList();
    await fireEvent.click(screen.getByTestId('po-filter-overdue'));
    await waitFor(() => expect(numbers()).toEqual(['PO-4', 'PO-2']));
    await fireEvent.click(screen.getAllByTestId('po-list-row')[1]);
    const detail = await screen.findByTestId('po-detail');
    await waitFor(() => expect(within(detail).getByTestId('po-detail-number').textContent).toBe('PO-2'));
    expect(backend.argsOf('get_purchase_order').at(-1)).toEqual({ accountId: 'a1', poId: 'po_2' });

    await fireEvent.click(screen.getByTestId('po-back'));
    await waitFor(() => expect(numbers()).toEqual(['PO-4', 'PO-2']));
    expect(screen.getByTestId('po-filter-overdue').getAttribute('aria-pressed')).toBe('true');

    // Keyboard: Enter on the selected row opens it too.
    const grid = screen.getByTestId('po-list');
    await fireEvent.keyDown(grid, { key: 'ArrowDown' });
    await fireEvent.keyDown(grid, { key: 'Enter' });
    await waitFor(() => expect(screen.getByTestId('po-detail-number').textContent).toBe('PO-4'));
  });

  it('goes back to the list when another account becomes active', async () => {
    fakeBackend({
      list_purchase_orders: poListFrom(POS),
      get_purchase_order: () => purchaseOrder(),
    });
    await openList();
    await fireEvent.click(screen.getAllByTestId('po-list-row')[0]);
    await screen.findByTestId('po-detail');
    app.activeId = 'a2';
    await waitFor(() => expect(screen.queryByTestId('po-detail')).toBeNull());
    expect(screen.getByTestId('po-new')).toBeTruthy();
  });

  it('re-queries when POs or invoices change', async () => {
    let rows = POS.slice(0, 1);
    const backend = fakeBackend({ list_purchase_orders: (args) => poListFrom(rows)(args) });
    await openList();
    const before = backend.argsOf('list_purchase_orders').length;

    rows = POS;
    await emitFromRust('data-changed', { account_id: 'a1', resources: ['customers'] });
    await emitFromRust('data-changed', { account_id: 'a2', resources: ['purchase_orders'] });
    expect(backend.argsOf('list_purchase_orders')).toHaveLength(before);
    await emitFromRust('data-changed', { account_id: 'a1', resources: ['purchase_orders'] });
    await waitFor(() => expect(numbers()).toHaveLength(4));
    await emitFromRust('data-changed', { account_id: 'a1', resources: ['invoices'] });
    expect(backend.argsOf('list_purchase_orders')).toHaveLength(before + 2);
  });

  it('renders a window of 10,000 POs', async () => {
    const many = Array.from({ length: 10_000 }, (_, index) =>
      poSummary({ id: `po_${index}`, po_number: `PO-${index}`, created_at: `2027-01-01T00:00:00Z` }),
    );
    const backend = fakeBackend({ list_purchase_orders: poListFrom(many) });
    await openList();
    expect(screen.getByTestId('po-list-count').textContent).toBe('10,000 purchase orders');
    expect(rowTexts().length).toBeLessThan(60);
    // One page of 200 for the rows in view (the dashboard's counts ask for one row each).
    const pages = backend.argsOf('list_purchase_orders').filter((args) => args.query.limit > 1);
    expect(pages.map((args) => args.query.offset)).toEqual([0]);
  });

  it('offers a new PO when there are none yet', async () => {
    fakeBackend();
    render(App);
    await fireEvent.click(await screen.findByTestId('nav-purchase-orders'));
    const empty = await screen.findByTestId('po-list-empty');
    expect(empty.textContent).toContain('No purchase orders yet');
    await fireEvent.click(within(empty).getByText('New PO'));
    expect(await screen.findByTestId('po-editor')).toBeTruthy();
  });
});

describe('PO CSV', () => {
  async function importFile(content: string) {
    await fireEvent.click(await screen.findByTestId('nav-purchase-orders'));
    const input = (await screen.findByTestId('po-import-file')) as HTMLInputElement;
    const file = new File([content], 'pos.csv', { type: 'text/csv' });
    Object.defineProperty(input, 'files', { value: [file], configurable: true });
    await fireEvent.change(input);
    return screen.findByTestId('po-import-report');
  }

  it('shows the per-row errors and says nothing was imported', async () => {
    const csv = 'po_number,organization\nPO-1,Ferris\nPO-2,\n';
    const backend = fakeBackend({
      import_purchase_orders_csv: () => ({
        imported: 0,
        errors: [
          { row: 3, message: 'organization is empty' },
          { row: 4, message: 'unit_price 1.234 has more decimals than USD has' },
        ],
      }),
    });
    render(App);
    const report = await importFile(csv);
    expect(backend.argsOf('import_purchase_orders_csv')).toEqual([{ accountId: 'a1', csv }]);
    expect(words(report)).toContain('Nothing was imported: 2 problems in pos.csv.');
    const problems = within(report).getAllByTestId('po-import-error').map((row) => row.textContent);
    expect(problems).toEqual(['3organization is empty', '4unit_price 1.234 has more decimals than USD has']);
  });

  it('says how many POs an import brought in', async () => {
    fakeBackend({ import_purchase_orders_csv: () => ({ imported: 12, errors: [] }) });
    render(App);
    const report = await importFile('po_number\n');
    expect(words(report)).toContain('Imported 12 purchase orders from pos.csv.');
    expect(within(report).queryByTestId('po-import-error')).toBeNull();
  });

  it('shows where the exports were saved, and why not when they fail', async () => {
    fakeBackend({
      export_purchase_orders_csv: () => '~/Downloads/billfold-purchase-orders.csv',
      export_po_payments_csv: () => {
        throw { code: 'internal', message: 'The Downloads folder cannot be written.' };
      },
    });
    render(App);
    await fireEvent.click(await screen.findByTestId('nav-purchase-orders'));
    await fireEvent.click(await screen.findByTestId('po-export'));
    expect((await screen.findByTestId('po-export-path')).textContent).toBe('Saved to ~/Downloads/billfold-purchase-orders.csv');
    await fireEvent.click(screen.getByTestId('po-export-payments'));
    expect((await screen.findByTestId('po-csv-error')).textContent).toBe('The Downloads folder cannot be written.');
    expect(screen.queryByTestId('po-export-path')).toBeNull();
  });
});
