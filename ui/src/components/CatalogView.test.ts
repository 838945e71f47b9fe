// The catalog list: products with their prices as people read them, the Active / Archived / All
// filter, the name search, keys, following the cache, and one product's archive actions.
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { afterEach, describe, expect, it } from 'vitest';
import CatalogView from './CatalogView.svelte';
import { app } from '../lib/app-state.svelte';
import type { CatalogQuery, ProductRow } from '../lib/bindings';
import { router } from '../lib/router.svelte';
import { account, emitFromRust, fakeBackend, resetApp, type Handler } from '../test-support/backend';
import { priceRow, productRow, recurringPrice } from '../test-support/catalog';

afterEach(() => {
  cleanup();
  resetApp();
});

const WORKSHOP = productRow();
const MEMBERSHIP = productRow({
  id: 'prod_2',
  name: 'Membership',
  description: null,
  prices: [
    recurringPrice({ id: 'price_q', product_id: 'prod_2', unit_amount: 15000, recurring_interval_count: 3, tax_behavior: null }),
    recurringPrice({ product_id: 'prod_2' }),
  ],
});
const CREDITS = productRow({
  id: 'prod_3',
  name: 'Credit pack 100',
  credits: 10000,
  metadata: { credits: '10000' },
  prices: [priceRow({ id: 'price_c', product_id: 'prod_3', unit_amount: 9000 })],
});
const OLD = productRow({ id: 'prod_4', name: 'Old swag', active: false, prices: [priceRow({ id: 'price_o', active: false })] });

/** Answers like the core: the active filter and name search, sorted by name. */
function catalogOf(rows: ProductRow[]): Handler {
  return ({ query }: { query: CatalogQuery }) =>
    rows
      .filter((row) => query.active === null || row.active === query.active)
      .filter((row) => !query.search || row.name.toLowerCase().includes(query.search.toLowerCase()))
      .sort((a, b) => a.name.localeCompare(b.name));
}

function mount(handlers: Record<string, Handler> = {}) {
  const backend = fakeBackend({ list_catalog: catalogOf([WORKSHOP, MEMBERSHIP, CREDITS, OLD]), ...handlers });
  app.accounts = [account({ default_currency: 'eur' })];
  app.activeId = 'a1';
  router.go('catalog');
  render(CatalogView);
  return backend;
}

const names = () => screen.getAllByTestId('catalog-product-name').map((button) => button.textContent?.trim());
const productText = (name: string) =>
  screen.getAllByTestId('catalog-product').find((item) => item.textContent?.includes(name))?.textContent ?? '';

describe('catalog list', () => {
  it('shows active products with one-off, recurring and credit pack prices', async () => {
    const backend = mount();
    await waitFor(() => expect(names()).toEqual(['Credit pack 100', 'Membership', 'Workshop seat']));
    expect(backend.argsOf('list_catalog')[0]).toEqual({ accountId: 'a1', query: { active: true, search: null } });
    expect(productText('Workshop seat')).toContain('€450.00');
    expect(productText('Workshop seat')).toContain('one-off');
    expect(productText('Workshop seat')).toContain('tax exclusive');
    expect(productText('Membership')).toContain('€50.00 / month');
    expect(productText('Membership')).toContain('€150.00 every 3 months');
    expect(productText('Membership')).toContain('tax inclusive');
    expect(productText('Credit pack 100')).toContain('Credit pack: €100.00 of credit');
    expect(screen.getAllByTestId('catalog-credit')).toHaveLength(1);
  });

  it('filters archived and all products through Rust', async () => {
    const backend = mount();
    await waitFor(() => expect(names()).toHaveLength(3));
    await fireEvent.click(screen.getByTestId('catalog-filter-archived'));
    await waitFor(() => expect(names()).toEqual(['Old swag']));
    expect(backend.argsOf('list_catalog').at(-1).query).toEqual({ active: false, search: null });
    expect(screen.getAllByTestId('catalog-product-archived')).toHaveLength(1);
    await fireEvent.click(screen.getByTestId('catalog-filter-all'));
    await waitFor(() => expect(names()).toHaveLength(4));
    expect(backend.argsOf('list_catalog').at(-1).query).toEqual({ active: null, search: null });
  });

  it('searches by name as the user types', async () => {
    mount();
    await waitFor(() => expect(names()).toHaveLength(3));
    await fireEvent.input(screen.getByTestId('catalog-search'), { target: { value: 'MEMB' } });
    expect(names()).toEqual(['Membership']);
    await fireEvent.input(screen.getByTestId('catalog-search'), { target: { value: 'nothing like it' } });
    expect(screen.getByTestId('catalog-empty').textContent).toContain('No product matches');
  });

  it('focuses the search on / and opens a new product on n', async () => {
    mount();
    await waitFor(() => expect(names()).toHaveLength(3));
    await fireEvent.keyDown(window, { key: '/' });
    expect(document.activeElement).toBe(screen.getByTestId('catalog-search'));
    // Typed into the search box, n is a letter, not a shortcut.
    await fireEvent.keyDown(screen.getByTestId('catalog-search'), { key: 'n' });
    expect(router.catalog).toEqual({ kind: 'list' });
    (document.activeElement as HTMLElement).blur();
    await fireEvent.keyDown(window, { key: 'n' });
    expect(router.catalog).toEqual({ kind: 'new' });
    await waitFor(() => expect(screen.getByTestId('product-editor')).toBeTruthy());
  });

  it('reloads when Rust says products or prices changed', async () => {
    let rows = [WORKSHOP];
    const backend = mount({ list_catalog: () => rows });
    await waitFor(() => expect(names()).toEqual(['Workshop seat']));
    rows = [WORKSHOP, MEMBERSHIP];
    await emitFromRust('data-changed', { account_id: 'a1', resources: ['customers'] });
    expect(names()).toHaveLength(1);
    await emitFromRust('data-changed', { account_id: 'a1', resources: ['prices'] });
    await waitFor(() => expect(names()).toHaveLength(2));
    expect(backend.argsOf('list_catalog')).toHaveLength(2);
  });

  it('shows a load error', async () => {
    mount({
      list_catalog: () => {
        throw { code: 'cache', message: 'The cache could not be read' };
      },
    });
    await waitFor(() => expect(screen.getByTestId('catalog-load-error').textContent).toBe('The cache could not be read'));
  });
});

describe('one product', () => {
  async function open(handlers: Record<string, Handler> = {}) {
    const backend = mount(handlers);
    await waitFor(() => expect(names()).toHaveLength(3));
    await fireEvent.click(screen.getAllByTestId('catalog-product-name')[2]);
    expect(router.catalog).toEqual({ kind: 'detail', id: 'prod_1' });
    await waitFor(() => expect(screen.getByTestId('product-name').textContent).toBe('Workshop seat'));
    return backend;
  }

  it('archives the product after a confirmation saying what happens', async () => {
    const backend = await open({ set_product_active: () => ({ ...WORKSHOP, active: false }) });
    await fireEvent.click(screen.getByTestId('product-toggle-active'));
    expect(screen.getByTestId('catalog-confirm-warning').textContent).toContain(
      'Archived products cannot be used for new invoices or subscriptions; existing ones keep it.',
    );
    expect(backend.argsOf('set_product_active')).toHaveLength(0);
    await fireEvent.click(screen.getByTestId('catalog-confirm-ok'));
    await waitFor(() => expect(screen.getByTestId('product-archived')).toBeTruthy());
    expect(backend.argsOf('set_product_active')).toEqual([{ accountId: 'a1', productId: 'prod_1', active: false }]);
    expect(screen.queryByTestId('catalog-confirm')).toBeNull();
    expect(screen.getByTestId('product-toggle-active').textContent?.trim()).toBe('Unarchive');
  });

  it('archives a price after its confirmation, and shows a refusal in the dialog', async () => {
    const backend = await open({
      set_price_active: () => {
        throw { code: 'stripe', message: 'This price is the default price of its product' };
      },
    });
    await fireEvent.click(screen.getByTestId('price-toggle-active'));
    expect(screen.getByTestId('catalog-confirm-warning').textContent).toContain(
      'Archived prices cannot be used for new invoices or subscriptions; existing ones keep it.',
    );
    await fireEvent.click(screen.getByTestId('catalog-confirm-ok'));
    await waitFor(() =>
      expect(screen.getByTestId('catalog-action-error').textContent).toBe('This price is the default price of its product'),
    );
    expect(backend.argsOf('set_price_active')).toEqual([{ accountId: 'a1', priceId: 'price_1', active: false }]);
    expect(screen.getByTestId('catalog-confirm')).toBeTruthy();
  });

  it('changes a price through a confirmed replacement and shows the new one', async () => {
    const replaced = productRow({
      prices: [priceRow({ id: 'price_new', unit_amount: 50000 }), priceRow({ active: false })],
    });
    const backend = await open({ replace_price: () => replaced });
    await fireEvent.click(screen.getByTestId('price-change'));
    expect(screen.getByTestId('price-replace-explanation').textContent).toContain('Stripe prices cannot be changed');
    await fireEvent.input(screen.getByTestId('price-amount'), { target: { value: '500' } });
    await fireEvent.click(screen.getByTestId('price-save'));
    await fireEvent.click(screen.getByTestId('price-confirm-ok'));
    await waitFor(() => expect(screen.getAllByTestId('product-price')).toHaveLength(2));
    expect(backend.argsOf('replace_price')[0]).toMatchObject({ accountId: 'a1', priceId: 'price_1', input: { unit_amount: 50000 } });
    const rows = screen.getAllByTestId('product-price').map((row) => row.textContent ?? '');
    expect(rows[0]).toContain('€500.00');
    expect(rows[1]).toContain('Archived');
    expect(screen.queryByTestId('price-form')).toBeNull();
  });

  it('unarchives an archived product after saying what happens', async () => {
    const backend = mount({ set_product_active: () => ({ ...OLD, active: true }) });
    router.showCatalog({ kind: 'detail', id: 'prod_4' });
    await waitFor(() => expect(screen.getByTestId('product-name').textContent).toBe('Old swag'));
    await fireEvent.click(screen.getByTestId('product-toggle-active'));
    expect(screen.getByTestId('catalog-confirm-warning').textContent).toContain('can be used again for new invoices and subscriptions');
    await fireEvent.click(screen.getByTestId('catalog-confirm-ok'));
    await waitFor(() => expect(screen.queryByTestId('product-archived')).toBeNull());
    expect(backend.argsOf('set_product_active')).toEqual([{ accountId: 'a1', productId: 'prod_4', active: true }]);
  });
});
