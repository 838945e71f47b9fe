// The dashboard: figures for the active account or all accounts (per currency, never
// converted), each a link to the report or list behind it; in All accounts the counts come per
// account and open that account's list after switching to it.
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import { afterEach, describe, expect, it } from 'vitest';
import App from '../App.svelte';
import type { DashboardFigures } from '../lib/bindings';
import {
  account,
  agingAmounts,
  dashboardCounts,
  dashboardFigures,
  fakeBackend,
  overview,
  resetApp,
  revenueRow,
} from '../test-support/backend';

afterEach(() => {
  cleanup();
  resetApp();
});

const text = (testid: string) => screen.getByTestId(testid).textContent?.replace(/\s+/g, ' ').trim();

function figures(accountId: string | null): DashboardFigures {
  const one = dashboardCounts({ account_id: 'a1', account_name: 'RustConf 2027', disputes_needing_response: 2, draft_purchase_orders: 1 });
  const two = dashboardCounts({ account_id: 'a2', account_name: 'PyCon 2027', disputes_needing_response: 3 });
  return dashboardFigures({
    money: [
      {
        currency: 'eur',
        revenue: revenueRow({ gross: 150_000, net: 120_000 }),
        previous_revenue: revenueRow({ gross: 100_000, net: 100_000 }),
        open_receivables: accountId === null ? 90_000 : 50_000,
        overdue: 20_000,
        mrr: 30_000,
        mrr_change: null,
      },
    ],
    counts: accountId === null ? [one, two] : [one],
  });
}

/** Two accounts, a1 active; switching makes the other one active. */
function twoAccounts() {
  let active = 'a1';
  const accounts = () => [account({ id: 'a1', is_active: active === 'a1' }), account({ id: 'a2', name: 'PyCon 2027', is_active: active === 'a2' })];
  return {
    app_overview: () => overview(accounts(), active),
    switch_account: (args: { id: string }) => {
      active = args.id;
      return accounts().find((each) => each.id === args.id);
    },
  };
}

describe('dashboard', () => {
  it('shows this account’s figures, then all accounts’ with counts per account', async () => {
    const backend = fakeBackend({
      ...twoAccounts(),
      dashboard_figures: (args) => figures(args.accountId),
      aging_report: (args) => ({
        as_of: args.asOf,
        currencies: [{ currency: 'eur', total: agingAmounts({ current: 30_000, days_1_30: 20_000 }), customers: [] }],
      }),
    });
    render(App);
    await screen.findByTestId('dashboard-figure-revenue-eur');
    expect(backend.argsOf('dashboard_figures').at(-1)).toMatchObject({ accountId: 'a1' });
    // 120,000 against 100,000 is +20 %.
    expect(text('dashboard-figure-revenue-eur')).toContain('€1,200.00');
    expect(text('dashboard-figure-revenue-eur')).toContain('+20%');
    expect(text('dashboard-figure-receivables-eur')).toContain('€500.00');
    expect(text('dashboard-figure-mrr-eur')).toContain('€300.00');
    expect(text('dashboard-figure-disputes')).toBe('2 disputes needing a response');
    expect(text('aging-eur')).toContain('open €500.00');

    await fireEvent.click(screen.getByTestId('dashboard-scope-all'));
    await waitFor(() => expect(text('dashboard-figure-receivables-eur')).toContain('€900.00'));
    expect(backend.argsOf('dashboard_figures').at(-1)).toMatchObject({ accountId: null });
    expect(backend.argsOf('aging_report').at(-1)).toMatchObject({ accountId: null });
    expect(screen.getByTestId('dashboard-scope-all').getAttribute('aria-pressed')).toBe('true');
    // 2 + 3 disputes, and each account's own count.
    const disputes = screen.getByTestId('dashboard-figure-disputes');
    expect(disputes.textContent).toContain('5');
    expect(within(disputes).getByTestId('dashboard-figure-disputes-a2').textContent?.trim()).toBe('PyCon 2027: 3');

    // Opening the other account's count switches to it, then shows its disputes.
    await fireEvent.click(within(disputes).getByTestId('dashboard-figure-disputes-a2'));
    await screen.findByTestId('view-disputes');
    expect(backend.argsOf('switch_account')).toEqual([{ id: 'a2' }]);
  });

  it('opens the report or list behind each figure', async () => {
    const backend = fakeBackend({ dashboard_figures: (args) => figures(args.accountId) });
    render(App);
    await fireEvent.click(await screen.findByTestId('dashboard-figure-overdue-eur'));
    await screen.findByTestId('aging-report');
    expect(screen.getByTestId('reports-tab-aging').getAttribute('aria-selected')).toBe('true');

    await fireEvent.click(screen.getByTestId('nav-dashboard'));
    await fireEvent.click(await screen.findByTestId('dashboard-figure-revenue-eur'));
    await screen.findByTestId('revenue-report');

    await fireEvent.click(screen.getByTestId('nav-dashboard'));
    await fireEvent.click(await screen.findByTestId('dashboard-figure-draft-pos-open'));
    await screen.findByTestId('view-purchase-orders');
    await waitFor(() => expect(backend.argsOf('list_purchase_orders').at(-1).query).toMatchObject({ status: 'draft' }));

    await fireEvent.click(screen.getByTestId('nav-dashboard'));
    await fireEvent.click(await screen.findByTestId('dashboard-figure-active-subscriptions-open'));
    await screen.findByTestId('view-subscriptions');

    // A count opens its list on the status it counts, once: the sidebar opens it unfiltered.
    await fireEvent.click(screen.getByTestId('nav-dashboard'));
    await fireEvent.click(await screen.findByTestId('dashboard-figure-draft-invoices-open'));
    await waitFor(() => expect(backend.argsOf('list_invoices').at(-1)).toMatchObject({ query: { status: 'draft' } }));
    expect(screen.getByTestId('status-draft').getAttribute('aria-pressed')).toBe('true');
    await fireEvent.click(screen.getByTestId('nav-disputes'));
    await fireEvent.click(screen.getByTestId('nav-invoices'));
    await waitFor(() => expect(backend.argsOf('list_invoices').at(-1)).toMatchObject({ query: { status: null } }));
  });

  it('asks again for a new range and when the cache changes', async () => {
    const backend = fakeBackend({ dashboard_figures: (args) => figures(args.accountId) });
    render(App);
    await screen.findByTestId('dashboard-figure-revenue-eur');
    const select = screen.getByTestId('dashboard-range-preset') as HTMLSelectElement;
    await fireEvent.change(select, { target: { value: 'year' } });
    const year = new Date().getFullYear();
    await waitFor(() => expect(backend.argsOf('dashboard_figures').at(-1)).toMatchObject({ from: `${year}-01-01`, to: `${year}-12-31` }));
    // A year is shown by month.
    expect(backend.argsOf('revenue_report').at(-1)).toMatchObject({ granularity: 'month' });
  });
});
