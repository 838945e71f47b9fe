// The customers list: paging as it scrolls (keyset cursors), search with its debounce and hint,
// late answers dropped, sort, keyboard, re-query on data-changed.
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import { afterEach, describe, expect, it } from 'vitest';
import App from '../App.svelte';
import type { CustomerRow, ListQuery } from '../lib/bindings';
import { router } from '../lib/router.svelte';
import {
  account,
  cursorAt,
  emitFromRust,
  fakeBackend,
  overview,
  resetApp,
  searchOf,
  settle,
  SHORT_SEARCH_HINT,
} from '../test-support/backend';
import { customerDetail } from '../test-support/customers';

afterEach(() => {
  cleanup();
  resetApp();
});

function customer(index: number, suffix = ''): CustomerRow {
  return {
    id: `cus_${index}`,
    name: `Customer ${index}${suffix}`,
    email: `c${index}@example.com`,
    currency: 'usd',
    balance: index * 100,
    delinquent: index % 7 === 0,
    created: 1_800_000_000 + index,
  };
}

/** A cache of `count` customers answering pages like Rust would (cursors and search hint too). */
function customers(count: number, suffix = () => '') {
  return ({ query }: { query: ListQuery }) => {
    const { hint } = searchOf(query);
    const end = Math.min(count, query.offset + query.limit);
    // As the core does, a cursor must name the row right before `offset`.
    if (query.after !== null && query.after !== cursorAt(query.offset)) throw new Error(`bad cursor ${query.after}`);
    const rows = Array.from({ length: Math.max(0, end - query.offset) }, (_, i) => customer(query.offset + i, suffix()));
    return { total: count, rows, next: end < count ? cursorAt(end) : null, search_hint: hint };
  };
}

async function openCustomers() {
  render(App);
  await fireEvent.click(await screen.findByTestId('nav-customers'));
  return screen.findByTestId('customers');
}

function rowTexts() {
  return screen.getAllByTestId('customers-row').map((row) => row.textContent ?? '');
}

describe('customers', () => {
  it('renders only a window of 10,000 rows and fetches pages as it scrolls', async () => {
    const backend = fakeBackend({ list_customers: customers(10_000) });
    const grid = await openCustomers();
    await waitFor(() => expect(rowTexts()[0]).toContain('Customer 0'));
    expect(screen.getByTestId('customers-count').textContent).toBe('10,000 customers');
    expect(grid.getAttribute('aria-rowcount')).toBe('10001');
    expect(rowTexts().length).toBeLessThan(60);
    expect(backend.argsOf('list_customers')).toEqual([
      {
        accountId: 'a1',
        query: { search: null, status: null, sort: null, descending: false, offset: 0, limit: 200, after: null },
      },
    ]);
    expect(rowTexts()[1]).toContain('$1.00');

    grid.scrollTop = 32 * 5000;
    await fireEvent.scroll(grid);
    await waitFor(() => expect(rowTexts().some((text) => text.includes('Customer 5000'))).toBe(true));
    const offsets = backend.argsOf('list_customers').map((args) => args.query.offset);
    expect(offsets).toContain(5000 - (5000 % 200));
    expect(offsets).not.toContain(2000);
    // A jump by the scrollbar: no cursor to seek from, the offset alone.
    const jump = backend.argsOf('list_customers').find((args) => args.query.offset === 4800);
    expect(jump.query.after).toBeNull();

    // Scrolling on to the next page hands Rust the cursor after the last loaded row.
    const pageEnd = 5000 - (5000 % 200) + 200;
    grid.scrollTop = 32 * (pageEnd - 5);
    await fireEvent.scroll(grid);
    await waitFor(() => expect(rowTexts().some((text) => text.includes(`Customer ${pageEnd}`))).toBe(true));
    const next = backend.argsOf('list_customers').find((args) => args.query.offset === pageEnd);
    expect(next.query).toMatchObject({ offset: pageEnd, limit: 200, after: cursorAt(pageEnd) });
  });

  it('sends no search until typing pauses for 250 ms', async () => {
    const backend = fakeBackend({ list_customers: customers(50) });
    await openCustomers();
    await waitFor(() => expect(rowTexts().length).toBeGreaterThan(0));
    const search = screen.getByTestId('customers-search') as HTMLInputElement;
    for (const value of ['a', 'ac', 'acm', 'acme']) {
      await fireEvent.input(search, { target: { value } });
      await new Promise((resolve) => setTimeout(resolve, 60));
    }
    // Typing is never held up: the box shows every keystroke while Rust has not been asked.
    expect(search.value).toBe('acme');
    expect(backend.argsOf('list_customers')).toHaveLength(1);
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(backend.argsOf('list_customers')).toHaveLength(1);
    await waitFor(() => expect(backend.argsOf('list_customers')).toHaveLength(2));
    expect(backend.argsOf('list_customers')[1].query).toMatchObject({ search: 'acme', offset: 0, after: null });
  });

  it('drops a slow answer for an older search that arrives after the newer one', async () => {
    // "ac" is answered slowly (held until released), "acme" at once.
    const held: Array<() => void> = [];
    fakeBackend({
      list_customers: ({ query }: { query: ListQuery }) => {
        const rows = query.search === 'ac' ? [customer(1, ' (ac)'), customer(2, ' (ac)')] : query.search === 'acme' ? [customer(3, ' (acme)')] : [customer(0)];
        const answer = { total: rows.length, rows, next: null, search_hint: null };
        if (query.search !== 'ac') return answer;
        return new Promise((resolve) => held.push(() => resolve(answer)));
      },
    });
    await openCustomers();
    await waitFor(() => expect(rowTexts()).toHaveLength(1));
    const search = screen.getByTestId('customers-search');
    await fireEvent.input(search, { target: { value: 'ac' } });
    await waitFor(() => expect(held).toHaveLength(1));
    await fireEvent.input(search, { target: { value: 'acme' } });
    await waitFor(() => expect(rowTexts()[0]).toContain('(acme)'));

    held[0]();
    await settle();
    expect(rowTexts()).toHaveLength(1);
    expect(rowTexts()[0]).toContain('Customer 3 (acme)');
    expect(screen.getByTestId('customers-count').textContent).toBe('1 customers');
  });

  it('shows Rust’s hint under the search box while the text is too short', async () => {
    const backend = fakeBackend({ list_customers: customers(50) });
    await openCustomers();
    await waitFor(() => expect(rowTexts().length).toBeGreaterThan(0));
    expect(screen.queryByTestId('customers-search-hint')).toBeNull();
    const search = screen.getByTestId('customers-search');
    await fireEvent.input(search, { target: { value: 'ac' } });
    expect((await screen.findByTestId('customers-search-hint')).textContent).toBe(SHORT_SEARCH_HINT);
    expect(backend.argsOf('list_customers').at(-1).query.search).toBe('ac');
    // The rows are the unfiltered list meanwhile.
    expect(screen.getByTestId('customers-count').textContent).toBe('50 customers');

    await fireEvent.input(search, { target: { value: 'acme' } });
    await waitFor(() => expect(screen.queryByTestId('customers-search-hint')).toBeNull());
  });

  it('re-queries when data-changed names customers of the active account', async () => {
    let version = '';
    const backend = fakeBackend({ list_customers: customers(3, () => version) });
    await openCustomers();
    await waitFor(() => expect(rowTexts()[0]).toContain('Customer 0'));
    const before = backend.argsOf('list_customers').length;

    await emitFromRust('data-changed', { account_id: 'a2', resources: ['customers'] });
    await emitFromRust('data-changed', { account_id: 'a1', resources: ['invoices'] });
    expect(backend.argsOf('list_customers')).toHaveLength(before);

    version = ' (renamed)';
    await emitFromRust('data-changed', { account_id: 'a1', resources: ['prices', 'customers'] });
    await waitFor(() => expect(rowTexts()[0]).toContain('Customer 0 (renamed)'));
    expect(backend.argsOf('list_customers')).toHaveLength(before + 1);
  });

  it('searches after a pause in typing and sorts by header', async () => {
    const backend = fakeBackend({ list_customers: customers(50) });
    await openCustomers();
    await waitFor(() => expect(rowTexts().length).toBeGreaterThan(0));
    const search = screen.getByTestId('customers-search');
    await fireEvent.input(search, { target: { value: 'ac' } });
    await fireEvent.input(search, { target: { value: 'acme' } });
    await waitFor(() => expect(backend.argsOf('list_customers').at(-1).query.search).toBe('acme'));
    expect(backend.argsOf('list_customers').map((args) => args.query.search)).toEqual([null, 'acme']);

    await fireEvent.click(screen.getByTestId('sort-name'));
    await settle();
    expect(backend.argsOf('list_customers').at(-1).query).toMatchObject({ sort: 'name', descending: false, offset: 0 });
    await fireEvent.click(screen.getByTestId('sort-name'));
    await settle();
    expect(backend.argsOf('list_customers').at(-1).query).toMatchObject({ sort: 'name', descending: true });
    expect(screen.getByTestId('sort-name').parentElement?.getAttribute('aria-sort')).toBe('descending');
    // A third click goes back to Rust's default order, newest first.
    await fireEvent.click(screen.getByTestId('sort-name'));
    await settle();
    expect(backend.argsOf('list_customers').at(-1).query).toMatchObject({ sort: null });
    expect(screen.getByTestId('sort-created').parentElement?.getAttribute('aria-sort')).toBe('descending');
  });

  it('gives long names, emails and ids their full text as a tooltip', async () => {
    fakeBackend({
      list_customers: () => ({
        total: 1,
        rows: [{ ...customer(1), name: 'Crab Labs International Association of Rustaceans' }],
        next: null,
        search_hint: null,
      }),
    });
    await openCustomers();
    await waitFor(() => expect(rowTexts()).toHaveLength(1));
    const row = screen.getAllByTestId('customers-row')[0];
    expect(within(row).getByText('Crab Labs International Association of Rustaceans').getAttribute('title')).toBe(
      'Crab Labs International Association of Rustaceans',
    );
    expect(within(row).getByText('c1@example.com').getAttribute('title')).toBe('c1@example.com');
    expect(within(row).getByText('cus_1').getAttribute('title')).toBe('cus_1');
  });

  it('moves the selected row with the arrow keys', async () => {
    fakeBackend({ list_customers: customers(20) });
    const grid = await openCustomers();
    await waitFor(() => expect(rowTexts().length).toBe(20));
    grid.focus();
    await fireEvent.keyDown(grid, { key: 'ArrowDown' });
    await fireEvent.keyDown(grid, { key: 'ArrowDown' });
    const selected = () => grid.querySelector('[aria-selected="true"]')?.textContent ?? '';
    expect(selected()).toContain('Customer 1');
    await fireEvent.keyDown(grid, { key: 'ArrowUp' });
    expect(selected()).toContain('Customer 0');
    await fireEvent.keyDown(grid, { key: 'End' });
    expect(selected()).toContain('Customer 19');
    expect(grid.getAttribute('aria-activedescendant')).toBe(grid.querySelector('[aria-selected="true"]')?.id);
  });

  it('says to sync when nothing is cached', async () => {
    const backend = fakeBackend();
    render(App);
    await fireEvent.click(await screen.findByTestId('nav-customers'));
    const empty = await screen.findByTestId('customers-empty');
    expect(empty.textContent).toContain('No customers cached for RustConf 2027 yet');
    await fireEvent.click(within(empty).getByRole('button', { name: 'Sync now' }));
    expect(backend.argsOf('sync_now')).toHaveLength(1);
  });

  it('starts over for another account without showing the first one’s rows', async () => {
    let active = 'a1';
    const accounts = [account(), account({ id: 'a2', name: 'Live Expo', is_active: false })];
    const backend = fakeBackend({
      app_overview: () => overview(accounts, active),
      switch_account: ({ id }: { id: string }) => {
        active = id;
        return accounts.find((a) => a.id === id);
      },
      list_customers: ({ accountId }: { accountId: string }) =>
        accountId === 'a1' ? { total: 1, rows: [customer(1)] } : { total: 0, rows: [] },
    });
    await openCustomers();
    await waitFor(() => expect(rowTexts()[0]).toContain('Customer 1'));
    await fireEvent.change(screen.getByTestId('account-switcher'), { target: { value: 'a2' } });
    const empty = await screen.findByTestId('customers-empty');
    expect(empty.textContent).toContain('Live Expo');
    expect(screen.queryAllByTestId('customers-row')).toHaveLength(0);
    expect(backend.argsOf('list_customers').at(-1).accountId).toBe('a2');
  });

  it('opens a customer on a click or Enter, and comes back to the list with its search', async () => {
    const backend = fakeBackend({
      list_customers: customers(3),
      get_customer: ({ customerId }: { customerId: string }) =>
        customerDetail({ id: customerId, name: `Customer ${customerId.slice(4)}` }),
      refresh_customer_payment_methods: () => [],
      refresh_customer_balance_transactions: () => [],
    });
    const grid = await openCustomers();
    await waitFor(() => expect(rowTexts().length).toBe(3));
    await fireEvent.input(screen.getByTestId('customers-search'), { target: { value: 'customer' } });
    await fireEvent.click(screen.getAllByTestId('customers-row')[1]);
    expect(await screen.findByTestId('customer-name')).toHaveProperty('textContent', 'Customer 1');
    expect(router.customer).toEqual({ kind: 'detail', id: 'cus_1' });
    expect(backend.argsOf('get_customer')).toEqual([{ accountId: 'a1', customerId: 'cus_1' }]);

    await fireEvent.click(screen.getByRole('button', { name: '← All customers' }));
    const again = await screen.findByTestId('customers');
    expect((screen.getByTestId('customers-search') as HTMLInputElement).value).toBe('customer');
    await waitFor(() => expect(rowTexts().length).toBe(3));
    again.focus();
    await fireEvent.keyDown(again, { key: 'ArrowDown' });
    await fireEvent.keyDown(again, { key: 'ArrowDown' });
    await fireEvent.keyDown(again, { key: 'ArrowDown' });
    await fireEvent.keyDown(again, { key: 'Enter' });
    await waitFor(() => expect(router.customer).toEqual({ kind: 'detail', id: 'cus_2' }));
    expect(grid.isConnected).toBe(false);
  });

  it('opens the editor for a new customer', async () => {
    fakeBackend({ list_customers: customers(1) });
    await openCustomers();
    await fireEvent.click(screen.getByTestId('customer-new'));
    expect((await screen.findByTestId('customer-editor')).textContent).toContain('New customer');
    expect(screen.queryByTestId('customer-field-payment-method')).toBeNull();
    await fireEvent.click(screen.getByRole('button', { name: 'Cancel' }));
    expect(await screen.findByTestId('customers')).toBeTruthy();
  });
});
