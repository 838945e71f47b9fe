// The invoice editor: mistakes named by their field with nothing sent, a new draft sent as the
// core's input (customer from the cache or by email, catalog and typed lines, terms, texts),
// Rust's refusal shown, and a draft's changes sent as a diff.
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { afterEach, describe, expect, it } from 'vitest';
import App from '../App.svelte';
import type { CustomerRow, NewInvoiceInput } from '../lib/bindings';
import { router } from '../lib/router.svelte';
import { fakeBackend, resetApp, type Handler } from '../test-support/backend';
import { catalogPrice, draftInvoice, invoiceLine } from '../test-support/invoices';

afterEach(() => {
  cleanup();
  resetApp();
});

const EURO_CUSTOMER: CustomerRow = {
  id: 'cus_eu', name: 'Ferrous GmbH', email: 'ap@ferrous.example', currency: 'eur', balance: 0, delinquent: false, created: 1_799_000_000,
};

async function openEditor(handlers: Record<string, Handler>, view: Parameters<typeof router.showInvoice>[0] = { kind: 'new' }) {
  const backend = fakeBackend({
    list_catalog_prices: ({ currency }) => [catalogPrice({ currency, id: `price_${currency}` })],
    create_invoice: ({ input }) => draftInvoice({ id: 'in_new', currency: input.currency }),
    get_invoice: () => draftInvoice(),
    ...handlers,
  });
  render(App);
  await screen.findByTestId('nav-invoices');
  router.showInvoice(view);
  await screen.findByTestId('invoice-editor-save');
  return backend;
}

const field = (testid: string, index = 0) => screen.getAllByTestId(testid)[index] as HTMLInputElement;
const type = (testid: string, value: string, index = 0) => fireEvent.input(field(testid, index), { target: { value } });
const problems = () => (screen.queryByTestId('invoice-editor-problems')?.textContent ?? '').replace(/\s+/g, ' ');

async function byEmail(email = 'new@crab.example', name = 'Crab Club') {
  await fireEvent.click(screen.getByTestId('invoice-customer-by-email'));
  await type('invoice-email', email);
  await type('invoice-name', name);
}

describe('invoice editor', () => {
  it('names each mistake and sends nothing: quantity, amount, decimals, email', async () => {
    const backend = await openEditor({});
    await fireEvent.click(screen.getByTestId('invoice-editor-save'));
    expect(problems()).toContain('Pick a customer, or create one by email.');
    expect(problems()).toContain('Line 1: type a description.');
    expect(problems()).toContain('Line 1: Type an amount like 1,250.00.');

    await fireEvent.click(screen.getByTestId('invoice-customer-by-email'));
    await type('invoice-name', 'Crab Club');
    await type('line-description', 'Booth');
    await type('line-quantity', '0');
    await type('line-price', '12.50.1');
    await fireEvent.click(screen.getByTestId('invoice-editor-save'));
    expect(problems()).toContain('Type the new customer’s email.');
    expect(problems()).toContain('Line 1: the quantity must be a whole number of at least 1.');
    expect(problems()).toContain('Line 1: Type an amount like 1,250.00.');
    expect(screen.getByTestId('problem-line-0-quantity').textContent).toContain('at least 1');

    await type('invoice-email', 'not-an-email');
    await type('line-quantity', '2');
    // Yen have no decimals.
    await type('invoice-currency', 'jpy');
    await type('line-price', '1500.5');
    await fireEvent.click(screen.getByTestId('invoice-editor-save'));
    expect(problems()).toContain('“not-an-email” is not an email address.');
    expect(problems()).toContain('Line 1: JPY has no decimals.');
    expect(problems()).not.toContain('quantity');

    await type('invoice-currency', 'usd');
    await type('line-price', '12.505');
    await fireEvent.click(screen.getByTestId('invoice-editor-save'));
    expect(problems()).toContain('Line 1: USD has at most 2 decimals.');

    expect(backend.argsOf('create_invoice')).toHaveLength(0);
    expect(router.invoice).toEqual({ kind: 'new' });
  });

  it('checks the terms, custom fields and metadata too', async () => {
    const backend = await openEditor({});
    await byEmail();
    await type('line-description', 'Booth');
    await type('line-price', '100');
    await type('invoice-days', '3651');
    for (let i = 0; i < 4; i++) await fireEvent.click(screen.getByTestId('invoice-add-custom'));
    expect(screen.queryByTestId('invoice-add-custom')).toBeNull();
    await type('custom-name', 'x'.repeat(41));
    await type('custom-value', 'PO-1');
    await fireEvent.click(screen.getByTestId('invoice-add-meta'));
    await fireEvent.click(screen.getByTestId('invoice-add-meta'));
    await type('meta-key', 'crm', 0);
    await type('meta-key', 'crm', 1);
    await fireEvent.click(screen.getByTestId('invoice-editor-save'));
    expect(problems()).toContain('Days until due must be a whole number from 0 to 3650.');
    expect(problems()).toContain('Custom field 1: the name takes 1 to 40 characters.');
    expect(problems()).toContain('Custom field 2: the name takes 1 to 40 characters.');
    expect(problems()).toContain('Metadata 2: the key “crm” is used twice.');

    await fireEvent.click(screen.getByTestId('invoice-due-mode-date'));
    await type('invoice-due-date', '2001-01-01');
    await fireEvent.click(screen.getByTestId('invoice-editor-save'));
    expect(problems()).toContain('The due date must be in the future.');
    expect(backend.argsOf('create_invoice')).toHaveLength(0);
  });

  it('creates a draft for a cached customer in their currency, with catalog and typed lines', async () => {
    const backend = await openEditor({
      list_customers: ({ query }) => ({
        total: 1,
        rows: query.search === 'ferrous' ? [EURO_CUSTOMER] : [],
        next: null,
        search_hint: null,
      }),
    });
    await type('invoice-customer-search', 'ferrous');
    await fireEvent.click(await screen.findByTestId('invoice-customer-option'));
    expect(screen.getByTestId('invoice-customer-chosen').textContent).toContain('Ferrous GmbH');
    // The customer's currency, not the account's USD; the catalog follows it.
    expect(field('invoice-currency').value).toBe('EUR');
    await waitFor(() => expect(backend.argsOf('list_catalog_prices').at(-1)).toEqual({ accountId: 'a1', currency: 'eur' }));
    // Stripe keeps a customer to one currency.
    await type('invoice-currency', 'usd');
    await fireEvent.click(screen.getByTestId('invoice-editor-save'));
    expect(problems()).toContain('The customer is billed in EUR and Stripe keeps a customer to one currency; this invoice is in USD.');
    await type('invoice-currency', 'eur');

    await type('line-description', 'Booth');
    await type('line-quantity', '2');
    await type('line-price', '1,250.50');
    const catalog = (await screen.findByTestId('invoice-add-price')) as HTMLSelectElement;
    await fireEvent.change(catalog, { target: { value: 'price_eur' } });
    expect(field('line-price', 1).readOnly).toBe(true);
    expect(screen.getAllByTestId('invoice-editor-line')[0].textContent).toContain('€2,501.00');
    await type('invoice-days', '14');
    await type('invoice-memo', 'Thanks for sponsoring');
    await fireEvent.click(screen.getByTestId('invoice-add-custom'));
    await type('custom-name', 'PO number');
    await type('custom-value', 'PO-1009');
    await fireEvent.click(screen.getByTestId('invoice-add-meta'));
    await type('meta-key', 'crm_id');
    await type('meta-value', '42');
    await fireEvent.click(screen.getByTestId('invoice-editor-save'));

    await waitFor(() => expect(router.invoice).toEqual({ kind: 'detail', id: 'in_new' }));
    const expected: NewInvoiceInput = {
      customer: { kind: 'existing', customer_id: 'cus_eu' },
      currency: 'eur',
      collection_method: 'send_invoice',
      days_until_due: 14,
      due_date: null,
      lines: [
        { price_id: null, description: 'Booth', quantity: 2, unit_amount: 125050 },
        { price_id: 'price_eur', description: 'Conference ticket', quantity: 1, unit_amount: null },
      ],
      memo: 'Thanks for sponsoring',
      footer: null,
      custom_fields: [{ name: 'PO number', value: 'PO-1009' }],
      metadata: { crm_id: '42' },
    };
    expect(backend.argsOf('create_invoice')).toEqual([{ accountId: 'a1', input: expected }]);
  });

  it('creates one for a customer by email, charged automatically, in the account’s currency', async () => {
    const backend = await openEditor({});
    await byEmail('  new@crab.example ', 'Crab Club');
    await fireEvent.change(screen.getByTestId('invoice-collection-method'), { target: { value: 'charge_automatically' } });
    expect(screen.queryByTestId('invoice-days')).toBeNull();
    await type('invoice-currency', 'jpy');
    await type('line-description', 'Ticket');
    await type('line-price', '15,000');
    await fireEvent.click(screen.getByTestId('invoice-editor-save'));
    await waitFor(() => expect(backend.argsOf('create_invoice')).toHaveLength(1));
    expect(backend.argsOf('create_invoice')[0].input).toMatchObject({
      customer: { kind: 'by_email', email: 'new@crab.example', name: 'Crab Club' },
      currency: 'jpy',
      collection_method: 'charge_automatically',
      days_until_due: null,
      due_date: null,
      lines: [{ price_id: null, description: 'Ticket', quantity: 1, unit_amount: 15000 }],
    });
  });

  it('shows Rust’s refusal and keeps what was typed', async () => {
    await openEditor({
      create_invoice: () => {
        throw { code: 'validation', message: 'Customer cus_gone is not in the cache.' };
      },
    });
    await byEmail();
    await type('line-description', 'Booth');
    await type('line-price', '10');
    await fireEvent.click(screen.getByTestId('invoice-editor-save'));
    expect((await screen.findByTestId('invoice-editor-error')).textContent).toBe('Customer cus_gone is not in the cache.');
    expect(field('line-description').value).toBe('Booth');
    expect(router.invoice).toEqual({ kind: 'new' });
  });

  it('starts from the customer it was opened for', async () => {
    await openEditor(
      {
        list_customers: ({ query }) => ({ total: 1, rows: query.search === 'cus_eu' ? [EURO_CUSTOMER] : [], next: null, search_hint: null }),
      },
      { kind: 'new', customerId: 'cus_eu' },
    );
    await waitFor(() => expect(screen.getByTestId('invoice-customer-chosen').textContent).toContain('Ferrous GmbH'));
    expect(field('invoice-currency').value).toBe('EUR');
  });

  it('sends a draft’s changes: updated, removed and added lines, terms and memo', async () => {
    const draft = draftInvoice({
      lines: [
        invoiceLine({ id: 'il_1', description: 'Booth', quantity: 3, unit_amount: 50000 }),
        invoiceLine({ id: 'il_2', description: 'Badges', quantity: 5, unit_amount: 5000 }),
      ],
      memo: 'Old memo',
    });
    const backend = await openEditor(
      { get_invoice: () => draft, update_draft_invoice: () => draft },
      { kind: 'edit', id: 'in_draft' },
    );
    await waitFor(() => expect(field('line-description').value).toBe('Booth'));
    expect(field('line-price').value).toBe('500.00');
    // A draft keeps its customer, currency, custom fields and metadata.
    expect(field('invoice-currency').disabled).toBe(true);
    expect(screen.queryByTestId('invoice-add-custom')).toBeNull();

    await type('line-quantity', '4', 0);
    await fireEvent.click(screen.getAllByTestId('line-remove')[1]);
    await fireEvent.click(screen.getByTestId('invoice-add-line'));
    await type('line-description', 'Lunch', 1);
    await type('line-price', '20', 1);
    await type('invoice-memo', '');
    await fireEvent.click(screen.getByTestId('invoice-editor-save'));

    await waitFor(() => expect(backend.argsOf('update_draft_invoice')).toHaveLength(1));
    expect(backend.argsOf('update_draft_invoice')[0]).toEqual({
      accountId: 'a1',
      invoiceId: 'in_draft',
      changes: {
        add_lines: [{ price_id: null, description: 'Lunch', quantity: 1, unit_amount: 2000 }],
        update_lines: [{ line_id: 'il_1', description: null, quantity: 4, unit_amount: null }],
        remove_line_ids: ['il_2'],
        // The method and the due date shown were the draft's own: unchanged.
        collection_method: null,
        days_until_due: null,
        due_date: null,
        memo: '',
        footer: null,
        coupon_id: null,
      },
    });
    expect(router.invoice).toEqual({ kind: 'detail', id: 'in_draft' });
  });

  it('says when a draft has nothing to change, and keeps a due date that has passed', async () => {
    const draft = draftInvoice({ due_date: 1_000_000_000 });
    const backend = await openEditor({ get_invoice: () => draft, update_draft_invoice: () => draft }, { kind: 'edit', id: 'in_draft' });
    await waitFor(() => expect(field('line-description').value).toBe('Booth'));
    await fireEvent.click(screen.getByTestId('invoice-editor-save'));
    expect(problems()).toContain('There is nothing to change.');
    expect(backend.argsOf('update_draft_invoice')).toHaveLength(0);

    await type('invoice-footer', 'Wire details on request');
    await fireEvent.click(screen.getByTestId('invoice-editor-save'));
    await waitFor(() => expect(backend.argsOf('update_draft_invoice')).toHaveLength(1));
    expect(backend.argsOf('update_draft_invoice')[0].changes).toMatchObject({
      collection_method: null, days_until_due: null, due_date: null, footer: 'Wire details on request', memo: null,
    });
  });

  it('refuses to edit an invoice that is no longer a draft', async () => {
    const backend = fakeBackend({ get_invoice: () => draftInvoice({ status: 'open', can_edit: false }) });
    render(App);
    await screen.findByTestId('nav-invoices');
    router.showInvoice({ kind: 'edit', id: 'in_draft' });
    expect((await screen.findByTestId('invoice-not-editable')).textContent).toContain('This invoice is open');
    expect(screen.queryByTestId('invoice-editor-save')).toBeNull();
    expect(backend.argsOf('update_draft_invoice')).toHaveLength(0);
  });
});
