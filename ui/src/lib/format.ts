// How money, dates and elapsed time read in the UI. Money stays integer minor units up to the
// formatter: the decimal string is built from digits, never by dividing a float.

/** Stripe's zero-decimal currencies; kept equal to the core's list (money.rs). */
const ZERO_DECIMAL = new Set([
  'bif', 'clp', 'djf', 'gnf', 'jpy', 'kmf', 'krw', 'mga', 'pyg', 'rwf', 'ugx', 'vnd', 'vuv', 'xaf', 'xof', 'xpf',
]);

/** Stripe's three-decimal currencies; kept equal to the core's list (money.rs). */
const THREE_DECIMAL = new Set(['bhd', 'jod', 'kwd', 'omr', 'tnd']);

/** Digits in the currency's minor unit as Stripe counts them: 0, 2 or 3. */
export function currencyExponent(currency: string): number {
  const code = currency.toLowerCase();
  if (ZERO_DECIMAL.has(code)) return 0;
  if (THREE_DECIMAL.has(code)) return 3;
  return 2;
}

/** `123456` with exponent 2 → `"1234.56"`; `-5` with exponent 3 → `"-0.005"`. */
export function minorToDecimal(minor: number, exponent: number): `${number}` {
  const negative = minor < 0;
  const digits = BigInt(Math.trunc(Math.abs(minor))).toString().padStart(exponent + 1, '0');
  const whole = digits.slice(0, digits.length - exponent);
  const fraction = digits.slice(digits.length - exponent);
  const unsigned = exponent === 0 ? whole : `${whole}.${fraction}`;
  return (negative ? `-${unsigned}` : unsigned) as `${number}`;
}

const moneyFormats = new Map<string, Intl.NumberFormat>();

/**
 * Used when the asked-for locale cannot be used or would print amounts ungrouped. WebKitGTK in
 * the C/POSIX locale resolves to `en-US-u-va-posix`, whose pattern has no grouping at all
 * ("€ 6550.00"); money in a table must read "€6,550.00" everywhere.
 */
const FALLBACK_MONEY_LOCALE = 'en-US';

/** Whether `format` groups thousands and is not the POSIX variant (which spaces the symbol off). */
function readsWell(format: Intl.NumberFormat): boolean {
  if (/posix/i.test(format.resolvedOptions().locale)) return false;
  return format.formatToParts(1234567).some((part) => part.type === 'group');
}

function moneyFormat(locale: string | undefined, code: string, exponent: number): Intl.NumberFormat {
  const options: Intl.NumberFormatOptions = {
    style: 'currency',
    currency: code,
    minimumFractionDigits: exponent,
    maximumFractionDigits: exponent,
    // Some locales (es, pl…) leave four-digit amounts ungrouped by default; a column of amounts
    // reads better when 6,550 and 16,550 are written alike.
    useGrouping: 'always',
  };
  try {
    const format = new Intl.NumberFormat(locale, options);
    if (readsWell(format)) return format;
  } catch {
    // Not a BCP 47 tag ("C", "POSIX"): the fallback below.
  }
  return new Intl.NumberFormat(FALLBACK_MONEY_LOCALE, options);
}

/**
 * Formats an amount in minor units, always with grouped thousands: `(123456, "usd")` → `"$1,234.56"`,
 * `(500, "jpy")` → `"¥500"`, `(1250, "bhd")` → `"BHD 1.250"`. `locale` defaults to the system's;
 * a locale that would not group (C/POSIX) or is not valid gives way to `en-US`.
 */
export function formatMoney(minor: number, currency: string, locale?: string): string {
  const code = currency.toUpperCase();
  const key = `${locale ?? ''}|${code}`;
  const exponent = currencyExponent(code);
  let format = moneyFormats.get(key);
  if (!format) {
    format = moneyFormat(locale, code, exponent);
    moneyFormats.set(key, format);
  }
  // A decimal string, not a number: Intl keeps every digit of it.
  return format.format(minorToDecimal(minor, exponent));
}

const countFormats = new Map<string, Intl.NumberFormat>();

/** A count of things, grouped like amounts whatever the locale: `100000` → `"100,000"`. */
export function formatCount(count: number, locale?: string): string {
  const key = locale ?? '';
  let format = countFormats.get(key);
  if (!format) {
    const options: Intl.NumberFormatOptions = { maximumFractionDigits: 0, useGrouping: 'always' };
    try {
      format = new Intl.NumberFormat(locale, options);
      if (!readsWell(format)) format = new Intl.NumberFormat(FALLBACK_MONEY_LOCALE, options);
    } catch {
      // Not a BCP 47 tag ("C", "POSIX").
      format = new Intl.NumberFormat(FALLBACK_MONEY_LOCALE, options);
    }
    countFormats.set(key, format);
  }
  return format.format(count);
}

/** A calendar date from unix seconds, e.g. "Mar 4, 2027". */
export function formatDate(unixSeconds: number, locale?: string): string {
  return new Date(unixSeconds * 1000).toLocaleDateString(locale, { year: 'numeric', month: 'short', day: 'numeric' });
}

/** A calendar date from `YYYY-MM-DD` (read as that day wherever the user is) or an RFC 3339 time. */
export function formatDay(isoDate: string, locale?: string): string {
  const day = /^(\d{4})-(\d{2})-(\d{2})$/.exec(isoDate);
  const date = day ? new Date(Number(day[1]), Number(day[2]) - 1, Number(day[3])) : new Date(isoDate);
  return date.toLocaleDateString(locale, { year: 'numeric', month: 'short', day: 'numeric' });
}

/** Date and time to the second from an RFC 3339 string, for logs. */
export function formatDateTime(rfc3339: string, locale?: string): string {
  return new Date(rfc3339).toLocaleString(locale, {
    year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', second: '2-digit',
  });
}

/** How long ago `rfc3339` was, relative to `nowMs`: "just now", "2 min ago", "3 h ago", "4 days ago". */
export function timeAgo(rfc3339: string, nowMs: number): string {
  const seconds = Math.max(0, Math.floor((nowMs - Date.parse(rfc3339)) / 1000));
  if (seconds < 45) return 'just now';
  const minutes = Math.floor(seconds / 60) || 1;
  if (minutes < 60) return `${minutes} min ago`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return `${hours} h ago`;
  const days = Math.floor(hours / 24);
  return days === 1 ? 'yesterday' : `${days} days ago`;
}

/** A resource name as people read it: "payment_intents" → "Payment intents". */
export function resourceLabel(resource: string): string {
  const words = resource.replace(/_/g, ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}
