// Typed calls of the per-account dunning rule and desktop-notification settings. Rust checks the
// rule again (1–10 failed payments) and applies it after each sync of the account.
import { call } from './api';
import type { DunningRule, NotificationSettings } from './bindings';

/** One wrapper per command, named as the command. */
export const dunningApi = {
  /** The account's rule; off unless set. */
  get_dunning_rule: (accountId: string) => call<DunningRule>('get_dunning_rule', { accountId }),
  /** A `validation` error means nothing was saved. */
  set_dunning_rule: (accountId: string, rule: DunningRule) => call<DunningRule>('set_dunning_rule', { accountId, rule }),
  /** The account's notification switch; on unless turned off. */
  get_notification_settings: (accountId: string) =>
    call<NotificationSettings>('get_notification_settings', { accountId }),
  set_notification_settings: (accountId: string, settings: NotificationSettings) =>
    call<NotificationSettings>('set_notification_settings', { accountId, settings }),
};

/**
 * How many subscriptions of the dunning queue the rule would act on right now: those with an
 * invoice tried at least `failedPayments` times (a review rule skips the ones already marked).
 */
export function dueNow(rows: { subscription_id: string; attempt_count: number; review: boolean }[], rule: DunningRule): number {
  const due = rows.filter((row) => row.attempt_count >= rule.failed_payments && !(rule.action === 'review' && row.review));
  return new Set(due.map((row) => row.subscription_id)).size;
}

/** What turning the rule on does, said before it is saved. */
export function ruleWarning(rule: DunningRule, count: number): string {
  const subscriptions = count === 1 ? '1 subscription' : `${count} subscriptions`;
  const failures = rule.failed_payments === 1 ? '1 failed payment' : `${rule.failed_payments} failed payments`;
  const now =
    rule.action === 'cancel'
      ? `At the next sync Billfold cancels ${subscriptions} now past due or unpaid after ${failures} or more, at once in Stripe, without a final invoice or proration. This cannot be undone.`
      : `At the next sync Billfold marks ${subscriptions} now past due or unpaid after ${failures} or more for review, in their Stripe metadata; nothing else changes.`;
  return `${now} From then on, after each sync, it does the same to every subscription that reaches ${failures}.`;
}
