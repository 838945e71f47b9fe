// How subscriptions read: statuses, billing intervals, and what each action asks of Stripe,
// said in the confirmation before anything is sent.
import { formatDate } from './format';
import type { SubscriptionActionKind, SubscriptionDetail } from './bindings';

/** Every status Stripe gives a subscription, in the order the list's chips show them. */
export const STATUSES = ['trialing', 'active', 'past_due', 'unpaid', 'paused', 'canceled', 'incomplete', 'incomplete_expired'];

/** A status as people read it: "past_due" → "past due". */
export const statusLabel = (status: string) => status.replace(/_/g, ' ');

/** "month" with count 1 → "month"; "month" with 3 → "3 months". */
export function intervalLabel(interval: string | null, count: number | null): string {
  if (!interval) return '';
  const every = count ?? 1;
  return every === 1 ? interval : `${every} ${interval}s`;
}

/** The order the actions' buttons show in. */
export const ACTION_ORDER: SubscriptionActionKind[] = [
  'pause_collection',
  'resume_collection',
  'cancel_at_period_end',
  'undo_cancel',
  'apply_coupon',
  'remove_discounts',
  'cancel_now',
];

/** Each action's button and confirmation title. */
export const ACTION_LABELS: Record<SubscriptionActionKind, string> = {
  cancel_now: 'Cancel now',
  cancel_at_period_end: 'Cancel at period end',
  undo_cancel: 'Undo scheduled cancellation',
  pause_collection: 'Pause collection',
  resume_collection: 'Resume collection',
  change: 'Change plan',
  apply_coupon: 'Apply coupon',
  remove_discounts: 'Remove discount',
};

/** Actions that stop billing for good. */
export const DANGEROUS = new Set<SubscriptionActionKind>(['cancel_now']);

/** What pausing does with the invoices Stripe makes meanwhile, per behavior. */
export const PAUSE_BEHAVIORS: Array<{ value: string; label: string; explanation: string }> = [
  {
    value: 'keep_as_draft',
    label: 'Keep as draft',
    explanation: 'New invoices stay drafts, to finalize and collect later, once collection resumes.',
  },
  {
    value: 'mark_uncollectible',
    label: 'Mark uncollectible',
    explanation: 'New invoices are finalized and marked uncollectible at once: the service is given away meanwhile.',
  },
  { value: 'void', label: 'Void', explanation: 'New invoices are finalized and voided at once: nothing is ever owed for them.' },
];

/** Who is billed, for sentences. */
export function subscriber(detail: SubscriptionDetail): string {
  return detail.customer_name ?? detail.customer_email ?? detail.customer_id ?? 'the customer';
}

/** What Stripe will do on `action`, said before the user confirms it. */
export function actionWarning(action: SubscriptionActionKind, detail: SubscriptionDetail): string {
  const end = detail.current_period_end === null ? 'the end of the current period' : formatDate(detail.current_period_end);
  switch (action) {
    case 'cancel_now':
      return `Stripe cancels the subscription at once: ${subscriber(detail)} loses access now and is never billed for it again. This cannot be undone.`;
    case 'cancel_at_period_end':
      return `Stripe stops renewing the subscription: ${subscriber(detail)} keeps access until ${end}, then it is canceled and nothing more is billed. This can be undone until then.`;
    case 'undo_cancel':
      return `Stripe drops the scheduled cancellation: the subscription renews on ${end} and keeps billing ${subscriber(detail)} as before.`;
    case 'pause_collection':
      return `Stripe keeps the subscription and its periods running but stops collecting payment for the invoices it makes meanwhile, as chosen below.`;
    case 'resume_collection':
      return `Stripe collects payment again from the next invoice on; invoices made while paused stay as they are.`;
    case 'change':
      return `Stripe moves the subscription to the chosen prices and quantities and bills the difference as previewed.`;
    case 'apply_coupon':
      return `Stripe applies the coupon to the invoices this subscription makes from now on (replacing any discount it has), for as long as the coupon lasts. Invoices already made stay as they are.`;
    case 'remove_discounts':
      return `Stripe removes the discount: from the next invoice on, ${subscriber(detail)} pays the full price.`;
  }
}

/** What shows once `action` is done. */
export function actionDone(action: SubscriptionActionKind, detail: SubscriptionDetail): string {
  switch (action) {
    case 'cancel_now':
      return 'Subscription canceled.';
    case 'cancel_at_period_end':
      return detail.cancel_at === null ? 'Cancellation scheduled.' : `Cancels on ${formatDate(detail.cancel_at)}.`;
    case 'undo_cancel':
      return 'The scheduled cancellation is undone.';
    case 'pause_collection':
      return 'Collection paused.';
    case 'resume_collection':
      return 'Collection resumed.';
    case 'change':
      return 'Plan changed.';
    case 'apply_coupon':
      return 'Coupon applied.';
    case 'remove_discounts':
      return 'Discount removed.';
  }
}
