// The editor's form rules on their own: dates, lines from the catalog, blank metadata rows,
// and a draft's changes sent as the smallest diff.
import { describe, expect, it } from 'vitest';
import { draftInvoice, invoiceLine } from '../test-support/invoices';
import { endOfDay, formOf, newForm, toDraftChanges, toNewInvoice, type InvoiceForm } from './invoice-form';

const NOW = Date.UTC(2027, 0, 15) / 1000;

function filled(overrides: Partial<InvoiceForm> = {}): InvoiceForm {
  return {
    ...newForm('usd', 'cus_1'),
    lines: [{ line_id: null, price_id: null, price_currency: null, description: 'Booth', quantity: '1', unit_price: '10' }],
    ...overrides,
  };
}

describe('invoice form', () => {
  it('reads real calendar days only, to their last second', () => {
    expect(endOfDay('2027-02-30')).toBeNull();
    expect(endOfDay('next week')).toBeNull();
    const end = endOfDay('2027-03-04');
    expect(end).not.toBeNull();
    expect(new Date((end as number) * 1000).getHours()).toBe(23);
  });

  it('sends a catalog line by its price, its description only when typed', () => {
    const form = filled({
      lines: [
        { line_id: null, price_id: 'price_1', price_currency: 'usd', description: '', quantity: '3', unit_price: '250.00' },
        { line_id: null, price_id: 'price_2', price_currency: 'usd', description: 'Early bird', quantity: '1', unit_price: '' },
      ],
    });
    const result = toNewInvoice(form, NOW);
    expect(result.problems).toEqual([]);
    expect(result.input?.lines).toEqual([
      { price_id: 'price_1', description: null, quantity: 3, unit_amount: null },
      { price_id: 'price_2', description: 'Early bird', quantity: 1, unit_amount: null },
    ]);
  });

  it('refuses a catalog price in another currency than the invoice', () => {
    const form = filled({
      currency: 'EUR',
      lines: [{ line_id: null, price_id: 'price_1', price_currency: 'usd', description: '', quantity: '1', unit_price: '250.00' }],
    });
    expect(toNewInvoice(form, NOW).problems).toEqual([
      { field: 'line-0-price', message: 'Line 1: the catalog price is in USD, the invoice in EUR.' },
    ]);
  });

  it('keeps Billfold’s own metadata key and checks a line’s amount against Stripe’s limit', () => {
    const reserved = toNewInvoice(filled({ metadata: [{ key: 'operation_id', value: 'x' }] }), NOW);
    expect(reserved.problems).toEqual([{ field: 'meta-0-key', message: 'Metadata 1: “operation_id” is Billfold’s own key.' }]);
    const large = toNewInvoice(
      filled({ lines: [{ line_id: null, price_id: null, price_currency: null, description: 'Hall', quantity: '2', unit_price: '600,000' }] }),
      NOW,
    );
    expect(large.problems).toEqual([{ field: 'line-0-price', message: 'Line 1: the amount is more than Stripe’s 8-digit limit.' }]);
  });

  it('ignores blank metadata rows but not a value without a key', () => {
    const blank = toNewInvoice(filled({ metadata: [{ key: ' ', value: '' }] }), NOW);
    expect(blank.input?.metadata).toEqual({});
    const keyless = toNewInvoice(filled({ metadata: [{ key: '', value: 'orphan' }] }), NOW);
    expect(keyless.problems.map((problem) => problem.field)).toEqual(['meta-0-key']);
  });

  it('refuses a bad currency, no lines, and a custom value too long', () => {
    const result = toNewInvoice(
      filled({ currency: 'us', lines: [], custom_fields: [{ name: 'PO', value: 'x'.repeat(141) }] }),
      NOW,
    );
    expect(result.input).toBeNull();
    expect(result.problems.map((problem) => problem.field)).toEqual(['currency', 'custom-0-value']);
    expect(toNewInvoice(filled({ lines: [] }), NOW).problems).toEqual([{ field: 'lines', message: 'Add at least one line.' }]);
  });

  it('sends only what changed on a draft, and nothing when nothing did', () => {
    const draft = draftInvoice({
      due_date: null,
      collection_method: 'charge_automatically',
      lines: [invoiceLine({ id: 'il_1' }), invoiceLine({ id: 'il_2', price_id: 'price_1', unit_amount: 25000, description: 'Ticket' })],
    });
    const form = formOf(draft);
    expect(toDraftChanges(form, draft, NOW)).toEqual({
      changes: null,
      problems: [{ field: 'form', message: 'There is nothing to change.' }],
    });
    form.lines[1].quantity = '2';
    form.collection_method = 'send_invoice';
    form.days = '15';
    expect(toDraftChanges(form, draft, NOW).changes).toEqual({
      add_lines: [],
      update_lines: [{ line_id: 'il_2', description: null, quantity: 2, unit_amount: null }],
      remove_line_ids: [],
      collection_method: 'send_invoice',
      days_until_due: 15,
      due_date: null,
      memo: null,
      footer: null,
      coupon_id: null,
    });
  });

  it('applies a coupon to a draft, or removes its discounts, alone', () => {
    const draft = draftInvoice({ lines: [invoiceLine({ id: 'il_1' })] });
    const form = formOf(draft);
    expect(form.coupon).toBe('keep');
    form.coupon = 'EARLY';
    expect(toDraftChanges(form, draft, NOW).changes).toMatchObject({ coupon_id: 'EARLY', add_lines: [], memo: null });
    form.coupon = 'remove';
    expect(toDraftChanges(form, draft, NOW).changes).toMatchObject({ coupon_id: '' });
  });
});
