// Money, dates and elapsed time as the tables and the sync bar show them.
import { describe, expect, it } from 'vitest';
import { currencyExponent, formatCount, formatMoney, minorToDecimal, resourceLabel, timeAgo } from './format';

// Intl puts no-break spaces between code and amount; compare with plain spaces.
const money = (minor: number, currency: string, locale: string) =>
  formatMoney(minor, currency, locale).replace(/\s/g, ' ');

describe('money', () => {
  it('knows Stripe exponents', () => {
    expect(currencyExponent('usd')).toBe(2);
    expect(currencyExponent('JPY')).toBe(0);
    expect(currencyExponent('kwd')).toBe(3);
    expect(currencyExponent('bhd')).toBe(3);
    expect(currencyExponent('krw')).toBe(0);
  });

  it('builds decimal strings from integer minor units', () => {
    expect(minorToDecimal(123456, 2)).toBe('1234.56');
    expect(minorToDecimal(5, 2)).toBe('0.05');
    expect(minorToDecimal(-5, 3)).toBe('-0.005');
    expect(minorToDecimal(0, 3)).toBe('0.000');
    expect(minorToDecimal(1500, 0)).toBe('1500');
    // Large amounts keep every digit (dividing by 100 as a float would not: 9007199254740.99).
    expect(minorToDecimal(Number.MAX_SAFE_INTEGER, 2)).toBe('90071992547409.91');
  });

  it('formats two-, zero- and three-decimal currencies', () => {
    expect(money(123456, 'usd', 'en-US')).toBe('$1,234.56');
    expect(money(-2500, 'eur', 'en-US')).toBe('-€25.00');
    expect(money(1234, 'jpy', 'en-US')).toBe('¥1,234');
    expect(money(1234567, 'kwd', 'en-US')).toBe('KWD 1,234.567');
    expect(money(10, 'kwd', 'en-US')).toBe('KWD 0.010');
    expect(money(0, 'usd', 'en-US')).toBe('$0.00');
  });

  it('follows the locale for separators', () => {
    expect(money(123456, 'eur', 'de-DE')).toBe('1.234,56 €');
    // Spanish leaves four-digit numbers ungrouped by default; amounts are grouped anyway.
    expect(money(655000, 'eur', 'es-ES')).toBe('6.550,00 €');
  });

  it('groups amounts whatever the locale, C and POSIX included', () => {
    // WebKitGTK in the C locale resolves to en-US-u-va-posix, which would print "€ 6550.00".
    for (const locale of ['C', 'POSIX', 'en-US-POSIX', 'en-US-u-va-posix', 'en-US', 'not a locale']) {
      expect(money(655000, 'eur', locale)).toBe('€6,550.00');
      expect(money(1250000, 'jpy', locale)).toBe('¥1,250,000');
      expect(money(1250, 'bhd', locale)).toBe('BHD 1.250');
      expect(money(123456789, 'bhd', locale)).toBe('BHD 123,456.789');
      expect(money(-1250, 'usd', locale)).toBe('-$12.50');
    }
    // The system locale (whatever the test machine has) groups too.
    expect(formatMoney(655000, 'usd')).toMatch(/^\D*6\D550\D00\D*$/);
  });
});

describe('time', () => {
  const now = Date.parse('2027-03-04T12:00:00Z');
  it('says how long ago', () => {
    expect(timeAgo('2027-03-04T11:59:50Z', now)).toBe('just now');
    expect(timeAgo('2027-03-04T11:58:00Z', now)).toBe('2 min ago');
    expect(timeAgo('2027-03-04T11:00:30Z', now)).toBe('59 min ago');
    expect(timeAgo('2027-03-04T09:00:00Z', now)).toBe('3 h ago');
    expect(timeAgo('2027-03-03T11:00:00Z', now)).toBe('yesterday');
    expect(timeAgo('2027-02-28T12:00:00Z', now)).toBe('4 days ago');
  });

  it('names resources in words', () => {
    expect(resourceLabel('payment_intents')).toBe('Payment intents');
  });
});

describe('formatCount', () => {
  it('groups thousands whatever the locale', () => {
    for (const locale of ['C', 'POSIX', 'en-US-u-va-posix', 'en-US']) {
      expect(formatCount(100000, locale)).toBe('100,000');
    }
    expect(formatCount(7, 'C')).toBe('7');
  });
});
