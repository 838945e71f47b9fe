// "Export CSV" under a report's table: the table goes to Rust as it is, the saved file's name
// is shown, a closed dialog says nothing, an error is shown, and an empty table has nothing
// to export.
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { afterEach, describe, expect, it } from 'vitest';
import ExportTableButton from './ExportTableButton.svelte';
import type { ReportTable } from '../lib/bindings';
import { fakeBackend, resetApp, settle } from '../test-support/backend';

afterEach(() => {
  cleanup();
  resetApp();
});

const TABLE: ReportTable = {
  title: 'MRR movements',
  columns: [
    { name: 'month', kind: 'date' },
    { name: 'new', kind: 'money' },
    { name: 'churned', kind: 'count' },
  ],
  rows: [
    ['2026-01', 120_000, 2],
    ['2026-02', -2_500, null],
  ],
  currency: 'eur',
};

describe('ExportTableButton', () => {
  it('sends the table and says where it was saved', async () => {
    const backend = fakeBackend({
      export_table: () => ({ status: 'saved', path: '/tmp/billfold-mrr-movements.csv', file_name: 'billfold-mrr-movements.csv', rows: 2 }),
    });
    render(ExportTableButton, { table: TABLE });
    await fireEvent.click(screen.getByTestId('export-table'));
    await waitFor(() => expect(screen.getByTestId('export-table-done').textContent).toBe('Saved to billfold-mrr-movements.csv'));
    expect(backend.argsOf('export_table')).toEqual([{ table: TABLE }]);
  });

  it('says nothing when the dialog is closed and shows an error', async () => {
    let answer: unknown = { status: 'canceled' };
    fakeBackend({
      export_table: () => {
        if (answer instanceof Error) throw { code: 'validation', message: answer.message };
        return answer;
      },
    });
    render(ExportTableButton, { table: TABLE });
    await fireEvent.click(screen.getByTestId('export-table'));
    await settle();
    expect(screen.queryByTestId('export-table-done')).toBeNull();
    answer = new Error('Row 2 has amounts but no currency.');
    await fireEvent.click(screen.getByTestId('export-table'));
    await waitFor(() => expect(screen.getByTestId('export-table-error').textContent).toBe('Row 2 has amounts but no currency.'));
  });

  it('has nothing to export for an empty table', () => {
    fakeBackend();
    render(ExportTableButton, { table: { ...TABLE, rows: [] } });
    expect((screen.getByTestId('export-table') as HTMLButtonElement).disabled).toBe(true);
  });
});
