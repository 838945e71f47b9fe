// Typed calls for the reports and the dashboard. Everything is read from the local cache;
// `accountId` null means all accounts. Days are `YYYY-MM-DD` in the user's time zone, and each
// call says the zone's current offset from UTC so Rust cuts days, weeks and months where the
// user's calendar does.
import { call } from './api';
import type {
  AgingBucketName,
  AgingInvoicePage,
  AgingReport,
  AgingSort,
  DashboardFigures,
  Granularity,
  RevenueReport,
  TopBy,
  TopCustomersReport,
} from './bindings';

/** Which invoices a drill-down asks for, and which page of them. */
export interface AgingInvoicesQuery {
  /** One account, or null for all. */
  accountId: string | null;
  asOf: string;
  currency: string | null;
  customerId: string | null;
  bucket: AgingBucketName | null;
  /** Null: most days past due first. */
  sort: AgingSort | null;
  descending: boolean;
  offset: number;
  limit: number;
}

/** Minutes east of UTC in the user's zone today (JavaScript counts them the other way). */
export function offsetMinutes(): number {
  return -new Date().getTimezoneOffset();
}

export const reportsApi = {
  /** Revenue by day, ISO week or month, per currency. */
  revenue: (accountId: string | null, from: string, to: string, granularity: Granularity) =>
    call<RevenueReport>('revenue_report', { accountId, from, to, granularity, offsetMinutes: offsetMinutes() }),
  /** Receivables aging as of the end of a day. */
  aging: (accountId: string | null, asOf: string) =>
    call<AgingReport>('aging_report', { accountId, asOf, offsetMinutes: offsetMinutes() }),
  /** A page of the open invoices behind an aging figure (of one account or all). */
  agingInvoices: (query: AgingInvoicesQuery) => call<AgingInvoicePage>('aging_invoices', { ...query, offsetMinutes: offsetMinutes() }),
  /** Top customers per currency by revenue over the range, or by open balance at its end. */
  topCustomers: (accountId: string | null, from: string, to: string, by: TopBy, limit: number) =>
    call<TopCustomersReport>('top_customers', { accountId, from, to, by, limit, offsetMinutes: offsetMinutes() }),
  /** The dashboard's figures over a range. */
  dashboard: (accountId: string | null, from: string, to: string) =>
    call<DashboardFigures>('dashboard_figures', { accountId, from, to, offsetMinutes: offsetMinutes() }),
};
