// Copying a catalog: opened from the catalog list, a dry run from another account or from a
// file grouped by what happens, Apply only after a confirmation naming the account and the
// counts, a stale dry run replaced by the new one, and exports handed over as downloads.
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { afterEach, describe, expect, it, vi } from 'vitest';
import CatalogView from './CatalogView.svelte';
import { app } from '../lib/app-state.svelte';
import type { CopyPlan } from '../lib/bindings';
import { router } from '../lib/router.svelte';
import { account, fakeBackend, resetApp, type Handler } from '../test-support/backend';
import { copyPlan } from '../test-support/catalog';

afterEach(() => {
  cleanup();
  resetApp();
});

const PLAN: CopyPlan = copyPlan({
  products: [
    { key: 'prod_m', name: 'Membership', change: 'create', lines: ["Create product 'Membership'", 'Add price EUR 10.00 per month'] },
    { key: 'prod_p', name: 'Pass', change: 'update', lines: ['Add price EUR 12.00 one-off to replace EUR 10.00 one-off'] },
    { key: 'prod_o', name: 'Old swag', change: 'archive', lines: ["Archive product 'Old swag' (not in the source)"] },
    { key: 'prod_c', name: 'Credit pack', change: 'unchanged', lines: [] },
  ],
  actions: [
    { text: "Create product 'Membership'", step: { kind: 'create_product', form: [['name', 'Membership']] } },
    { text: 'Add price EUR 10.00 per month', step: { kind: 'create_price', product: { created: 0 }, form: [] } },
    { text: 'Add price EUR 12.00 one-off', step: { kind: 'create_price', product: { existing: 'prod_x' }, form: [] } },
    { text: "Archive product 'Old swag'", step: { kind: 'update_product', product: { existing: 'prod_y' }, form: [] } },
  ],
  counts: {
    products_created: 1,
    products_updated: 1,
    products_archived: 1,
    products_unchanged: 1,
    prices_created: 2,
    prices_archived: 0,
    prices_updated: 0,
    requests: 4,
  },
  notes: ["'Workshop' is archived in the source and not copied."],
  digest: 'abc123',
});

function mount(handlers: Record<string, Handler> = {}) {
  const backend = fakeBackend({ plan_catalog_copy: () => PLAN, ...handlers });
  app.accounts = [
    account({ name: 'RustConf 2027', slug: 'rustconf-2027' }),
    account({ id: 'a2', name: 'RustConf 2026', is_active: false }),
  ];
  app.activeId = 'a1';
  router.go('catalog');
  render(CatalogView);
  return backend;
}

async function open() {
  await fireEvent.click(screen.getByTestId('catalog-copy-open'));
  return screen.getByTestId('catalog-copy');
}

/** An element's text with runs of white space as one space, as people read it. */
const textOf = (testId: string) => (screen.getByTestId(testId).textContent ?? '').replace(/\s+/g, ' ');
const groupText = (change: string) => textOf(`catalog-copy-group-${change}`);

describe('catalog copy', () => {
  it('dry-runs another account and shows what happens to each product', async () => {
    const backend = mount();
    await open();
    expect((screen.getByTestId('catalog-copy-account') as HTMLSelectElement).value).toBe('a2');
    await fireEvent.click(screen.getByTestId('catalog-copy-plan'));
    await waitFor(() => expect(screen.getByTestId('catalog-copy-counts').textContent).toContain('1 to create'));
    expect(backend.argsOf('plan_catalog_copy')).toEqual([{ targetAccountId: 'a1', source: { account: 'a2' } }]);
    const counts = textOf('catalog-copy-counts');
    expect(counts).toContain('From RustConf 2026');
    expect(counts).toContain('1 to update, 1 to archive, 1 unchanged (4 requests to Stripe)');
    expect(groupText('create')).toContain('Add price EUR 10.00 per month');
    expect(groupText('update')).toContain('to replace EUR 10.00 one-off');
    expect(groupText('archive')).toContain('Old swag');
    expect(groupText('unchanged')).toContain('Credit pack');
    expect(screen.getByTestId('catalog-copy-notes').textContent).toContain("'Workshop' is archived");
    expect(backend.argsOf('apply_catalog_copy')).toEqual([]);
  });

  it('applies only after a confirmation naming the account and the counts', async () => {
    const backend = mount({
      apply_catalog_copy: () => ({ operation_id: 'op_1', counts: PLAN.counts }),
    });
    await open();
    await fireEvent.click(screen.getByTestId('catalog-copy-plan'));
    await fireEvent.click(await screen.findByTestId('catalog-copy-apply'));
    const text = textOf('catalog-copy-confirm-text');
    expect(screen.getByTestId('catalog-copy-confirm').textContent).toContain('Apply this copy to RustConf 2027?');
    expect(text).toContain('1 product created, 1 product updated, 1 product archived, 2 prices created');
    expect(text).toContain('4 requests');
    expect(backend.argsOf('apply_catalog_copy')).toEqual([]);
    await fireEvent.click(screen.getByTestId('catalog-copy-cancel'));
    expect(screen.queryByTestId('catalog-copy-confirm')).toBeNull();
    await fireEvent.click(screen.getByTestId('catalog-copy-apply'));
    await fireEvent.click(screen.getByTestId('catalog-copy-confirm-apply'));
    await waitFor(() => expect(screen.getByTestId('catalog-copy-result').textContent).toContain('Done in RustConf 2027'));
    expect(backend.argsOf('apply_catalog_copy')).toEqual([
      { targetAccountId: 'a1', source: { account: 'a2' }, expectedDigest: 'abc123' },
    ]);
  });

  it('shows the new dry run when the catalogs moved since the one confirmed', async () => {
    let plans = 0;
    const fresh = copyPlan({ ...PLAN, digest: 'fresh', products: [PLAN.products[0]] });
    const backend = mount({
      plan_catalog_copy: () => (plans++ === 0 ? PLAN : fresh),
      apply_catalog_copy: () => {
        throw { code: 'plan_changed', message: 'The catalogs changed since this dry run.' };
      },
    });
    await open();
    await fireEvent.click(screen.getByTestId('catalog-copy-plan'));
    await fireEvent.click(await screen.findByTestId('catalog-copy-apply'));
    await fireEvent.click(screen.getByTestId('catalog-copy-confirm-apply'));
    await waitFor(() => expect(screen.getByTestId('catalog-copy-notice').textContent).toContain('The catalogs changed'));
    await waitFor(() => expect(backend.argsOf('plan_catalog_copy')).toHaveLength(2));
    await waitFor(() => expect(screen.queryByTestId('catalog-copy-group-archive')).toBeNull());
    expect(screen.queryByTestId('catalog-copy-result')).toBeNull();
    expect(screen.queryByTestId('catalog-copy-confirm')).toBeNull();
  });

  it('dry-runs a picked file and shows its row errors', async () => {
    const backend = mount({
      plan_catalog_copy: () => {
        throw { code: 'validation', message: 'The catalog has 1 problem; nothing was sent:\nRow 3: The product name is missing.' };
      },
    });
    await open();
    await fireEvent.click(screen.getByTestId('catalog-copy-from-file'));
    const csv = 'product_key,product_name,currency,unit_amount,type\na,Pass,EUR,1.00,one_time\n';
    const input = screen.getByTestId('catalog-copy-file') as HTMLInputElement;
    await fireEvent.change(input, { target: { files: [new File([csv], 'catalog.csv', { type: 'text/csv' })] } });
    await waitFor(() => expect(screen.getByTestId('catalog-copy-file-name').textContent).toContain('catalog.csv (CSV)'));
    await fireEvent.click(screen.getByTestId('catalog-copy-plan'));
    await waitFor(() => expect(screen.getByTestId('catalog-copy-error').textContent).toContain('Row 3: The product name is missing.'));
    expect(backend.argsOf('plan_catalog_copy')).toEqual([
      { targetAccountId: 'a1', source: { file: { format: 'csv', contents: csv } } },
    ]);
    expect(screen.queryByTestId('catalog-copy-apply')).toBeNull();
  });

  it('exports the catalog as a JSON download', async () => {
    const json = '{"format":"billfold-catalog","version":1,"products":[]}';
    const backend = mount({ export_catalog: () => json });
    const blobs: Blob[] = [];
    const clicked: string[] = [];
    URL.createObjectURL = (blob: Blob) => (blobs.push(blob), 'blob:json');
    const revoked: string[] = [];
    URL.revokeObjectURL = (url: string) => void revoked.push(url);
    const click = vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
      clicked.push(this.download);
    });
    try {
      await open();
      await fireEvent.click(screen.getByTestId('catalog-export-json'));
      await waitFor(() => expect(screen.getByTestId('catalog-export-done').textContent).toContain('Downloads'));
      expect(backend.argsOf('export_catalog')).toEqual([{ accountId: 'a1', format: 'json' }]);
      expect(clicked).toEqual([expect.stringMatching(/^catalog-rustconf-2027-\d{4}-\d{2}-\d{2}\.json$/)]);
      expect(blobs[0].type).toBe('application/json;charset=utf-8');
      await waitFor(() => expect(revoked).toEqual(['blob:json']));
    } finally {
      click.mockRestore();
      Reflect.deleteProperty(URL, 'createObjectURL');
      Reflect.deleteProperty(URL, 'revokeObjectURL');
    }
  });

  it('goes back to the list', async () => {
    mount();
    await open();
    await fireEvent.click(screen.getByTestId('catalog-copy-close'));
    expect(screen.queryByTestId('catalog-copy')).toBeNull();
    expect(screen.getByTestId('catalog-view')).toBeTruthy();
  });
});
