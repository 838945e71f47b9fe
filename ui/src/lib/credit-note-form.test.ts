// Checking a credit note before any preview: line credits, the paid-invoice split, what is sent.
import { describe, expect, it } from 'vitest';
import { checkCredit, emptyCreditDraft, lineCredit, type CreditDraft } from './credit-note-form';
import { creditableInvoice, paidInvoice } from '../test-support/customers';

const LINE = { id: 'il_9', description: 'Setup', quantity: 3, unit_amount: null, amount: 1000, price_id: null, period_start: null, period_end: null };

describe('credit note checks', () => {
  it('credits a line without a unit amount only in full', () => {
    expect(lineCredit(LINE, 0)).toBe(0);
    expect(lineCredit(LINE, 3)).toBe(1000);
    expect(lineCredit(LINE, 1)).toBeNull();
    const invoice = creditableInvoice({ lines: [LINE] });
    const draft: CreditDraft = { ...emptyCreditDraft(invoice), mode: 'lines', quantities: { il_9: '2' } };
    expect(checkCredit(draft, invoice).problem).toBe('Setup: this line can only be credited in full');
  });

  it('refuses units that are not whole numbers and an empty choice of lines', () => {
    const invoice = creditableInvoice();
    const draft: CreditDraft = { ...emptyCreditDraft(invoice), mode: 'lines' };
    expect(checkCredit(draft, invoice).problem).toBe('Choose the units to credit on at least one line');
    expect(checkCredit({ ...draft, quantities: { il_1: '0.5', il_2: '0' } }, invoice).problem).toBe(
      'Gold sponsorship: type a whole number of units',
    );
  });

  it('names the part of the split that does not read as an amount', () => {
    const invoice = paidInvoice();
    const draft: CreditDraft = { ...emptyCreditDraft(invoice), amount: '10', refund: '5', credit: '5.001' };
    expect(checkCredit(draft, invoice).problem).toBe('Credit to balance: USD has at most 2 decimals');
  });

  it('sends 0/0/0 for an open invoice whatever the split fields hold', () => {
    const invoice = creditableInvoice();
    const draft: CreditDraft = { ...emptyCreditDraft(invoice), amount: '10', refund: '10' };
    expect(checkCredit(draft, invoice).input).toMatchObject({ amount: 1000, refund_amount: 0, credit_amount: 0, out_of_band_amount: 0 });
  });
});
