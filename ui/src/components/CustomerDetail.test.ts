// The customer detail: profile and lists from the cache, the ledger and payment methods asked
// of Stripe on open, links to invoices and POs, and adding a credit or debit to the balance only
// after the user confirms what Stripe will do.
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import { afterEach, describe, expect, it } from 'vitest';
import App from '../App.svelte';
import type { BalanceAdjustmentInput } from '../lib/bindings';
import { router } from '../lib/router.svelte';
import { fakeBackend, resetApp, type Handler } from '../test-support/backend';
import { balanceTransaction, creditNoteRow, customerDetail, paymentMethod } from '../test-support/customers';

afterEach(() => {
  cleanup();
  resetApp();
});

const text = (testid: string) => (screen.getByTestId(testid).textContent ?? '').replace(/\s+/g, ' ').trim();
const type = (testid: string, value: string) => fireEvent.input(screen.getByTestId(testid), { target: { value } });

function backendWith(handlers: Record<string, Handler> = {}) {
  return fakeBackend({
    get_customer: () => customerDetail(),
    refresh_customer_payment_methods: () => [paymentMethod(), paymentMethod({ id: 'pm_2', last4: '0005', is_default: false })],
    refresh_customer_balance_transactions: () => [balanceTransaction()],
    add_customer_balance_transaction: ({ input }: { input: BalanceAdjustmentInput }) =>
      balanceTransaction({ id: 'cbtxn_2', amount: input.amount, ending_balance: input.amount, description: input.description }),
    ...handlers,
  });
}

async function openDetail(id = 'cus_1') {
  render(App);
  await screen.findByTestId('nav-customers');
  router.showCustomer({ kind: 'detail', id });
  return screen.findByTestId('customer-name');
}

describe('customer detail', () => {
  it('shows the profile, ledger, payment methods and lists, asking Stripe for the ledger and methods', async () => {
    const backend = backendWith({
      get_customer: () =>
        customerDetail({
          balance: -2500,
          credit_notes: [creditNoteRow()],
          subscriptions: [{ id: 'sub_1', status: 'active', current_period_end: 1_800_000_000, description: 'Membership' }],
        }),
    });
    expect((await openDetail()).textContent).toBe('Ferris Foundation');
    expect(text('customer-email')).toBe('ap@ferris.example');
    expect(text('customer-address')).toBe('1 Crab Way 97201 Portland OR US');
    expect(text('customer-metadata')).toContain('crm_id');
    expect(text('customer-balance')).toBe('-$25.00');
    expect(text('customer-balance-words')).toBe('$25.00 credit');
    await waitFor(() => expect(screen.getAllByTestId('ledger-row')).toHaveLength(1));
    expect(text('customer-ledger')).toContain('Goodwill');
    await waitFor(() => expect(screen.getAllByTestId('payment-method')).toHaveLength(2));
    const [first, second] = screen.getAllByTestId('payment-method');
    expect(first.textContent).toContain('VISA ···· 4242');
    expect(within(first).getByTestId('payment-method-default')).toBeTruthy();
    expect(within(second).queryByTestId('payment-method-default')).toBeNull();
    expect(text('customer-credit-notes')).toContain('RC-0001-CN-01');
    expect(text('customer-subscriptions')).toContain('Membership');
    expect(text('customer-timeline')).toContain('customer.created');
    expect(backend.argsOf('refresh_customer_balance_transactions')).toEqual([{ accountId: 'a1', customerId: 'cus_1' }]);
    expect(backend.argsOf('refresh_customer_payment_methods')).toEqual([{ accountId: 'a1', customerId: 'cus_1' }]);
  });

  it('opens an invoice, a PO, a new invoice for the customer and the editor', async () => {
    backendWith();
    await openDetail();
    await fireEvent.click(screen.getByTestId('customer-invoice'));
    expect(router.invoice).toEqual({ kind: 'detail', id: 'in_1' });
    expect(router.area).toBe('invoices');

    router.showCustomer({ kind: 'detail', id: 'cus_1' });
    await fireEvent.click(await screen.findByTestId('customer-po'));
    expect(router.po).toEqual({ kind: 'detail', id: 'po_1' });

    router.showCustomer({ kind: 'detail', id: 'cus_1' });
    await fireEvent.click(await screen.findByTestId('customer-new-invoice'));
    expect(router.invoice).toEqual({ kind: 'new', customerId: 'cus_1' });

    router.showCustomer({ kind: 'detail', id: 'cus_1' });
    await fireEvent.click(await screen.findByTestId('customer-edit'));
    expect(router.customer).toEqual({ kind: 'edit', id: 'cus_1' });
  });

  it('adds a credit as a negative amount in cents, only after the confirmation', async () => {
    const backend = backendWith();
    await openDetail();
    await fireEvent.click(screen.getByTestId('balance-add'));
    await type('balance-amount', '1,250.50');
    await type('balance-description', 'Speaker refund');
    await fireEvent.click(screen.getByTestId('balance-review'));
    expect(text('balance-confirm')).toContain(
      'Stripe will lower the balance by $1,250.50, to -$1,250.50. A credit applies to the next finalized invoice',
    );
    expect(backend.argsOf('add_customer_balance_transaction')).toHaveLength(0);

    await fireEvent.click(screen.getByTestId('balance-confirm-yes'));
    await waitFor(() => expect(text('balance-notice')).toBe('Credit of $1,250.50 added.'));
    expect(backend.argsOf('add_customer_balance_transaction')).toEqual([
      { accountId: 'a1', customerId: 'cus_1', input: { amount: -125050, currency: 'usd', description: 'Speaker refund' } },
    ]);
    expect(text('customer-balance')).toBe('-$1,250.50');
    expect(screen.getAllByTestId('ledger-row')).toHaveLength(2);
  });

  it('adds a debit as a positive amount in the customer’s currency decimals', async () => {
    const backend = backendWith({ get_customer: () => customerDetail({ currency: 'bhd', balance: 1000 }) });
    await openDetail();
    await fireEvent.click(screen.getByTestId('balance-add'));
    await fireEvent.click(screen.getByTestId('balance-kind-debit'));
    await type('balance-amount', '2.125');
    await fireEvent.click(screen.getByTestId('balance-review'));
    expect(text('balance-confirm')).toContain('Stripe will raise the balance by BHD');
    await fireEvent.click(screen.getByTestId('balance-confirm-yes'));
    await waitFor(() => expect(backend.argsOf('add_customer_balance_transaction')).toHaveLength(1));
    expect(backend.argsOf('add_customer_balance_transaction')[0].input).toEqual({
      amount: 2125,
      currency: 'bhd',
      description: null,
    });
  });

  it('refuses zero and too many decimals, sending nothing', async () => {
    const backend = backendWith();
    await openDetail();
    await fireEvent.click(screen.getByTestId('balance-add'));
    await fireEvent.click(screen.getByTestId('balance-review'));
    expect(text('balance-error')).toBe('Type an amount');
    await type('balance-amount', '0.00');
    await fireEvent.click(screen.getByTestId('balance-review'));
    expect(text('balance-amount-error')).toBe('Type an amount more than zero');
    expect(screen.queryByTestId('balance-confirm')).toBeNull();

    await type('balance-amount', '12.345');
    await fireEvent.click(screen.getByTestId('balance-review'));
    expect(text('balance-amount-error')).toBe('USD has at most 2 decimals');
    expect(screen.queryByTestId('balance-confirm')).toBeNull();
    expect(backend.argsOf('add_customer_balance_transaction')).toHaveLength(0);
  });

  it('takes back the confirmation when the amount changes after it', async () => {
    const backend = backendWith();
    await openDetail();
    await fireEvent.click(screen.getByTestId('balance-add'));
    await type('balance-amount', '10');
    await fireEvent.click(screen.getByTestId('balance-review'));
    expect(screen.getByTestId('balance-confirm')).toBeTruthy();
    await type('balance-amount', '20');
    await waitFor(() => expect(screen.queryByTestId('balance-confirm')).toBeNull());
    await fireEvent.click(screen.getByTestId('balance-review'));
    expect(text('balance-confirm')).toContain('by $20.00');
    await fireEvent.click(screen.getByTestId('balance-confirm-yes'));
    await waitFor(() => expect(backend.argsOf('add_customer_balance_transaction')).toHaveLength(1));
    expect(backend.argsOf('add_customer_balance_transaction')[0].input.amount).toBe(-2000);
  });

  it('says why when the ledger cannot be asked of Stripe', async () => {
    backendWith({
      refresh_customer_balance_transactions: () => {
        throw { code: 'network', message: 'Stripe could not be reached.' };
      },
    });
    await openDetail();
    await waitFor(() => expect(text('ledger-error')).toBe('Stripe could not be reached.'));
  });

  it('voids an issued credit note only after the confirmation, then reads the customer again', async () => {
    let voided = false;
    const backend = backendWith({
      get_customer: () => customerDetail({ credit_notes: [creditNoteRow({ status: voided ? 'void' : 'issued' })] }),
      void_credit_note: () => {
        voided = true;
        return creditNoteRow({ status: 'void' });
      },
    });
    await openDetail();
    await fireEvent.click(screen.getByTestId('credit-note-void'));
    expect(text('credit-note-void-dialog')).toContain('Void credit note RC-0001-CN-01 for $100.00?');
    expect(backend.argsOf('void_credit_note')).toHaveLength(0);
    await fireEvent.click(screen.getByTestId('credit-note-void-confirm'));
    await waitFor(() => expect(screen.queryByTestId('credit-note-void')).toBeNull());
    expect(backend.argsOf('void_credit_note')).toEqual([{ accountId: 'a1', creditNoteId: 'cn_1' }]);
    expect(text('customer-credit-notes')).toContain('void');
    expect(backend.argsOf('get_customer')).toHaveLength(2);
  });
});
