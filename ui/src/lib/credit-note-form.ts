// The credit-note form's fields as typed and the `CreditNoteInput` they make, with the checks
// that come before any preview: an amount above zero within what can still be credited, line
// quantities within the invoice's, and on a paid invoice a split that adds up to the total.
// Rust checks it all again; Stripe's preview gives the final numbers.
import type { CreditNoteInput, CreditReason, InvoiceDetail, InvoiceLineView } from './bindings';
import { formatMoney } from './format';
import { parseMajor, parseQuantity } from './po';

/** Credit a typed amount, or some units of the invoice's lines. */
export type CreditMode = 'amount' | 'lines';

/** Every field of the form as typed. */
export interface CreditDraft {
  mode: CreditMode;
  amount: string;
  /** Units to credit by invoice line id. */
  quantities: Record<string, string>;
  reason: CreditReason | '';
  memo: string;
  /** The paid-invoice split, in major units; blank reads as zero. */
  refund: string;
  credit: string;
  outOfBand: string;
}

/** The reasons Stripe knows, as people read them. */
export const REASONS: Array<{ value: CreditReason; label: string }> = [
  { value: 'duplicate', label: 'Duplicate' },
  { value: 'fraudulent', label: 'Fraudulent' },
  { value: 'order_change', label: 'Order change' },
  { value: 'product_unsatisfactory', label: 'Product unsatisfactory' },
];

/** A fresh draft: by amount, no line units, no split. */
export function emptyCreditDraft(invoice: InvoiceDetail): CreditDraft {
  return {
    mode: 'amount',
    amount: '',
    quantities: Object.fromEntries(invoice.lines.map((line) => [line.id, '0'])),
    reason: '',
    memo: '',
    refund: '',
    credit: '',
    outOfBand: '',
  };
}

/** Whether the invoice is paid, so the credit note's total must be split between refund, balance and out of band. */
export function needsSplit(invoice: InvoiceDetail): boolean {
  return invoice.status === 'paid';
}

/** The most units of a line that can be credited. */
export function maxUnits(line: InvoiceLineView): number {
  return line.quantity ?? 1;
}

/**
 * What crediting `units` of a line comes to: units times the unit amount, or, for a line
 * without one, its whole amount when all of it is credited (null for part of it).
 */
export function lineCredit(line: InvoiceLineView, units: number): number | null {
  if (line.unit_amount !== null) return units * line.unit_amount;
  if (units === 0) return 0;
  return units === maxUnits(line) ? line.amount : null;
}

/** The checked draft: the input to send, or the first thing to fix. */
export type CreditCheck = { input: CreditNoteInput; total: number; problem: null } | { input: null; total: number | null; problem: string };

function partOf(text: string, currency: string, label: string): { minor: number } | { problem: string } {
  if (!text.trim()) return { minor: 0 };
  const parsed = parseMajor(text, currency);
  return parsed.error === null ? { minor: parsed.minor } : { problem: `${label}: ${parsed.error}` };
}

/** Checks the draft against the invoice and builds the input. */
export function checkCredit(draft: CreditDraft, invoice: InvoiceDetail): CreditCheck {
  const money = (minor: number) => formatMoney(minor, invoice.currency);
  const fail = (problem: string, total: number | null = null): CreditCheck => ({ input: null, total, problem });
  let total = 0;
  let amount: number | null = null;
  const lines: CreditNoteInput['lines'] = [];

  if (draft.mode === 'amount') {
    if (!draft.amount.trim()) return fail('Type the amount to credit');
    const parsed = parseMajor(draft.amount, invoice.currency);
    if (parsed.error !== null) return fail(parsed.error);
    if (parsed.minor === 0) return fail('Type an amount more than zero');
    amount = total = parsed.minor;
  } else {
    for (const line of invoice.lines) {
      const text = draft.quantities[line.id] ?? '0';
      const units = text.trim() ? parseQuantity(text) : 0;
      const label = line.description ?? line.id;
      if (units === null || units < 0) return fail(`${label}: type a whole number of units`);
      if (units > maxUnits(line)) return fail(`${label}: at most ${maxUnits(line)} units`);
      const credit = lineCredit(line, units);
      if (credit === null) return fail(`${label}: this line can only be credited in full`);
      if (units > 0) lines.push({ invoice_line_id: line.id, quantity: units });
      total += credit;
    }
    if (lines.length === 0) return fail('Choose the units to credit on at least one line');
  }
  if (total > invoice.creditable_amount) {
    return fail(`At most ${money(invoice.creditable_amount)} can still be credited on this invoice`, total);
  }

  let refund = 0;
  let credit = 0;
  let outOfBand = 0;
  if (needsSplit(invoice)) {
    const parts = [
      partOf(draft.refund, invoice.currency, 'Refund'),
      partOf(draft.credit, invoice.currency, 'Credit to balance'),
      partOf(draft.outOfBand, invoice.currency, 'Out of band'),
    ];
    for (const part of parts) if ('problem' in part) return fail(part.problem, total);
    [refund, credit, outOfBand] = parts.map((part) => ('minor' in part ? part.minor : 0));
    const sum = refund + credit + outOfBand;
    if (sum !== total) {
      return fail(
        `Refund, credit to balance and out of band add up to ${money(sum)}; they must add up to the credit note’s ${money(total)}`,
        total,
      );
    }
  }

  const memo = draft.memo.trim();
  return {
    total,
    problem: null,
    input: {
      invoice_id: invoice.id,
      amount,
      lines,
      reason: draft.reason || null,
      memo: memo || null,
      refund_amount: refund,
      credit_amount: credit,
      out_of_band_amount: outOfBand,
    },
  };
}
