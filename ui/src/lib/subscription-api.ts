// Typed calls of the subscription commands. `list_subscriptions`, `get_subscription`,
// `list_recurring_prices` and `dunning_queue` read the cache; `upcoming_invoice` asks Stripe for
// a preview (never journaled), as does `preview_subscription_change`; actions, creation and
// changes of prices and quantities go to Stripe through the operations journal.
import { call } from './api';
import type {
  ChangePreview,
  DunningRow,
  ListQuery,
  NewSubscriptionInput,
  RecurringPrice,
  SubscriptionAction,
  SubscriptionChangeInput,
  SubscriptionDetail,
  SubscriptionPage,
  UpcomingInvoice,
} from './bindings';

/** One wrapper per subscription command, named as the command. */
export const subscriptionApi = {
  /** A page of the list: status filter, search by customer or id, sort by created, next_renewal, customer or mrr. */
  list_subscriptions: (accountId: string, query: ListQuery) =>
    call<SubscriptionPage>('list_subscriptions', { accountId, query }),
  /** One subscription from the cache, with the actions its state allows. */
  get_subscription: (accountId: string, subscriptionId: string) =>
    call<SubscriptionDetail>('get_subscription', { accountId, subscriptionId }),
  /** Stripe's preview of the next invoice; null when there is none (canceled). */
  upcoming_invoice: (accountId: string, subscriptionId: string) =>
    call<UpcomingInvoice | null>('upcoming_invoice', { accountId, subscriptionId }),
  /** Refused up front when the action's kind is not among the subscription's `actions`. */
  subscription_action: (accountId: string, subscriptionId: string, action: SubscriptionAction) =>
    call<SubscriptionDetail>('subscription_action', { accountId, subscriptionId, action }),
  /** A `validation` error means nothing was sent. */
  create_subscription: (accountId: string, input: NewSubscriptionInput) =>
    call<SubscriptionDetail>('create_subscription', { accountId, input }),
  /** Active recurring prices with their product names, in `currency` when given. */
  list_recurring_prices: (accountId: string, currency: string | null) =>
    call<RecurringPrice[]>('list_recurring_prices', { accountId, currency }),
  /** What a change would bill, as Stripe previews it; a `validation` error means nothing was sent. */
  preview_subscription_change: (accountId: string, subscriptionId: string, input: SubscriptionChangeInput) =>
    call<ChangePreview>('preview_subscription_change', { accountId, subscriptionId, input }),
  /** Makes the change (send the preview's `proration_date`, so it bills what was previewed). */
  change_subscription: (accountId: string, subscriptionId: string, input: SubscriptionChangeInput) =>
    call<SubscriptionDetail>('change_subscription', { accountId, subscriptionId, input }),
  /** Open invoices of past-due and unpaid subscriptions, most money at risk first. */
  dunning_queue: (accountId: string) => call<DunningRow[]>('dunning_queue', { accountId }),
};
