// Top customers: ranked by revenue over a range, or by open balance at its end; per currency,
// each name opening the customer; the ranking asked of Rust again when the choice changes.
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import { afterEach, describe, expect, it } from 'vitest';
import TopCustomersReport from './TopCustomersReport.svelte';
import type { TopBy, TopCustomer, TopCustomersReport as Report } from '../lib/bindings';
import { router } from '../lib/router.svelte';
import { account, fakeBackend, resetApp } from '../test-support/backend';

afterEach(() => {
  cleanup();
  resetApp();
});

function customer(overrides: Partial<TopCustomer>): TopCustomer {
  return { account_id: 'a1', customer_id: 'cus_1', name: 'Acme GmbH', amount: 0, gross: 0, refunded: 0, overdue: 0, ...overrides };
}

function report(by: TopBy): Report {
  const customers =
    by === 'revenue'
      ? [customer({ amount: 13_000, gross: 18_000, refunded: 5_000 }), customer({ customer_id: 'cus_2', name: 'Globex', amount: 900, gross: 900 })]
      : [customer({ customer_id: 'cus_2', name: 'Globex', amount: 70_000, overdue: 50_000 })];
  return { by, currencies: [{ currency: 'eur', customers }] };
}

const cells = (row: HTMLElement) => [...row.querySelectorAll('th, td')].map((cell) => cell.textContent?.trim());

describe('top customers', () => {
  it('ranks by revenue, then by open balance, and opens a customer', async () => {
    const backend = fakeBackend({
      top_customers: (args) => report(args.by),
      // The customer is in account a1: opening it makes a1 active first.
      switch_account: (args: { id: string }) => account({ id: args.id, is_active: true }),
    });
    render(TopCustomersReport, { props: { accountId: 'a1' } });
    const table = await screen.findByTestId('top-table-eur');
    expect(backend.argsOf('top_customers')[0]).toMatchObject({ accountId: 'a1', by: 'revenue', limit: 10 });
    const rows = within(table).getAllByTestId('top-row');
    expect(rows).toHaveLength(2);
    expect(cells(rows[0])).toEqual(['1', 'Acme GmbH', '€180.00', '€50.00', '€130.00']);
    expect(screen.getByTestId('top-chart-eur')).toBeTruthy();

    await fireEvent.click(screen.getByTestId('top-by-open-balance'));
    await waitFor(() => expect(within(screen.getByTestId('top-table-eur')).getAllByTestId('top-row')).toHaveLength(1));
    expect(backend.argsOf('top_customers').at(-1)).toMatchObject({ by: 'open_balance' });
    expect(cells(within(screen.getByTestId('top-table-eur')).getByTestId('top-row'))).toEqual(['1', 'Globex', '€700.00', '€500.00']);

    await fireEvent.click(screen.getByTestId('top-customer'));
    await waitFor(() => expect(router.area).toBe('customers'));
    expect(backend.argsOf('switch_account')).toEqual([{ id: 'a1' }]);
    expect(router.customer).toEqual({ kind: 'detail', id: 'cus_2' });
  });

  it('says when there is no one to rank', async () => {
    fakeBackend({ top_customers: (args) => ({ by: args.by, currencies: [] }) });
    render(TopCustomersReport, { props: { accountId: null } });
    expect((await screen.findByTestId('top-empty')).textContent).toContain('No customers');
  });
});
