// The Disputes area: the queue Rust pages out (deadline in the user's zone, "due in", overdue
// marked, status chips), and a dispute's evidence form: files checked before anything is sent,
// Save sending the changed text and the picked paths, Submit and Accept only after confirming.
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { afterEach, describe, expect, it } from 'vitest';
import DisputesView, { COLUMNS, DEFAULT_SORT } from './DisputesView.svelte';
import { app } from '../lib/app-state.svelte';
import { router } from '../lib/router.svelte';
import type { DisputeDetail, DisputeRow, EvidenceForm, ListQuery } from '../lib/bindings';
import { DEFAULT_TABLE_WIDTH, fitColumns, minTableWidth } from '../lib/columns';
import { dueIn, formatDeadline, pickedProblem } from '../lib/dispute-api';
import { account, emitFromRust, fakeBackend, pageOf, resetApp } from '../test-support/backend';

afterEach(() => {
  cleanup();
  resetApp();
});

const NOW = Math.floor(Date.now() / 1000);

function row(overrides: Partial<DisputeRow> = {}): DisputeRow {
  return {
    id: 'dp_1',
    charge_id: 'ch_1',
    payment_intent_id: 'pi_1',
    status: 'needs_response',
    reason: 'product_not_received',
    amount: 4200,
    currency: 'usd',
    due_by: NOW + 3 * 86_400 + 600,
    created: NOW - 4 * 86_400,
    customer_id: 'cus_1',
    customer_name: 'Jane Doe',
    customer_email: 'jane@example.test',
    ...overrides,
  };
}

function detail(overrides: Partial<DisputeDetail> = {}, rowOverrides: Partial<DisputeRow> = {}): DisputeDetail {
  return {
    row: row(rowOverrides),
    text: [['product_description', 'Annual plan']],
    files: [],
    has_evidence: true,
    submission_count: 0,
    past_due: false,
    payment_link: 'https://dashboard.stripe.com/test/payments/pi_1',
    ...overrides,
  };
}

const ROWS = [row(), row({ id: 'dp_2', status: 'needs_response', due_by: NOW - 7_200, reason: 'fraudulent', customer_name: 'Late Ltd' }), row({ id: 'dp_3', status: 'lost', reason: 'duplicate' })];

function mount(handlers: Record<string, (args: any) => unknown> = {}) {
  const backend = fakeBackend({
    list_disputes: ({ query }: { query: ListQuery }) => {
      const wanted = query.status === 'needs_response' ? ['needs_response', 'warning_needs_response'] : query.status ? [query.status] : null;
      return pageOf(ROWS.filter((r) => !wanted || wanted.includes(r.status)), query, null);
    },
    dispute_detail: () => detail(),
    inspect_evidence_file: ({ path }: { path: string }) =>
      path.endsWith('.txt')
        ? { filename: 'notes.txt', size: 10, file_type: null }
        : { filename: 'receipt.pdf', size: 2048, file_type: 'pdf' },
    save_dispute_evidence: ({ form }: { form: EvidenceForm }) => detail({ text: Object.entries(form.text) as [string, string][] }),
    submit_dispute_evidence: () => detail({ submission_count: 1 }, { status: 'under_review' }),
    accept_dispute: () => detail({}, { status: 'lost' }),
    ...handlers,
  });
  app.accounts = [account()];
  app.activeId = 'a1';
  render(DisputesView);
  return backend;
}

const rowTexts = () => screen.getAllByTestId('disputes-row').map((r) => r.textContent ?? '');

async function openFirst() {
  await waitFor(() => expect(rowTexts()).toHaveLength(3));
  await fireEvent.click(screen.getAllByTestId('disputes-row')[0]);
  await waitFor(() => expect(screen.getByTestId('dispute-status').textContent).toBe('Needs response'));
}

describe('dispute queue', () => {
  it('shows each deadline in the user zone with how long is left, overdue ones marked', async () => {
    const backend = mount();
    await waitFor(() => expect(rowTexts()).toHaveLength(3));
    expect(rowTexts()[0]).toContain(formatDeadline(ROWS[0].due_by!));
    expect(rowTexts()[0]).toContain('due in 3 days');
    expect(rowTexts()[0]).toContain('$42.00');
    expect(rowTexts()[0]).toContain('Jane Doe');
    expect(rowTexts()[0]).toContain('product not received');
    const due = screen.getAllByTestId('dispute-due');
    expect(due).toHaveLength(2);
    expect(due[1].textContent).toBe('overdue by 2 h');
    expect(due[1].classList.contains('overdue')).toBe(true);
    expect(backend.argsOf('list_disputes')[0].query).toMatchObject({ sort: null, status: null });
    await fireEvent.click(screen.getByTestId('dispute-status-lost'));
    await waitFor(() => expect(rowTexts()).toHaveLength(1));
    expect(backend.argsOf('list_disputes').at(-1).query.status).toBe('lost');
  });

  it('fits its columns, sorted by deadline by default', () => {
    expect(minTableWidth(COLUMNS)).toBeLessThanOrEqual(DEFAULT_TABLE_WIDTH);
    expect(fitColumns(COLUMNS, DEFAULT_TABLE_WIDTH)).toEqual(COLUMNS);
    expect(DEFAULT_SORT.key).toBe('deadline');
    expect(COLUMNS.filter((c) => c.sortable).map((c) => c.key)).toEqual(['deadline', 'amount', 'status']);
  });

  it('reads deadlines and picked files as people do', () => {
    const nowMs = 1_000_000 * 1000;
    expect(dueIn(1_000_000 + 30 * 3600, nowMs)).toEqual({ text: 'due in 30 h', overdue: false });
    expect(dueIn(1_000_000 + 50 * 3600, nowMs)).toEqual({ text: 'due in 2 days', overdue: false });
    expect(dueIn(1_000_000 - 90, nowMs)).toEqual({ text: 'overdue by 1 min', overdue: true });
    expect(pickedProblem({ filename: 'a.pdf', size: 5 * 1024 * 1024, file_type: 'pdf' })).toBeNull();
    expect(pickedProblem({ filename: 'a.pdf', size: 5 * 1024 * 1024 + 1, file_type: 'pdf' })).toContain('at most 5 MB');
    expect(pickedProblem({ filename: 'a.gif', size: 10, file_type: null })).toContain('not a PDF, JPEG or PNG');
  });
});

describe('dispute evidence', () => {
  it('follows a sync: the bank\'s decision shows, and unsaved edits stay', async () => {
    let current = detail();
    mount({ dispute_detail: () => current });
    await openFirst();
    await fireEvent.input(screen.getByTestId('evidence-uncategorized_text'), { target: { value: 'Not saved yet' } });
    current = detail({}, { status: 'won' });
    await emitFromRust('data-changed', { account_id: 'a1', resources: ['disputes'] });
    await waitFor(() => expect(screen.getByTestId('dispute-status').textContent).toBe('Won'));
    expect((screen.getByTestId('evidence-uncategorized_text') as HTMLTextAreaElement).value).toBe('Not saved yet');
  });

  it('opens the disputed payment in the Payments & refunds area', async () => {
    mount();
    await openFirst();
    await fireEvent.click(screen.getByTestId('dispute-payment'));
    expect(router.area).toBe('payments');
    expect(router.payment).toBe(detail().row.payment_intent_id);
  });

  it('saves the changed text and the picked file by path', async () => {
    const backend = mount();
    await openFirst();
    expect((screen.getByTestId('evidence-product_description') as HTMLTextAreaElement).value).toBe('Annual plan');
    await fireEvent.input(screen.getByTestId('evidence-uncategorized_text'), { target: { value: 'Tracking shows delivery' } });
    const file = screen.getByTestId('evidence-file-receipt');
    await fireEvent.input(file, { target: { value: '/home/me/receipt.pdf' } });
    await fireEvent.change(file);
    await waitFor(() => expect(screen.getByTestId('evidence-file-picked-receipt').textContent).toContain('receipt.pdf · 2 KB · PDF'));
    await fireEvent.click(screen.getByTestId('dispute-save'));
    await waitFor(() => expect(backend.argsOf('save_dispute_evidence')).toHaveLength(1));
    expect(backend.argsOf('save_dispute_evidence')[0]).toEqual({
      accountId: 'a1',
      disputeId: 'dp_1',
      form: { text: { uncategorized_text: 'Tracking shows delivery' }, files: [{ field: 'receipt', path: '/home/me/receipt.pdf' }] },
    });
  });

  it('refuses a file Stripe would refuse without sending anything', async () => {
    const backend = mount();
    await openFirst();
    const file = screen.getByTestId('evidence-file-receipt');
    await fireEvent.input(file, { target: { value: '/home/me/notes.txt' } });
    await fireEvent.change(file);
    await waitFor(() => expect(screen.getByTestId('evidence-file-problem-receipt').textContent).toContain('not a PDF, JPEG or PNG'));
    await fireEvent.click(screen.getByTestId('dispute-save'));
    expect(screen.getByTestId('dispute-action-error').textContent).toContain('Receipt');
    expect(backend.argsOf('save_dispute_evidence')).toHaveLength(0);
  });

  it('submits only after confirming that it can be done once', async () => {
    const backend = mount();
    await openFirst();
    await fireEvent.click(screen.getByTestId('dispute-submit'));
    expect(screen.getByTestId('dispute-confirm').textContent).toContain('only once');
    expect(backend.argsOf('submit_dispute_evidence')).toHaveLength(0);
    await fireEvent.click(screen.getByTestId('dispute-confirm-yes'));
    await waitFor(() => expect(screen.getByTestId('dispute-status').textContent).toBe('Under review'));
    expect(backend.argsOf('submit_dispute_evidence')).toHaveLength(1);
    expect(screen.queryByTestId('dispute-submit')).toBeNull();
    expect(screen.getByTestId('dispute-evidence-state').textContent).toBe('Submitted');
  });

  it('accepts only after confirming that it closes as lost, and cancelling sends nothing', async () => {
    const backend = mount();
    await openFirst();
    await fireEvent.click(screen.getByTestId('dispute-accept'));
    expect(screen.getByTestId('dispute-confirm').textContent).toContain('closes as lost');
    await fireEvent.click(screen.getByTestId('dispute-confirm-no'));
    expect(screen.queryByTestId('dispute-confirm')).toBeNull();
    await fireEvent.click(screen.getByTestId('dispute-accept'));
    await fireEvent.click(screen.getByTestId('dispute-confirm-yes'));
    await waitFor(() => expect(screen.getByTestId('dispute-status').textContent).toBe('Lost'));
    expect(backend.argsOf('accept_dispute')).toEqual([{ accountId: 'a1', disputeId: 'dp_1' }]);
  });
});
