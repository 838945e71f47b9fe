// The MRR and churn report tables in the shape the CSV export takes: typed columns and rows of
// one currency. Money stays in minor units (the exporter writes major units by the currency);
// percentages are the basis points divided by 100 (11.11 for 1111), exact to two decimals.
import type { MrrMonth, MrrReport, ReportTable } from './bindings';

/** The months of one currency of the report (empty when it has none). */
export function monthsOf(report: MrrReport, currency: string): MrrMonth[] {
  return report.currencies.find((one) => one.currency === currency)?.months ?? [];
}

const percent = (basisPoints: number | null) => (basisPoints === null ? null : basisPoints / 100);

/** The MRR table: month-end MRR, its movements and counts, as the report shows it. */
export function mrrTable(report: MrrReport, currency: string): ReportTable {
  return {
    title: `mrr-${currency}-${report.from_month}_${report.to_month}`,
    currency,
    columns: [
      { name: 'Month', kind: 'text' },
      { name: 'MRR', kind: 'money' },
      { name: 'New', kind: 'money' },
      { name: 'Expansion', kind: 'money' },
      { name: 'Contraction', kind: 'money' },
      { name: 'Churn', kind: 'money' },
      { name: 'Reactivation', kind: 'money' },
      { name: 'Net change', kind: 'money' },
      { name: 'Subscriptions', kind: 'count' },
      { name: 'Paying customers', kind: 'count' },
      { name: 'ARPA', kind: 'money' },
    ],
    rows: monthsOf(report, currency).map((m) => [
      m.month, m.mrr, m.new, m.expansion, m.contraction, m.churn, m.reactivation, m.net, m.subscriptions, m.customers, m.arpa,
    ]),
  };
}

/** The churn table: subscriber churn and MRR churn with what they divide, and ARPA. */
export function churnTable(report: MrrReport, currency: string): ReportTable {
  return {
    title: `churn-${currency}-${report.from_month}_${report.to_month}`,
    currency,
    columns: [
      { name: 'Month', kind: 'text' },
      { name: 'Paying customers at start', kind: 'count' },
      { name: 'New customers', kind: 'count' },
      { name: 'Churned customers', kind: 'count' },
      { name: 'Customer churn rate', kind: 'percent' },
      { name: 'MRR at start', kind: 'money' },
      { name: 'Gross MRR churn', kind: 'percent' },
      { name: 'Net MRR churn', kind: 'percent' },
      { name: 'ARPA', kind: 'money' },
    ],
    rows: monthsOf(report, currency).map((m) => [
      m.month,
      m.customers_at_start,
      m.new_customers,
      m.churned_customers,
      percent(m.churn_rate.basis_points),
      m.mrr_at_start,
      percent(m.gross_mrr_churn.basis_points),
      percent(m.net_mrr_churn.basis_points),
      m.arpa,
    ]),
  };
}
