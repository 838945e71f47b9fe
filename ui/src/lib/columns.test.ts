// Header sorts around a list's default order, and the column widths against the default window.
import { describe, expect, it } from 'vitest';
import { COLUMNS as CUSTOMER_COLUMNS, DEFAULT_SORT as CUSTOMER_DEFAULT } from '../components/CustomersView.svelte';
import { COLUMNS as INVOICE_COLUMNS, DEFAULT_SORT as INVOICE_DEFAULT } from '../components/InvoicesView.svelte';
import { COLUMNS as PO_COLUMNS, DEFAULT_SORT as PO_DEFAULT } from '../components/PoList.svelte';
import {
  DEFAULT_TABLE_WIDTH,
  fitColumns,
  minTableWidth,
  nextSort,
  shownSort,
  type Column,
  type DefaultSort,
  type Sort,
} from './columns';

const NEWEST: DefaultSort = { key: 'created', descending: true };
const DEFAULT: Sort = { key: null, descending: false };

/** The sorts successive clicks on `key` lead to, from the default order. */
function clicks(key: string, count: number, fallback?: DefaultSort): Sort[] {
  const seen: Sort[] = [];
  let sort = DEFAULT;
  for (let i = 0; i < count; i++) seen.push((sort = nextSort(sort, key, fallback)));
  return seen;
}

describe('sorting', () => {
  it('shows the default order as its column sorted', () => {
    expect(shownSort(DEFAULT, NEWEST)).toEqual({ key: 'created', descending: true });
    expect(shownSort({ key: 'total', descending: false }, NEWEST)).toEqual({ key: 'total', descending: false });
    expect(shownSort(DEFAULT)).toEqual(DEFAULT);
  });

  it('cycles another column ascending, descending, then back to the default', () => {
    expect(clicks('number', 3, NEWEST)).toEqual([
      { key: 'number', descending: false },
      { key: 'number', descending: true },
      DEFAULT,
    ]);
  });

  it('turns the default column around, then goes back to the default', () => {
    expect(clicks('created', 3, NEWEST)).toEqual([{ key: 'created', descending: false }, DEFAULT, { key: 'created', descending: false }]);
  });

  it('moves from one column to another ascending', () => {
    expect(nextSort({ key: 'total', descending: true }, 'number', NEWEST)).toEqual({ key: 'number', descending: false });
    expect(nextSort({ key: 'total', descending: false }, 'created', NEWEST)).toEqual({ key: 'created', descending: false });
  });

  it('knows each list’s default order', () => {
    expect(INVOICE_DEFAULT).toMatchObject({ key: 'created', descending: true });
    expect(CUSTOMER_DEFAULT).toMatchObject({ key: 'created', descending: true });
    expect(PO_DEFAULT).toMatchObject({ key: 'created_at', descending: true });
    expect(PO_DEFAULT.title).toContain('Overdue first');
  });
});

describe('column widths', () => {
  const column = (key: string, width: string, dropOrder?: number): Column => ({ key, label: key, width, dropOrder });

  it('reads the least width of each track', () => {
    expect(minTableWidth([column('a', 'minmax(150px, 1fr)'), column('b', '116px'), column('c', '1fr')])).toBe(150 + 116 + 80);
  });

  it('drops columns lowest drop order first until the rest fit', () => {
    const columns = [column('key', '200px'), column('x', '100px', 2), column('y', '100px', 1), column('z', '100px')];
    expect(fitColumns(columns, 500).map((c) => c.key)).toEqual(['key', 'x', 'y', 'z']);
    expect(fitColumns(columns, 450).map((c) => c.key)).toEqual(['key', 'x', 'z']);
    expect(fitColumns(columns, 300).map((c) => c.key)).toEqual(['key', 'z']);
    // Nothing more to drop: the table scrolls sideways below 300 px.
    expect(fitColumns(columns, 100).map((c) => c.key)).toEqual(['key', 'z']);
  });

  it('budgets the default window: 1200 px less sidebar, padding, border and a scrollbar', () => {
    expect(DEFAULT_TABLE_WIDTH).toBe(915);
  });

  it.each([
    ['invoices', INVOICE_COLUMNS, 'number', INVOICE_COLUMNS.map((c) => c.key)],
    ['customers', CUSTOMER_COLUMNS, 'name', ['name', 'email', 'balance', 'delinquent', 'created', 'id']],
    ['purchase orders', PO_COLUMNS, 'po_number', ['po_number', 'organization', 'status', 'total', 'balance', 'due_date']],
  ])('fits the %s table in the default window without scrolling sideways', (_, columns, key, shown) => {
    const fitted = fitColumns(columns, DEFAULT_TABLE_WIDTH);
    expect(minTableWidth(fitted)).toBeLessThanOrEqual(DEFAULT_TABLE_WIDTH);
    expect(fitted.map((c) => c.key)).toEqual(shown);
    // The key column comes first, never leaves, and has room for a typical value.
    expect(fitted[0].key).toBe(key);
    expect(fitted[0].dropOrder).toBeUndefined();
    expect(Number(/(\d+)px/.exec(fitted[0].width)?.[1])).toBeGreaterThanOrEqual(150);
  });

  it('shows every PO column in a wide window', () => {
    expect(fitColumns(PO_COLUMNS, 1400)).toHaveLength(PO_COLUMNS.length);
    expect(fitColumns(PO_COLUMNS, 1010).map((c) => c.key)).toContain('created_at');
  });
});
