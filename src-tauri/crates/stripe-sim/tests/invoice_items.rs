//! Invoice items and line edits through async-stripe: pending items pulled into a draft
//! with `pending_invoice_items_behavior=include`, items added to drafts, `update_lines`,
//! `remove_lines`, and the refusals once an invoice is finalized.

mod common;

use stripe::StripeError;
use stripe_billing::invoice::{
    CreateInvoice, CreateInvoicePendingInvoiceItemsBehavior, FinalizeInvoiceInvoice, RemoveLinesInvoice, RemoveLinesInvoiceLines,
    RemoveLinesInvoiceLinesBehavior, RetrieveInvoice, UpdateLinesInvoice, UpdateLinesInvoiceLines,
};
use stripe_billing::invoice_item::{CreateInvoiceItem, DeleteInvoiceItem, ListInvoiceItem, PricingParam, RetrieveInvoiceItem, UpdateInvoiceItem};
use stripe_core::customer::CreateCustomer;
use stripe_core::event::ListEvent;
use stripe_product::price::CreatePrice;
use stripe_product::product::CreateProduct;
use stripe_types::Currency;

fn code(err: StripeError) -> String {
    match err {
        StripeError::Stripe(api, _) => api.code.map(|c| c.as_str().to_string()).unwrap_or_default(),
        other => panic!("expected a Stripe error, got {other:?}"),
    }
}

#[tokio::test]
async fn pending_items_are_pulled_into_a_draft_and_its_lines_edited() {
    let (_sim, client) = common::start().await;
    let customer = CreateCustomer::new().name("Acme").send(&client).await.unwrap();
    let product = CreateProduct::new("Seat").send(&client).await.unwrap();
    let price = CreatePrice::new(Currency::USD).product(product.id.as_str()).unit_amount(2_500).send(&client).await.unwrap();

    let setup = CreateInvoiceItem::new().customer(customer.id.as_str()).amount(10_000).currency(Currency::USD).description("Setup fee").send(&client).await.unwrap();
    assert!(setup.invoice.is_none(), "no invoice: pending");
    let mut pricing = PricingParam::new();
    pricing.price = Some(price.id.to_string());
    let seats = CreateInvoiceItem::new().customer(customer.id.as_str()).pricing(pricing).quantity(3u64).send(&client).await.unwrap();
    assert_eq!(seats.amount, 7_500);
    assert_eq!(seats.quantity, 3);
    let pending = ListInvoiceItem::new().customer(customer.id.as_str()).pending(true).send(&client).await.unwrap();
    assert_eq!(pending.data.len(), 2);

    let draft = CreateInvoice::new()
        .customer(customer.id.as_str())
        .pending_invoice_items_behavior(CreateInvoicePendingInvoiceItemsBehavior::Include)
        .send(&client)
        .await
        .unwrap();
    let id = draft.id.clone().unwrap();
    assert_eq!(draft.lines.data.len(), 2);
    assert_eq!(draft.total, 17_500);
    assert!(ListInvoiceItem::new().customer(customer.id.as_str()).pending(true).send(&client).await.unwrap().data.is_empty());
    let on_invoice = ListInvoiceItem::new().invoice(id.as_str()).send(&client).await.unwrap();
    assert_eq!(on_invoice.data.len(), 2);

    // An item added straight to the draft shows as a line at once.
    let travel = CreateInvoiceItem::new().customer(customer.id.as_str()).invoice(id.as_str()).amount(4_000).description("Travel").send(&client).await.unwrap();
    assert_eq!(RetrieveInvoice::new(id.clone()).send(&client).await.unwrap().total, 21_500);

    let seat_line = draft.lines.data.iter().find(|line| line.quantity == Some(3)).unwrap().id.clone();
    let setup_line = draft.lines.data.iter().find(|line| line.amount == 10_000).unwrap().id.clone();
    let mut more_seats = UpdateLinesInvoiceLines::new(seat_line.as_str());
    more_seats.quantity = Some(5);
    let mut cheaper_setup = UpdateLinesInvoiceLines::new(setup_line.as_str());
    cheaper_setup.amount = Some(8_000);
    cheaper_setup.description = Some("Setup fee (discounted)".into());
    let edited = UpdateLinesInvoice::new(id.clone(), vec![more_seats, cheaper_setup]).send(&client).await.unwrap();
    assert_eq!(edited.total, 12_500 + 8_000 + 4_000);
    let seats_after = RetrieveInvoiceItem::new(seats.id.clone()).send(&client).await.unwrap();
    assert_eq!((seats_after.quantity, seats_after.amount), (5, 12_500));

    let renamed = UpdateInvoiceItem::new(travel.id.clone()).description("Travel (2 days)").amount(6_000).send(&client).await.unwrap();
    assert_eq!(renamed.amount, 6_000);
    assert_eq!(RetrieveInvoice::new(id.clone()).send(&client).await.unwrap().total, 26_500);

    let removed = RemoveLinesInvoice::new(
        id.clone(),
        vec![
            RemoveLinesInvoiceLines::new(RemoveLinesInvoiceLinesBehavior::Unassign, setup_line.as_str()),
        ],
    )
    .send(&client)
    .await
    .unwrap();
    assert_eq!(removed.total, 18_500);
    let back_to_pending = ListInvoiceItem::new().customer(customer.id.as_str()).pending(true).send(&client).await.unwrap();
    assert_eq!(back_to_pending.data.len(), 1);
    assert_eq!(back_to_pending.data[0].id, setup.id);

    DeleteInvoiceItem::new(travel.id.clone()).send(&client).await.unwrap();
    assert_eq!(RetrieveInvoice::new(id.clone()).send(&client).await.unwrap().total, 12_500);
    let delete_line = RetrieveInvoice::new(id.clone()).send(&client).await.unwrap().lines.data[0].id.clone();
    let emptied = RemoveLinesInvoice::new(id.clone(), vec![RemoveLinesInvoiceLines::new(RemoveLinesInvoiceLinesBehavior::Delete, delete_line.as_str())])
        .send(&client)
        .await
        .unwrap();
    assert_eq!(emptied.total, 0);
    assert!(RetrieveInvoiceItem::new(seats.id.clone()).send(&client).await.is_err(), "a deleted line's item is gone");

    let types: Vec<String> = ListEvent::new().limit(100).send(&client).await.unwrap().data.iter().map(|e| e.type_.to_string()).collect();
    for expected in ["invoiceitem.created", "invoiceitem.updated", "invoiceitem.deleted", "invoice.updated"] {
        assert!(types.iter().any(|t| t == expected), "missing {expected}");
    }
}

#[tokio::test]
async fn lines_of_a_finalized_invoice_cannot_change() {
    let (_sim, client) = common::start().await;
    let customer = CreateCustomer::new().name("Beta").send(&client).await.unwrap();
    let item = CreateInvoiceItem::new().customer(customer.id.as_str()).amount(5_000).currency(Currency::EUR).send(&client).await.unwrap();
    let draft = CreateInvoice::new()
        .customer(customer.id.as_str())
        .currency(Currency::EUR)
        .pending_invoice_items_behavior(CreateInvoicePendingInvoiceItemsBehavior::Include)
        .send(&client)
        .await
        .unwrap();
    let id = draft.id.clone().unwrap();
    let line = draft.lines.data[0].id.clone();
    FinalizeInvoiceInvoice::new(id.clone()).send(&client).await.unwrap();

    let mut change = UpdateLinesInvoiceLines::new(line.as_str());
    change.amount = Some(1);
    assert_eq!(code(UpdateLinesInvoice::new(id.clone(), vec![change]).send(&client).await.unwrap_err()), "invoice_not_editable");
    let remove = RemoveLinesInvoice::new(id.clone(), vec![RemoveLinesInvoiceLines::new(RemoveLinesInvoiceLinesBehavior::Delete, line.as_str())]);
    assert_eq!(code(remove.send(&client).await.unwrap_err()), "invoice_not_editable");
    assert_eq!(code(UpdateInvoiceItem::new(item.id.clone()).amount(1).send(&client).await.unwrap_err()), "invoice_not_editable");
    assert_eq!(code(DeleteInvoiceItem::new(item.id.clone()).send(&client).await.unwrap_err()), "invoice_not_editable");
    let late = CreateInvoiceItem::new().customer(customer.id.as_str()).invoice(id.as_str()).amount(100).send(&client).await.unwrap_err();
    assert_eq!(code(late), "invoice_not_editable");
    let no_currency = CreateInvoiceItem::new().customer(customer.id.as_str()).amount(100).send(&client).await.unwrap_err();
    assert_eq!(code(no_currency), "parameter_missing");
}

#[tokio::test]
async fn editing_a_line_keeps_what_was_not_changed() {
    use stripe_billing::invoice::{AddLinesInvoice, AddLinesInvoiceLines};

    let (_sim, client) = common::start().await;
    let customer = CreateCustomer::new().name("Epsilon").send(&client).await.unwrap();
    let draft = CreateInvoice::new().customer(customer.id.as_str()).currency(Currency::USD).send(&client).await.unwrap();
    let id = draft.id.unwrap();
    let mut line = AddLinesInvoiceLines::new();
    line.amount = Some(6_000);
    line.quantity = Some(3);
    line.description = Some("Seats".into());
    line.metadata = Some(std::collections::HashMap::from([("sku".to_string(), "S-1".to_string())]));
    let with_line = AddLinesInvoice::new(id.clone(), vec![line]).send(&client).await.unwrap();
    let line_id = with_line.lines.data[0].id.clone();

    let mut rename = UpdateLinesInvoiceLines::new(line_id.as_str());
    rename.description = Some("Seats (annual)".into());
    let renamed = UpdateLinesInvoice::new(id.clone(), vec![rename]).send(&client).await.unwrap();
    let line = &renamed.lines.data[0];
    assert_eq!(line.description.as_deref(), Some("Seats (annual)"));
    assert_eq!((line.amount, line.quantity), (6_000, Some(3)));
    assert_eq!(line.metadata["sku"], "S-1");
    assert_eq!(line.id, line_id, "the line keeps its id");

    let mut unknown = UpdateLinesInvoiceLines::new("il_missing");
    unknown.amount = Some(1);
    assert_eq!(code(UpdateLinesInvoice::new(id.clone(), vec![unknown]).send(&client).await.unwrap_err()), "resource_missing");
}

#[tokio::test]
async fn an_archived_price_cannot_be_added_to_a_draft() {
    let sim = stripe_sim::Simulator::start(stripe_sim::SimConfig { rate_limit_per_sec: None, ..Default::default() }).await.unwrap();
    let key = "sk_test_51ArchivedPriceLines0000000000";
    let post = |path: String, body: String| {
        let sim = &sim;
        async move { common::raw_post(sim, key, &path, &body, None).await }
    };
    let (_, _, customer) = post("/v1/customers".into(), "name=Zeta".into()).await;
    let (_, _, product) = post("/v1/products".into(), "name=Seat".into()).await;
    let body = format!("product={}&currency=eur&unit_amount=2500", product["id"].as_str().unwrap());
    let (_, _, price) = post("/v1/prices".into(), body).await;
    let price_id = price["id"].as_str().unwrap().to_string();
    let (_, _, draft) = post("/v1/invoices".into(), format!("customer={}&currency=eur", customer["id"].as_str().unwrap())).await;
    let lines_path = format!("/v1/invoices/{}/add_lines", draft["id"].as_str().unwrap());

    let (status, _, _) = post(format!("/v1/prices/{price_id}"), "active=false".into()).await;
    assert_eq!(status, 200);
    let (status, _, refused) = post(lines_path.clone(), format!("lines[0][pricing][price]={price_id}&lines[0][quantity]=2")).await;
    assert_eq!(status, 400);
    assert_eq!(refused["error"]["param"], "lines[0][pricing][price]");
    assert!(refused["error"]["message"].as_str().unwrap().contains("inactive"));

    let (status, _, _) = post(format!("/v1/prices/{price_id}"), "active=true".into()).await;
    assert_eq!(status, 200);
    let (status, _, added) = post(lines_path, format!("lines[0][pricing][price]={price_id}&lines[0][quantity]=2")).await;
    assert_eq!(status, 200);
    assert_eq!(added["total"], 5000);
    assert_eq!(added["lines"]["data"][0]["pricing"]["price_details"]["price"], price_id.as_str());
}
