// Typed calls for the balance, payouts and the events list. Lists answer from the cache; a
// payout's detail fetches its transactions from Stripe the first time; the balance is read
// from Stripe, or the one kept last when Stripe cannot be reached.
import { call } from './api';
import type { AccountBalance, EventDetail, EventPage, EventQuery, ListQuery, PayoutDetail, PayoutPage } from './bindings';

export const payoutsApi = {
  /** A page of the cached payouts, searched by id, filtered by status. */
  listPayouts: (accountId: string, query: ListQuery) => call<PayoutPage>('list_payouts', { accountId, query }),
  /** A payout with its balance transactions and their sums. */
  payoutDetail: (accountId: string, payoutId: string) => call<PayoutDetail>('payout_detail', { accountId, payoutId }),
  /** A payout's transactions as CSV text. */
  exportPayoutCsv: (accountId: string, payoutId: string) => call<string>('export_payout_csv', { accountId, payoutId }),
  /** The balance per currency and when it was read. */
  accountBalance: (accountId: string) => call<AccountBalance>('account_balance', { accountId }),
  /** A page of the cached events, newest first. */
  listEvents: (accountId: string, query: EventQuery) => call<EventPage>('list_events', { accountId, query }),
  /** One cached event with its JSON. */
  eventDetail: (accountId: string, eventId: string) => call<EventDetail>('event_detail', { accountId, eventId }),
};
