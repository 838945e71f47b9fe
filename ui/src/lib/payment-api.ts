// Typed calls of the payment commands (lists read the cache; refund, create, capture and
// cancel go to Stripe through the operations journal) and how a payment's status reads.
import { call } from './api';
import type {
  ListQuery,
  NewPaymentInput,
  PaymentDetail,
  PaymentFilters,
  PaymentPage,
  RefundInput,
  RefundPage,
} from './bindings';

/** The payments list's query: the list query and its own filters in one object, as the list passes them. */
export type PaymentQuery = ListQuery & Partial<PaymentFilters>;

/** The filters of a payments query; absent ones are null. */
export function filtersOf(query: PaymentQuery): PaymentFilters {
  return {
    created_from: query.created_from ?? null,
    created_to: query.created_to ?? null,
    amount_min: query.amount_min ?? null,
    amount_max: query.amount_max ?? null,
    customer_id: query.customer_id ?? null,
    currency: query.currency ?? null,
  };
}

/** One wrapper per payment command. */
export const paymentApi = {
  listPayments: (accountId: string, query: PaymentQuery) => {
    const { search, status, sort, descending, offset, limit, after } = query;
    return call<PaymentPage>('list_payments', {
      accountId,
      query: { search, status, sort, descending, offset, limit, after: after ?? null },
      filters: filtersOf(query),
    });
  },
  paymentDetail: (accountId: string, paymentIntentId: string) =>
    call<PaymentDetail>('payment_detail', { accountId, paymentIntentId }),
  listRefunds: (accountId: string, query: ListQuery) => call<RefundPage>('list_refunds', { accountId, query }),
  /** A `validation` error means nothing was sent. */
  refundPayment: (accountId: string, input: RefundInput) => call<PaymentDetail>('refund_payment', { accountId, input }),
  createPayment: (accountId: string, input: NewPaymentInput) => call<PaymentDetail>('create_payment', { accountId, input }),
  capturePayment: (accountId: string, paymentIntentId: string) =>
    call<PaymentDetail>('capture_payment', { accountId, paymentIntentId }),
  cancelPayment: (accountId: string, paymentIntentId: string) =>
    call<PaymentDetail>('cancel_payment', { accountId, paymentIntentId }),
};

/** The payment statuses the list filters by, in the order the chips show them. */
export const PAYMENT_STATUSES = [
  'succeeded',
  'failed',
  'requires_action',
  'uncaptured',
  'processing',
  'partially_refunded',
  'refunded',
  'disputed',
  'canceled',
] as const;

/** The refund statuses the refunds list filters by. */
export const REFUND_STATUSES = ['pending', 'requires_action', 'succeeded', 'failed', 'canceled'] as const;

/** "partially_refunded" → "partially refunded". */
export function statusLabel(status: string): string {
  return status.replace(/_/g, ' ');
}

/** A local date (`YYYY-MM-DD`) as the Unix seconds of its midnight; null when empty or invalid. */
export function dayStart(day: string): number | null {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) return null;
  const [year, month, date] = day.split('-').map(Number);
  const at = new Date(year, month - 1, date).getTime();
  return Number.isNaN(at) ? null : Math.floor(at / 1000);
}
