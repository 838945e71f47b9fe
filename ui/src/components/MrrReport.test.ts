// The MRR report: asks for the last twelve months of the account (or all accounts), shows the
// first currency's months in a table under the charts, switches currency, and shows Rust's
// refusal of a bad range.
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { afterEach, describe, expect, it } from 'vitest';
import MrrReport from './MrrReport.svelte';
import { lastMonths } from '../lib/mrr-api';
import { fakeBackend, resetApp } from '../test-support/backend';
import { mrrReport } from '../test-support/mrr';

afterEach(() => {
  cleanup();
  resetApp();
});

describe('MRR report', () => {
  it('asks for the last twelve months of every account and tables the first currency', async () => {
    const backend = fakeBackend({ mrr_report: () => mrrReport() });
    render(MrrReport, { accountId: null });
    const rows = await screen.findAllByTestId('mrr-row');
    const range = lastMonths(new Date());
    expect(backend.argsOf('mrr_report')).toEqual([{ accountId: null, fromMonth: range.from, toMonth: range.to }]);
    expect(rows).toHaveLength(2);
    expect(rows[1].textContent).toContain('2026-02');
    expect(rows[1].textContent).toContain('€490.00');
    expect(rows[1].textContent).toContain('€54.00');
    expect(rows[1].textContent).toContain('€20.00');
    expect(screen.getAllByTestId('mrr-net')[1].textContent).toBe('€34.00');
    expect(screen.getByTestId('mrr-chart')).toBeTruthy();
    expect(screen.getByTestId('mrr-movements-chart')).toBeTruthy();
    expect(screen.getByTestId('mrr-help').textContent).toContain('counts twice');
  });

  it('switches currency without asking again', async () => {
    const backend = fakeBackend({ mrr_report: () => mrrReport() });
    render(MrrReport, { accountId: 'a1' });
    await screen.findAllByTestId('mrr-row');
    await fireEvent.change(screen.getByTestId('mrr-currency'), { target: { value: 'usd' } });
    await waitFor(() => expect(screen.getAllByTestId('mrr-row')[1].textContent).toContain('$9.99'));
    expect(backend.argsOf('mrr_report')).toHaveLength(1);
    expect(backend.argsOf('mrr_report')[0].accountId).toBe('a1');
    expect(screen.getByTestId('mrr-help').textContent).not.toContain('counts twice');
  });

  it('asks again for a new range and shows why Rust refuses one', async () => {
    const backend = fakeBackend({
      mrr_report: (args) => {
        if (args.fromMonth > args.toMonth) throw { code: 'validation', message: 'The range starts (2027-01) after it ends (2026-02).' };
        return mrrReport();
      },
    });
    render(MrrReport, { accountId: null });
    await screen.findAllByTestId('mrr-row');
    await fireEvent.input(screen.getByTestId('mrr-to'), { target: { value: '2026-02' } });
    await fireEvent.input(screen.getByTestId('mrr-from'), { target: { value: '2027-01' } });
    expect((await screen.findByTestId('mrr-error')).textContent).toContain('after it ends');
    expect(backend.argsOf('mrr_report').at(-1)).toEqual({ accountId: null, fromMonth: '2027-01', toMonth: '2026-02' });
  });

  it('says so when the cache has no subscriptions', async () => {
    fakeBackend({ mrr_report: () => mrrReport({ currencies: [] }) });
    render(MrrReport, { accountId: null });
    expect((await screen.findByTestId('mrr-empty')).textContent).toContain('No subscriptions');
  });
});
