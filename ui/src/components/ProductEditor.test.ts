// The product editor: a new product with or without its first price, editing an existing one,
// problems caught before anything is sent, and Rust's refusals shown.
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { afterEach, describe, expect, it, vi } from 'vitest';
import ProductEditor from './ProductEditor.svelte';
import { app } from '../lib/app-state.svelte';
import type { ProductRow } from '../lib/bindings';
import { account, fakeBackend, resetApp, type Handler } from '../test-support/backend';
import { productRow } from '../test-support/catalog';

afterEach(() => {
  cleanup();
  resetApp();
});

function mount(product: ProductRow | undefined, handlers: Record<string, Handler> = {}) {
  const backend = fakeBackend({
    create_product: () => productRow({ id: 'prod_new' }),
    update_product: () => productRow(),
    ...handlers,
  });
  app.accounts = [account({ default_currency: 'eur' })];
  app.activeId = 'a1';
  const onsaved = vi.fn();
  const oncancel = vi.fn();
  render(ProductEditor, { product, onsaved, oncancel });
  return { backend, onsaved, oncancel };
}

const type = (testId: string, value: string) => fireEvent.input(screen.getByTestId(testId), { target: { value } });

describe('product editor', () => {
  it('creates a product with a trimmed name, description and metadata, no price', async () => {
    const { backend, onsaved } = mount(undefined);
    await type('product-field-name', '  Workshop seat ');
    await type('product-field-description', '   ');
    await fireEvent.click(screen.getByTestId('product-metadata-add'));
    await type('product-metadata-key', ' credits ');
    await type('product-metadata-value', '10000');
    await fireEvent.click(screen.getByTestId('product-save'));
    await waitFor(() => expect(onsaved).toHaveBeenCalledOnce());
    expect(backend.argsOf('create_product')).toEqual([
      { accountId: 'a1', input: { name: 'Workshop seat', description: null, metadata: { credits: '10000' } }, price: null },
    ]);
    expect(onsaved.mock.calls[0][0].id).toBe('prod_new');
  });

  it('creates a product with a recurring first price in the account currency', async () => {
    const { backend } = mount(undefined);
    await type('product-field-name', 'Membership');
    await fireEvent.click(screen.getByTestId('product-with-price'));
    expect((screen.getByTestId('price-currency') as HTMLInputElement).value).toBe('eur');
    await type('price-amount', '1,250.50');
    await fireEvent.change(screen.getByTestId('price-interval'), { target: { value: 'month' } });
    await type('price-count', '3');
    await fireEvent.change(screen.getByTestId('price-tax'), { target: { value: 'inclusive' } });
    await fireEvent.click(screen.getByTestId('product-save'));
    await waitFor(() => expect(backend.argsOf('create_product')).toHaveLength(1));
    expect(backend.argsOf('create_product')[0].price).toEqual({
      currency: 'eur',
      unit_amount: 125050,
      recurring: { interval: 'month', interval_count: 3 },
      tax_behavior: 'inclusive',
      nickname: null,
    });
  });

  it('refuses a missing name, duplicate metadata keys and a bad first price, sending nothing', async () => {
    const { backend } = mount(undefined);
    await fireEvent.click(screen.getByTestId('product-metadata-add'));
    await fireEvent.click(screen.getByTestId('product-metadata-add'));
    for (const key of screen.getAllByTestId('product-metadata-key')) await fireEvent.input(key, { target: { value: 'k' } });
    await fireEvent.click(screen.getByTestId('product-with-price'));
    await type('price-amount', '-5');
    await fireEvent.click(screen.getByTestId('product-save'));
    expect(screen.getByTestId('product-name-error').textContent).toBe('A product needs a name');
    expect(screen.getByTestId('product-metadata-error').textContent).toBe('Metadata keys must differ');
    expect(screen.getByTestId('price-amount-error').textContent).toBe('A price cannot be negative');
    expect(backend.argsOf('create_product')).toHaveLength(0);
  });

  it('refuses credits that are not a whole number of minor units', async () => {
    const { backend } = mount(undefined);
    await type('product-field-name', 'Credit pack');
    await fireEvent.click(screen.getByTestId('product-metadata-add'));
    await type('product-metadata-key', 'credits');
    await type('product-metadata-value', '100.00');
    await fireEvent.click(screen.getByTestId('product-save'));
    expect(screen.getByTestId('product-metadata-error').textContent).toContain('a whole number above 0');
    expect(backend.argsOf('create_product')).toHaveLength(0);
    await type('product-metadata-value', ' 10000 ');
    await fireEvent.click(screen.getByTestId('product-save'));
    await waitFor(() => expect(backend.argsOf('create_product')).toHaveLength(1));
    expect(backend.argsOf('create_product')[0].input.metadata).toEqual({ credits: '10000' });
  });

  it('edits an existing product with its fields filled in', async () => {
    const product = productRow({ metadata: { sku: 'WS-1' } });
    const { backend, onsaved } = mount(product);
    expect((screen.getByTestId('product-field-name') as HTMLInputElement).value).toBe('Workshop seat');
    expect(screen.queryByTestId('product-with-price')).toBeNull();
    await type('product-field-name', 'Workshop seat (full day)');
    await fireEvent.click(screen.getByTestId('product-save'));
    await waitFor(() => expect(onsaved).toHaveBeenCalledOnce());
    expect(backend.argsOf('update_product')).toEqual([
      {
        accountId: 'a1',
        productId: 'prod_1',
        input: { name: 'Workshop seat (full day)', description: 'One seat at the pre-conference workshop', metadata: { sku: 'WS-1' } },
      },
    ]);
  });

  it('shows the error Rust answers and stays open', async () => {
    const { onsaved } = mount(undefined, {
      create_product: () => {
        throw { code: 'validation', message: 'metadata.credits must be a whole number of minor units' };
      },
    });
    await type('product-field-name', 'Credit pack');
    await fireEvent.click(screen.getByTestId('product-save'));
    await waitFor(() =>
      expect(screen.getByTestId('product-save-error').textContent).toBe('metadata.credits must be a whole number of minor units'),
    );
    expect(onsaved).not.toHaveBeenCalled();
  });
});
