// The price form: amounts read per currency, refusals with nothing sent, intervals of at most a
// year, and changing a price (a new price, the old one archived) only after a confirmation.
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { afterEach, describe, expect, it, vi } from 'vitest';
import PriceForm from './PriceForm.svelte';
import { app } from '../lib/app-state.svelte';
import type { PriceRow } from '../lib/bindings';
import { REPLACE_EXPLANATION } from '../lib/price-form';
import { account, fakeBackend, resetApp, type Handler } from '../test-support/backend';
import { productRow, recurringPrice } from '../test-support/catalog';

afterEach(() => {
  cleanup();
  resetApp();
});

function mount(currency: string, replacing?: PriceRow, handlers: Record<string, Handler> = {}) {
  const backend = fakeBackend({ add_price: () => productRow(), replace_price: () => productRow(), ...handlers });
  app.accounts = [account()];
  app.activeId = 'a1';
  const onsaved = vi.fn();
  render(PriceForm, { accountId: 'a1', productId: 'prod_1', currency, replacing, onsaved, oncancel: vi.fn() });
  return { backend, onsaved };
}

const type = (testId: string, value: string) => fireEvent.input(screen.getByTestId(testId), { target: { value } });
const save = () => fireEvent.click(screen.getByTestId('price-save'));

describe('price form', () => {
  it.each([
    ['eur', '1,250.5', 125050],
    ['jpy', '1500', 1500],
    ['bhd', '1.25', 1250],
    ['eur', '999,999.99', 99_999_999],
  ])('reads %s %s as %i minor units', async (currency, typed, minor) => {
    const { backend, onsaved } = mount(currency);
    await type('price-amount', typed);
    await save();
    await waitFor(() => expect(onsaved).toHaveBeenCalledOnce());
    expect(backend.argsOf('add_price')).toEqual([
      {
        accountId: 'a1',
        productId: 'prod_1',
        input: { currency, unit_amount: minor, recurring: null, tax_behavior: 'unspecified', nickname: null },
      },
    ]);
  });

  it.each([
    ['jpy', '1.5', 'JPY has no decimals'],
    ['eur', '1.234', 'EUR has at most 2 decimals'],
    ['eur', '-10', 'A price cannot be negative'],
    ['eur', '1,000,000', 'More than Stripe’s 8-digit limit'],
    ['eur', '', 'Type an amount like 1,250.00'],
  ])('refuses %s "%s" with nothing sent', async (currency, typed, problem) => {
    const { backend } = mount(currency);
    await type('price-amount', typed);
    await save();
    expect(screen.getByTestId('price-amount-error').textContent).toBe(problem);
    expect(backend.calls.filter((call) => call.cmd === 'add_price')).toHaveLength(0);
  });

  it('sends a recurring price and refuses more than a year', async () => {
    const { backend } = mount('eur');
    await type('price-amount', '50');
    await fireEvent.change(screen.getByTestId('price-interval'), { target: { value: 'week' } });
    await type('price-count', '53');
    await type('price-nickname', ' Weekly ');
    await save();
    expect(screen.getByTestId('price-count-error').textContent).toBe('Between 1 and 52 weeks (at most a year)');
    expect(backend.argsOf('add_price')).toHaveLength(0);
    await type('price-count', '2');
    await save();
    await waitFor(() => expect(backend.argsOf('add_price')).toHaveLength(1));
    expect(backend.argsOf('add_price')[0].input).toEqual({
      currency: 'eur',
      unit_amount: 5000,
      recurring: { interval: 'week', interval_count: 2 },
      tax_behavior: 'unspecified',
      nickname: 'Weekly',
    });
  });

  it('changes a price only after confirming what Stripe does', async () => {
    const { backend, onsaved } = mount('eur', recurringPrice({ id: 'price_old', recurring_interval_count: 3 }));
    expect(screen.getByTestId('price-replace-explanation').textContent).toBe(REPLACE_EXPLANATION);
    expect(REPLACE_EXPLANATION).toBe(
      'Stripe prices cannot be changed: Billfold creates a new price and archives this one; existing subscriptions keep the old price.',
    );
    // The old price's terms are the starting point.
    expect((screen.getByTestId('price-amount') as HTMLInputElement).value).toBe('50.00');
    expect((screen.getByTestId('price-count') as HTMLInputElement).value).toBe('3');
    await type('price-amount', '60');
    await save();
    expect(screen.getByTestId('price-confirm').textContent).toContain('Replace €50.00 every 3 months with €60.00 every 3 months?');
    expect(backend.argsOf('replace_price')).toHaveLength(0);
    await fireEvent.click(screen.getByTestId('price-confirm-ok'));
    await waitFor(() => expect(onsaved).toHaveBeenCalledOnce());
    expect(backend.argsOf('replace_price')).toEqual([
      {
        accountId: 'a1',
        priceId: 'price_old',
        input: {
          currency: 'eur',
          unit_amount: 6000,
          recurring: { interval: 'month', interval_count: 3 },
          tax_behavior: 'inclusive',
          nickname: null,
        },
      },
    ]);
  });

  it('goes back from the confirmation without sending', async () => {
    const { backend } = mount('eur', recurringPrice());
    await save();
    await fireEvent.click(screen.getByTestId('price-confirm-cancel'));
    expect(screen.queryByTestId('price-confirm')).toBeNull();
    expect(backend.argsOf('replace_price')).toHaveLength(0);
  });

  it('shows the error Rust answers', async () => {
    const { onsaved } = mount('eur', undefined, {
      add_price: () => {
        throw { code: 'stripe', message: 'No such product: prod_1' };
      },
    });
    await type('price-amount', '10');
    await save();
    await waitFor(() => expect(screen.getByTestId('price-save-error').textContent).toBe('No such product: prod_1'));
    expect(onsaved).not.toHaveBeenCalled();
  });
});
