// The revenue report: asked for by month over this year, then by week or day; a chart per
// currency and the numbers in the table under it; Rust's refusal shown as it says it.
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import { afterEach, describe, expect, it } from 'vitest';
import RevenueReport from './RevenueReport.svelte';
import type { RevenueReport as Report } from '../lib/bindings';
import { emitFromRust, fakeBackend, resetApp, revenueRow } from '../test-support/backend';

afterEach(() => {
  cleanup();
  resetApp();
});

function report(granularity: 'day' | 'week' | 'month'): Report {
  const periods = granularity === 'week' ? ['2026-W10', '2026-W11'] : ['2026-03', '2026-04'];
  return {
    granularity,
    periods,
    currencies: [
      {
        currency: 'eur',
        rows: [
          revenueRow({ period: periods[0], gross: 24_200, refunds: 5_000, disputes_lost: 4_200, fees: 3_852, net: 11_148 }),
          revenueRow({ period: periods[1], gross: 1_000, fees: 59, net: 941 }),
        ],
        total: revenueRow({ period: 'total', gross: 25_200, refunds: 5_000, disputes_lost: 4_200, fees: 3_911, net: 12_089 }),
      },
      { currency: 'jpy', rows: [revenueRow({ period: periods[0] }), revenueRow({ period: periods[1], gross: 5_000, fees: 175, net: 4_825 })], total: revenueRow({ period: 'total', gross: 5_000, fees: 175, net: 4_825 }) },
    ],
  };
}

const cells = (row: HTMLElement) => [...row.querySelectorAll('th, td')].map((cell) => cell.textContent?.trim());

describe('revenue report', () => {
  it('shows each currency’s periods and total under its chart, and switches granularity', async () => {
    const backend = fakeBackend({ revenue_report: (args) => report(args.granularity) });
    render(RevenueReport, { props: { accountId: 'a1' } });
    const table = await screen.findByTestId('revenue-table-eur');
    const year = new Date().getFullYear();
    expect(backend.argsOf('revenue_report')[0]).toMatchObject({ accountId: 'a1', from: `${year}-01-01`, to: `${year}-12-31`, granularity: 'month' });
    expect(typeof backend.argsOf('revenue_report')[0].offsetMinutes).toBe('number');
    const rows = within(table).getAllByTestId('revenue-row');
    expect(cells(rows[0])).toEqual(['2026-03', '€242.00', '€50.00', '€42.00', '€0.00', '€38.52', '€111.48']);
    expect(cells(rows[2])[0]).toBe('Total');
    expect(cells(rows[2])[6]).toBe('€120.89');
    // Yen has no decimals, and is never converted.
    expect(cells(within(screen.getByTestId('revenue-table-jpy')).getAllByTestId('revenue-row')[1])[1]).toBe('¥5,000');
    expect(screen.getByTestId('revenue-chart-eur')).toBeTruthy();
    expect(screen.getByTestId('revenue-granularity-month').getAttribute('aria-pressed')).toBe('true');

    await fireEvent.click(screen.getByTestId('revenue-granularity-week'));
    await waitFor(() => expect(cells(within(screen.getByTestId('revenue-table-eur')).getAllByTestId('revenue-row')[0])[0]).toBe('2026-W10'));
    expect(backend.argsOf('revenue_report').at(-1)).toMatchObject({ granularity: 'week' });
    expect(screen.getByTestId('revenue-granularity-week').getAttribute('aria-pressed')).toBe('true');
  });

  it('asks for a custom range, shows a refusal, and follows the ledger', async () => {
    const backend = fakeBackend({
      revenue_report: (args) => {
        if (args.granularity === 'day' && args.from < '2026-01-01') throw { code: 'validation', message: 'By day, a report covers at most a year.' };
        return report(args.granularity);
      },
    });
    render(RevenueReport, { props: { accountId: null } });
    await screen.findByTestId('revenue-table-eur');
    await fireEvent.change(screen.getByTestId('revenue-range-preset'), { target: { value: 'custom' } });
    await fireEvent.change(screen.getByTestId('revenue-range-from'), { target: { value: '2025-01-01' } });
    await fireEvent.change(screen.getByTestId('revenue-range-to'), { target: { value: '2026-03-31' } });
    await waitFor(() => expect(backend.argsOf('revenue_report').at(-1)).toMatchObject({ accountId: null, from: '2025-01-01', to: '2026-03-31' }));
    await fireEvent.click(screen.getByTestId('revenue-granularity-day'));
    expect((await screen.findByRole('alert')).textContent).toContain('at most a year');

    const asked = backend.argsOf('revenue_report').length;
    await emitFromRust('data-changed', { account_id: 'a9', resources: ['balance_transactions'] });
    expect(backend.argsOf('revenue_report').length).toBe(asked + 1);
  });
});
