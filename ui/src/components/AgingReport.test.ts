// The aging report: as of a day (today at first), per currency and customer; a bucket or a
// customer lists the invoices behind it, and an invoice opens its detail.
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import { afterEach, describe, expect, it } from 'vitest';
import AgingReport from './AgingReport.svelte';
import type { AgingInvoice, AgingReport as Report } from '../lib/bindings';
import { app } from '../lib/app-state.svelte';
import { isoDate } from '../lib/report-range';
import { router } from '../lib/router.svelte';
import { agingAmounts, fakeBackend, resetApp } from '../test-support/backend';

afterEach(() => {
  cleanup();
  resetApp();
});

function report(asOf: string): Report {
  const march = asOf === '2026-03-15';
  const acme = march ? agingAmounts({ current: 60_000, days_1_30: 20_000, invoices: 2 }) : agingAmounts({ days_1_30: 60_000 });
  const beta = march ? agingAmounts({ current: 20_000, days_1_30: 50_000, invoices: 2 }) : agingAmounts({ days_31_60: 70_000, invoices: 2 });
  return {
    as_of: asOf,
    currencies: [
      {
        currency: 'eur',
        total: march ? agingAmounts({ current: 80_000, days_1_30: 70_000, invoices: 4 }) : agingAmounts({ days_1_30: 60_000, days_31_60: 70_000, invoices: 3 }),
        customers: [
          { account_id: 'a1', customer_id: 'cus_acme', name: 'Acme', amounts: acme },
          { account_id: 'a1', customer_id: 'cus_beta', name: 'Beta', amounts: beta },
        ],
      },
    ],
  };
}

function invoice(overrides: Partial<AgingInvoice>): AgingInvoice {
  return {
    account_id: 'a1',
    invoice_id: 'in_1',
    number: 'INV-1',
    customer_id: 'cus_beta',
    customer_name: 'Beta',
    currency: 'eur',
    due_date: 1_773_306_000,
    days_past_due: 39,
    bucket: 'days_31_60',
    owed: 50_000,
    ...overrides,
  };
}

describe('aging report', () => {
  it('changes with the as-of day and drills down to the invoices', async () => {
    const backend = fakeBackend({
      aging_report: (args) => report(args.asOf),
      aging_invoices: (args) => {
        const rows =
          args.bucket === 'days_31_60'
            ? [invoice({ invoice_id: 'in_2', number: 'INV-2' }), invoice({ invoice_id: 'in_4', number: 'INV-4', days_past_due: 34, owed: 20_000 })]
            : [invoice({ invoice_id: 'in_3', number: 'INV-3', customer_id: 'cus_acme', days_past_due: 8, bucket: 'days_1_30', owed: 20_000 })];
        // Rust sorts; this stands in for "smallest owed first" only.
        if (args.sort === 'owed' && !args.descending) rows.sort((a, b) => a.owed - b.owed);
        return { total: rows.length, rows };
      },
    });
    app.activeId = 'a1';
    render(AgingReport, { props: { accountId: 'a1' } });
    await screen.findByTestId('aging-table-eur');
    expect(backend.argsOf('aging_report')[0]).toMatchObject({ accountId: 'a1', asOf: isoDate(new Date()) });
    expect(screen.getByTestId('aging-total-eur').textContent).toBe('€1,300.00');

    await fireEvent.input(screen.getByTestId('aging-as-of'), { target: { value: '2026-03-15' } });
    await waitFor(() => expect(screen.getByTestId('aging-total-eur').textContent).toBe('€1,500.00'));
    expect(backend.argsOf('aging_report').at(-1)).toMatchObject({ asOf: '2026-03-15' });

    // The customers' table sorts in place: by name, Z first, then back to most owed first.
    const customers = () => screen.getAllByTestId('aging-customer').map((link) => link.textContent?.trim());
    expect(customers()).toEqual(['Acme', 'Beta']);
    await fireEvent.click(within(screen.getByTestId('aging-table-eur')).getByTestId('sort-customer'));
    await fireEvent.click(within(screen.getByTestId('aging-table-eur')).getByTestId('sort-customer'));
    await waitFor(() => expect(customers()).toEqual(['Beta', 'Acme']));
    await fireEvent.click(within(screen.getByTestId('aging-table-eur')).getByTestId('sort-customer'));
    await waitFor(() => expect(customers()).toEqual(['Acme', 'Beta']));

    await fireEvent.input(screen.getByTestId('aging-as-of'), { target: { value: '2026-04-20' } });
    await waitFor(() => expect(screen.getByTestId('aging-total-eur').textContent).toBe('€1,300.00'));
    await fireEvent.click(screen.getByTestId('aging-bucket-eur-days_31_60'));
    const drill = await screen.findByTestId('aging-drill');
    await waitFor(() => expect(within(drill).getAllByTestId('aging-invoices-row')).toHaveLength(2));
    expect(backend.argsOf('aging_invoices').at(-1)).toMatchObject({
      accountId: 'a1', asOf: '2026-04-20', currency: 'eur', customerId: null, bucket: 'days_31_60', sort: null, descending: false, offset: 0,
    });
    expect(within(drill).getAllByTestId('aging-invoice').map((link) => link.textContent?.trim())).toEqual(['INV-2', 'INV-4']);
    expect(within(drill).getByTestId('aging-drill-count').textContent).toBe('2 invoices');

    // A header sorts the drill-down in Rust: smallest owed first.
    await fireEvent.click(within(drill).getByTestId('sort-owed'));
    await waitFor(() => expect(backend.argsOf('aging_invoices').at(-1)).toMatchObject({ sort: 'owed', descending: false, offset: 0 }));
    await waitFor(() => expect(within(drill).getAllByTestId('aging-invoice').map((link) => link.textContent?.trim())).toEqual(['INV-4', 'INV-2']));

    // A customer's row lists that customer's invoices in every bucket.
    await fireEvent.click(screen.getAllByTestId('aging-customer')[0]);
    await waitFor(() => expect(within(screen.getByTestId('aging-drill')).getAllByTestId('aging-invoice')[0].textContent?.trim()).toBe('INV-3'));
    expect(backend.argsOf('aging_invoices').at(-1)).toMatchObject({ customerId: 'cus_acme', bucket: null, sort: null });

    await fireEvent.click(screen.getAllByTestId('aging-invoice')[0]);
    await waitFor(() => expect(router.invoice).toEqual({ kind: 'detail', id: 'in_3' }));
    expect(router.area).toBe('invoices');
  });

  it('says when nothing was owed', async () => {
    fakeBackend({ aging_report: (args) => ({ as_of: args.asOf, currencies: [] }) });
    render(AgingReport, { props: { accountId: null } });
    expect((await screen.findByTestId('aging-report-empty')).textContent).toContain('Nothing was owed');
  });
});
