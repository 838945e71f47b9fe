// The report tables handed to the CSV export: one row per period or customer with its
// currency, money in minor units, totals last.
import { describe, expect, it } from 'vitest';
import { agingTable, revenueTable, topCustomersTable } from './reports-revenue';
import { agingAmounts, revenueRow } from '../test-support/backend';

describe('report tables', () => {
  it('turns revenue into rows per currency and period with a total', () => {
    const table = revenueTable({
      granularity: 'month',
      periods: ['2026-03'],
      currencies: [{ currency: 'jpy', rows: [revenueRow({ gross: 5_000, fees: 175, net: 4_825 })], total: revenueRow({ period: 'total', gross: 5_000, fees: 175, net: 4_825 }) }],
    });
    expect(table.columns.map((column) => column.kind)).toEqual(['text', 'text', 'money', 'money', 'money', 'money', 'money', 'money']);
    expect(table.rows).toEqual([
      ['2026-03', 'JPY', 5_000, 0, 0, 0, 175, 4_825],
      ['Total', 'JPY', 5_000, 0, 0, 0, 175, 4_825],
    ]);
    // Each row's money is in its own currency, which the exporter reads from row_currencies.
    expect(table.row_currencies).toEqual(['jpy', 'jpy']);
    expect(table.title).toBe('revenue-by-month-2026-03_2026-03');
  });

  it('turns aging into rows per customer, naming the account, with a total', () => {
    const table = agingTable(
      {
        as_of: '2026-04-20',
        currencies: [
          {
            currency: 'bhd',
            total: agingAmounts({ days_31_60: 1_250, invoices: 1 }),
            customers: [{ account_id: 'a2', customer_id: 'cus_1', name: null, amounts: agingAmounts({ days_31_60: 1_250 }) }],
          },
        ],
      },
      (id) => (id === 'a2' ? 'PyCon 2027' : null),
    );
    expect(table.columns.map((column) => column.name)).toEqual(['Customer', 'Account', 'Currency', 'Current', '1–30 days', '31–60 days', '61–90 days', '90+ days', 'Total', 'Invoices']);
    expect(table.rows).toEqual([
      ['cus_1', 'PyCon 2027', 'BHD', 0, 0, 1_250, 0, 0, 1_250, 1],
      ['Total', null, 'BHD', 0, 0, 1_250, 0, 0, 1_250, 1],
    ]);
  });

  it('ranks top customers with the figures of the ranking', () => {
    const customer = { account_id: 'a1', customer_id: 'cus_1', name: 'Acme', amount: 13_000, gross: 18_000, refunded: 5_000, overdue: 0 };
    const revenue = topCustomersTable({ by: 'revenue', currencies: [{ currency: 'eur', customers: [customer] }] });
    expect(revenue.columns.slice(4).map((column) => column.name)).toEqual(['Gross', 'Refunded and disputed', 'Revenue']);
    expect(revenue.rows).toEqual([[1, 'Acme', null, 'EUR', 18_000, 5_000, 13_000]]);
    const owed = topCustomersTable({ by: 'open_balance', currencies: [{ currency: 'eur', customers: [{ ...customer, amount: 70_000, overdue: 50_000 }] }] });
    expect(owed.rows).toEqual([[1, 'Acme', null, 'EUR', 70_000, 50_000]]);
  });
});
