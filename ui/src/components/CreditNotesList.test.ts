// The credit notes list: the rows Rust pages out, searching and sorting them, and a row opening
// the invoice it credits.
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { afterEach, describe, expect, it } from 'vitest';
import CreditNotesList, { COLUMNS, DEFAULT_SORT } from './CreditNotesList.svelte';
import { app } from '../lib/app-state.svelte';
import type { CreditNoteRow, ListQuery } from '../lib/bindings';
import { DEFAULT_TABLE_WIDTH, fitColumns, minTableWidth } from '../lib/columns';
import { router } from '../lib/router.svelte';
import { account, fakeBackend, pageOf, resetApp, searchOf } from '../test-support/backend';
import { creditNoteRow } from '../test-support/customers';

afterEach(() => {
  cleanup();
  resetApp();
});

const NOTES = [
  creditNoteRow(),
  creditNoteRow({ id: 'cn_2', number: 'RC-0002-CN-01', invoice_id: 'in_2', status: 'void', total: 5000, reason: 'order_change' }),
];

/** What the core searches a credit note by. */
const searched = (note: CreditNoteRow) => [note.number, note.id, note.invoice_id, note.customer_id];

/** The core's order for a sort key it indexes, ties by id. */
function compare(a: CreditNoteRow, b: CreditNoteRow, sort: string): number {
  const key = (note: CreditNoteRow) =>
    sort === 'number' ? (note.number ?? '').toLowerCase() : sort === 'status' ? note.status : sort === 'total' ? note.total : note.created;
  const [x, y] = [key(a), key(b)];
  return x < y ? -1 : x > y ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

function mount() {
  const backend = fakeBackend({
    // Like the core: the search in number and ids, the sort asked for, or NOTES' order.
    list_credit_notes: ({ query }: { query: ListQuery }) => {
      const { needle, hint } = searchOf(query);
      const rows = NOTES.filter(
        (note) => !needle || searched(note).some((field) => (field ?? '').toLowerCase().includes(needle)),
      );
      const sort = query.sort;
      if (sort) rows.sort((a, b) => (query.descending ? -1 : 1) * compare(a, b, sort));
      return pageOf(rows, query, hint);
    },
  });
  app.accounts = [account()];
  app.activeId = 'a1';
  render(CreditNotesList);
  return backend;
}

const rowTexts = () => screen.getAllByTestId('credit-notes-row').map((row) => row.textContent ?? '');

describe('credit notes list', () => {
  it('lists credit notes with their totals, status and reason', async () => {
    const backend = mount();
    await waitFor(() => expect(rowTexts()).toHaveLength(2));
    expect(rowTexts()[0]).toContain('RC-0001-CN-01');
    expect(rowTexts()[0]).toContain('$100.00');
    expect(rowTexts()[1]).toContain('void');
    expect(rowTexts()[1]).toContain('order change');
    expect(screen.getByTestId('credit-notes-count').textContent).toBe('2 credit notes');
    expect(backend.argsOf('list_credit_notes')[0]).toEqual({
      accountId: 'a1',
      query: { search: null, status: null, sort: null, descending: false, offset: 0, limit: 200, after: null },
    });
  });

  it('searches and opens the credited invoice', async () => {
    const backend = mount();
    await waitFor(() => expect(rowTexts()).toHaveLength(2));
    await fireEvent.input(screen.getByTestId('credit-notes-search'), { target: { value: '0002' } });
    await waitFor(() => expect(rowTexts()).toHaveLength(1));
    expect(backend.argsOf('list_credit_notes').at(-1).query.search).toBe('0002');
    await fireEvent.click(screen.getAllByTestId('credit-notes-row')[0]);
    expect(router.invoice).toEqual({ kind: 'detail', id: 'in_2' });
  });

  it('sorts by the columns Rust indexes', async () => {
    const backend = mount();
    await waitFor(() => expect(rowTexts()).toHaveLength(2));
    const sortable = COLUMNS.filter((column) => column.sortable).map((column) => column.key);
    expect(sortable).toEqual(['number', 'status', 'total', 'created']);
    await fireEvent.click(screen.getByTestId('sort-total'));
    await waitFor(() => expect(rowTexts()[0]).toContain('RC-0002-CN-01'));
    expect(backend.argsOf('list_credit_notes').at(-1).query).toMatchObject({ sort: 'total', descending: false, offset: 0 });
    await fireEvent.click(screen.getByTestId('sort-total'));
    await waitFor(() => expect(rowTexts()[0]).toContain('RC-0001-CN-01'));
    expect(backend.argsOf('list_credit_notes').at(-1).query).toMatchObject({ sort: 'total', descending: true });
    expect(screen.queryByTestId('sort-reason')).toBeNull();
  });

  it('finds a credit note by the invoice it credits', async () => {
    mount();
    await waitFor(() => expect(rowTexts()).toHaveLength(2));
    await fireEvent.input(screen.getByTestId('credit-notes-search'), { target: { value: 'in_2' } });
    await waitFor(() => expect(rowTexts()).toHaveLength(1));
    expect(rowTexts()[0]).toContain('RC-0002-CN-01');
  });

  it('fits every column in the default window, sorted newest first by default', () => {
    expect(minTableWidth(COLUMNS)).toBeLessThanOrEqual(DEFAULT_TABLE_WIDTH);
    expect(fitColumns(COLUMNS, DEFAULT_TABLE_WIDTH)).toEqual(COLUMNS);
    expect(COLUMNS.find((column) => column.key === DEFAULT_SORT.key)?.sortable).toBe(true);
  });
});
