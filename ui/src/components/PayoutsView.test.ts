// Balance & payouts: the balance cards (fresh, or kept "as of" when Stripe cannot be reached),
// the payouts list with its status filter and sorts, and a payout's detail with its
// transactions, their sums, the warning when they do not add up, and the CSV export.
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { afterEach, describe, expect, it, vi } from 'vitest';
import PayoutsView from './PayoutsView.svelte';
import { COLUMNS, DEFAULT_SORT } from './PayoutsList.svelte';
import { app } from '../lib/app-state.svelte';
import type { AccountBalance, ListQuery, PayoutDetail, PayoutRow, PayoutTransactionRow } from '../lib/bindings';
import { DEFAULT_TABLE_WIDTH, minTableWidth } from '../lib/columns';
import { router } from '../lib/router.svelte';
import { account, fakeBackend, pageOf, resetApp } from '../test-support/backend';

afterEach(() => {
  cleanup();
  resetApp();
  vi.restoreAllMocks();
});

function payout(overrides: Partial<PayoutRow> = {}): PayoutRow {
  return {
    id: 'po_1',
    status: 'in_transit',
    amount: 11_126,
    currency: 'usd',
    arrival_date: 1_800_172_800,
    created: 1_800_000_000,
    automatic: true,
    description: 'STRIPE PAYOUT',
    failure_message: null,
    ...overrides,
  };
}

function transaction(overrides: Partial<PayoutTransactionRow> = {}): PayoutTransactionRow {
  return {
    id: 'txn_1',
    type: 'charge',
    reporting_category: 'charge',
    source_id: 'ch_1',
    charge_id: 'ch_1',
    customer_id: 'cus_1',
    customer_name: 'Ferris Foundation',
    amount: 10_000,
    fee: 320,
    net: 9_680,
    currency: 'usd',
    created: 1_799_900_000,
    description: null,
    ...overrides,
  };
}

const PAYOUTS = [payout(), payout({ id: 'po_2', status: 'paid', amount: 650, arrival_date: 1_799_000_000 })];

function detailOf(transactions: PayoutTransactionRow[], amount = 11_126): PayoutDetail {
  const sum = (pick: (t: PayoutTransactionRow) => number) => transactions.reduce((total, t) => total + pick(t), 0);
  const net = sum((t) => t.net);
  return {
    payout: payout({ amount }),
    transactions,
    sums: { amount: sum((t) => t.amount), fee: sum((t) => t.fee), net, matches_payout: net === amount },
    fetched_at: 1_800_000_100,
  };
}

const TRANSACTIONS = [
  transaction(),
  transaction({ id: 'txn_2', source_id: 'ch_2', charge_id: 'ch_2', customer_id: 'cus_2', customer_name: 'Acme', amount: 2_550, fee: 104, net: 2_446 }),
  transaction({ id: 'txn_3', type: 'refund', reporting_category: 'refund', source_id: 're_1', amount: -1_000, fee: 0, net: -1_000 }),
];

function mount(balance: AccountBalance, detail: PayoutDetail = detailOf(TRANSACTIONS)) {
  const backend = fakeBackend({
    account_balance: () => balance,
    list_payouts: ({ query }: { query: ListQuery }) => {
      const rows = PAYOUTS.filter((row) => !query.status || row.status === query.status);
      if (query.sort === 'amount') rows.sort((a, b) => (query.descending ? -1 : 1) * (a.amount - b.amount));
      return pageOf(rows, query);
    },
    payout_detail: () => detail,
    export_payout_csv: () => 'payout_id,transaction_id\npo_1,txn_1\n',
  });
  app.accounts = [account()];
  app.activeId = 'a1';
  render(PayoutsView);
  return backend;
}

const FRESH: AccountBalance = {
  amounts: [
    { currency: 'eur', available: -300, pending: 2_883 },
    { currency: 'usd', available: 125_000, pending: 9_680 },
  ],
  as_of: 1_800_000_000,
  stale: false,
};

const rowTexts = () => screen.getAllByTestId('payouts-row').map((row) => row.textContent ?? '');

describe('balance & payouts', () => {
  it('shows the balance per currency and lists the payouts', async () => {
    const backend = mount(FRESH);
    await waitFor(() => expect(screen.getByTestId('balance-usd').textContent).toContain('$1,250.00'));
    expect(screen.getByTestId('balance-usd').textContent).toContain('$96.80');
    expect(screen.getByTestId('balance-eur').textContent).toContain('-€3.00');
    expect(screen.getByTestId('balance-as-of').textContent).toMatch(/^As of /);
    await waitFor(() => expect(rowTexts()).toHaveLength(2));
    expect(rowTexts()[0]).toContain('po_1');
    expect(rowTexts()[0]).toContain('$111.26');
    expect(rowTexts()[0]).toContain('in transit');
    expect(backend.argsOf('list_payouts')[0].query).toMatchObject({ status: null, sort: null, offset: 0 });
  });

  it('says when the balance is an older one kept while Stripe cannot be reached', async () => {
    mount({ ...FRESH, stale: true });
    await waitFor(() => expect(screen.getByTestId('balance-as-of').textContent).toContain('Stripe could not be reached: balance as of'));
  });

  it('filters by status and sorts by amount', async () => {
    const backend = mount(FRESH);
    await waitFor(() => expect(rowTexts()).toHaveLength(2));
    await fireEvent.click(screen.getByTestId('payouts-status-paid'));
    await waitFor(() => expect(rowTexts()).toHaveLength(1));
    expect(rowTexts()[0]).toContain('po_2');
    expect(backend.argsOf('list_payouts').at(-1).query.status).toBe('paid');
    await fireEvent.click(screen.getByTestId('payouts-status-all'));
    await waitFor(() => expect(rowTexts()).toHaveLength(2));
    await fireEvent.click(screen.getByTestId('sort-amount'));
    await waitFor(() => expect(rowTexts()[0]).toContain('po_2'));
    expect(backend.argsOf('list_payouts').at(-1).query).toMatchObject({ sort: 'amount', descending: false });
  });

  it('opens a payout with its transactions, their sums and the customer link, and exports them', async () => {
    const backend = mount(FRESH);
    await waitFor(() => expect(rowTexts()).toHaveLength(2));
    await fireEvent.click(screen.getAllByTestId('payouts-row')[0]);
    await waitFor(() => expect(screen.getAllByTestId('payout-transaction')).toHaveLength(3));
    expect(backend.argsOf('payout_detail')).toEqual([{ accountId: 'a1', payoutId: 'po_1' }]);
    const sums = screen.getByTestId('payout-sums').textContent ?? '';
    expect(sums).toContain('$115.50');
    expect(sums).toContain('$4.24');
    expect(sums).toContain('$111.26');
    expect(screen.queryByTestId('payout-sum-warning')).toBeNull();
    const refund = screen.getAllByTestId('payout-transaction')[2].textContent ?? '';
    expect(refund).toContain('re_1');
    expect(refund).toContain('-$10.00');

    // jsdom has no Blob URLs and cannot follow a download link: both are stood in for.
    const { createObjectURL, revokeObjectURL } = URL;
    URL.createObjectURL = vi.fn(() => 'blob:payout');
    URL.revokeObjectURL = vi.fn();
    const names: string[] = [];
    vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
      names.push(this.download);
    });
    try {
      await fireEvent.click(screen.getByTestId('payout-export'));
      await waitFor(() => expect(names).toEqual(['po_1.csv']));
      expect(backend.argsOf('export_payout_csv')).toEqual([{ accountId: 'a1', payoutId: 'po_1' }]);
      await waitFor(() => expect(URL.revokeObjectURL).toHaveBeenCalledWith('blob:payout'));
    } finally {
      URL.createObjectURL = createObjectURL;
      URL.revokeObjectURL = revokeObjectURL;
    }

    await fireEvent.click(screen.getByText('Acme'));
    expect(router.customer).toEqual({ kind: 'detail', id: 'cus_2' });
  });

  it('warns when the transactions do not add up to the payout', async () => {
    mount(FRESH, detailOf(TRANSACTIONS, 12_000));
    await waitFor(() => expect(rowTexts()).toHaveLength(2));
    await fireEvent.click(screen.getAllByTestId('payouts-row')[0]);
    await waitFor(() => expect(screen.getByTestId('payout-sum-warning').textContent).toContain('$111.26'));
    expect(screen.getByTestId('payout-sum-warning').textContent).toContain('$120.00');
    await fireEvent.click(screen.getByTestId('payout-back'));
    await waitFor(() => expect(rowTexts()).toHaveLength(2));
  });

  it('fits every column in the default window, latest arrival first by default', () => {
    expect(minTableWidth(COLUMNS)).toBeLessThanOrEqual(DEFAULT_TABLE_WIDTH);
    expect(COLUMNS.find((column) => column.key === DEFAULT_SORT.key)?.sortable).toBe(true);
  });
});
