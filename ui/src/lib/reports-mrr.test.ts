import { describe, expect, it } from 'vitest';
import { churnTable, mrrTable } from './reports-mrr';
import { lastMonths, rateLabel } from './mrr-api';
import { mrrReport } from '../test-support/mrr';

describe('MRR report tables for CSV', () => {
  it('gives one row per month of the currency, money in minor units', () => {
    const table = mrrTable(mrrReport(), 'eur');
    expect(table.currency).toBe('eur');
    expect(table.columns.map((c) => c.kind)).toEqual(['text', 'money', 'money', 'money', 'money', 'money', 'money', 'money', 'count', 'count', 'money']);
    expect(table.rows[1]).toEqual(['2026-02', 49_000, 5000, 5400, 2000, 5000, 0, 3400, 9, 8, 6125]);
    expect(mrrTable(mrrReport(), 'jpy').rows).toEqual([]);
  });

  it('gives churn rates as percentages with what they divide, null where nothing is divided', () => {
    const table = churnTable(mrrReport(), 'eur');
    expect(table.columns.filter((c) => c.kind === 'percent').map((c) => c.name)).toEqual(['Customer churn rate', 'Gross MRR churn', 'Net MRR churn']);
    expect(table.rows[0]).toEqual(['2026-01', 0, 8, 0, 0, 0, null, null, 5700]);
    expect(table.rows[1]).toEqual(['2026-02', 8, 1, 1, 11.11, 45_600, 15.35, 3.51, 6125]);
  });
});

describe('MRR helpers', () => {
  it('reads rates and picks the last twelve months in UTC', () => {
    expect(rateLabel(1111)).toBe('11.11 %');
    expect(rateLabel(-5833)).toBe('−58.33 %');
    expect(rateLabel(5)).toBe('0.05 %');
    expect(rateLabel(null)).toBe('—');
    expect(lastMonths(new Date(Date.UTC(2026, 0, 31, 23)))).toEqual({ from: '2025-02', to: '2026-01' });
  });
});
