//! Invoices through async-stripe: the PO flow (send_invoice, all lines in one request,
//! finalize, send), partial and out-of-band payments, and Stripe's wrong-state refusals.

mod common;

use std::collections::HashMap;

use stripe_billing::invoice::{
    AddLinesInvoice, AddLinesInvoiceLines, AddLinesInvoiceLinesPriceData, CreateInvoice,
    CustomFieldParams, DeleteInvoice, FinalizeInvoiceInvoice, ListInvoice, PayInvoice, RetrieveInvoice, SendInvoiceInvoice,
    VoidInvoiceInvoice,
};
use stripe_core::customer::CreateCustomer;
use stripe_core::event::ListEvent;
use stripe_shared::{Invoice, InvoiceStatus};
use stripe_types::Currency;

async fn customer_payment(sim: &stripe_sim::Simulator, invoice: &str, body: &str) -> serde_json::Value {
    common::raw_json_post(sim, &format!("/_sim/invoices/{invoice}/customer_payment"), body).await
}

async fn draft_po_invoice(client: &stripe::Client) -> Invoice {
    let customer = CreateCustomer::new().email("ap@acme.example").name("Acme GmbH").send(client).await.unwrap();
    CreateInvoice::new()
        .customer(customer.id.as_str())
        .collection_method(stripe_shared::InvoiceCollectionMethod::SendInvoice)
        .days_until_due(30u32)
        .currency(Currency::EUR)
        .metadata(HashMap::from([("po_number".to_string(), "PO-4711".to_string())]))
        .custom_fields(vec![CustomFieldParams::new("PO number", "PO-4711")])
        .send(client)
        .await
        .unwrap()
}

fn line(description: &str, quantity: u64, unit_amount: i64) -> AddLinesInvoiceLines {
    let mut price = AddLinesInvoiceLinesPriceData::new(Currency::EUR);
    price.product_data = Some(stripe_billing::invoice::ProductData::new(description));
    price.unit_amount = Some(unit_amount);
    let mut line = AddLinesInvoiceLines::new();
    line.description = Some(description.to_string());
    line.quantity = Some(quantity);
    line.price_data = Some(price);
    line
}

#[tokio::test]
async fn a_po_invoice_from_draft_to_paid_with_a_partial_payment() {
    let (sim, client) = common::start().await;
    let draft = draft_po_invoice(&client).await;
    let id = draft.id.clone().unwrap();
    assert_eq!(draft.status, Some(InvoiceStatus::Draft));
    assert!(draft.due_date.is_some(), "send_invoice with days_until_due has a due date");
    assert_eq!(draft.custom_fields.as_ref().unwrap()[0].value, "PO-4711");

    let before = sim.request_count();
    let with_lines = AddLinesInvoice::new(id.clone(), vec![line("Gold sponsorship", 1, 1_250_000), line("Booth", 2, 150_000), line("Badges", 10, 9_950)])
        .send(&client)
        .await
        .unwrap();
    assert_eq!(sim.request_count() - before, 1, "all lines in one request");
    assert_eq!(with_lines.total, 1_250_000 + 300_000 + 99_500);
    assert_eq!(with_lines.lines.data.len(), 3);

    let open = FinalizeInvoiceInvoice::new(id.clone()).send(&client).await.unwrap();
    assert_eq!(open.status, Some(InvoiceStatus::Open));
    assert!(open.number.is_some());
    assert!(open.hosted_invoice_url.as_deref().unwrap().starts_with(sim.base_url()));
    assert!(open.invoice_pdf.is_some());
    SendInvoiceInvoice::new(id.clone()).send(&client).await.unwrap();

    let after_part = customer_payment(&sim, id.as_str(), r#"{"amount": 600000, "method": "bank_transfer"}"#).await;
    assert_eq!(after_part["amount_paid"], 600_000);
    let partly = RetrieveInvoice::new(id.clone()).send(&client).await.unwrap();
    assert_eq!(partly.status, Some(InvoiceStatus::Open));
    assert_eq!(partly.amount_remaining, 1_649_500 - 600_000);

    let paid = PayInvoice::new(id.clone()).paid_out_of_band(true).send(&client).await.unwrap();
    assert_eq!(paid.status, Some(InvoiceStatus::Paid));
    assert_eq!(paid.amount_paid, 1_649_500);
    assert_eq!(paid.amount_remaining, 0);

    let events = ListEvent::new().type_("invoice*").limit(100).send(&client).await.unwrap();
    let mut types: Vec<String> = events.data.iter().map(|e| e.type_.to_string()).collect();
    types.reverse();
    for expected in ["invoice.created", "invoice.finalized", "invoice.sent", "invoice_payment.paid", "invoice.paid"] {
        assert!(types.iter().any(|t| t == expected), "{expected} missing from {types:?}");
    }
    let created_at = types.iter().position(|t| t == "invoice.created").unwrap();
    let paid_at = types.iter().position(|t| t == "invoice.paid").unwrap();
    assert!(created_at < paid_at);
}

#[tokio::test]
async fn wrong_state_calls_are_refused_with_stripes_messages() {
    let (_sim, client) = common::start().await;
    let draft = draft_po_invoice(&client).await;
    let id = draft.id.clone().unwrap();
    let message = |err: stripe::StripeError| match err {
        stripe::StripeError::Stripe(api, 400) => api.message.unwrap_or_default(),
        other => panic!("expected a 400, got {other:?}"),
    };
    assert_eq!(
        message(VoidInvoiceInvoice::new(id.clone()).send(&client).await.unwrap_err()),
        "You can only pass in open invoices. This invoice isn't open."
    );
    AddLinesInvoice::new(id.clone(), vec![line("Ticket", 1, 45_000)]).send(&client).await.unwrap();
    FinalizeInvoiceInvoice::new(id.clone()).send(&client).await.unwrap();
    assert_eq!(
        message(FinalizeInvoiceInvoice::new(id.clone()).send(&client).await.unwrap_err()),
        "This invoice is already finalized, you can't re-finalize a non-draft invoice."
    );
    assert_eq!(message(DeleteInvoice::new(id.clone()).send(&client).await.unwrap_err()), "You can only delete draft invoices.");
    let not_editable = AddLinesInvoice::new(id.clone(), vec![line("More", 1, 1)]).send(&client).await.unwrap_err();
    match not_editable {
        stripe::StripeError::Stripe(api, 400) => assert_eq!(api.code.unwrap().as_str(), "invoice_not_editable"),
        other => panic!("{other:?}"),
    }
    PayInvoice::new(id.clone()).paid_out_of_band(true).send(&client).await.unwrap();
    assert_eq!(message(PayInvoice::new(id.clone()).paid_out_of_band(true).send(&client).await.unwrap_err()), "Invoice is already paid");
    let voided = VoidInvoiceInvoice::new(id.clone()).send(&client).await.unwrap_err();
    assert!(matches!(voided, stripe::StripeError::Stripe(_, 400)));
}

#[tokio::test]
async fn send_invoice_needs_a_due_date_and_drafts_can_be_deleted() {
    let (_sim, client) = common::start().await;
    let customer = CreateCustomer::new().email("x@y.example").send(&client).await.unwrap();
    let err = CreateInvoice::new()
        .customer(customer.id.as_str())
        .collection_method(stripe_shared::InvoiceCollectionMethod::SendInvoice)
        .send(&client)
        .await
        .unwrap_err();
    match err {
        stripe::StripeError::Stripe(api, 400) => assert_eq!(
            api.message.as_deref(),
            Some("If invoice collection method is 'send_invoice', you must specify 'due_date' or 'days_until_due'.")
        ),
        other => panic!("{other:?}"),
    }
    let draft = CreateInvoice::new().customer(customer.id.as_str()).send(&client).await.unwrap();
    assert_eq!(draft.due_date, None, "charge_automatically has no due date");
    DeleteInvoice::new(draft.id.clone().unwrap()).send(&client).await.unwrap();
    let listed = ListInvoice::new().customer(customer.id.as_str()).send(&client).await.unwrap();
    assert!(listed.data.is_empty());
}

#[tokio::test]
async fn card_payments_succeed_or_decline_like_the_test_cards() {
    let (sim, client) = common::start().await;
    let draft = draft_po_invoice(&client).await;
    let id = draft.id.clone().unwrap();
    AddLinesInvoice::new(id.clone(), vec![line("Ticket", 1, 45_000)]).send(&client).await.unwrap();
    FinalizeInvoiceInvoice::new(id.clone()).send(&client).await.unwrap();
    let declined = PayInvoice::new(id.clone()).payment_method("pm_card_chargeDeclined").send(&client).await.unwrap_err();
    match declined {
        stripe::StripeError::Stripe(api, 402) => assert_eq!(api.code.unwrap().as_str(), "card_declined"),
        other => panic!("expected a card error, got {other:?}"),
    }
    let still_open = RetrieveInvoice::new(id.clone()).send(&client).await.unwrap();
    assert_eq!(still_open.attempt_count, 1);
    assert_eq!(still_open.status, Some(InvoiceStatus::Open));
    let paid = PayInvoice::new(id.clone()).payment_method("pm_card_visa").send(&client).await.unwrap();
    assert_eq!(paid.status, Some(InvoiceStatus::Paid));
    // A card cannot pay more than is due; a bank transfer can overpay (checked at the control API).
    let refused = customer_payment(&sim, id.as_str(), r#"{"amount": 10}"#).await;
    assert_eq!(refused["error"]["type"], "invalid_request_error");
}

#[tokio::test]
async fn an_invoice_embeds_ten_lines_and_pages_the_rest() {
    let (_sim, client) = common::start().await;
    let draft = draft_po_invoice(&client).await;
    let id = draft.id.clone().unwrap();
    let lines: Vec<_> = (1..=12).map(|n| line(&format!("Badge {n}"), 1, 1_000)).collect();
    let added = AddLinesInvoice::new(id.clone(), lines).send(&client).await.unwrap();
    assert_eq!(added.lines.data.len(), 10, "Stripe embeds the first ten lines");
    assert!(added.lines.has_more);
    assert_eq!(added.total, 12_000, "amounts count every line");
    let fetched = RetrieveInvoice::new(id.clone()).send(&client).await.unwrap();
    assert_eq!(fetched.lines.data.len(), 10);
    let all = stripe_billing::invoice_line_item::ListInvoiceInvoiceLineItem::new(id.clone()).limit(100).send(&client).await.unwrap();
    assert_eq!(all.data.len(), 12);
    assert!(!all.has_more);
}

#[tokio::test]
async fn finalizing_with_auto_advance_emails_a_send_invoice_invoice() {
    let (sim, _) = common::start().await;
    let key = "sk_test_51AutoAdvance0000000000000001".to_string();
    let client = common::client(&sim, &key);
    for auto_advance in [true, false] {
        let draft = draft_po_invoice(&client).await;
        let id = draft.id.clone().unwrap();
        AddLinesInvoice::new(id.clone(), vec![line("Booth", 1, 150_000)]).send(&client).await.unwrap();
        let body = if auto_advance { "auto_advance=true" } else { "" };
        let (status, _, finalized) = common::raw_post(&sim, &key, &format!("/v1/invoices/{id}/finalize"), body, None).await;
        assert_eq!(status, 200, "{finalized}");
        assert_eq!(finalized["status"], "open");
        assert_eq!(finalized["auto_advance"], auto_advance);
        let auth = format!("Bearer {key}");
        let (_, _, events) = common::http(&sim, "GET", "/v1/events?limit=100&type=invoice.sent", &[("Authorization", auth.as_str())], "").await;
        let sent = events["data"].as_array().unwrap().iter().filter(|event| event["data"]["object"]["id"] == id.as_str()).count();
        assert_eq!(sent, usize::from(auto_advance), "auto_advance={auto_advance}");
    }
}
