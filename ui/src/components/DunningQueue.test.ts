// The dunning queue: rows in Rust's order, only the actions each row allows, every action
// confirmed before it is sent with the right arguments, a reload when invoices or
// subscriptions change, and the empty state.
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { afterEach, describe, expect, it } from 'vitest';
import DunningQueue from './DunningQueue.svelte';
import { app } from '../lib/app-state.svelte';
import type { DunningRow } from '../lib/bindings';
import { account, emitFromRust, fakeBackend, resetApp, type Handler } from '../test-support/backend';

afterEach(() => {
  cleanup();
  resetApp();
});

function dunningRow(overrides: Partial<DunningRow> = {}): DunningRow {
  return {
    subscription_id: 'sub_1',
    subscription_status: 'past_due',
    customer_id: 'cus_1',
    customer_name: 'Ferris Foundation',
    customer_email: 'ap@ferris.example',
    invoice_id: 'in_1',
    invoice_number: 'RC-0001',
    currency: 'usd',
    amount_remaining: 50000,
    attempt_count: 2,
    next_payment_attempt: 1_800_000_000,
    last_failure: 'Your card was declined.',
    due_date: null,
    actions: ['pay', 'mark_uncollectible'],
    review: false,
    ...overrides,
  };
}

const ROWS = [
  dunningRow(),
  dunningRow({
    subscription_id: 'sub_2',
    subscription_status: 'unpaid',
    customer_name: 'Crab Co',
    customer_email: 'billing@crab.example',
    invoice_id: 'in_2',
    invoice_number: 'RC-0002',
    amount_remaining: 1200,
    attempt_count: 4,
    next_payment_attempt: null,
    last_failure: null,
    due_date: 1_800_500_000,
    actions: ['send', 'pay', 'mark_uncollectible'],
  }),
];

function mount(handlers: Record<string, Handler> = {}) {
  const backend = fakeBackend({ dunning_queue: () => ROWS, invoice_action: () => ({}), subscription_action: () => ({}), ...handlers });
  app.accounts = [account()];
  app.activeId = 'a1';
  render(DunningQueue);
  return backend;
}

const rowTexts = () => screen.getAllByTestId('dunning-row').map((row) => row.textContent ?? '');

describe('dunning queue', () => {
  it('shows the rows in the order Rust gives', async () => {
    const backend = mount();
    await waitFor(() => expect(rowTexts()).toHaveLength(2));
    expect(backend.argsOf('dunning_queue')[0]).toEqual({ accountId: 'a1' });
    expect(rowTexts()[0]).toContain('Ferris Foundation');
    expect(rowTexts()[0]).toContain('ap@ferris.example');
    expect(rowTexts()[0]).toContain('past due');
    expect(rowTexts()[0]).toContain('$500.00');
    expect(rowTexts()[0]).toContain('Your card was declined.');
    expect(rowTexts()[1]).toContain('Crab Co');
    expect(rowTexts()[1]).toContain('unpaid');
    expect(rowTexts()[1]).toContain('$12.00');
    expect(rowTexts()[1]).toContain('No more retries');
  });

  it('flags subscriptions the dunning rule marked for review', async () => {
    mount({ dunning_queue: () => [ROWS[0], { ...ROWS[1], review: true }] });
    await waitFor(() => expect(rowTexts()).toHaveLength(2));
    const [first, second] = screen.getAllByTestId('dunning-row');
    expect(first.querySelector('[data-testid="dunning-review"]')).toBeNull();
    expect(second.querySelector('[data-testid="dunning-review"]')?.textContent).toBe('Review');
  });

  it('offers only the invoice actions each row allows', async () => {
    mount();
    await waitFor(() => expect(rowTexts()).toHaveLength(2));
    const [first, second] = screen.getAllByTestId('dunning-row');
    const labels = (row: HTMLElement) => [...row.querySelectorAll('button')].map((button) => button.textContent?.trim());
    expect(labels(first)).toEqual(['Retry now', 'Mark uncollectible', 'Cancel subscription']);
    expect(labels(second)).toEqual(['Retry now', 'Email payment link', 'Mark uncollectible', 'Cancel subscription']);
  });

  it('confirms each invoice action, then sends it for that invoice', async () => {
    const backend = mount();
    await waitFor(() => expect(rowTexts()).toHaveLength(2));
    const second = () => screen.getAllByTestId('dunning-row')[1];
    for (const [testid, kind, says] of [
      ['dunning-pay', 'pay', 'charges $12.00'],
      ['dunning-send', 'send', 'emails billing@crab.example'],
      ['dunning-mark_uncollectible', 'mark_uncollectible', 'uncollectible'],
    ] as const) {
      const sent = backend.argsOf('invoice_action').length;
      await fireEvent.click(second().querySelector(`[data-testid="${testid}"]`)!);
      const dialog = screen.getByRole('alertdialog');
      expect(dialog.textContent).toContain(says);
      expect(backend.argsOf('invoice_action')).toHaveLength(sent);
      await fireEvent.click(screen.getByTestId('dunning-confirm-go'));
      await waitFor(() => expect(backend.argsOf('invoice_action')).toHaveLength(sent + 1));
      expect(backend.argsOf('invoice_action').at(-1)).toEqual({ accountId: 'a1', invoiceId: 'in_2', action: kind });
      await waitFor(() => expect(screen.queryByRole('alertdialog')).toBeNull());
    }
  });

  it('confirms cancelling the subscription, then cancels it now without invoicing or proration', async () => {
    const backend = mount();
    await waitFor(() => expect(rowTexts()).toHaveLength(2));
    await fireEvent.click(screen.getAllByTestId('dunning-cancel')[0]);
    expect(screen.getByRole('alertdialog').textContent).toContain('cancels subscription sub_1');
    expect(backend.argsOf('subscription_action')).toHaveLength(0);
    await fireEvent.click(screen.getByTestId('dunning-confirm-go'));
    await waitFor(() => expect(backend.argsOf('subscription_action')).toHaveLength(1));
    expect(backend.argsOf('subscription_action')[0]).toEqual({
      accountId: 'a1',
      subscriptionId: 'sub_1',
      action: { kind: 'cancel_now', invoice_now: false, prorate: false },
    });
    expect(backend.argsOf('invoice_action')).toHaveLength(0);
  });

  it('sends nothing when the confirmation is dismissed', async () => {
    const backend = mount();
    await waitFor(() => expect(rowTexts()).toHaveLength(2));
    await fireEvent.click(screen.getAllByTestId('dunning-pay')[0]);
    await fireEvent.click(screen.getByText('Back'));
    expect(screen.queryByRole('alertdialog')).toBeNull();
    expect(backend.argsOf('invoice_action')).toHaveLength(0);
  });

  it('shows why an action failed and keeps the confirmation', async () => {
    mount({ invoice_action: () => Promise.reject({ code: 'stripe', message: 'Your card was declined.' }) });
    await waitFor(() => expect(rowTexts()).toHaveLength(2));
    await fireEvent.click(screen.getAllByTestId('dunning-pay')[0]);
    await fireEvent.click(screen.getByTestId('dunning-confirm-go'));
    await waitFor(() => expect(screen.getByTestId('dunning-error').textContent).toContain('Your card was declined.'));
    expect(screen.getByRole('alertdialog')).toBeTruthy();
  });

  it('reloads when invoices or subscriptions change, not for other data', async () => {
    let rows = ROWS;
    const backend = mount({ dunning_queue: () => rows });
    await waitFor(() => expect(rowTexts()).toHaveLength(2));
    const loads = backend.argsOf('dunning_queue').length;
    await emitFromRust('data-changed', { account_id: 'a1', resources: ['customers'] });
    expect(backend.argsOf('dunning_queue')).toHaveLength(loads);
    rows = [ROWS[1]];
    await emitFromRust('data-changed', { account_id: 'a1', resources: ['invoices'] });
    await waitFor(() => expect(rowTexts()).toHaveLength(1));
    expect(rowTexts()[0]).toContain('Crab Co');
    rows = [];
    await emitFromRust('data-changed', { account_id: 'a1', resources: ['subscriptions'] });
    await waitFor(() => expect(screen.getByTestId('dunning-empty')).toBeTruthy());
  });

  it('says when there is nothing to chase', async () => {
    mount({ dunning_queue: () => [] });
    await waitFor(() => expect(screen.getByTestId('dunning-empty').textContent).toContain('Nothing to chase'));
    expect(screen.queryByTestId('dunning-table')).toBeNull();
  });
});
