//! Partial payments: a payment intent attached to an open invoice, and the invoice payments
//! behind `amount_paid`, through async-stripe.

mod common;

use stripe_billing::invoice::{AddLinesInvoice, AddLinesInvoiceLines, AttachPaymentInvoice, CreateInvoice, FinalizeInvoiceInvoice};
use stripe_billing::invoice_payment::ListInvoicePayment;
use stripe_core::customer::CreateCustomer;
use stripe_core::payment_intent::CreatePaymentIntent;
use stripe_shared::{InvoiceCollectionMethod, InvoiceStatus};
use stripe_types::Currency;

#[tokio::test]
async fn two_attached_payment_intents_pay_an_invoice_in_parts() {
    let (sim, client) = common::start().await;
    let customer = CreateCustomer::new().email("ap@acme.example").send(&client).await.unwrap();
    let invoice = CreateInvoice::new()
        .customer(customer.id.as_str())
        .collection_method(InvoiceCollectionMethod::SendInvoice)
        .days_until_due(30u32)
        .currency(Currency::USD)
        .send(&client)
        .await
        .unwrap();
    let id = invoice.id.clone().unwrap();
    let mut line = AddLinesInvoiceLines::new();
    line.amount = Some(100_000);
    line.description = Some("Gold sponsorship".into());
    AddLinesInvoice::new(id.clone(), vec![line]).send(&client).await.unwrap();
    FinalizeInvoiceInvoice::new(id.clone()).send(&client).await.unwrap();

    let pay = |amount: i64| {
        CreatePaymentIntent::new(amount, Currency::USD).customer(customer.id.as_str()).payment_method("pm_card_visa").confirm(true)
    };
    let first = pay(40_000).send(&client).await.unwrap();
    let partly = AttachPaymentInvoice::new(id.clone()).payment_intent(first.id.as_str()).send(&client).await.unwrap();
    assert_eq!(partly.status, Some(InvoiceStatus::Open));
    assert_eq!((partly.amount_paid, partly.amount_remaining), (40_000, 60_000));

    let again = AttachPaymentInvoice::new(id.clone()).payment_intent(first.id.as_str()).send(&client).await.unwrap_err();
    assert!(matches!(again, stripe::StripeError::Stripe(_, 400)), "a payment intent pays one invoice once");

    let second = pay(60_000).send(&client).await.unwrap();
    let paid = AttachPaymentInvoice::new(id.clone()).payment_intent(second.id.as_str()).send(&client).await.unwrap();
    assert_eq!(paid.status, Some(InvoiceStatus::Paid));
    assert_eq!(paid.amount_remaining, 0);

    let payments = ListInvoicePayment::new().invoice(id.as_str()).send(&client).await.unwrap();
    let amounts: Vec<i64> = payments.data.iter().map(|p| p.amount_paid.unwrap_or(0)).collect();
    assert_eq!(amounts, [60_000, 40_000], "newest first");
    drop(sim);
}
