// The audit trail in Events & API log: operations newest first, failures marked, refreshed
// when the account's data changes, older ones paged with `before`.
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { afterEach, describe, expect, it } from 'vitest';
import App from '../App.svelte';
import type { OperationEntry } from '../lib/bindings';
import { router } from '../lib/router.svelte';
import { emitFromRust, fakeBackend, resetApp } from '../test-support/backend';

afterEach(() => {
  cleanup();
  resetApp();
});

function operation(seq: number, overrides: Partial<OperationEntry> = {}): OperationEntry {
  return {
    seq,
    id: `op_${seq}`,
    kind: 'void_invoice',
    status: 'done',
    target: `in_${seq}`,
    po_id: null,
    steps_done: 1,
    error: null,
    created_at: '2027-03-04T12:00:00Z',
    updated_at: '2027-03-04T12:00:01Z',
    ...overrides,
  };
}

async function open() {
  render(App);
  await screen.findByTestId('nav-activity');
  router.go('activity');
}

describe('Changes made', () => {
  it('lists operations with what they acted on, marks failures, and follows data changes', async () => {
    let stored = [operation(2, { kind: 'add_customer_balance_transaction', target: 'cbtxn_1' })];
    const asked: unknown[] = [];
    fakeBackend({
      list_operations: (args) => {
        asked.push(args);
        return stored;
      },
    });
    await open();
    const first = await screen.findAllByTestId('operations-row');
    expect(first).toHaveLength(1);
    expect(first[0].textContent).toContain('Add customer balance transaction');
    expect(first[0].textContent).toContain('cbtxn_1');
    expect(asked[0]).toEqual({ accountId: 'a1', limit: 50, before: null });

    stored = [operation(3, { status: 'failed', error: 'This invoice is already paid.' }), ...stored];
    await emitFromRust('data-changed', { account_id: 'a1', resources: ['invoices'] });
    await waitFor(() => expect(screen.getAllByTestId('operations-row')).toHaveLength(2));
    const failed = screen.getAllByTestId('operations-row')[0];
    expect(failed.dataset.status).toBe('failed');
    expect(failed.textContent).toContain('This invoice is already paid.');
  });

  it('pages back from the oldest shown', async () => {
    const all = Array.from({ length: 60 }, (_, i) => operation(60 - i));
    fakeBackend({
      list_operations: ({ limit, before }: { limit: number; before: number | null }) =>
        all.filter((entry) => before === null || entry.seq < before).slice(0, limit),
    });
    await open();
    await waitFor(() => expect(screen.getAllByTestId('operations-row')).toHaveLength(50));
    await fireEvent.click(screen.getByTestId('operations-older'));
    await waitFor(() => expect(screen.getAllByTestId('operations-row')).toHaveLength(60));
    expect(screen.queryByTestId('operations-older')).toBeNull();
  });

  it('says when nothing was changed yet', async () => {
    fakeBackend();
    await open();
    expect((await screen.findByTestId('operations-empty')).textContent).toContain('RustConf 2027');
  });
});
