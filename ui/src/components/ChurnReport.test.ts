// The churn report: rates from basis points with what they divide, "—" where there is nothing
// to divide by, per currency.
import { cleanup, render, screen } from '@testing-library/svelte';
import { afterEach, describe, expect, it } from 'vitest';
import ChurnReport from './ChurnReport.svelte';
import { fakeBackend, resetApp } from '../test-support/backend';
import { mrrReport } from '../test-support/mrr';

afterEach(() => {
  cleanup();
  resetApp();
});

describe('churn report', () => {
  it("shows each month's rates, and a dash where nothing is divided", async () => {
    const backend = fakeBackend({ mrr_report: () => mrrReport() });
    render(ChurnReport, { accountId: 'a1' });
    const rows = await screen.findAllByTestId('churn-row');
    expect(backend.argsOf('mrr_report')[0].accountId).toBe('a1');
    expect(rows).toHaveLength(2);
    expect(screen.getAllByTestId('churn-rate').map((cell) => cell.textContent)).toEqual(['0.00 %', '11.11 %']);
    expect(screen.getAllByTestId('churn-gross').map((cell) => cell.textContent)).toEqual(['—', '15.35 %']);
    expect(screen.getAllByTestId('churn-net').map((cell) => cell.textContent)).toEqual(['—', '3.51 %']);
    expect(rows[1].textContent).toContain('€456.00');
    expect(rows[1].textContent).toContain('€61.25');
    expect(screen.getByTestId('churn-chart')).toBeTruthy();
  });

  it("shows Rust's error", async () => {
    fakeBackend({ mrr_report: () => { throw { code: 'not_found', message: 'That account does not exist.' }; } });
    render(ChurnReport, { accountId: 'gone' });
    expect((await screen.findByTestId('churn-error')).textContent).toContain('does not exist');
  });
});
