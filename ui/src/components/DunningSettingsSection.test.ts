// Settings → Dunning & notifications: loads the active account's rule and switch, confirms
// turning the rule on with what it does right now (counted from the dunning queue), saves only
// after that, refuses counts outside 1..10, and shows Rust's errors.
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { afterEach, describe, expect, it } from 'vitest';
import DunningSettingsSection from './DunningSettingsSection.svelte';
import { app } from '../lib/app-state.svelte';
import type { DunningRow } from '../lib/bindings';
import { dueNow } from '../lib/dunning-api';
import { account, fakeBackend, resetApp, type Handler } from '../test-support/backend';

afterEach(() => {
  cleanup();
  resetApp();
});

function queued(subscription_id: string, attempt_count: number, review = false): DunningRow {
  return {
    subscription_id, subscription_status: 'past_due', customer_id: 'cus_1', customer_name: 'Acme', customer_email: null,
    invoice_id: `in_${subscription_id}_${attempt_count}`, invoice_number: null, currency: 'eur', amount_remaining: 1000,
    attempt_count, next_payment_attempt: null, last_failure: null, due_date: null, actions: [], review,
  };
}

const QUEUE = [queued('sub_1', 3), queued('sub_1', 1), queued('sub_2', 2, true), queued('sub_3', 1)];

async function open(handlers: Record<string, Handler> = {}) {
  const backend = fakeBackend({ dunning_queue: () => QUEUE, ...handlers });
  app.accounts = [account()];
  app.activeId = 'a1';
  render(DunningSettingsSection);
  await screen.findByTestId('dunning-settings-form');
  return backend;
}

const input = (testid: string) => screen.getByTestId(testid) as HTMLInputElement;

describe('dunning & notification settings', () => {
  it('loads the rule (off) and the switch (on) of the active account', async () => {
    const backend = await open();
    expect(backend.argsOf('get_dunning_rule')).toEqual([{ accountId: 'a1' }]);
    expect(backend.argsOf('get_notification_settings')).toEqual([{ accountId: 'a1' }]);
    expect(input('dunning-rule-enabled').checked).toBe(false);
    expect(input('dunning-rule-count').value).toBe('3');
    expect(input('dunning-rule-count').disabled).toBe(true);
    expect(input('dunning-notify').checked).toBe(true);
  });

  it('confirms turning the rule on with how many subscriptions it acts on now, then saves it', async () => {
    const backend = await open();
    await fireEvent.click(input('dunning-rule-enabled'));
    await fireEvent.input(input('dunning-rule-count'), { target: { value: '2' } });
    await fireEvent.change(screen.getByTestId('dunning-rule-action'), { target: { value: 'cancel' } });
    await fireEvent.submit(screen.getByTestId('dunning-settings-form'));
    const text = await screen.findByTestId('dunning-rule-confirm-text');
    expect(text.textContent).toContain('cancels 2 subscriptions');
    expect(text.textContent).toContain('2 failed payments');
    expect(backend.argsOf('set_dunning_rule')).toHaveLength(0);

    await fireEvent.click(screen.getByTestId('dunning-rule-confirm-go'));
    await screen.findByTestId('dunning-settings-saved');
    expect(backend.argsOf('set_dunning_rule')).toEqual([
      { accountId: 'a1', rule: { enabled: true, failed_payments: 2, action: 'cancel' } },
    ]);
    expect(backend.argsOf('set_notification_settings')).toHaveLength(0);
  });

  it('goes back without saving, and saves the switch alone without asking', async () => {
    const backend = await open();
    await fireEvent.click(input('dunning-rule-enabled'));
    await fireEvent.submit(screen.getByTestId('dunning-settings-form'));
    expect((await screen.findByTestId('dunning-rule-confirm-text')).textContent).toContain('marks 1 subscription ');
    await fireEvent.click(screen.getByText('Back'));
    expect(screen.queryByTestId('dunning-rule-confirm')).toBeNull();
    await fireEvent.click(input('dunning-rule-enabled'));
    await fireEvent.click(input('dunning-notify'));
    await fireEvent.submit(screen.getByTestId('dunning-settings-form'));
    await screen.findByTestId('dunning-settings-saved');
    expect(backend.argsOf('set_dunning_rule')).toHaveLength(0);
    expect(backend.argsOf('set_notification_settings')).toEqual([{ accountId: 'a1', settings: { payment_failures: false, disputes: true } }]);
  });

  it('saves the dispute notification switch on its own', async () => {
    const backend = await open();
    expect(input('dispute-notify').checked).toBe(true);
    await fireEvent.click(input('dispute-notify'));
    await fireEvent.submit(screen.getByTestId('dunning-settings-form'));
    await screen.findByTestId('dunning-settings-saved');
    expect(backend.argsOf('set_notification_settings')).toEqual([{ accountId: 'a1', settings: { payment_failures: true, disputes: false } }]);
    expect(backend.argsOf('set_dunning_rule')).toHaveLength(0);
  });

  it('refuses counts outside 1..10 before asking Rust, and shows Rust’s message', async () => {
    const backend = await open({
      set_dunning_rule: () => {
        throw { code: 'validation', message: 'The rule acts after 1 to 10 failed payments.' };
      },
    });
    await fireEvent.click(input('dunning-rule-enabled'));
    for (const bad of ['0', '11', '2.5', '']) {
      await fireEvent.input(input('dunning-rule-count'), { target: { value: bad } });
      expect(screen.getByTestId('dunning-rule-count-error').textContent).toContain('1 to 10');
      expect((screen.getByTestId('dunning-settings-save') as HTMLButtonElement).disabled).toBe(true);
    }
    await fireEvent.input(input('dunning-rule-count'), { target: { value: '10' } });
    await fireEvent.submit(screen.getByTestId('dunning-settings-form'));
    expect((await screen.findByTestId('dunning-rule-confirm-text')).textContent).toContain('0 subscriptions');
    await fireEvent.click(screen.getByTestId('dunning-rule-confirm-go'));
    await waitFor(() => expect(screen.getByTestId('dunning-settings-error').textContent).toContain('1 to 10'));
    expect(backend.argsOf('set_dunning_rule')).toHaveLength(1);
  });

  it('counts each subscription once, and skips ones already marked for a review rule', () => {
    expect(dueNow(QUEUE, { enabled: true, failed_payments: 1, action: 'cancel' })).toBe(3);
    expect(dueNow(QUEUE, { enabled: true, failed_payments: 1, action: 'review' })).toBe(2);
    expect(dueNow(QUEUE, { enabled: true, failed_payments: 4, action: 'cancel' })).toBe(0);
  });
});
