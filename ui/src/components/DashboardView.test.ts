// The dashboard: the aging chart per currency with bars sized to the amounts, the overdue
// count, and each figure opening the PO list filtered.
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import { afterEach, describe, expect, it } from 'vitest';
import App from '../App.svelte';
import type { PoListQuery } from '../lib/bindings';
import { agingBucket, emitFromRust, fakeBackend, poListFrom, poSummary, resetApp } from '../test-support/backend';

afterEach(() => {
  cleanup();
  resetApp();
});

const AGING = [
  agingBucket({ currency: 'usd', current: 100000, days_1_30: 400000, days_31_60: 0, days_61_90: 200000, days_over_90: 50000, total: 750000 }),
  agingBucket({ currency: 'jpy', current: 0, days_1_30: 0, days_31_60: 0, days_61_90: 0, days_over_90: 120000, total: 120000 }),
];

/** Answers the dashboard's counts: `overdue` overdue POs, `draft` drafts, `partial` partially paid. */
function counts(overdue: number, draft: number, partial: number) {
  return ({ query }: { query: PoListQuery }) => ({
    total: query.overdue_only ? overdue : query.status === 'draft' ? draft : query.status === 'partially_paid' ? partial : 0,
    rows: [],
  });
}

const bar = (testid: string) => screen.getByTestId(testid);
const fill = (testid: string) => (within(bar(testid)).getByTestId('aging-fill') as HTMLElement).style.height;

describe('dashboard', () => {
  it('draws each currency’s aging with bars sized to the amounts', async () => {
    fakeBackend({ aging_summary: () => AGING, list_purchase_orders: counts(7, 2, 3) });
    render(App);
    await screen.findByTestId('aging-usd');
    expect(screen.getAllByTestId(/^aging-[a-z]{3}$/).map((chart) => chart.dataset.testid)).toEqual(['aging-usd', 'aging-jpy']);

    expect(['current', 'days_1_30', 'days_31_60', 'days_61_90', 'days_over_90'].map((key) => fill(`aging-usd-${key}`))).toEqual([
      '25%',
      '100%',
      '0%',
      '50%',
      '12.5%',
    ]);
    expect(bar('aging-usd-days_1_30').getAttribute('aria-label')).toBe('1–30 days past due: $4,000.00');
    expect(bar('aging-usd-current').getAttribute('aria-label')).toBe('Current: $1,000.00');
    expect(bar('aging-usd-days_61_90').dataset.amount).toBe('200000');
    expect(screen.getByTestId('aging-usd').textContent).toContain('open $7,500.00');
    // Each currency is scaled on its own; yen has no decimals.
    expect(fill('aging-jpy-days_over_90')).toBe('100%');
    expect(bar('aging-jpy-days_over_90').getAttribute('aria-label')).toBe('90+ days past due: ¥120,000');

    expect(screen.getByTestId('dashboard-overdue').textContent?.replace(/\s+/g, ' ').trim()).toBe('7 overdue POs');
    expect(screen.getByTestId('dashboard-drafts').textContent?.replace(/\s+/g, ' ').trim()).toBe('2 drafts to issue');
    expect(screen.getByTestId('dashboard-partially-paid').textContent?.replace(/\s+/g, ' ').trim()).toBe('3 partially paid');
  });

  it('opens the PO list filtered from a bar or the overdue count', async () => {
    const pos = [
      poSummary({ id: 'po_1', po_number: 'PO-1', overdue: true }),
      poSummary({ id: 'po_2', po_number: 'PO-2' }),
      poSummary({ id: 'po_3', po_number: 'PO-3', status: 'draft' }),
    ];
    const backend = fakeBackend({ aging_summary: () => AGING, list_purchase_orders: poListFrom(pos) });
    render(App);
    await fireEvent.click(await screen.findByTestId('aging-usd-days_31_60'));
    await screen.findByTestId('view-purchase-orders');
    await waitFor(() => expect(screen.getAllByTestId('po-list-row')).toHaveLength(1));
    expect(backend.argsOf('list_purchase_orders').at(-1).query).toMatchObject({ overdue_only: true, status: null, limit: 200 });
    expect(screen.getByTestId('po-filter-overdue').getAttribute('aria-pressed')).toBe('true');

    await fireEvent.click(screen.getByTestId('nav-dashboard'));
    await fireEvent.click(await screen.findByTestId('dashboard-drafts'));
    await waitFor(() => expect(screen.getAllByTestId('po-list-row')[0].textContent).toContain('PO-3'));
    expect(backend.argsOf('list_purchase_orders').at(-1).query).toMatchObject({ overdue_only: false, status: 'draft' });

    await fireEvent.click(screen.getByTestId('nav-dashboard'));
    await fireEvent.click(await screen.findByTestId('dashboard-overdue'));
    await waitFor(() => expect(backend.argsOf('list_purchase_orders').at(-1).query).toMatchObject({ overdue_only: true, limit: 200 }));
  });

  it('says when nothing is open, and refreshes when POs change', async () => {
    let aging = [] as typeof AGING;
    const backend = fakeBackend({ aging_summary: () => aging, list_purchase_orders: counts(0, 0, 0) });
    render(App);
    expect((await screen.findByTestId('aging-empty')).textContent).toContain('No open balances');
    expect(screen.getByTestId('dashboard-overdue').textContent?.replace(/\s+/g, ' ').trim()).toBe('0 overdue POs');

    aging = AGING;
    await emitFromRust('data-changed', { account_id: 'a1', resources: ['purchase_orders'] });
    await screen.findByTestId('aging-usd');
    expect(backend.argsOf('aging_summary')).toHaveLength(2);
  });
});
