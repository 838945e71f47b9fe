// The new subscription editor: a mistake is named and nothing sent; one currency only; what
// Create sends; Rust's refusal shown; a saved subscription opens.
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { afterEach, describe, expect, it } from 'vitest';
import SubscriptionEditor from './SubscriptionEditor.svelte';
import { app } from '../lib/app-state.svelte';
import type { ListQuery } from '../lib/bindings';
import { router } from '../lib/router.svelte';
import { account, fakeBackend, pageOf, resetApp, type Handler } from '../test-support/backend';
import { couponRow, customerRow, recurringPrice, subscriptionDetail } from '../test-support/subscriptions';

afterEach(() => {
  cleanup();
  resetApp();
});

const PRICES = [
  recurringPrice(),
  recurringPrice({ id: 'price_support', product_id: 'prod_support', product_name: 'Support', unit_amount: 120000, recurring_interval: 'year' }),
  recurringPrice({ id: 'price_jp', product_id: 'prod_jp', product_name: 'Team plan (Japan)', currency: 'jpy', unit_amount: 7000 }),
];

async function mount(handlers: Record<string, Handler> = {}, customerId: string | null = null) {
  const backend = fakeBackend({
    list_recurring_prices: () => PRICES,
    list_customers: ({ query }: { query: ListQuery }) =>
      pageOf([customerRow(), customerRow({ id: 'cus_2', name: 'Kanji Kai', email: 'kai@jp.example', currency: 'jpy' })].filter(
        (row) => [row.id, row.name ?? '', row.email ?? ''].some((field) => field.toLowerCase().includes((query.search ?? '').toLowerCase())),
      ), query),
    create_subscription: () => subscriptionDetail({ id: 'sub_new' }),
    ...handlers,
  });
  app.accounts = [account()];
  app.activeId = 'a1';
  router.showSubscription({ kind: 'new' });
  render(SubscriptionEditor, { customerId });
  await screen.findByTestId('subscription-add-price');
  return backend;
}

const addPrice = (id: string) => fireEvent.change(screen.getByTestId('subscription-add-price'), { target: { value: id } });
const save = () => fireEvent.click(screen.getByTestId('subscription-editor-save'));
const problems = () => screen.getByTestId('subscription-editor-problems').textContent ?? '';

async function pickCustomer(search = 'ferris') {
  await fireEvent.input(screen.getByTestId('subscription-customer-search'), { target: { value: search } });
  await fireEvent.click(await screen.findByTestId('subscription-customer-option'));
}

describe('subscription editor', () => {
  it('offers only the coupons Stripe would take on the chosen prices, and sends the one picked', async () => {
    const backend = await mount({
      list_coupons: () => [
        couponRow({ id: 'ANY', name: 'Any' }),
        couponRow({ id: 'EUR', name: 'Euro off', percent_off_bp: null, amount_off: 500, currency: 'eur' }),
        couponRow({ id: 'USD', name: 'Dollar off', percent_off_bp: null, amount_off: 500, currency: 'usd' }),
        couponRow({ id: 'SUPPORT', name: 'Support only', applies_to_products: ['prod_support'] }),
      ],
    });
    const offered = () => [...screen.getByTestId('subscription-new-coupon').querySelectorAll('option')].map((option) => option.value);
    await waitFor(() => expect(offered()).toEqual(['']));
    await pickCustomer();
    await addPrice('price_team');
    await waitFor(() => expect(offered()).toEqual(['', 'ANY', 'USD']));
    await addPrice('price_support');
    expect(offered()).toEqual(['', 'ANY', 'USD', 'SUPPORT']);
    await fireEvent.change(screen.getByTestId('subscription-new-coupon'), { target: { value: 'SUPPORT' } });
    await save();
    await waitFor(() => expect(backend.argsOf('create_subscription')).toHaveLength(1));
    expect(backend.argsOf('create_subscription')[0]).toMatchObject({ input: { coupon_id: 'SUPPORT' } });
  });

  it('names every mistake and sends nothing', async () => {
    const backend = await mount();
    await save();
    expect(problems()).toContain('Pick a customer');
    expect(problems()).toContain('Add at least one recurring price.');

    await pickCustomer();
    await addPrice('price_team');
    await fireEvent.input(screen.getByTestId('item-quantity'), { target: { value: '0' } });
    await fireEvent.click(screen.getByTestId('trial-until-mode'));
    await fireEvent.input(screen.getByTestId('trial-until'), { target: { value: '2001-05-01' } });
    await fireEvent.click(screen.getByTestId('collection-send'));
    await fireEvent.input(screen.getByTestId('days-until-due'), { target: { value: 'soon' } });
    await fireEvent.click(screen.getByTestId('subscription-add-meta'));
    await fireEvent.input(screen.getByTestId('meta-key'), { target: { value: 'operation_id' } });
    await save();
    expect(screen.getByTestId('problem-item-0-quantity').textContent).toContain('at least 1');
    expect(screen.getByTestId('problem-trial_until').textContent).toBe('The trial must end in the future.');
    expect(screen.getByTestId('problem-days_until_due').textContent).toContain('from 0 to 3650');
    expect(screen.getByTestId('problem-meta-0-key').textContent).toContain('Billfold’s own key');

    await fireEvent.click(screen.getByTestId('trial-days-mode'));
    await fireEvent.input(screen.getByTestId('trial-days'), { target: { value: '0' } });
    await save();
    expect(screen.getByTestId('problem-trial_days').textContent).toContain('from 1 to 730');

    // A trial may not run past Stripe's two years.
    await fireEvent.click(screen.getByTestId('trial-until-mode'));
    await fireEvent.input(screen.getByTestId('trial-until'), { target: { value: '2099-05-01' } });
    await save();
    expect(screen.getByTestId('problem-trial_until').textContent).toBe('The trial may last at most 730 days.');
    expect(backend.argsOf('create_subscription')).toEqual([]);
  });

  it('refuses prices in a second currency, clearly', async () => {
    await mount();
    await addPrice('price_team');
    await addPrice('price_jp');
    expect(screen.getByTestId('subscription-mix-error').textContent).toBe(
      'All prices of a subscription must be in one currency: this one is in JPY, the others in USD.',
    );
    expect(screen.getAllByTestId('subscription-editor-item')).toHaveLength(1);
    await addPrice('price_support');
    expect(screen.queryByTestId('subscription-mix-error')).toBeNull();
    expect(screen.getAllByTestId('subscription-editor-item')).toHaveLength(2);
  });

  it('refuses prices the picked customer cannot be billed in', async () => {
    const backend = await mount();
    await pickCustomer('kanji');
    await addPrice('price_team');
    await save();
    expect(problems()).toContain('The customer is billed in JPY');
    expect(backend.argsOf('create_subscription')).toEqual([]);
  });

  it('creates the subscription with what was typed and opens it', async () => {
    const backend = await mount();
    await pickCustomer();
    expect(screen.getByTestId('subscription-customer-chosen').textContent).toContain('Ferris Foundation');
    await addPrice('price_team');
    await addPrice('price_support');
    await fireEvent.input(screen.getAllByTestId('item-quantity')[0], { target: { value: '5' } });
    await fireEvent.click(screen.getByTestId('trial-days-mode'));
    await fireEvent.input(screen.getByTestId('trial-days'), { target: { value: '30' } });
    await fireEvent.click(screen.getByTestId('collection-send'));
    await fireEvent.input(screen.getByTestId('days-until-due'), { target: { value: '14' } });
    await fireEvent.change(screen.getByTestId('payment-behavior'), { target: { value: 'error_if_incomplete' } });
    expect(screen.getByTestId('payment-behavior-explanation').textContent).toContain('Refuses to create');
    await fireEvent.click(screen.getByTestId('subscription-add-meta'));
    await fireEvent.input(screen.getByTestId('meta-key'), { target: { value: 'plan' } });
    await fireEvent.input(screen.getByTestId('meta-value'), { target: { value: 'team' } });
    await save();
    await waitFor(() => expect(router.subscription).toEqual({ kind: 'detail', id: 'sub_new' }));
    expect(backend.argsOf('create_subscription')).toEqual([
      {
        accountId: 'a1',
        input: {
          customer: { kind: 'existing', customer_id: 'cus_1' },
          items: [
            { price_id: 'price_team', quantity: 5 },
            { price_id: 'price_support', quantity: 1 },
          ],
          trial: { kind: 'days', days: 30 },
          collection_method: 'send_invoice',
          days_until_due: 14,
          payment_behavior: 'error_if_incomplete',
          metadata: { plan: 'team' },
          coupon_id: null,
        },
      },
    ]);
    expect(backend.argsOf('list_recurring_prices')[0]).toEqual({ accountId: 'a1', currency: null });
  });

  it('creates for a new customer by email with a trial until a day', async () => {
    const backend = await mount();
    await fireEvent.click(screen.getByTestId('subscription-customer-by-email'));
    await fireEvent.input(screen.getByTestId('subscription-email'), { target: { value: 'new@crab.example' } });
    await fireEvent.input(screen.getByTestId('subscription-name'), { target: { value: 'Crab Co' } });
    await addPrice('price_jp');
    await fireEvent.click(screen.getByTestId('trial-until-mode'));
    // Sixty days from now: in the future, within Stripe's two years of trial.
    const day = new Date(Date.now() + 60 * 86_400_000);
    const iso = `${day.getFullYear()}-${String(day.getMonth() + 1).padStart(2, '0')}-${String(day.getDate()).padStart(2, '0')}`;
    await fireEvent.input(screen.getByTestId('trial-until'), { target: { value: iso } });
    await save();
    await waitFor(() => expect(backend.argsOf('create_subscription')).toHaveLength(1));
    expect(backend.argsOf('create_subscription')[0].input).toEqual({
      customer: { kind: 'by_email', email: 'new@crab.example', name: 'Crab Co' },
      items: [{ price_id: 'price_jp', quantity: 1 }],
      trial: { kind: 'until', trial_end: Math.floor(new Date(day.getFullYear(), day.getMonth(), day.getDate(), 23, 59, 59).getTime() / 1000) },
      collection_method: 'charge_automatically',
      days_until_due: null,
      payment_behavior: 'allow_incomplete',
      metadata: {},
      coupon_id: null,
    });
  });

  it('shows Rust’s refusal and keeps what was typed', async () => {
    await mount({
      create_subscription: () => Promise.reject({ code: 'validation', message: 'This customer has no default payment method.' }),
    });
    await pickCustomer();
    await addPrice('price_team');
    await save();
    expect((await screen.findByTestId('subscription-editor-error')).textContent).toContain('This customer has no default payment method.');
    expect(screen.getByTestId('subscription-editor-error').textContent).toContain('validation');
    expect(router.subscription).toEqual({ kind: 'new' });
    expect(screen.getAllByTestId('subscription-editor-item')).toHaveLength(1);
  });

  it('shows the customer it was started from', async () => {
    await mount({}, 'cus_1');
    expect((await screen.findByTestId('subscription-customer-chosen')).textContent).toContain('Ferris Foundation');
  });
});
