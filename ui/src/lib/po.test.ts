// Reading typed amounts per currency exponent, and the editor's display totals.
import { describe, expect, it } from 'vitest';
import { draftTotal, invoiceFlag, lineAmount, parseMajor, parseQuantity, statusLabel, todayIso } from './po';

describe('typed amounts', () => {
  it('reads two-decimal currencies', () => {
    expect(parseMajor('1,250.00', 'eur')).toEqual({ minor: 125000, error: null });
    expect(parseMajor(' 1250.5 ', 'EUR').minor).toBe(125050);
    expect(parseMajor('0.29', 'usd').minor).toBe(29);
    expect(parseMajor('.5', 'usd').minor).toBe(50);
    expect(parseMajor('12', 'usd').minor).toBe(1200);
    expect(parseMajor('1.234', 'eur').error).toBe('EUR has at most 2 decimals');
  });

  it('reads zero-decimal currencies', () => {
    expect(parseMajor('1,250', 'jpy').minor).toBe(1250);
    expect(parseMajor('1250.', 'jpy').minor).toBe(1250);
    expect(parseMajor('1250.5', 'jpy').error).toBe('JPY has no decimals');
  });

  it('reads three-decimal currencies', () => {
    expect(parseMajor('1,234.567', 'kwd').minor).toBe(1234567);
    expect(parseMajor('0.01', 'kwd').minor).toBe(10);
    expect(parseMajor('1.2345', 'kwd').error).toBe('KWD has at most 3 decimals');
  });

  it('refuses what is not an amount and what Stripe would refuse', () => {
    for (const text of ['', '  ', '.', 'abc', '-5', '1,25', '12,3456', '1.2.3', '1 250']) {
      expect(parseMajor(text, 'usd').minor, text).toBeNull();
    }
    expect(parseMajor('999,999.99', 'usd').minor).toBe(99_999_999);
    expect(parseMajor('1,000,000.00', 'usd').error).toBe('More than Stripe’s 8-digit limit');
    expect(parseMajor('100000000', 'jpy').minor).toBeNull();
  });

  it('reads quantities as whole numbers', () => {
    expect(parseQuantity('3')).toBe(3);
    expect(parseQuantity(' 0 ')).toBe(0);
    expect(parseQuantity('-2')).toBe(-2);
    expect(parseQuantity('1.5')).toBeNull();
    expect(parseQuantity('')).toBeNull();
  });
});

describe('editor totals', () => {
  const lines = [
    { description: 'Gold', quantity: '2', unit_price: '1,250.50' },
    { description: 'Badges', quantity: '3', unit_price: '0.25' },
  ];

  it('multiplies and adds in minor units', () => {
    expect(lineAmount(lines[0], 'eur')).toBe(250100);
    expect(draftTotal(lines, 'eur')).toEqual({ total: 250175, complete: true });
    // The same text means another amount, or none, in another exponent.
    expect(draftTotal(lines, 'kwd')).toEqual({ total: 2501750, complete: true });
    expect(draftTotal(lines, 'jpy')).toEqual({ total: 0, complete: false });
  });

  it('adds the lines that read and says when some do not', () => {
    const partial = [...lines, { description: 'Later', quantity: '1', unit_price: '' }];
    expect(draftTotal(partial, 'eur')).toEqual({ total: 250175, complete: false });
    expect(draftTotal([], 'eur')).toEqual({ total: 0, complete: true });
  });
});

describe('words and dates', () => {
  it('names statuses and Stripe-only invoice states', () => {
    expect(statusLabel('partially_paid')).toBe('Partially paid');
    expect(invoiceFlag('void')).toBe('void');
    expect(invoiceFlag('uncollectible')).toBe('uncollectible');
    expect(invoiceFlag('open')).toBeNull();
    expect(invoiceFlag(null)).toBeNull();
  });

  it('gives today as a local calendar date', () => {
    expect(todayIso(new Date(2027, 2, 4, 23, 59))).toBe('2027-03-04');
    expect(todayIso(new Date(2027, 11, 31, 0, 1))).toBe('2027-12-31');
  });
});
