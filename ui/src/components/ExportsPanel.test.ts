// The Exports tab: the request it sends (kind, range, this account or all), the progress bar
// fed by Rust's channel, "Saved N rows to <file>", a closed dialog saying nothing, errors
// shown, Cancel reaching Rust, and a backwards range refused before anything is sent.
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { afterEach, describe, expect, it } from 'vitest';
import ExportsPanel from './ExportsPanel.svelte';
import type { ExportOutcome, ExportProgress } from '../lib/bindings';
import { monthOf } from '../lib/exports-api';
import { fakeBackend, resetApp, settle } from '../test-support/backend';

afterEach(() => {
  cleanup();
  resetApp();
});

/** An export_csv handler the test finishes itself, with the progress channel it was given. */
function pendingExport() {
  let finish: (outcome: ExportOutcome) => void = () => {};
  let fail: (err: unknown) => void = () => {};
  let channel: { onmessage: (progress: ExportProgress) => void } | null = null;
  const handler = (args: any) => {
    channel = args.onProgress;
    return new Promise<ExportOutcome>((resolve, reject) => {
      finish = resolve;
      fail = reject;
    });
  };
  return {
    handler,
    progress: (progress: ExportProgress) => channel?.onmessage(progress),
    finish: (outcome: ExportOutcome) => finish(outcome),
    fail: (err: unknown) => fail(err),
  };
}

describe('ExportsPanel', () => {
  it('defaults to this month, shows progress from Rust and says where the rows went', async () => {
    const job = pendingExport();
    const backend = fakeBackend({ export_csv: job.handler });
    render(ExportsPanel, { accountId: 'a1' });
    const month = monthOf(new Date());
    expect((screen.getByTestId('export-from') as HTMLInputElement).value).toBe(month.from);
    expect((screen.getByTestId('export-to') as HTMLInputElement).value).toBe(month.to);
    await fireEvent.change(screen.getByTestId('export-kind'), { target: { value: 'payouts' } });
    await fireEvent.click(screen.getByTestId('export-run'));
    await settle();
    expect(backend.argsOf('export_csv')[0].request).toEqual({ kind: 'payouts', from: month.from, to: month.to, account_id: 'a1' });
    expect(screen.getByTestId('export-progress')).toBeTruthy();
    job.progress({ rows: 250, total: 1_000 });
    await settle();
    const bar = screen.getByLabelText('Export progress') as HTMLProgressElement;
    expect([bar.value, bar.max]).toEqual([250, 1_000]);
    expect(screen.getByTestId('export-progress').textContent).toContain('250 / 1,000 rows');
    expect((screen.getByTestId('export-run') as HTMLButtonElement).disabled).toBe(true);
    job.finish({ status: 'saved', path: '/home/ada/billfold-payouts.csv', file_name: 'billfold-payouts.csv', rows: 1_234 });
    await waitFor(() => expect(screen.getByTestId('export-done').textContent).toBe('Saved 1,234 rows to billfold-payouts.csv'));
    expect(screen.queryByTestId('export-progress')).toBeNull();
  });

  it('exports every account over a chosen range, and a closed dialog says nothing', async () => {
    const backend = fakeBackend({ export_csv: () => ({ status: 'canceled' }) });
    render(ExportsPanel, { accountId: 'a1' });
    await fireEvent.input(screen.getByTestId('export-from'), { target: { value: '2026-01-01' } });
    await fireEvent.input(screen.getByTestId('export-to'), { target: { value: '2026-03-31' } });
    await fireEvent.click(screen.getByTestId('export-scope-all'));
    await fireEvent.click(screen.getByTestId('export-run'));
    await settle();
    const request = backend.argsOf('export_csv')[0].request;
    expect([request.kind, request.from, request.to, request.account_id]).toEqual(['invoices', '2026-01-01', '2026-03-31', undefined]);
    expect(screen.queryByTestId('export-done')).toBeNull();
    expect(screen.queryByTestId('export-error')).toBeNull();
    expect((screen.getByTestId('export-run') as HTMLButtonElement).disabled).toBe(false);
  });

  it("shows Rust's error, and Cancel asks Rust to stop this export", async () => {
    const job = pendingExport();
    const backend = fakeBackend({ export_csv: job.handler, cancel_export: () => true });
    render(ExportsPanel, { accountId: 'a1' });
    await fireEvent.click(screen.getByTestId('export-run'));
    await settle();
    await fireEvent.click(screen.getByTestId('export-cancel'));
    await settle();
    expect(backend.argsOf('cancel_export')[0].exportId).toBe(backend.argsOf('export_csv')[0].exportId);
    job.fail({ code: 'validation', message: 'The folder /gone does not exist.' });
    await waitFor(() => expect(screen.getByTestId('export-error').textContent).toBe('The folder /gone does not exist.'));
    expect(screen.queryByTestId('export-done')).toBeNull();
  });

  it('refuses a range that ends before it starts without asking Rust', async () => {
    const backend = fakeBackend();
    render(ExportsPanel, { accountId: 'a1' });
    await fireEvent.input(screen.getByTestId('export-from'), { target: { value: '2026-03-01' } });
    await fireEvent.input(screen.getByTestId('export-to'), { target: { value: '2026-01-01' } });
    expect(screen.getByRole('alert').textContent).toContain('after the end date');
    expect((screen.getByTestId('export-run') as HTMLButtonElement).disabled).toBe(true);
    await fireEvent.click(screen.getByTestId('export-run'));
    expect(backend.argsOf('export_csv')).toEqual([]);
  });
});
