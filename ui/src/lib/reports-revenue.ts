// The revenue, aging and top-customers reports as plain tables: what each report shows under
// its chart and what "Export CSV" writes. Money cells are integer minor units; the currency
// of every money cell is the row's "Currency" column (reports never convert currencies), so
// the exporter can write major units by each currency's exponent.
import type {
  AgingAmounts,
  AgingBucketName,
  AgingCustomer,
  AgingReport,
  ColumnKind,
  ReportTable,
  RevenueReport,
  TopCustomersReport,
} from './bindings';

/** Each row's currency, read from its "Currency" cell (the exporter writes money by it). */
function rowCurrencies(rows: (string | number | null)[][], column: number): string[] {
  return rows.map((row) => String(row[column] ?? '').toLowerCase());
}

/** The aging buckets in order, with their column names. */
export const AGING_BUCKETS: { key: AgingBucketName; label: string }[] = [
  { key: 'current', label: 'Current' },
  { key: 'days_1_30', label: '1–30 days' },
  { key: 'days_31_60', label: '31–60 days' },
  { key: 'days_61_90', label: '61–90 days' },
  { key: 'over_90', label: '90+ days' },
];

/** The amount of one bucket. */
export function bucketAmount(amounts: AgingAmounts, bucket: AgingBucketName): number {
  return amounts[bucket];
}

/**
 * An aging's customers in a column's order, ties by account and customer id so the order never
 * depends on the order they came in; `key` null keeps Rust's order (most owed first).
 */
export function sortAgingCustomers(customers: AgingCustomer[], key: string | null, descending: boolean): AgingCustomer[] {
  const name = (customer: AgingCustomer) => (customer.name ?? customer.customer_id ?? '').toLowerCase();
  const amount = (customer: AgingCustomer, column: string) =>
    column === 'total' ? customer.amounts.total : bucketAmount(customer.amounts, column as AgingBucketName);
  if (key === null) return customers;
  const [column, down] = [key, descending];
  const compare = (a: AgingCustomer, b: AgingCustomer) => {
    const order = column === 'customer' ? name(a).localeCompare(name(b)) : amount(a, column) - amount(b, column);
    return (down ? -order : order) || a.account_id.localeCompare(b.account_id) || (a.customer_id ?? '').localeCompare(b.customer_id ?? '');
  };
  return [...customers].sort(compare);
}

/** Revenue: one row per currency and period, then each currency's total. */
export function revenueTable(report: RevenueReport): ReportTable {
  const rows: (string | number | null)[][] = [];
  for (const currency of report.currencies) {
    for (const row of [...currency.rows, currency.total]) {
      const code = currency.currency.toUpperCase();
      rows.push([row.period === 'total' ? 'Total' : row.period, code, row.gross, row.refunds, row.disputes_lost, row.other, row.fees, row.net]);
    }
  }
  return {
    columns: [
      { name: 'Period', kind: 'text' },
      { name: 'Currency', kind: 'text' },
      { name: 'Gross', kind: 'money' },
      { name: 'Refunds', kind: 'money' },
      { name: 'Disputes lost', kind: 'money' },
      { name: 'Other', kind: 'money' },
      { name: 'Fees', kind: 'money' },
      { name: 'Net', kind: 'money' },
    ],
    rows,
    row_currencies: rowCurrencies(rows, 1),
    title: `revenue-by-${report.granularity}-${report.periods[0] ?? ''}_${report.periods[report.periods.length - 1] ?? ''}`,
  };
}

/** Aging: one row per currency and customer (the account named when several are shown), then each currency's total. */
export function agingTable(report: AgingReport, accountName: (id: string) => string | null = () => null): ReportTable {
  const rows: (string | number | null)[][] = [];
  for (const currency of report.currencies) {
    const code = currency.currency.toUpperCase();
    for (const customer of currency.customers) {
      rows.push([
        customer.name ?? customer.customer_id ?? '(no customer)',
        accountName(customer.account_id),
        code,
        ...AGING_BUCKETS.map((bucket) => bucketAmount(customer.amounts, bucket.key)),
        customer.amounts.total,
        customer.amounts.invoices,
      ]);
    }
    rows.push(['Total', null, code, ...AGING_BUCKETS.map((bucket) => bucketAmount(currency.total, bucket.key)), currency.total.total, currency.total.invoices]);
  }
  return {
    columns: [
      { name: 'Customer', kind: 'text' },
      { name: 'Account', kind: 'text' },
      { name: 'Currency', kind: 'text' },
      ...AGING_BUCKETS.map((bucket) => ({ name: bucket.label, kind: 'money' as const })),
      { name: 'Total', kind: 'money' },
      { name: 'Invoices', kind: 'count' },
    ],
    rows,
    row_currencies: rowCurrencies(rows, 2),
    title: `aging-as-of-${report.as_of}`,
  };
}

/** Top customers: rank, customer, currency and the figures of the ranking. */
export function topCustomersTable(report: TopCustomersReport, accountName: (id: string) => string | null = () => null): ReportTable {
  const revenue = report.by === 'revenue';
  const rows: (string | number | null)[][] = [];
  for (const currency of report.currencies) {
    currency.customers.forEach((customer, index) => {
      const name = customer.name ?? customer.customer_id ?? '(no customer)';
      const figures = revenue ? [customer.gross, customer.refunded, customer.amount] : [customer.amount, customer.overdue];
      rows.push([index + 1, name, accountName(customer.account_id), currency.currency.toUpperCase(), ...figures]);
    });
  }
  const figures: { name: string; kind: ColumnKind }[] = revenue
    ? [
        { name: 'Gross', kind: 'money' },
        { name: 'Refunded and disputed', kind: 'money' },
        { name: 'Revenue', kind: 'money' },
      ]
    : [
        { name: 'Open balance', kind: 'money' },
        { name: 'Overdue', kind: 'money' },
      ];
  return {
    columns: [
      { name: 'Rank', kind: 'count' },
      { name: 'Customer', kind: 'text' },
      { name: 'Account', kind: 'text' },
      { name: 'Currency', kind: 'text' },
      ...figures,
    ],
    rows,
    row_currencies: rowCurrencies(rows, 3),
    title: `top-customers-by-${report.by.replace('_', '-')}`,
  };
}
