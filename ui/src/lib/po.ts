// Purchase-order helpers shared by the PO views: status words, and reading the amounts a user
// types in major units. The amounts computed here are for display while typing; Rust parses the
// same text again and its answer is the one that counts.
import type { PoStatus } from './bindings';
import { currencyExponent } from './format';

/** Every PO status, in the order a PO goes through them. */
export const PO_STATUSES: PoStatus[] = ['draft', 'invoiced', 'partially_paid', 'paid', 'cancelled'];

const STATUS_LABELS: Record<PoStatus, string> = {
  draft: 'Draft',
  invoiced: 'Invoiced',
  partially_paid: 'Partially paid',
  paid: 'Paid',
  cancelled: 'Cancelled',
};

/** A status as people read it: `partially_paid` → "Partially paid". */
export function statusLabel(status: PoStatus): string {
  return STATUS_LABELS[status];
}

/** Stripe's invoice states that the PO's own status does not tell, shown as an extra chip. */
export function invoiceFlag(invoiceStatus: string | null): 'void' | 'uncollectible' | null {
  return invoiceStatus === 'void' || invoiceStatus === 'uncollectible' ? invoiceStatus : null;
}

/** Stripe refuses amounts of more than eight digits in minor units. */
export const MAX_AMOUNT = 99_999_999;

/** What a typed amount reads as: minor units, or why it reads as nothing. */
export type Parsed = { minor: number; error: null } | { minor: null; error: string };

// Digits with optional comma thousands separators (in groups of three), then an optional dot
// decimal part: "1250", "1,250", "1,250.5", ".5". The same rule the core applies.
const AMOUNT = /^(?:\d{1,3}(?:,\d{3})+|\d+)?(?:\.(\d*))?$/;

/** Reads `"1,250.00"` in `currency` as minor units, the way the core will. */
export function parseMajor(text: string, currency: string): Parsed {
  const trimmed = text.trim();
  const match = AMOUNT.exec(trimmed);
  if (!trimmed || !match || trimmed === '.') {
    return { minor: null, error: 'Type an amount like 1,250.00' };
  }
  const exponent = currencyExponent(currency);
  const fraction = match[1] ?? '';
  if (fraction.length > exponent) {
    const code = currency.toUpperCase();
    return {
      minor: null,
      error: exponent === 0 ? `${code} has no decimals` : `${code} has at most ${exponent} decimals`,
    };
  }
  const [whole] = trimmed.split('.');
  // Digits, not floats: "0.29" must be 29 cents, not 28.999….
  const minor = BigInt((whole.replace(/,/g, '') || '0') + fraction.padEnd(exponent, '0'));
  if (minor > BigInt(MAX_AMOUNT)) return { minor: null, error: 'More than Stripe’s 8-digit limit' };
  return { minor: Number(minor), error: null };
}

/** A typed quantity as a whole number, or null when it is not one. */
export function parseQuantity(text: string): number | null {
  const trimmed = text.trim();
  return /^-?\d{1,9}$/.test(trimmed) ? Number(trimmed) : null;
}

/** One editor line as typed. */
export interface LineDraft {
  description: string;
  quantity: string;
  unit_price: string;
}

/** A line's amount in minor units, or null while its quantity or price reads as nothing. */
export function lineAmount(line: LineDraft, currency: string): number | null {
  const quantity = parseQuantity(line.quantity);
  const price = parseMajor(line.unit_price, currency);
  if (quantity === null || price.minor === null) return null;
  return quantity * price.minor;
}

/** The sum of the lines that read as amounts, and whether every line did. */
export function draftTotal(lines: LineDraft[], currency: string): { total: number; complete: boolean } {
  let total = 0;
  let complete = true;
  for (const line of lines) {
    const amount = lineAmount(line, currency);
    if (amount === null) complete = false;
    else total += amount;
  }
  return { total, complete };
}

/** Today in the user's time zone as `YYYY-MM-DD`. */
export function todayIso(now = new Date()): string {
  const pad = (value: number) => String(value).padStart(2, '0');
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}
