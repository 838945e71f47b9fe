// Granting a credit pack: only active products holding credits are offered, a pack in another
// currency than the customer's balance cannot be picked, and the credit is sent (negative, in
// the pack's currency, named after it) only after the confirmation.
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { afterEach, describe, expect, it } from 'vitest';
import CreditPackGrant from './CreditPackGrant.svelte';
import { app } from '../lib/app-state.svelte';
import type { BalanceTransactionRow } from '../lib/bindings';
import { account, fakeBackend, resetApp, type Handler } from '../test-support/backend';
import { priceRow, productRow } from '../test-support/catalog';
import { balanceTransaction } from '../test-support/customers';

afterEach(() => {
  cleanup();
  resetApp();
});

const CATALOG = [
  productRow({ id: 'prod_pack', name: '100 € credit pack', credits: 10000, prices: [priceRow({ unit_amount: 9000 })] }),
  productRow({ id: 'prod_usd', name: 'US pack', credits: 5000, prices: [priceRow({ currency: 'usd' })] }),
  productRow({ id: 'prod_seat', name: 'Workshop seat' }),
  productRow({ id: 'prod_old', name: 'Old pack', credits: 2000, active: false }),
];

function mount(handlers: Record<string, Handler> = {}) {
  const backend = fakeBackend({ list_catalog: () => CATALOG, ...handlers });
  app.accounts = [account()];
  app.activeId = 'a1';
  const granted: BalanceTransactionRow[] = [];
  render(CreditPackGrant, { customerId: 'cus_1', currency: 'eur', ongranted: (row: BalanceTransactionRow) => granted.push(row) });
  return { backend, granted };
}

describe('credit pack grant', () => {
  it('offers active packs, the other currency one disabled, and grants the chosen one once confirmed', async () => {
    const sent: unknown[] = [];
    const { granted } = mount({
      add_customer_balance_transaction: (args) => {
        sent.push(args);
        return balanceTransaction({ amount: -10000, ending_balance: -10000, description: 'Credit pack: 100 € credit pack' });
      },
    });
    await fireEvent.click(screen.getByTestId('pack-grant'));
    const options = (await screen.findAllByTestId('pack-option')) as HTMLInputElement[];
    expect(options).toHaveLength(2);
    expect(screen.getByTestId('pack-list').textContent).not.toContain('Workshop seat');
    expect(screen.getByTestId('pack-list').textContent).not.toContain('Old pack');
    expect(options[1].disabled).toBe(true);
    expect((screen.getByTestId('pack-confirm-yes') as HTMLButtonElement).disabled).toBe(true);

    await fireEvent.click(options[0]);
    expect(screen.getByTestId('pack-confirm').textContent).toContain('€100.00');
    await fireEvent.click(screen.getByTestId('pack-confirm-yes'));
    await waitFor(() => expect(granted).toHaveLength(1));
    expect(sent).toEqual([
      { accountId: 'a1', customerId: 'cus_1', input: { amount: -10000, currency: 'eur', description: 'Credit pack: 100 € credit pack' } },
    ]);
    expect(screen.queryByTestId('pack-list')).toBeNull();
  });

  it('says when the catalog holds no pack, and shows a refusal', async () => {
    mount({ list_catalog: () => [productRow()] });
    await fireEvent.click(screen.getByTestId('pack-grant'));
    expect((await screen.findByTestId('pack-none')).textContent).toContain('credits');
    cleanup();

    mount({ add_customer_balance_transaction: () => Promise.reject({ code: 'stripe', message: 'Stripe refused it.' }) });
    await fireEvent.click(screen.getByTestId('pack-grant'));
    await fireEvent.click((await screen.findAllByTestId('pack-option'))[0]);
    await fireEvent.click(screen.getByTestId('pack-confirm-yes'));
    expect((await screen.findByTestId('pack-error')).textContent).toBe('Stripe refused it.');
  });
});
