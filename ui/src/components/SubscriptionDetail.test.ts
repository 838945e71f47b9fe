// The subscription detail: what it shows, Stripe's preview of the next invoice, the actions it
// offers (only those in `actions`), each sending its `SubscriptionAction` only once confirmed.
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { afterEach, describe, expect, it } from 'vitest';
import SubscriptionDetail from './SubscriptionDetail.svelte';
import { app } from '../lib/app-state.svelte';
import { router } from '../lib/router.svelte';
import type { SubscriptionAction, SubscriptionActionKind, SubscriptionDetail as Detail } from '../lib/bindings';
import { account, emitFromRust, fakeBackend, invoiceRow, resetApp, type Handler } from '../test-support/backend';
import { couponRow, subscriptionDetail, subscriptionItem, upcomingInvoice } from '../test-support/subscriptions';

afterEach(() => {
  cleanup();
  resetApp();
});

async function open(handlers: Record<string, Handler>, id = 'sub_1') {
  const backend = fakeBackend({ upcoming_invoice: () => upcomingInvoice(), ...handlers });
  app.accounts = [account()];
  app.activeId = 'a1';
  router.showSubscription({ kind: 'detail', id });
  render(SubscriptionDetail, { id });
  await screen.findByTestId('subscription-status');
  return backend;
}

const text = (testid: string) => (screen.getByTestId(testid).textContent ?? '').replace(/\s+/g, ' ').trim();
const offered = () =>
  [...screen.getByRole('group', { name: 'Actions' }).querySelectorAll('button')].map((button) => button.dataset.testid);

describe('subscription detail', () => {
  it('shows the subscription, its items, invoices, timeline and raw object', async () => {
    await open({
      get_subscription: () =>
        subscriptionDetail({
          status: 'past_due',
          collection_method: 'send_invoice',
          days_until_due: 14,
          discounts: [{ id: 'di_1', coupon_id: 'LAUNCH', coupon: couponRow({ duration: 'repeating', duration_in_months: 3 }), starts_at: 1_799_000_000, ends_at: null }],
          trial_end: 1_797_000_000,
          pause_collection: { behavior: 'mark_uncollectible', resumes_at: 1_801_000_000 },
          items: [subscriptionItem(), subscriptionItem({ id: 'si_2', product_name: 'Support', unit_amount: 120000, quantity: 1, interval: 'year', interval_count: 1 })],
          invoices: [invoiceRow({ id: 'in_7', number: 'RC-0007', total: 9900 })],
          timeline: [{ event_id: 'evt_1', event_type: 'customer.subscription.updated', created: 1_799_000_100, source: 'webhook' }],
          metadata: { plan: 'team' },
        }),
    });
    expect(text('subscription-status')).toBe('past due');
    expect(text('subscription-customer')).toBe('Ferris Foundation');
    expect(text('subscription-mrr')).toBe('$99.00');
    expect(text('subscription-collection')).toBe('Send invoice, due in 14 days');
    expect(text('subscription-payment-method')).toBe('pm_card_visa');
    expect(text('subscription-discount')).toBe('Launch: 20 % off for 3 months');
    expect(text('subscription-pause')).toContain('Mark uncollectible, resumes');
    expect(text('subscription-trial')).not.toBe('—');
    const items = screen.getAllByTestId('subscription-item').map((row) => (row.textContent ?? '').replace(/\s+/g, ' '));
    expect(items[0]).toContain('Team plan');
    expect(items[0]).toContain('$49.50 / month');
    expect(items[0]).toContain('2');
    expect(items[1]).toContain('$1,200.00 / year');
    expect(screen.getAllByTestId('subscription-event')[0].textContent).toContain('customer.subscription.updated');
    expect(text('subscription-raw')).toContain('"id": "sub_1"');
    expect(screen.getByTestId('subscription-raw').closest('details')?.open).toBe(false);

    await fireEvent.click(screen.getAllByTestId('subscription-invoice')[0]);
    expect([router.area, router.invoice]).toEqual(['invoices', { kind: 'detail', id: 'in_7' }]);
  });

  it('tells a cancellation asked for apart from one done', async () => {
    const asked = subscriptionDetail({ status: 'active', cancel_at_period_end: true, cancel_at: 1_801_000_000, canceled_at: 1_800_000_000 });
    await open({ get_subscription: () => asked });
    const label = () => screen.getByTestId('subscription-canceled-at').parentElement?.querySelector('dt')?.textContent;
    expect(label()).toBe('Cancellation asked');
    cleanup();
    await open({ get_subscription: () => ({ ...asked, status: 'canceled', cancel_at_period_end: false }) });
    expect(label()).toBe('Canceled');
  });

  it('opens the customer', async () => {
    await open({ get_subscription: () => subscriptionDetail() });
    await fireEvent.click(screen.getByTestId('subscription-customer'));
    expect([router.area, router.customer]).toEqual(['customers', { kind: 'detail', id: 'cus_1' }]);
  });

  it('formats a yen subscription without decimals', async () => {
    await open({
      get_subscription: () => subscriptionDetail({ currency: 'jpy', mrr: 150000, items: [subscriptionItem({ currency: 'jpy', unit_amount: 75000 })] }),
      upcoming_invoice: () => upcomingInvoice({ currency: 'jpy', amount_due: 150000 }),
    });
    expect(text('subscription-mrr')).toBe('¥150,000');
    expect(screen.getByTestId('subscription-item').textContent).toContain('¥75,000 / month');
    expect(await screen.findByTestId('subscription-upcoming-due')).toHaveProperty('textContent', '¥150,000');
  });

  it('asks Stripe for the upcoming invoice when opened and shows its lines', async () => {
    const backend = await open({ get_subscription: () => subscriptionDetail() });
    expect((await screen.findByTestId('subscription-upcoming-due')).textContent).toBe('$99.00');
    expect(screen.getAllByTestId('subscription-upcoming-line')[0].textContent).toContain('2 × Team plan');
    expect(backend.argsOf('upcoming_invoice')).toEqual([{ accountId: 'a1', subscriptionId: 'sub_1' }]);
  });

  it('says when there is no upcoming invoice, and shows a failed preview', async () => {
    await open({ get_subscription: () => subscriptionDetail({ status: 'canceled', actions: [] }), upcoming_invoice: () => null });
    expect(await screen.findByTestId('subscription-upcoming-none')).toHaveProperty('textContent', 'No upcoming invoice.');
    expect(offered()).toEqual([]);
    cleanup();
    resetApp();
    await open({
      get_subscription: () => subscriptionDetail(),
      upcoming_invoice: () => Promise.reject({ code: 'stripe', message: 'Stripe is unreachable.' }),
    });
    expect((await screen.findByTestId('subscription-upcoming-error')).textContent).toBe('Stripe is unreachable.');
  });

  it('offers only the actions in `actions`', async () => {
    await open({ get_subscription: () => subscriptionDetail() });
    expect(offered()).toEqual(['subscription-action-pause_collection', 'subscription-action-cancel_at_period_end', 'subscription-action-cancel_now']);
    cleanup();
    resetApp();
    await open({
      get_subscription: () =>
        subscriptionDetail({ cancel_at_period_end: true, cancel_at: 1_800_000_000, pause_collection: { behavior: 'void', resumes_at: null }, actions: ['undo_cancel', 'resume_collection'] }),
    });
    expect(offered()).toEqual(['subscription-action-resume_collection', 'subscription-action-undo_cancel']);
    expect(text('subscription-cancelling')).toBe('Cancels at period end');
    expect(text('subscription-cancel-at')).not.toBe('');
  });

  // The action, what its confirmation says, what to set in it, what Rust must get.
  const CASES: Array<[SubscriptionActionKind, string, (() => Promise<void>) | null, SubscriptionAction, Partial<Detail>]> = [
    ['cancel_now', 'cancels the subscription at once', null, { kind: 'cancel_now', invoice_now: false, prorate: false }, { status: 'canceled', actions: [] }],
    [
      'cancel_now',
      'cannot be undone',
      async () => {
        await fireEvent.click(screen.getByTestId('subscription-invoice-now'));
        await fireEvent.click(screen.getByTestId('subscription-prorate'));
      },
      { kind: 'cancel_now', invoice_now: true, prorate: true },
      { status: 'canceled', actions: [] },
    ],
    ['cancel_at_period_end', 'keeps access until', null, { kind: 'cancel_at_period_end' }, { cancel_at_period_end: true, actions: ['undo_cancel'] }],
    ['undo_cancel', 'drops the scheduled cancellation', null, { kind: 'undo_cancel' }, { actions: ['cancel_at_period_end'] }],
    ['pause_collection', 'stops collecting payment', null, { kind: 'pause_collection', behavior: 'keep_as_draft', resumes_at: null }, { actions: ['resume_collection'] }],
    [
      'pause_collection',
      'stops collecting payment',
      async () => {
        await fireEvent.change(screen.getByTestId('subscription-pause-behavior'), { target: { value: 'void' } });
        expect(text('subscription-pause-explanation')).toContain('voided');
        await fireEvent.input(screen.getByTestId('subscription-resume-date'), { target: { value: '2099-01-02' } });
      },
      { kind: 'pause_collection', behavior: 'void', resumes_at: Math.floor(new Date(2099, 0, 2).getTime() / 1000) },
      { actions: ['resume_collection'] },
    ],
    ['resume_collection', 'collects payment again', null, { kind: 'resume_collection' }, { actions: ['pause_collection'] }],
    [
      'apply_coupon',
      'replacing any discount',
      async () => {
        await fireEvent.change(await screen.findByTestId('subscription-coupon'), { target: { value: 'LAUNCH' } });
      },
      { kind: 'apply_coupon', coupon_id: 'LAUNCH' },
      { actions: ['apply_coupon', 'remove_discounts'] },
    ],
    ['remove_discounts', 'pays the full price', null, { kind: 'remove_discounts' }, { actions: ['apply_coupon'] }],
  ];

  it.each(CASES)('asks before %s (%s) and only then sends the action', async (kind, warning, options, expected, after) => {
    const backend = await open({
      get_subscription: () => subscriptionDetail({ actions: [kind] }),
      subscription_action: () => subscriptionDetail(after),
      list_coupons: () => [couponRow()],
    });
    await fireEvent.click(screen.getByTestId(`subscription-action-${kind}`));
    expect(screen.getByRole('alertdialog').textContent).toContain(warning);
    if (options) await options();
    expect(backend.argsOf('subscription_action')).toEqual([]);
    await fireEvent.click(screen.getByTestId('subscription-confirm-ok'));
    await waitFor(() => expect(screen.queryByRole('alertdialog')).toBeNull());
    expect(backend.argsOf('subscription_action')).toEqual([{ accountId: 'a1', subscriptionId: 'sub_1', action: expected }]);
    expect(screen.getByTestId('subscription-notice').textContent).not.toBe('');
  });

  it('offers only the coupons Stripe would take, and needs one picked', async () => {
    const backend = await open({
      get_subscription: () => subscriptionDetail({ currency: 'usd', actions: ['apply_coupon'] }),
      list_coupons: () => [
        couponRow({ id: 'FIT', name: 'Fits' }),
        couponRow({ id: 'EUR50', name: 'Euro off', percent_off_bp: null, amount_off: 5000, currency: 'eur' }),
        couponRow({ id: 'OTHER', name: 'Other product', applies_to_products: ['prod_other'] }),
        couponRow({ id: 'USED', name: 'Used up', valid: false }),
        couponRow({ id: 'TEAM', name: 'Team only', applies_to_products: ['prod_team'] }),
      ],
    });
    await fireEvent.click(screen.getByTestId('subscription-action-apply_coupon'));
    const select = await screen.findByTestId('subscription-coupon');
    const options = [...select.querySelectorAll('option')].map((option) => option.value);
    expect(options).toEqual(['', 'FIT', 'TEAM']);
    await fireEvent.click(screen.getByTestId('subscription-confirm-ok'));
    expect(text('subscription-action-error')).toBe('Pick the coupon to apply.');
    expect(backend.argsOf('subscription_action')).toEqual([]);
  });

  it('sends nothing when the confirmation is left with Back', async () => {
    const backend = await open({ get_subscription: () => subscriptionDetail() });
    await fireEvent.click(screen.getByTestId('subscription-action-cancel_now'));
    await fireEvent.click(screen.getByTestId('subscription-confirm-cancel'));
    expect(screen.queryByRole('alertdialog')).toBeNull();
    expect(backend.argsOf('subscription_action')).toEqual([]);
  });

  it('refuses a resume date in the past without asking Rust', async () => {
    const backend = await open({ get_subscription: () => subscriptionDetail() });
    await fireEvent.click(screen.getByTestId('subscription-action-pause_collection'));
    await fireEvent.input(screen.getByTestId('subscription-resume-date'), { target: { value: '2001-01-01' } });
    await fireEvent.click(screen.getByTestId('subscription-confirm-ok'));
    expect(text('subscription-action-error')).toBe('Collection must resume on a day in the future.');
    expect(backend.argsOf('subscription_action')).toEqual([]);
  });

  it('shows Rust’s refusal inside the confirmation', async () => {
    await open({
      get_subscription: () => subscriptionDetail(),
      subscription_action: () => Promise.reject({ code: 'validation', message: 'This subscription is already canceled.' }),
    });
    await fireEvent.click(screen.getByTestId('subscription-action-cancel_now'));
    await fireEvent.click(screen.getByTestId('subscription-confirm-ok'));
    expect((await screen.findByTestId('subscription-action-error')).textContent).toBe('This subscription is already canceled.');
    expect(screen.getByRole('alertdialog')).toBeTruthy();
  });

  it('follows the cache when subscriptions change', async () => {
    let status = 'active';
    const backend = await open({ get_subscription: () => subscriptionDetail({ status }) });
    status = 'past_due';
    await emitFromRust('data-changed', { account_id: 'a1', resources: ['invoices'] });
    await waitFor(() => expect(text('subscription-status')).toBe('past due'));
    expect(backend.argsOf('get_subscription').length).toBeGreaterThanOrEqual(2);
  });
});
