// The PO editor: live totals in each currency's exponent, Rust's refusals shown with nothing
// lost, Enter adding lines, and the input sent to Rust.
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { afterEach, describe, expect, it } from 'vitest';
import App from '../App.svelte';
import type { PoInput } from '../lib/bindings';
import { account, fakeBackend, overview, purchaseOrder, resetApp } from '../test-support/backend';

afterEach(() => {
  cleanup();
  resetApp();
});

async function openEditor() {
  render(App);
  await fireEvent.click(await screen.findByTestId('nav-purchase-orders'));
  await fireEvent.click(await screen.findByTestId('po-new'));
  return screen.findByTestId('po-editor');
}

const field = (testid: string) => screen.getByTestId(testid) as HTMLInputElement;
const type = (testid: string, value: string) => fireEvent.input(field(testid), { target: { value } });
// Intl puts no-break spaces between a currency code and the amount.
const text = (testid: string) => (screen.getByTestId(testid).textContent ?? '').replace(/\s/g, ' ').trim();

async function fillLine(index: number, description: string, quantity: string, price: string) {
  await type(`po-line-description-${index}`, description);
  await type(`po-line-quantity-${index}`, quantity);
  await type(`po-line-price-${index}`, price);
}

describe('PO editor', () => {
  it('starts from the account currency and 30-day terms', async () => {
    fakeBackend({ app_overview: () => overview([account({ default_currency: 'eur' })], 'a1') });
    await openEditor();
    expect(field('po-currency').value).toBe('EUR');
    expect(field('po-terms').value).toBe('30');
    expect(text('po-total')).toBe('€0.00');
  });

  it('totals EUR lines as they are typed', async () => {
    fakeBackend({ app_overview: () => overview([account({ default_currency: 'eur' })], 'a1') });
    await openEditor();
    await fillLine(0, 'Gold sponsorship', '2', '1,250.50');
    expect(text('po-line-amount-0')).toBe('€2,501.00');
    await fireEvent.click(screen.getByTestId('po-add-line'));
    await fillLine(1, 'Badges', '3', '0.25');
    expect(text('po-line-amount-1')).toBe('€0.75');
    expect(text('po-total')).toBe('€2,501.75');

    // More decimals than the euro has: the line says so and leaves the total.
    await type('po-line-price-1', '0.255');
    expect(text('po-line-price-hint-1')).toBe('EUR has at most 2 decimals');
    expect(text('po-line-amount-1')).toBe('—');
    expect(text('po-total')).toContain('€2,501.00');
    expect(text('po-total')).not.toContain('€2,501.75');
  });

  it('totals JPY without decimals and KWD with three', async () => {
    fakeBackend();
    await openEditor();
    await type('po-currency', 'jpy');
    await fillLine(0, 'Hall rental', '3', '1,250');
    expect(text('po-line-amount-0')).toBe('¥3,750');
    expect(text('po-total')).toBe('¥3,750');
    await type('po-line-price-0', '1,250.5');
    expect(text('po-line-price-hint-0')).toBe('JPY has no decimals');

    // The same typed text, read with KWD's three decimals.
    await type('po-currency', 'KWD');
    expect(text('po-line-amount-0')).toBe('KWD 3,751.500');
    await type('po-line-price-0', '0.005');
    expect(text('po-total')).toBe('KWD 0.015');
  });

  it('shows Rust’s refusal next to the form and keeps every field', async () => {
    const backend = fakeBackend({
      create_purchase_order: () => {
        throw { code: 'validation', message: 'PO number PO-77 is already used by another PO of this account.' };
      },
    });
    await openEditor();
    await type('po-number', 'PO-77');
    await type('po-organization', 'Ferris Foundation');
    await type('po-contact-name', 'Ada Lovelace');
    await type('po-contact-email', 'ap@ferris.example');
    await fillLine(0, 'Gold sponsorship', '1', '2,500.00');
    await fireEvent.click(screen.getByTestId('po-save'));

    const alert = await screen.findByTestId('po-error');
    expect(alert.textContent).toBe('PO number PO-77 is already used by another PO of this account.');
    expect(alert.getAttribute('role')).toBe('alert');
    expect(backend.argsOf('create_purchase_order')).toHaveLength(1);
    expect(screen.getByTestId('po-editor')).toBeTruthy();
    expect(field('po-number').value).toBe('PO-77');
    expect(field('po-organization').value).toBe('Ferris Foundation');
    expect(field('po-contact-email').value).toBe('ap@ferris.example');
    expect(field('po-line-description-0').value).toBe('Gold sponsorship');
    expect(field('po-line-price-0').value).toBe('2,500.00');
    expect(text('po-total')).toBe('$2,500.00');
  });

  it('does not send a quantity that is not a whole number', async () => {
    const backend = fakeBackend();
    await openEditor();
    await fillLine(0, 'Badges', '1.5', '10.00');
    await fireEvent.click(screen.getByTestId('po-save'));
    expect((await screen.findByTestId('po-error')).textContent).toBe('Line 1: the quantity must be a whole number.');
    expect(backend.argsOf('create_purchase_order')).toHaveLength(0);
    expect(field('po-line-quantity-0').value).toBe('1.5');
  });

  it('adds a line on Enter in the last line and sends the typed text to Rust', async () => {
    const saved = purchaseOrder({}, { id: 'po_9', po_number: 'PO-9', status: 'draft', invoice_number: null });
    const backend = fakeBackend({
      create_purchase_order: () => saved,
      get_purchase_order: () => saved,
    });
    await openEditor();
    await type('po-number', ' PO-9 ');
    await type('po-organization', 'Ferris Foundation');
    await type('po-contact-name', 'Ada Lovelace');
    await type('po-contact-email', 'ap@ferris.example');
    await type('po-terms', '45');
    await fillLine(0, 'Gold sponsorship', '1', '2,500.00');
    await fireEvent.keyDown(field('po-line-price-0'), { key: 'Enter' });
    await waitFor(() => expect(document.activeElement).toBe(field('po-line-description-1')));
    await fillLine(1, 'Booth', '2', '500');
    // Enter in an earlier line moves on without adding one.
    await fireEvent.keyDown(field('po-line-description-0'), { key: 'Enter' });
    expect(screen.queryByTestId('po-line-description-2')).toBeNull();
    expect(text('po-total')).toBe('$3,500.00');

    await fireEvent.click(screen.getByTestId('po-save'));
    await screen.findByTestId('po-detail');
    const [{ accountId, input }] = backend.argsOf('create_purchase_order') as Array<{ accountId: string; input: PoInput }>;
    expect(accountId).toBe('a1');
    expect(input).toEqual({
      po_number: 'PO-9',
      organization: 'Ferris Foundation',
      contact_name: 'Ada Lovelace',
      contact_email: 'ap@ferris.example',
      billing_address: null,
      currency: 'usd',
      payment_terms_days: 45,
      notes: null,
      lines: [
        { description: 'Gold sponsorship', quantity: 1, unit_price: '2,500.00' },
        { description: 'Booth', quantity: 2, unit_price: '500' },
      ],
    });
  });

  it('removes a line', async () => {
    fakeBackend();
    await openEditor();
    await fillLine(0, 'Gold', '1', '100.00');
    await fireEvent.click(screen.getByTestId('po-add-line'));
    await fillLine(1, 'Booth', '1', '50.00');
    expect(text('po-total')).toBe('$150.00');
    await fireEvent.click(screen.getByTestId('po-remove-line-0'));
    expect(field('po-line-description-0').value).toBe('Booth');
    expect(screen.queryByTestId('po-line-description-1')).toBeNull();
    expect(text('po-total')).toBe('$50.00');
  });

  it('edits a draft from its detail and saves it with update', async () => {
    const draft = purchaseOrder(
      { invoice_id: null, hosted_invoice_url: null, invoice_pdf: null },
      { id: 'po_5', po_number: 'PO-5', status: 'draft', currency: 'kwd', invoice_number: null, invoice_status: null },
    );
    draft.lines = [{ position: 0, description: 'Stand', quantity: 2, unit_amount: 1500, amount: 3000 }];
    const backend = fakeBackend({
      list_purchase_orders: () => ({ total: 1, rows: [draft.summary] }),
      get_purchase_order: () => draft,
      update_purchase_order: () => draft,
    });
    render(App);
    await fireEvent.click(await screen.findByTestId('nav-purchase-orders'));
    await fireEvent.click(await screen.findByTestId('po-list-row'));
    await fireEvent.click(await screen.findByTestId('po-edit'));
    expect(field('po-line-price-0').value).toBe('1.500');
    expect(text('po-total')).toBe('KWD 3.000');
    await type('po-line-quantity-0', '3');
    await fireEvent.click(screen.getByTestId('po-save'));
    await waitFor(() => expect(backend.argsOf('update_purchase_order')).toHaveLength(1));
    const [{ poId, input }] = backend.argsOf('update_purchase_order');
    expect(poId).toBe('po_5');
    expect(input.lines).toEqual([{ description: 'Stand', quantity: 3, unit_price: '1.500' }]);
    expect(input.currency).toBe('kwd');
    await waitFor(() => expect(screen.queryByTestId('po-editor')).toBeNull());
  });
});
