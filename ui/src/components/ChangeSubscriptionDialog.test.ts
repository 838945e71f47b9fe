// The change-of-plan dialog, opened from the subscription detail: prices of the subscription's
// currency per item, quantities, items added and removed, the proration choice; Stripe's
// preview asked after the edits settle with only the newest answer shown; Confirm only for the
// inputs previewed, sending the preview's proration date; errors as code and message; Esc.
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { afterEach, describe, expect, it } from 'vitest';
import SubscriptionDetail from './SubscriptionDetail.svelte';
import { app } from '../lib/app-state.svelte';
import { router } from '../lib/router.svelte';
import type { ChangePreview, SubscriptionChangeInput } from '../lib/bindings';
import { account, fakeBackend, resetApp, type Handler } from '../test-support/backend';
import { recurringPrice, subscriptionDetail, subscriptionItem } from '../test-support/subscriptions';

afterEach(() => {
  cleanup();
  resetApp();
});

const CHANGEABLE = subscriptionDetail({ actions: ['cancel_now', 'cancel_at_period_end', 'pause_collection', 'change'] });
const PRICES = [
  recurringPrice(),
  recurringPrice({ id: 'price_pro', product_name: 'Pro plan', unit_amount: 9900 }),
  recurringPrice({ id: 'price_yearly', product_name: 'Team plan', unit_amount: 49500, recurring_interval: 'year' }),
];

/** A preview of an upgrade billed at once: $40.00 charged, $10.00 credited. */
function preview(overrides: Partial<ChangePreview> = {}): ChangePreview {
  return {
    proration_date: 1_798_000_000,
    currency: 'usd',
    lines: [
      { description: 'Unused time on 2 × Team plan', amount: -1000, quantity: 2, period_start: 1_798_000_000, period_end: 1_800_000_000, proration: true },
      { description: 'Remaining time on 2 × Pro plan', amount: 5000, quantity: 2, period_start: 1_798_000_000, period_end: 1_800_000_000, proration: true },
    ],
    due_now: 4000,
    next_invoice_total: 19800,
    proration_total: 4000,
    ...overrides,
  };
}

async function open(handlers: Record<string, Handler> = {}) {
  const backend = fakeBackend({
    get_subscription: () => CHANGEABLE,
    upcoming_invoice: () => null,
    list_recurring_prices: () => PRICES,
    ...handlers,
  });
  app.accounts = [account()];
  app.activeId = 'a1';
  router.showSubscription({ kind: 'detail', id: 'sub_1' });
  render(SubscriptionDetail, { id: 'sub_1' });
  await fireEvent.click(await screen.findByTestId('subscription-change'));
  await screen.findByTestId('change-dialog');
  await waitFor(() => expect(backend.argsOf('list_recurring_prices')).toHaveLength(1));
  return backend;
}

const text = (testid: string) => (screen.getByTestId(testid).textContent ?? '').replace(/\s+/g, ' ').trim();
const inputsOf = (backend: ReturnType<typeof fakeBackend>, cmd: string): SubscriptionChangeInput[] =>
  backend.argsOf(cmd).map((args) => args.input);
const pickPrice = (price: string, row = 0) =>
  fireEvent.change(screen.getAllByTestId('change-price')[row], { target: { value: price } });
const setQuantity = (quantity: string, row = 0) =>
  fireEvent.input(screen.getAllByTestId('change-quantity')[row], { target: { value: quantity } });

describe('change subscription dialog', () => {
  it('is offered only when the subscription allows a change', async () => {
    fakeBackend({ get_subscription: () => subscriptionDetail(), upcoming_invoice: () => null });
    app.accounts = [account()];
    app.activeId = 'a1';
    render(SubscriptionDetail, { id: 'sub_1' });
    await screen.findByTestId('subscription-status');
    expect(screen.queryByTestId('subscription-change')).toBeNull();
  });

  it('offers the prices of the subscription’s currency and previews nothing until something changes', async () => {
    const backend = await open();
    expect(backend.argsOf('list_recurring_prices')[0]).toEqual({ accountId: 'a1', currency: 'usd' });
    const options = [...screen.getAllByTestId('change-price')[0].querySelectorAll('option')].map((option) => option.textContent);
    expect(options).toEqual(['Team plan — $49.50 / month', 'Pro plan — $99.00 / month', 'Team plan — $495.00 / year']);
    expect(screen.getByTestId('change-nothing')).toBeTruthy();
    expect((screen.getByTestId('change-confirm') as HTMLButtonElement).disabled).toBe(true);
    expect(backend.argsOf('preview_subscription_change')).toHaveLength(0);
  });

  it('asks once the edits settle and shows each line with what is charged, credited and billed next', async () => {
    const backend = await open({ preview_subscription_change: () => preview({ proration_total: -1000, due_now: 0 }) });
    await pickPrice('price_pro');
    await setQuantity('3');
    await setQuantity('4');
    await waitFor(() => expect(screen.getAllByTestId('change-line')).toHaveLength(2));
    const asked = inputsOf(backend, 'preview_subscription_change');
    expect(asked).toHaveLength(1);
    expect(asked[0].items).toEqual([{ item_id: 'si_1', price_id: 'price_pro', quantity: 4, deleted: false }]);
    expect(asked[0].proration).toBe('create_prorations');
    expect(asked[0].proration_date).toBeGreaterThanOrEqual(CHANGEABLE.current_period_start ?? 0);
    expect(asked[0].proration_date).toBeLessThanOrEqual(CHANGEABLE.current_period_end ?? 0);
    expect(screen.getAllByTestId('change-line')[0].textContent).toContain('-$10.00');
    expect(screen.queryByTestId('change-due-now')).toBeNull();
    expect(text('change-credit')).toBe('$10.00');
    expect(text('change-next-invoice')).toBe('$198.00');
  });

  it('shows only the newest preview, whatever order the answers arrive in', async () => {
    const answers: Array<(value: ChangePreview) => void> = [];
    const backend = await open({
      preview_subscription_change: () => new Promise<ChangePreview>((resolve) => answers.push(resolve)),
    });
    await setQuantity('3');
    await waitFor(() => expect(answers).toHaveLength(1));
    await setQuantity('5');
    await waitFor(() => expect(answers).toHaveLength(2));
    answers[1](preview({ due_now: 6000, next_invoice_total: 24750 }));
    answers[0](preview({ due_now: 2000, next_invoice_total: 14850 }));
    await waitFor(() => expect(text('change-due-now')).toBe('$60.00'));
    expect(text('change-next-invoice')).toBe('$247.50');
    expect(inputsOf(backend, 'preview_subscription_change').map((input) => input.items[0].quantity)).toEqual([3, 5]);
  });

  it('confirms only the previewed inputs and sends the preview’s proration date', async () => {
    let answer: ((value: ChangePreview) => void) | null = null;
    const changed = subscriptionDetail({ items: [subscriptionItem({ price_id: 'price_pro', product_name: 'Pro plan', unit_amount: 9900 })] });
    const backend = await open({
      preview_subscription_change: () => new Promise<ChangePreview>((resolve) => (answer = resolve)),
      change_subscription: () => changed,
    });
    await fireEvent.click(screen.getByTestId('change-proration-always_invoice'));
    await pickPrice('price_pro');
    const confirm = () => screen.getByTestId('change-confirm') as HTMLButtonElement;
    await waitFor(() => expect(answer).not.toBeNull());
    expect(confirm().disabled).toBe(true);
    answer!(preview({ proration_date: 1_798_123_456 }));
    await waitFor(() => expect(confirm().disabled).toBe(false));
    expect(text('change-due-now')).toBe('$40.00');

    // An edit makes the shown preview stale until its own answer comes.
    answer = null;
    await setQuantity('3');
    expect(confirm().disabled).toBe(true);
    await setQuantity('2');
    await waitFor(() => expect(answer).not.toBeNull());
    answer!(preview({ proration_date: 1_798_123_999 }));
    await waitFor(() => expect(confirm().disabled).toBe(false));

    await fireEvent.click(confirm());
    await waitFor(() => expect(screen.queryByTestId('change-dialog')).toBeNull());
    expect(inputsOf(backend, 'change_subscription')).toEqual([
      {
        items: [{ item_id: 'si_1', price_id: 'price_pro', quantity: null, deleted: false }],
        proration: 'always_invoice',
        proration_date: 1_798_123_999,
      },
    ]);
    expect(text('subscription-notice')).toBe('Plan changed.');
    expect(screen.getAllByTestId('subscription-item')[0].textContent).toContain('Pro plan');
  });

  it('adds and removes items, and can take a removal back', async () => {
    const backend = await open({ preview_subscription_change: () => preview() });
    await fireEvent.change(screen.getByTestId('change-add-price'), { target: { value: 'price_pro' } });
    await fireEvent.click(screen.getByTestId('change-add'));
    await setQuantity('3', 1);
    await fireEvent.click(screen.getAllByTestId('change-remove')[0]);
    await fireEvent.click(screen.getByTestId('change-proration-none'));
    await waitFor(() => expect(backend.argsOf('preview_subscription_change').length).toBeGreaterThan(0));
    await waitFor(() => expect(screen.getAllByTestId('change-line')).toHaveLength(2));
    const last = inputsOf(backend, 'preview_subscription_change').at(-1);
    expect(last?.items).toEqual([
      { item_id: 'si_1', price_id: null, quantity: null, deleted: true },
      { item_id: null, price_id: 'price_pro', quantity: 3, deleted: false },
    ]);
    expect(last?.proration).toBe('none');
    await fireEvent.click(screen.getByTestId('change-keep'));
    await waitFor(() =>
      expect(inputsOf(backend, 'preview_subscription_change').at(-1)?.items).toEqual([
        { item_id: null, price_id: 'price_pro', quantity: 3, deleted: false },
      ]),
    );
  });

  it('shows a refusal as its code and message, and keeps the dialog open when the change fails', async () => {
    let refuse = true;
    await open({
      preview_subscription_change: () => {
        if (refuse) throw { code: 'validation', message: 'Item 1 needs a quantity of at least 1.' };
        return preview();
      },
      change_subscription: () => {
        throw { code: 'stripe_error', message: 'Stripe said no.' };
      },
    });
    await setQuantity('0');
    await waitFor(() => expect(text('change-preview-error')).toBe('validation Item 1 needs a quantity of at least 1.'));
    expect((screen.getByTestId('change-confirm') as HTMLButtonElement).disabled).toBe(true);
    refuse = false;
    await setQuantity('3');
    await waitFor(() => expect((screen.getByTestId('change-confirm') as HTMLButtonElement).disabled).toBe(false));
    await fireEvent.click(screen.getByTestId('change-confirm'));
    await waitFor(() => expect(text('change-error')).toBe('stripe_error Stripe said no.'));
    expect(screen.getByTestId('change-dialog')).toBeTruthy();
  });

  it('closes on Esc and on Back without sending a change', async () => {
    const backend = await open();
    await fireEvent.keyDown(window, { key: 'Escape' });
    await waitFor(() => expect(screen.queryByTestId('change-dialog')).toBeNull());
    expect(router.subscription).toEqual({ kind: 'detail', id: 'sub_1' });
    await fireEvent.click(screen.getByTestId('subscription-change'));
    await fireEvent.click(await screen.findByTestId('change-cancel'));
    expect(screen.queryByTestId('change-dialog')).toBeNull();
    expect(backend.argsOf('change_subscription')).toHaveLength(0);
  });
});
