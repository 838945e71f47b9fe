// The Payments & refunds area: the payments list Rust pages out with its filters sent as Rust
// takes them, a payment's detail (fee unknown shown as "—"), the refund form prefilled with
// what is left and checked before anything is sent, capture and cancel confirmed first, the
// refunds tab, and refunds shown under an invoice or a customer.
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { afterEach, describe, expect, it } from 'vitest';
import PaymentsView from './PaymentsView.svelte';
import RefundsTable from './RefundsTable.svelte';
import { COLUMNS, DEFAULT_SORT } from './PaymentsList.svelte';
import { app } from '../lib/app-state.svelte';
import type { ListQuery, PaymentDetail, PaymentFilters, PaymentRow } from '../lib/bindings';
import { DEFAULT_TABLE_WIDTH, minTableWidth } from '../lib/columns';
import { account, fakeBackend, pageOf, resetApp, type Handler } from '../test-support/backend';
import { paymentDetail, paymentRow, refundRow } from '../test-support/payments';
import { customerRow } from '../test-support/subscriptions';

afterEach(() => {
  cleanup();
  resetApp();
});

const PAYMENTS: PaymentRow[] = [
  paymentRow(),
  paymentRow({ id: 'pi_2', status: 'failed', decline_reason: 'Your card was declined.', amount: 2000, customer_name: 'Globex' }),
  paymentRow({ id: 'pi_3', status: 'uncaptured', amount: 9000, currency: 'eur', customer_name: 'Initech' }),
];

function mount(details: Record<string, PaymentDetail> = {}, handlers: Record<string, Handler> = {}) {
  const backend = fakeBackend({
    // Like the core: the status and amount filters applied, newest first.
    list_payments: ({ query, filters }: { query: ListQuery; filters: PaymentFilters }) => {
      const rows = PAYMENTS.filter(
        (row) =>
          (!query.status || row.status === query.status) &&
          (filters.amount_min === null || row.amount >= filters.amount_min) &&
          (filters.amount_max === null || row.amount <= filters.amount_max),
      );
      return pageOf(rows, query, null);
    },
    list_refunds: ({ query }: { query: ListQuery }) => pageOf([refundRow(), refundRow({ id: 're_2', status: 'pending', amount: 700 })], query, null),
    payment_detail: ({ paymentIntentId }: { paymentIntentId: string }) =>
      details[paymentIntentId] ?? paymentDetail({}, PAYMENTS.find((row) => row.id === paymentIntentId)),
    refund_payment: ({ input }: { input: { amount: number } }) =>
      paymentDetail(
        { refunds: [refundRow({ amount: input.amount })], refundable: 5000 - input.amount },
        { status: 'partially_refunded', amount_refunded: input.amount },
      ),
    capture_payment: () => paymentDetail({}, { id: 'pi_3', status: 'succeeded', amount: 9000, currency: 'eur' }),
    cancel_payment: () => paymentDetail({ can_cancel: false, can_capture: false }, { id: 'pi_3', status: 'canceled', amount: 9000 }),
    ...handlers,
  });
  app.accounts = [account()];
  app.activeId = 'a1';
  render(PaymentsView);
  return backend;
}

const rowTexts = () => screen.getAllByTestId('payments-row').map((row) => row.textContent ?? '');
const text = (testid: string) => screen.getByTestId(testid).textContent?.trim();

describe('payments view', () => {
  it('lists payments with status, customer and card, and filters them as Rust takes them', async () => {
    const backend = mount();
    await waitFor(() => expect(rowTexts()).toHaveLength(3));
    expect(rowTexts()[0]).toContain('$50.00');
    expect(rowTexts()[0]).toContain('Visa •••• 4242');
    expect(rowTexts()[1]).toContain('failed');
    expect(backend.argsOf('list_payments')[0]).toEqual({
      accountId: 'a1',
      query: { search: null, status: null, sort: null, descending: false, offset: 0, limit: 200, after: null },
      filters: { created_from: null, created_to: null, amount_min: null, amount_max: null, customer_id: null, currency: null },
    });

    await fireEvent.click(screen.getByTestId('payments-status-failed'));
    await waitFor(() => expect(rowTexts()).toHaveLength(1));
    expect(backend.argsOf('list_payments').at(-1).query.status).toBe('failed');
    await fireEvent.click(screen.getByTestId('payments-status-all'));
    await fireEvent.input(screen.getByTestId('payments-min'), { target: { value: '25.00' } });
    await waitFor(() => expect(rowTexts()).toHaveLength(2));
    expect(backend.argsOf('list_payments').at(-1).filters.amount_min).toBe(2500);
    await fireEvent.change(screen.getByTestId('payments-currency'), { target: { value: 'eur' } });
    await fireEvent.input(screen.getByTestId('payments-from'), { target: { value: '2027-01-01' } });
    await fireEvent.input(screen.getByTestId('payments-to'), { target: { value: '2027-01-31' } });
    await waitFor(() => expect(backend.argsOf('list_payments').at(-1).filters.currency).toBe('eur'));
    const { created_from, created_to } = backend.argsOf('list_payments').at(-1).filters;
    expect(created_from).toBe(new Date(2027, 0, 1).getTime() / 1000);
    expect(created_to).toBe(new Date(2027, 1, 1).getTime() / 1000);
  });

  it('opens a payment, refunds part of it after a confirmation, and refuses more than is left', async () => {
    const backend = mount();
    await waitFor(() => expect(rowTexts()).toHaveLength(3));
    await fireEvent.click(screen.getAllByTestId('payments-row')[0]);
    await waitFor(() => expect(text('payment-status')).toBe('succeeded'));
    expect(text('payment-fee')).toBe('—');
    expect(text('payment-method')).toBe('Visa •••• 4242');
    expect(text('payment-invoice')).toBe('RC-0001');

    await fireEvent.click(screen.getByTestId('payment-refund'));
    expect((screen.getByTestId('refund-amount') as HTMLInputElement).value).toBe('50.00');
    expect(text('refund-left')).toContain('$50.00 left to refund');
    await fireEvent.input(screen.getByTestId('refund-amount'), { target: { value: '60.00' } });
    expect(text('refund-amount-error')).toBe('At most $50.00 is left to refund');
    expect((screen.getByTestId('refund-next') as HTMLButtonElement).disabled).toBe(true);
    await fireEvent.input(screen.getByTestId('refund-amount'), { target: { value: '15.00' } });
    await fireEvent.change(screen.getByTestId('refund-reason'), { target: { value: 'duplicate' } });
    await fireEvent.input(screen.getByTestId('refund-note'), { target: { value: 'Charged twice' } });
    await fireEvent.click(screen.getByTestId('refund-next'));
    expect(text('refund-confirm-text')).toContain('Refund $15.00 to Ferris Foundation');
    expect(backend.argsOf('refund_payment')).toHaveLength(0);
    await fireEvent.click(screen.getByTestId('refund-confirm'));
    await waitFor(() => expect(text('payment-status')).toBe('partially refunded'));
    expect(backend.argsOf('refund_payment')[0]).toEqual({
      accountId: 'a1',
      input: { payment_intent_id: 'pi_1', amount: 1500, reason: 'duplicate', note: 'Charged twice' },
    });
    expect(text('payment-refundable')).toBe('$35.00');
    expect(screen.getAllByTestId('payment-refunds-row')).toHaveLength(1);
  });

  it('captures or cancels an uncaptured payment only once confirmed', async () => {
    const backend = mount();
    await waitFor(() => expect(rowTexts()).toHaveLength(3));
    await fireEvent.click(screen.getAllByTestId('payments-row')[2]);
    await waitFor(() => expect(text('payment-status')).toBe('uncaptured'));
    expect(screen.queryByTestId('payment-refund')).toBeNull();
    await fireEvent.click(screen.getByTestId('payment-capture'));
    expect(text('payment-confirm')).toContain('Capture €90.00');
    await fireEvent.click(screen.getByTestId('payment-confirm-back'));
    expect(backend.argsOf('capture_payment')).toHaveLength(0);
    await fireEvent.click(screen.getByTestId('payment-cancel'));
    await fireEvent.click(screen.getByTestId('payment-confirm-ok'));
    await waitFor(() => expect(text('payment-status')).toBe('canceled'));
    expect(backend.argsOf('cancel_payment')[0]).toEqual({ accountId: 'a1', paymentIntentId: 'pi_3' });
    expect(text('payment-notice')).toBe('Payment canceled.');
  });

  it('lists refunds by status in their own tab and opens the payment refunded', async () => {
    const backend = mount();
    await waitFor(() => expect(rowTexts()).toHaveLength(3));
    await fireEvent.click(screen.getByTestId('payments-tab-refunds'));
    await waitFor(() => expect(screen.getAllByTestId('refunds-row')).toHaveLength(2));
    await fireEvent.click(screen.getByTestId('refunds-status-pending'));
    await waitFor(() => expect(backend.argsOf('list_refunds').at(-1).query.status).toBe('pending'));
    await fireEvent.click(screen.getAllByTestId('refunds-row')[0]);
    await waitFor(() => expect(screen.getByTestId('payment-detail')).toBeTruthy());
    expect(backend.argsOf('payment_detail').at(-1).paymentIntentId).toBe('pi_1');
  });

  it('fits the default window and sorts by the columns Rust indexes', () => {
    expect(minTableWidth(COLUMNS)).toBeLessThanOrEqual(DEFAULT_TABLE_WIDTH);
    expect(COLUMNS.filter((column) => column.sortable).map((column) => column.key)).toEqual(['amount', 'status', 'created']);
    expect(DEFAULT_SORT.key).toBe('created');
  });
});

describe('new payment', () => {
  it('charges a saved card of a customer picked from the cache, after a confirmation', async () => {
    const backend = mount({}, {
      list_customers: () => ({ total: 1, rows: [customerRow({ currency: 'eur' })], next: null, search_hint: null }),
      refresh_customer_payment_methods: () => [
        { id: 'pm_1', method_type: 'card', brand: 'visa', last4: '4242', exp_month: 12, exp_year: 2034, is_default: true, created: 0 },
      ],
      create_payment: () => {
        throw { code: 'stripe_card_error', message: 'The card was declined: Your card was declined.' };
      },
    });
    await fireEvent.click(screen.getByTestId('payment-new'));
    expect((screen.getByTestId('new-payment-next') as HTMLButtonElement).disabled).toBe(true);
    await fireEvent.input(screen.getByTestId('new-payment-customer-search'), { target: { value: 'Ferris' } });
    await waitFor(() => expect(screen.getByTestId('new-payment-customer-option')).toBeTruthy());
    await fireEvent.click(screen.getByTestId('new-payment-customer-option'));
    await waitFor(() => expect((screen.getByTestId('new-payment-method') as HTMLSelectElement).value).toBe('pm_1'));
    await fireEvent.input(screen.getByTestId('new-payment-amount'), { target: { value: '120.00' } });
    await fireEvent.click(screen.getByTestId('new-payment-next'));
    expect(text('new-payment-confirm-text')).toContain('Charge €120.00');
    await fireEvent.click(screen.getByTestId('new-payment-confirm'));
    await waitFor(() => expect(text('new-payment-error')).toContain('declined'));
    expect(backend.argsOf('create_payment')[0].input).toEqual({
      customer_id: 'cus_1',
      payment_method: 'pm_1',
      amount: 12000,
      currency: 'eur',
      description: null,
      capture_later: false,
    });
  });
});

describe('refunds table', () => {
  it('shows each refund with why a failed one failed', () => {
    render(RefundsTable, { refunds: [refundRow(), refundRow({ id: 're_2', status: 'failed', failure_reason: 'declined', note: null })], testid: 'invoice-refunds' });
    const rows = screen.getAllByTestId('invoice-refunds-row').map((row) => row.textContent ?? '');
    expect(rows[0]).toContain('$15.00');
    expect(rows[0]).toContain('Two seats returned');
    expect(rows[1]).toContain('failed (declined)');
  });
});
