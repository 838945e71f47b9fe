// The subscriptions list: status chips, MRR in each currency's exponent, the "cancels at period
// end" marker, search by customer, the sorts Rust knows, the area's keys, and the tab to the
// dunning queue.
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { afterEach, describe, expect, it } from 'vitest';
import SubscriptionsView, { COLUMNS, DEFAULT_SORT } from './SubscriptionsView.svelte';
import { app } from '../lib/app-state.svelte';
import type { ListQuery, SubscriptionRow } from '../lib/bindings';
import { DEFAULT_TABLE_WIDTH, fitColumns, minTableWidth } from '../lib/columns';
import { router } from '../lib/router.svelte';
import { account, emitFromRust, fakeBackend, pageOf, resetApp, searchOf } from '../test-support/backend';
import { recurringPrice, subscriptionDetail, subscriptionRow, upcomingInvoice } from '../test-support/subscriptions';

afterEach(() => {
  cleanup();
  resetApp();
});

const SUBSCRIPTIONS = [
  subscriptionRow(),
  subscriptionRow({ id: 'sub_2', customer_id: 'cus_2', customer_name: 'Kanji Kai', customer_email: 'kai@jp.example', currency: 'jpy', mrr: 150000, status: 'past_due' }),
  subscriptionRow({ id: 'sub_3', customer_name: null, customer_email: 'ops@crab.example', status: 'trialing', mrr: 0, cancel_at_period_end: true, next_renewal: null }),
];

/** Like the core: status filter, search by customer name, email or id, the sort asked for. */
function answer({ query }: { query: ListQuery }) {
  const { needle, hint } = searchOf(query);
  const rows = SUBSCRIPTIONS.filter(
    (row) =>
      (!query.status || row.status === query.status) &&
      (!needle || [row.customer_name, row.customer_email, row.id].some((text) => (text ?? '').toLowerCase().includes(needle))),
  );
  const sort = query.sort as keyof SubscriptionRow | null;
  if (sort) {
    const key = (row: SubscriptionRow) => (sort === ('customer' as string) ? (row.customer_name ?? row.customer_email ?? '') : (row[sort] ?? 0));
    rows.sort((a, b) => (query.descending ? -1 : 1) * (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
  }
  return pageOf(rows, query, hint);
}

function mount(handlers = {}) {
  const backend = fakeBackend({
    list_subscriptions: answer,
    get_subscription: ({ subscriptionId }: { subscriptionId: string }) => subscriptionDetail({ id: subscriptionId }),
    upcoming_invoice: () => upcomingInvoice(),
    list_recurring_prices: () => [recurringPrice()],
    ...handlers,
  });
  app.accounts = [account()];
  app.activeId = 'a1';
  router.showSubscription({ kind: 'list' });
  render(SubscriptionsView);
  return backend;
}

const rowTexts = () => screen.getAllByTestId('subscriptions-row').map((row) => (row.textContent ?? '').replace(/\s+/g, ' '));
const key = (key: string, target: Element = document.body) => fireEvent.keyDown(target, { key });

describe('subscriptions list', () => {
  it('shows status, MRR in each currency and the cancelling marker', async () => {
    const backend = mount();
    await waitFor(() => expect(rowTexts()).toHaveLength(3));
    const [usd, jpy, trial] = rowTexts();
    expect(usd).toContain('Ferris Foundation');
    expect(usd).toContain('$99.00');
    expect(jpy).toContain('¥150,000');
    expect(jpy).not.toContain('¥150,000.');
    expect(jpy).toContain('past due');
    expect(trial).toContain('ops@crab.example');
    expect(trial).toContain('$0.00');
    expect(screen.getAllByTestId('subscription-row-cancelling')).toHaveLength(1);
    expect(trial).toContain('Cancels at period end');
    expect(screen.getByTestId('subscriptions-count').textContent).toBe('3 subscriptions');
    expect(backend.argsOf('list_subscriptions')[0]).toEqual({
      accountId: 'a1',
      query: { search: null, status: null, sort: null, descending: false, offset: 0, limit: 200, after: null },
    });
  });

  it('filters by every status Stripe has, with a chip each', async () => {
    const backend = mount();
    await waitFor(() => expect(rowTexts()).toHaveLength(3));
    for (const status of ['trialing', 'active', 'past_due', 'unpaid', 'paused', 'canceled', 'incomplete', 'incomplete_expired']) {
      expect(screen.getByTestId(`subscription-status-${status}`)).toBeTruthy();
    }
    await fireEvent.click(screen.getByTestId('subscription-status-past_due'));
    await waitFor(() => expect(rowTexts()).toHaveLength(1));
    expect(rowTexts()[0]).toContain('Kanji Kai');
    expect(backend.argsOf('list_subscriptions').at(-1).query).toMatchObject({ status: 'past_due', offset: 0 });
    await fireEvent.click(screen.getByTestId('subscription-status-all'));
    await waitFor(() => expect(rowTexts()).toHaveLength(3));
  });

  it('searches by customer and sorts only by what Rust sorts', async () => {
    const backend = mount();
    await waitFor(() => expect(rowTexts()).toHaveLength(3));
    await fireEvent.input(screen.getByTestId('subscriptions-search'), { target: { value: 'kanji' } });
    await waitFor(() => expect(rowTexts()).toHaveLength(1));
    expect(backend.argsOf('list_subscriptions').at(-1).query.search).toBe('kanji');
    await fireEvent.input(screen.getByTestId('subscriptions-search'), { target: { value: '' } });
    await waitFor(() => expect(rowTexts()).toHaveLength(3));

    expect(COLUMNS.filter((column) => column.sortable).map((column) => column.key)).toEqual(['customer', 'mrr', 'next_renewal', 'created']);
    expect(screen.queryByTestId('sort-status')).toBeNull();
    await fireEvent.click(screen.getByTestId('sort-mrr'));
    await waitFor(() => expect(rowTexts()[0]).toContain('ops@crab.example'));
    expect(backend.argsOf('list_subscriptions').at(-1).query).toMatchObject({ sort: 'mrr', descending: false });
    await fireEvent.click(screen.getByTestId('sort-mrr'));
    await waitFor(() => expect(rowTexts()[0]).toContain('Kanji Kai'));
    expect(backend.argsOf('list_subscriptions').at(-1).query).toMatchObject({ sort: 'mrr', descending: true });
  });

  it('re-queries when subscriptions change', async () => {
    const backend = mount();
    await waitFor(() => expect(rowTexts()).toHaveLength(3));
    const before = backend.argsOf('list_subscriptions').length;
    await emitFromRust('data-changed', { account_id: 'a1', resources: ['subscriptions'] });
    await waitFor(() => expect(backend.argsOf('list_subscriptions').length).toBe(before + 1));
  });

  it('switches to the dunning queue and back with the tabs', async () => {
    const backend = mount({ dunning_queue: () => [] });
    await waitFor(() => expect(rowTexts()).toHaveLength(3));
    expect(screen.getByTestId('tab-subscriptions').getAttribute('aria-selected')).toBe('true');
    await fireEvent.click(screen.getByTestId('tab-dunning'));
    expect(router.subscription).toEqual({ kind: 'dunning' });
    await waitFor(() => expect(screen.getByTestId('dunning-empty')).toBeTruthy());
    expect(backend.argsOf('dunning_queue')).toEqual([{ accountId: 'a1' }]);
    expect(screen.getByTestId('tab-dunning').getAttribute('aria-selected')).toBe('true');
    expect(screen.queryByTestId('subscription-new')).toBeNull();
    await fireEvent.click(screen.getByTestId('tab-subscriptions'));
    expect(router.subscription).toEqual({ kind: 'list' });
    await waitFor(() => expect(rowTexts()).toHaveLength(3));
  });

  it('fits every column in the default window, newest first by default', () => {
    expect(minTableWidth(COLUMNS)).toBeLessThanOrEqual(DEFAULT_TABLE_WIDTH);
    expect(fitColumns(COLUMNS, DEFAULT_TABLE_WIDTH)).toEqual(COLUMNS);
    expect(COLUMNS.find((column) => column.key === DEFAULT_SORT.key)?.sortable).toBe(true);
  });
});

describe('subscriptions area', () => {
  it('opens a subscription on a click or Enter, and Esc comes back to the list', async () => {
    mount();
    await waitFor(() => expect(rowTexts()).toHaveLength(3));
    await fireEvent.click(screen.getAllByTestId('subscriptions-row')[1]);
    expect(router.subscription).toEqual({ kind: 'detail', id: 'sub_2' });
    await screen.findByTestId('subscription-status');

    await key('Escape');
    expect(router.subscription).toEqual({ kind: 'list' });
    await waitFor(() => expect(rowTexts()).toHaveLength(3));

    // Keyboard only: the arrows go into the table from anywhere, Enter opens the selected row.
    await key('ArrowDown');
    expect(document.activeElement).toBe(screen.getByTestId('subscriptions'));
    await key('ArrowDown', document.activeElement!);
    await key('ArrowDown', document.activeElement!);
    await key('Enter', document.activeElement!);
    expect(router.subscription).toEqual({ kind: 'detail', id: 'sub_3' });
  });

  it('focuses the search with "/" and starts a new subscription with "n", but not while typing', async () => {
    mount();
    await waitFor(() => expect(rowTexts()).toHaveLength(3));
    const search = screen.getByTestId('subscriptions-search');
    await key('/');
    expect(document.activeElement).toBe(search);
    await key('n', search);
    expect(router.subscription).toEqual({ kind: 'list' });
    await key('n');
    expect(router.subscription).toEqual({ kind: 'new' });
    await screen.findByTestId('subscription-editor');
    await key('Escape');
    expect(router.subscription).toEqual({ kind: 'list' });
  });

  it('leaves Esc to an open confirmation', async () => {
    mount();
    router.showSubscription({ kind: 'detail', id: 'sub_1' });
    await fireEvent.click(await screen.findByTestId('subscription-action-cancel_now'));
    expect(screen.getByRole('alertdialog')).toBeTruthy();
    await key('Escape');
    expect(screen.queryByRole('alertdialog')).toBeNull();
    expect(router.subscription).toEqual({ kind: 'detail', id: 'sub_1' });
    await key('Escape');
    expect(router.subscription).toEqual({ kind: 'list' });
  });
});
