// What each invoice action is called on its button, and what its confirmation says Stripe will
// do, worded from the invoice at hand (its customer, amounts and collection method).
import { formatDate, formatMoney } from './format';
import type { InvoiceActionKind, InvoiceDetail } from './bindings';

/** The actions in the order their buttons show. */
export const ACTION_ORDER: InvoiceActionKind[] = [
  'finalize',
  'send',
  'pay',
  'pay_out_of_band',
  'mark_uncollectible',
  'void',
  'delete_draft',
];

/** A button's label. */
export const ACTION_LABELS: Record<InvoiceActionKind, string> = {
  finalize: 'Finalize',
  send: 'Send',
  pay: 'Charge now',
  pay_out_of_band: 'Mark paid outside Stripe',
  void: 'Void',
  mark_uncollectible: 'Mark uncollectible',
  delete_draft: 'Delete draft',
};

/** Actions that lose something for good: their buttons and confirmations read as dangerous. */
export const DANGEROUS: ReadonlySet<InvoiceActionKind> = new Set(['void', 'delete_draft', 'mark_uncollectible']);

/** Who the invoice goes to, as a sentence reads it. */
export function recipient(detail: InvoiceDetail): string {
  if (detail.customer_email && detail.customer_name) return `${detail.customer_name} <${detail.customer_email}>`;
  return detail.customer_email ?? detail.customer_name ?? detail.customer_id ?? 'the customer';
}

/** What the confirmation of `action` says Stripe will do to `detail`. */
export function actionWarning(action: InvoiceActionKind, detail: InvoiceDetail): string {
  const money = (minor: number) => formatMoney(minor, detail.currency);
  const who = recipient(detail);
  const remaining = money(detail.status === 'draft' ? detail.amount_due : detail.amount_remaining);
  switch (action) {
    case 'finalize': {
      // Billfold creates drafts with auto_advance off: finalizing neither emails nor charges.
      const then =
        detail.collection_method === 'send_invoice'
          ? ` It is not emailed yet: Send then emails it to ${who}, due ${detail.due_date === null ? 'by its payment terms' : formatDate(detail.due_date)}.`
          : ` Nothing is charged yet: Charge now then charges ${who}’s default payment method ${remaining}.`;
      return `Stripe assigns the invoice a number and it can no longer be edited: amounts, lines and collection method are frozen.${then}`;
    }
    case 'send':
      return `Stripe emails the invoice to ${who} with a link to pay the ${remaining} due (again, if it was sent before).`;
    case 'pay':
      return `Stripe charges ${who}’s default payment method ${remaining} now. If the charge fails, the invoice stays open and the failure is shown here.`;
    case 'pay_out_of_band':
      return `Stripe marks the invoice paid (${remaining}) without charging anything. Do this only when the money arrived outside Stripe (a check or a wire).`;
    case 'void':
      return `Stripe voids the invoice: ${who} can no longer pay it and it stays void for good, keeping its number. This cannot be undone.`;
    case 'mark_uncollectible':
      return `Stripe marks the ${remaining} as uncollectible (a bad debt). The invoice can still be paid or voided later.`;
    case 'delete_draft':
      return `Stripe deletes the draft and its lines; it was never sent to ${who}. This cannot be undone.`;
  }
}

/** What the detail says once Stripe did `action`; `after` is the invoice as Rust returned it. */
export function actionDone(action: InvoiceActionKind, after: InvoiceDetail): string {
  const name = after.number ?? after.id;
  switch (action) {
    case 'finalize':
      return `Finalized as ${name}.`;
    case 'send':
      return `Invoice ${name} sent to ${recipient(after)}.`;
    case 'pay':
    case 'pay_out_of_band':
      return `Invoice ${name} is ${after.status}.`;
    case 'void':
      return `Invoice ${name} voided.`;
    case 'mark_uncollectible':
      return `Invoice ${name} marked uncollectible.`;
    case 'delete_draft':
      return 'Draft deleted.';
  }
}
