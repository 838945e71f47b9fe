//! Credit notes through async-stripe: pre-payment notes lower an open invoice's amount due
//! (and can pay it off), post-payment notes credit the customer's balance, previews store
//! nothing, and voiding undoes the credit.

mod common;

use stripe::StripeError;
use stripe_billing::credit_note::{
    CreateCreditNote, CreateCreditNoteLines, CreateCreditNoteLinesType, ListCreditNote, PreviewCreditNote, RetrieveCreditNote,
    UpdateCreditNote, VoidCreditNoteCreditNote,
};
use stripe_billing::invoice::{AddLinesInvoice, AddLinesInvoiceLines, CreateInvoice, FinalizeInvoiceInvoice, PayInvoice, RetrieveInvoice};
use stripe_core::customer::{CreateCustomer, RetrieveCustomer, RetrieveCustomerReturned};
use stripe_core::event::ListEvent;
use stripe_shared::{CreditNoteReason, CreditNoteStatus, CreditNoteType, Invoice, InvoiceStatus};
use stripe_types::Currency;

/// An open USD invoice of two lines: 6,000 (quantity 3 × 2,000) and 4,000.
async fn open_invoice(client: &stripe::Client) -> Invoice {
    let customer = CreateCustomer::new().name("Gamma").send(client).await.unwrap();
    let draft = CreateInvoice::new().customer(customer.id.as_str()).currency(Currency::USD).send(client).await.unwrap();
    let id = draft.id.clone().unwrap();
    let mut seats = AddLinesInvoiceLines::new();
    seats.amount = Some(6_000);
    seats.quantity = Some(3);
    seats.description = Some("Seats".into());
    let mut support = AddLinesInvoiceLines::new();
    support.amount = Some(4_000);
    support.description = Some("Support".into());
    AddLinesInvoice::new(id.clone(), vec![seats, support]).send(client).await.unwrap();
    FinalizeInvoiceInvoice::new(id).send(client).await.unwrap()
}

fn message(err: StripeError) -> String {
    match err {
        StripeError::Stripe(api, 400) => api.message.unwrap_or_default(),
        other => panic!("expected a 400, got {other:?}"),
    }
}

#[tokio::test]
async fn a_pre_payment_credit_note_lowers_the_amount_due_and_voiding_restores_it() {
    let (_sim, client) = common::start().await;
    let invoice = open_invoice(&client).await;
    let id = invoice.id.clone().unwrap();
    assert_eq!(invoice.amount_due, 10_000);
    let seats_line = invoice.lines.data.iter().find(|line| line.amount == 6_000).unwrap().id.clone();

    let mut one_seat = CreateCreditNoteLines::new(CreateCreditNoteLinesType::InvoiceLineItem);
    one_seat.invoice_line_item = Some(seats_line.to_string());
    one_seat.quantity = Some(1);
    let preview = PreviewCreditNote::new(id.as_str()).amount(2_000).send(&client).await.unwrap();
    assert_eq!(preview.total, 2_000);
    assert!(ListCreditNote::new().invoice(id.as_str()).send(&client).await.unwrap().data.is_empty(), "a preview stores nothing");

    let mut goodwill = CreateCreditNoteLines::new(CreateCreditNoteLinesType::CustomLineItem);
    goodwill.description = Some("Goodwill".into());
    goodwill.unit_amount = Some(500);
    let note = CreateCreditNote::new(id.as_str())
        .lines(vec![one_seat, goodwill])
        .reason(CreditNoteReason::OrderChange)
        .memo("One seat fewer")
        .send(&client)
        .await
        .unwrap();
    assert_eq!(note.total, 2_500);
    assert_eq!(note.type_, CreditNoteType::PrePayment);
    assert_eq!(note.lines.data.len(), 2);
    assert_eq!(note.lines.data[0].amount, 2_000);
    assert!(note.number.ends_with("-CN-01"));
    let credited = RetrieveInvoice::new(id.clone()).send(&client).await.unwrap();
    assert_eq!(credited.pre_payment_credit_notes_amount, 2_500);
    assert_eq!(credited.amount_due, 7_500);
    assert_eq!(credited.amount_remaining, 7_500);

    let too_much = CreateCreditNote::new(id.as_str()).amount(8_000).send(&client).await.unwrap_err();
    assert_eq!(message(too_much), format!("The credit note amount ($80.00) is greater than what invoice {id} can still be credited ($75.00)."));

    let memo = UpdateCreditNote::new(note.id.clone()).memo("Seat removed in March").send(&client).await.unwrap();
    assert_eq!(memo.memo.as_deref(), Some("Seat removed in March"));
    let voided = VoidCreditNoteCreditNote::new(note.id.clone()).send(&client).await.unwrap();
    assert_eq!(voided.status, CreditNoteStatus::Void);
    assert!(voided.voided_at.is_some());
    assert_eq!(RetrieveInvoice::new(id.clone()).send(&client).await.unwrap().amount_due, 10_000);
    assert!(VoidCreditNoteCreditNote::new(note.id.clone()).send(&client).await.is_err(), "void is final");
    assert_eq!(RetrieveCreditNote::new(note.id.clone()).send(&client).await.unwrap().status, CreditNoteStatus::Void);

    // Crediting everything that remains pays the invoice off.
    CreateCreditNote::new(id.as_str()).amount(10_000).send(&client).await.unwrap();
    let settled = RetrieveInvoice::new(id.clone()).send(&client).await.unwrap();
    assert_eq!((settled.status, settled.amount_remaining), (Some(InvoiceStatus::Paid), 0));
    assert_eq!(ListCreditNote::new().invoice(id.as_str()).send(&client).await.unwrap().data.len(), 2);

    let types: Vec<String> = ListEvent::new().limit(100).send(&client).await.unwrap().data.iter().map(|e| e.type_.to_string()).collect();
    for expected in ["credit_note.created", "credit_note.updated", "credit_note.voided", "invoice.paid"] {
        assert!(types.iter().any(|t| t == expected), "missing {expected}");
    }
}

#[tokio::test]
async fn a_post_payment_credit_note_credits_the_customer_balance() {
    let (_sim, client) = common::start().await;
    let invoice = open_invoice(&client).await;
    let id = invoice.id.clone().unwrap();
    PayInvoice::new(id.clone()).paid_out_of_band(true).send(&client).await.unwrap();

    let mismatch = CreateCreditNote::new(id.as_str()).amount(3_000).credit_amount(1_000).send(&client).await.unwrap_err();
    assert!(message(mismatch).starts_with("The sum of credit amount, refund amount and out of band amount (1000)"));
    let note = CreateCreditNote::new(id.as_str()).amount(3_000).send(&client).await.unwrap();
    assert_eq!(note.type_, CreditNoteType::PostPayment);
    assert_eq!(note.post_payment_amount, 3_000);
    assert!(note.customer_balance_transaction.is_some());
    let customer_id = note.customer.id().clone();
    let balance = |returned: RetrieveCustomerReturned| match returned {
        RetrieveCustomerReturned::Customer(customer) => customer.balance.unwrap_or_default(),
        RetrieveCustomerReturned::DeletedCustomer(_) => panic!("customer deleted"),
    };
    assert_eq!(balance(RetrieveCustomer::new(customer_id.clone()).send(&client).await.unwrap()), -3_000);
    assert_eq!(RetrieveInvoice::new(id.clone()).send(&client).await.unwrap().post_payment_credit_notes_amount, 3_000);

    let out_of_band = CreateCreditNote::new(id.as_str()).amount(1_000).out_of_band_amount(1_000).send(&client).await.unwrap();
    assert_eq!(out_of_band.out_of_band_amount, Some(1_000));
    assert_eq!(out_of_band.number.split("-CN-").nth(1), Some("02"));

    VoidCreditNoteCreditNote::new(note.id.clone()).send(&client).await.unwrap();
    assert_eq!(balance(RetrieveCustomer::new(customer_id).send(&client).await.unwrap()), 0);

    let draft = CreateInvoice::new().customer(note.customer.id().as_str()).send(&client).await.unwrap();
    let on_draft = CreateCreditNote::new(draft.id.unwrap().as_str()).amount(100).send(&client).await.unwrap_err();
    assert!(message(on_draft).contains("is draft"));
}

#[tokio::test]
async fn a_credit_note_on_a_card_paid_invoice_can_refund_the_charge() {
    use stripe_core::charge::RetrieveCharge;
    use stripe_core::payment_intent::ListPaymentIntent;
    use stripe_core::refund::ListRefund;

    let (_sim, client) = common::start().await;
    let invoice = open_invoice(&client).await;
    let id = invoice.id.clone().unwrap();
    let paid = PayInvoice::new(id.clone()).payment_method("pm_card_visa").send(&client).await.unwrap();
    assert_eq!(paid.status, Some(InvoiceStatus::Paid));
    let customer = paid.customer.as_ref().unwrap().id().clone();
    let intents = ListPaymentIntent::new().customer(customer.as_str()).send(&client).await.unwrap();
    assert_eq!(intents.data.len(), 1, "a card payment is a real payment intent");
    assert_eq!(intents.data[0].amount_received, 10_000);
    let charge = intents.data[0].latest_charge.as_ref().unwrap().id().clone();

    let too_much = CreateCreditNote::new(id.as_str()).amount(10_000).refund_amount(20_000).send(&client).await.unwrap_err();
    assert!(matches!(too_much, StripeError::Stripe(_, 400)));
    let note = CreateCreditNote::new(id.as_str()).amount(2_500).refund_amount(2_500).send(&client).await.unwrap();
    assert_eq!(note.refunds.len(), 1);
    assert_eq!(note.refunds[0].amount_refunded, 2_500);
    assert!(note.customer_balance_transaction.is_none(), "nothing credited to the balance");
    assert_eq!(RetrieveCharge::new(charge.as_str()).send(&client).await.unwrap().amount_refunded, 2_500);
    assert_eq!(ListRefund::new().charge(charge.as_str()).send(&client).await.unwrap().data.len(), 1);
}
