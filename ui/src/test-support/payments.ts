// Payment fixtures for UI tests, typed as the bindings say.
import type { PaymentDetail, PaymentRow, RefundRow } from '../lib/bindings';

/** A succeeded USD card payment of $50.00 unless overridden. */
export function paymentRow(overrides: Partial<PaymentRow> = {}): PaymentRow {
  return {
    id: 'pi_1',
    status: 'succeeded',
    decline_reason: null,
    amount: 5000,
    amount_refunded: 0,
    currency: 'usd',
    customer_id: 'cus_1',
    customer_name: 'Ferris Foundation',
    customer_email: 'ap@ferris.example',
    description: 'Workshop seats',
    method: 'Visa •••• 4242',
    charge_id: 'ch_1',
    created: 1_799_000_000,
    ...overrides,
  };
}

/** A succeeded refund of $15.00 of `pi_1` unless overridden. */
export function refundRow(overrides: Partial<RefundRow> = {}): RefundRow {
  return {
    id: 're_1',
    status: 'succeeded',
    amount: 1500,
    currency: 'usd',
    reason: 'requested_by_customer',
    note: 'Two seats returned',
    failure_reason: null,
    charge_id: 'ch_1',
    payment_intent_id: 'pi_1',
    created: 1_799_100_000,
    ...overrides,
  };
}

/** The detail of `paymentRow(payment)`: refundable in full, no fee known yet. */
export function paymentDetail(overrides: Partial<PaymentDetail> = {}, payment: Partial<PaymentRow> = {}): PaymentDetail {
  const row = paymentRow(payment);
  return {
    payment: row,
    refundable: row.amount - row.amount_refunded,
    capture_method: 'automatic',
    card_brand: 'visa',
    card_last4: '4242',
    receipt_url: null,
    fee: null,
    net: null,
    invoice_id: 'in_1',
    invoice_number: 'RC-0001',
    po_id: null,
    po_number: null,
    refunds: [],
    dispute: null,
    events: [],
    can_refund: row.status === 'succeeded' || row.status === 'partially_refunded',
    can_capture: row.status === 'uncaptured',
    can_cancel: row.status === 'uncaptured',
    ...overrides,
  };
}
