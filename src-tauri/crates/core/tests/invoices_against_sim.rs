//! Invoices against a real stripe-sim: every action on every state it applies to, checked on
//! Stripe's side and in the cache; refused actions and bad input never reach Stripe; drafts
//! are created (catalog and ad hoc lines), edited and duplicated; a refusal half-way leaves no
//! draft; and processes killed mid-create or mid-finalize resume into exactly one object.

use std::collections::BTreeMap;
use std::sync::Arc;

use billfold_core::gateway::{Gateway, GatewayConfig};
use billfold_core::invoices::{
    CollectionMethod, CustomerChoice, DraftChanges, InvoiceActionKind, InvoiceDetail, LineChange, NewInvoiceInput,
    NewInvoiceLine,
};
use billfold_core::journal::{self, InvoiceAction, OperationKind, OperationStatus};
use billfold_core::secrets::Secret;
use billfold_core::store::{Store, DATABASE_FILE};
use billfold_core::sync::NoObserver;
use billfold_core::{Billfold, Error};
use serde_json::Value;
use stripe_sim::Simulator;

#[path = "support/kill.rs"]
mod kill;
mod po_support;
#[path = "support/sim_account.rs"]
mod sim_account;

use sim_account::sim;

/// Set in the environment of the child process a kill test starts.
const CHILD_ENV: &str = "BILLFOLD_INVOICES_CHILD";
const CHILD_KEY_ENV: &str = "BILLFOLD_INVOICES_CHILD_KEY";

fn unique_key() -> String {
    format!("sk_test_51Invoices{}", uuid::Uuid::new_v4().simple())
}

async fn open(dir: &std::path::Path, sim: &Simulator, key: &str) -> (Billfold, String) {
    sim_account::open_with_account(dir, sim, key, "Invoices").await
}

fn form(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs.iter().map(|(name, value)| (name.to_string(), value.to_string())).collect()
}

async fn post(app: &Billfold, account: &str, path: &str, pairs: &[(&str, &str)]) -> Value {
    app.gateway(account).await.unwrap().post_form(path, &form(pairs), None).await.unwrap()
}

async fn stripe_get(app: &Billfold, account: &str, path: &str, query: &[(&str, &str)]) -> Value {
    app.gateway(account).await.unwrap().get_json(path, &form(query)).await.unwrap()
}

/// A customer made in Stripe (with a default card when asked), synced into the cache.
async fn customer(app: &Billfold, account: &str, email: &str, with_card: bool) -> String {
    let created = post(app, account, "/v1/customers", &[("email", email), ("name", "Acme GmbH")]).await;
    let id = created["id"].as_str().unwrap().to_string();
    if with_card {
        let card = post(app, account, "/v1/payment_methods/pm_card_visa/attach", &[("customer", &id)]).await;
        let card = card["id"].as_str().unwrap();
        post(app, account, &format!("/v1/customers/{id}"), &[("invoice_settings[default_payment_method]", card)]).await;
    }
    app.sync_once(account, &NoObserver).await.unwrap();
    id
}

/// An active one-off EUR price of 25.00 for "Seat", synced into the cache.
async fn catalog_price(app: &Billfold, account: &str) -> String {
    let product = post(app, account, "/v1/products", &[("name", "Seat")]).await;
    let price = post(
        app,
        account,
        "/v1/prices",
        &[("product", product["id"].as_str().unwrap()), ("currency", "eur"), ("unit_amount", "2500")],
    )
    .await;
    app.sync_once(account, &NoObserver).await.unwrap();
    price["id"].as_str().unwrap().to_string()
}

fn ad_hoc(description: &str, quantity: u64, unit_amount: i64) -> NewInvoiceLine {
    NewInvoiceLine { price_id: None, description: Some(description.into()), quantity, unit_amount: Some(unit_amount) }
}

fn new_invoice(customer: CustomerChoice, method: CollectionMethod, lines: Vec<NewInvoiceLine>) -> NewInvoiceInput {
    let send = method == CollectionMethod::SendInvoice;
    NewInvoiceInput {
        customer,
        currency: "eur".into(),
        collection_method: method,
        days_until_due: send.then_some(30),
        due_date: None,
        lines,
        memo: Some("Thank you".into()),
        footer: Some("Acme Supplies · IBAN on file".into()),
        custom_fields: vec![billfold_core::invoices::CustomField { name: "PO".into(), value: "PO-7".into() }],
        metadata: BTreeMap::from([("project".to_string(), "atlas".to_string())]),
    }
}

fn existing(id: &str) -> CustomerChoice {
    CustomerChoice::Existing { customer_id: id.into() }
}

/// A draft of 3 × 10.00 for `customer`.
async fn draft(app: &Billfold, account: &str, customer: &str, method: CollectionMethod) -> InvoiceDetail {
    let input = new_invoice(existing(customer), method, vec![ad_hoc("Consulting", 3, 1000)]);
    app.create_invoice(account, input).await.unwrap()
}

/// An open invoice of 30.00 for `customer`.
async fn open_invoice(app: &Billfold, account: &str, customer: &str, method: CollectionMethod) -> String {
    let draft = draft(app, account, customer, method).await;
    let open = app.invoice_action(account, &draft.id, InvoiceActionKind::Finalize).await.unwrap();
    assert_eq!(open.status, "open");
    open.id
}

fn operation_count(dir: &std::path::Path) -> i64 {
    let db = rusqlite::Connection::open(dir.join(DATABASE_FILE)).unwrap();
    db.query_row("SELECT count(*) FROM operations", [], |row| row.get(0)).unwrap()
}

fn validation(err: Error) -> String {
    match err {
        Error::Validation(message) => message,
        other => panic!("expected a validation error, got {other:?}"),
    }
}

#[tokio::test]
async fn a_draft_with_catalog_and_ad_hoc_lines_is_made_in_one_operation() {
    let sim = sim().await;
    let dir = tempfile::tempdir().unwrap();
    let (app, account) = open(dir.path(), &sim, &unique_key()).await;
    let price = catalog_price(&app, &account).await;
    let catalog = app.list_catalog_prices(&account, Some("EUR")).unwrap();
    assert_eq!(catalog.len(), 1);
    assert_eq!((catalog[0].id.as_str(), catalog[0].product_name.as_str()), (price.as_str(), "Seat"));
    assert!(app.list_catalog_prices(&account, Some("usd")).unwrap().is_empty());

    let lines = vec![
        NewInvoiceLine { price_id: Some(price.clone()), description: None, quantity: 2, unit_amount: None },
        ad_hoc("Installation", 1, 12_000),
    ];
    let email = CustomerChoice::ByEmail { email: "ap@globex.test".into(), name: "Globex".into() };
    let before = sim.request_count();
    let detail = app.create_invoice(&account, new_invoice(email.clone(), CollectionMethod::SendInvoice, lines)).await.unwrap();
    assert_eq!(sim.request_count() - before, 4, "find customer, create customer, create invoice, add lines");

    assert_eq!(detail.status, "draft");
    assert_eq!(detail.total, 2 * 2500 + 12_000);
    assert_eq!(detail.lines.len(), 2);
    assert_eq!(detail.lines[0].price_id.as_deref(), Some(price.as_str()));
    assert_eq!((detail.lines[0].quantity, detail.lines[0].unit_amount), (Some(2), Some(2500)));
    assert_eq!(detail.lines[1].description.as_deref(), Some("Installation"));
    assert_eq!(detail.actions, vec![InvoiceActionKind::Finalize, InvoiceActionKind::DeleteDraft]);
    assert!(detail.can_edit && !detail.can_credit);
    assert_eq!(detail.memo.as_deref(), Some("Thank you"));
    assert_eq!(detail.custom_fields[0].value, "PO-7");
    assert_eq!(detail.metadata["project"], "atlas");

    let stripe = stripe_get(&app, &account, &format!("/v1/invoices/{}", detail.id), &[]).await;
    assert_eq!(stripe["status"], "draft");
    assert_eq!(stripe["auto_advance"], false);
    assert_eq!(stripe["total"], 17_000);
    assert_eq!(stripe["collection_method"], "send_invoice");
    assert!(stripe["metadata"]["operation_id"].as_str().unwrap().starts_with("op_"));

    // The same email again: the customer is found, not made twice.
    let again = app
        .create_invoice(&account, new_invoice(email, CollectionMethod::SendInvoice, vec![ad_hoc("Support", 1, 500)]))
        .await
        .unwrap();
    assert_eq!(again.customer_id, detail.customer_id);
    let customers = stripe_get(&app, &account, "/v1/customers", &[("email", "ap@globex.test")]).await;
    assert_eq!(customers["data"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn every_action_moves_stripe_and_the_cache_alike() {
    let sim = sim().await;
    let dir = tempfile::tempdir().unwrap();
    let (app, account) = open(dir.path(), &sim, &unique_key()).await;
    let cus = customer(&app, &account, "ap@acme.test", true).await;
    let stripe_status = |id: String| {
        let app = &app;
        let account = &account;
        async move { stripe_get(app, account, &format!("/v1/invoices/{id}"), &[]).await }
    };

    // draft → delete_draft
    let gone = draft(&app, &account, &cus, CollectionMethod::SendInvoice).await;
    let deleted = app.invoice_action(&account, &gone.id, InvoiceActionKind::DeleteDraft).await.unwrap();
    assert_eq!(deleted.status, "deleted");
    let missing = app.gateway(&account).await.unwrap().get_json(&format!("/v1/invoices/{}", gone.id), &[]).await;
    assert!(matches!(missing, Err(Error::Stripe { status: 404, .. })));
    assert!(matches!(app.invoice_detail(&account, &gone.id), Err(Error::NotFound(_))));

    // draft → finalize
    let id = open_invoice(&app, &account, &cus, CollectionMethod::SendInvoice).await;
    let open = app.invoice_detail(&account, &id).unwrap();
    assert!(open.number.is_some() && open.hosted_invoice_url.is_some() && open.finalized_at.is_some());
    assert_eq!(open.creditable_amount, 3000);
    assert!(open.can_credit && !open.can_edit);
    assert_eq!(stripe_status(id.clone()).await["status"], "open");

    // open → send (send_invoice only)
    let before = sim.request_count();
    let sent = app.invoice_action(&account, &id, InvoiceActionKind::Send).await.unwrap();
    assert_eq!(sim.request_count() - before, 1);
    assert_eq!(sent.status, "open");
    let events = stripe_get(&app, &account, "/v1/events", &[("type", "invoice.sent")]).await;
    assert!(events["data"].as_array().unwrap().iter().any(|event| event["data"]["object"]["id"] == id.as_str()));

    // open → void
    let voided = app.invoice_action(&account, &id, InvoiceActionKind::Void).await.unwrap();
    assert_eq!((voided.status.as_str(), voided.actions.len()), ("void", 0));
    assert_eq!(stripe_status(id).await["status"], "void");

    // open → pay (charges the default card)
    let id = open_invoice(&app, &account, &cus, CollectionMethod::ChargeAutomatically).await;
    let paid = app.invoice_action(&account, &id, InvoiceActionKind::Pay).await.unwrap();
    assert_eq!((paid.status.as_str(), paid.amount_paid, paid.amount_remaining), ("paid", 3000, 0));
    assert!(paid.actions.is_empty());
    let stripe = stripe_status(id).await;
    assert_eq!((stripe["status"].as_str(), stripe["amount_paid"].as_i64()), (Some("paid"), Some(3000)));

    // open → pay_out_of_band
    let id = open_invoice(&app, &account, &cus, CollectionMethod::SendInvoice).await;
    let paid = app.invoice_action(&account, &id, InvoiceActionKind::PayOutOfBand).await.unwrap();
    assert_eq!(paid.status, "paid");
    assert_eq!(stripe_status(id).await["status"], "paid");

    // open → mark_uncollectible, then uncollectible → pay_out_of_band
    let id = open_invoice(&app, &account, &cus, CollectionMethod::SendInvoice).await;
    let written_off = app.invoice_action(&account, &id, InvoiceActionKind::MarkUncollectible).await.unwrap();
    assert_eq!(written_off.status, "uncollectible");
    assert_eq!(
        written_off.actions,
        vec![InvoiceActionKind::Pay, InvoiceActionKind::PayOutOfBand, InvoiceActionKind::Void]
    );
    assert_eq!(stripe_status(id.clone()).await["status"], "uncollectible");
    let paid = app.invoice_action(&account, &id, InvoiceActionKind::PayOutOfBand).await.unwrap();
    assert_eq!(paid.status, "paid");
    assert_eq!(stripe_status(id).await["status"], "paid");

    // uncollectible → void
    let id = open_invoice(&app, &account, &cus, CollectionMethod::SendInvoice).await;
    app.invoice_action(&account, &id, InvoiceActionKind::MarkUncollectible).await.unwrap();
    let voided = app.invoice_action(&account, &id, InvoiceActionKind::Void).await.unwrap();
    assert_eq!(voided.status, "void");
    assert_eq!(stripe_status(id).await["status"], "void");

    // uncollectible → pay (charges the default card)
    let id = open_invoice(&app, &account, &cus, CollectionMethod::ChargeAutomatically).await;
    app.invoice_action(&account, &id, InvoiceActionKind::MarkUncollectible).await.unwrap();
    let paid = app.invoice_action(&account, &id, InvoiceActionKind::Pay).await.unwrap();
    assert_eq!((paid.status.as_str(), paid.amount_paid), ("paid", 3000));
    assert_eq!(stripe_status(id.clone()).await["status"], "paid");

    // The cache picks up the payments and events on the next sync; the detail shows them.
    app.sync_once(&account, &NoObserver).await.unwrap();
    let synced = app.invoice_detail(&account, &id).unwrap();
    assert_eq!(synced.payments.iter().map(|p| p.amount_paid).sum::<i64>(), 3000);
    assert!(synced.timeline.iter().any(|entry| entry.event_type == "invoice.paid"));
    assert!(synced.timeline.windows(2).all(|pair| pair[0].created >= pair[1].created), "newest first");
}

#[tokio::test]
async fn refused_actions_send_nothing_and_record_nothing() {
    let sim = sim().await;
    let dir = tempfile::tempdir().unwrap();
    let (app, account) = open(dir.path(), &sim, &unique_key()).await;
    let cus = customer(&app, &account, "ap@initech.test", false).await;
    let draft = draft(&app, &account, &cus, CollectionMethod::SendInvoice).await;
    let auto = open_invoice(&app, &account, &cus, CollectionMethod::ChargeAutomatically).await;
    let paid = open_invoice(&app, &account, &cus, CollectionMethod::SendInvoice).await;
    app.invoice_action(&account, &paid, InvoiceActionKind::PayOutOfBand).await.unwrap();

    let (requests, operations) = (sim.request_count(), operation_count(dir.path()));
    for (id, kind, rule) in [
        (&paid, InvoiceActionKind::Void, "A paid invoice cannot be voided."),
        (&paid, InvoiceActionKind::Pay, "Invoice is already paid"),
        (&draft.id, InvoiceActionKind::Send, "You can only send an open invoice. This invoice isn't open."),
        (&auto, InvoiceActionKind::Send, "You can only manually send an invoice if its collection method is 'send_invoice'."),
        (&auto, InvoiceActionKind::DeleteDraft, "You can only delete draft invoices."),
        (&auto, InvoiceActionKind::Finalize, "This invoice is already finalized, you can't re-finalize a non-draft invoice."),
    ] {
        let err = app.invoice_action(&account, id, kind).await.unwrap_err();
        assert_eq!(validation(err), rule);
    }
    let changes = DraftChanges { memo: Some("Too late".into()), ..DraftChanges::default() };
    assert!(validation(app.update_draft_invoice(&account, &paid, changes).await.unwrap_err()).contains("draft"));
    assert_eq!(sim.request_count(), requests, "nothing was sent");
    assert_eq!(operation_count(dir.path()), operations, "nothing was recorded");
    assert_eq!(app.invoice_detail(&account, &paid).unwrap().status, "paid");
}

#[tokio::test]
async fn bad_input_sends_nothing_and_records_no_operation() {
    let sim = sim().await;
    let dir = tempfile::tempdir().unwrap();
    let (app, account) = open(dir.path(), &sim, &unique_key()).await;
    let cus = customer(&app, &account, "ap@umbrella.test", false).await;
    // With a EUR balance, the customer cannot take another currency.
    let ledger = format!("/v1/customers/{cus}/balance_transactions");
    post(&app, &account, &ledger, &[("amount", "-100"), ("currency", "eur")]).await;
    app.sync_once(&account, &NoObserver).await.unwrap();

    let (requests, operations) = (sim.request_count(), operation_count(dir.path()));
    let good = || new_invoice(existing(&cus), CollectionMethod::SendInvoice, vec![ad_hoc("Consulting", 1, 1000)]);
    let mut zero = good();
    zero.lines = vec![ad_hoc("Consulting", 0, 1000)];
    let mut too_much = good();
    too_much.lines = vec![ad_hoc("Consulting", 1, 100_000_000)];
    let mut usd = good();
    usd.currency = "usd".into();
    let unknown = new_invoice(existing("cus_Unknown1"), CollectionMethod::SendInvoice, vec![ad_hoc("A", 1, 1)]);
    let mut bad_email = good();
    bad_email.customer = CustomerChoice::ByEmail { email: "ap@nowhere".into(), name: "Nowhere".into() };
    let mut no_terms = good();
    no_terms.days_until_due = None;
    for (input, expected) in [
        (zero, "quantity of at least 1"),
        (too_much, "at most 99999999"),
        (usd, "one currency"),
        (unknown, "no customer cus_Unknown1"),
        (bad_email, "not a valid email"),
        (no_terms, "payment terms"),
    ] {
        let message = validation(app.create_invoice(&account, input).await.unwrap_err());
        assert!(message.contains(expected), "{message}");
    }
    assert_eq!(sim.request_count(), requests, "nothing was sent");
    assert_eq!(operation_count(dir.path()), operations, "nothing was recorded");
}

#[tokio::test]
async fn a_draft_is_edited_and_duplicated() {
    let sim = sim().await;
    let dir = tempfile::tempdir().unwrap();
    let (app, account) = open(dir.path(), &sim, &unique_key()).await;
    let cus = customer(&app, &account, "ap@hooli.test", false).await;
    let price = catalog_price(&app, &account).await;
    let lines = vec![ad_hoc("Consulting", 3, 1000), ad_hoc("Travel", 1, 4000)];
    let created = app.create_invoice(&account, new_invoice(existing(&cus), CollectionMethod::SendInvoice, lines)).await.unwrap();
    let (first, second) = (created.lines[0].id.clone(), created.lines[1].id.clone());

    let changes = DraftChanges {
        add_lines: vec![NewInvoiceLine { price_id: Some(price.clone()), description: None, quantity: 1, unit_amount: None }],
        update_lines: vec![LineChange { line_id: first.clone(), description: None, quantity: Some(5), unit_amount: Some(1200) }],
        remove_line_ids: vec![second.clone()],
        days_until_due: Some(14),
        memo: Some("Revised".into()),
        ..DraftChanges::default()
    };
    let before = sim.request_count();
    let edited = app.update_draft_invoice(&account, &created.id, changes).await.unwrap();
    assert_eq!(sim.request_count() - before, 4, "terms, add, update and remove: one request each");
    assert_eq!(edited.memo.as_deref(), Some("Revised"));
    assert_eq!(edited.total, 5 * 1200 + 2500);
    let ids: Vec<&str> = edited.lines.iter().map(|line| line.id.as_str()).collect();
    assert!(ids.contains(&first.as_str()) && !ids.contains(&second.as_str()));
    assert_eq!(edited.due_date.unwrap() - edited.created, 14 * 86_400, "{edited:?}");
    let stripe = stripe_get(&app, &account, &format!("/v1/invoices/{}", created.id), &[]).await;
    assert_eq!((stripe["total"].as_i64(), stripe["description"].as_str()), (Some(8500), Some("Revised")));

    let copy = app.duplicate_invoice(&account, &created.id).await.unwrap();
    assert_ne!(copy.id, created.id);
    assert_eq!((copy.status.as_str(), copy.customer_id.as_deref()), ("draft", Some(cus.as_str())));
    assert_eq!((copy.total, copy.currency.as_str(), copy.memo.as_deref()), (8500, "eur", Some("Revised")));
    assert_eq!(copy.footer, edited.footer);
    assert_eq!(copy.custom_fields, edited.custom_fields);
    assert_eq!(copy.lines.len(), 2);
    assert!(copy.lines.iter().any(|line| line.price_id.as_deref() == Some(price.as_str())));
    assert_eq!(copy.metadata.get("project").map(String::as_str), Some("atlas"));
    assert_ne!(copy.metadata.get("operation_id"), edited.metadata.get("operation_id"));
}

#[tokio::test]
async fn a_refusal_half_way_leaves_no_draft_behind() {
    let sim = sim().await;
    let dir = tempfile::tempdir().unwrap();
    let (app, account) = open(dir.path(), &sim, &unique_key()).await;
    let cus = customer(&app, &account, "ap@vandelay.test", false).await;
    let price = catalog_price(&app, &account).await;
    // Archived in Stripe after the last sync: the cache still offers it, Stripe refuses it.
    post(&app, &account, &format!("/v1/prices/{price}"), &[("active", "false")]).await;
    let lines = vec![ad_hoc("Consulting", 1, 1000), NewInvoiceLine { price_id: Some(price), description: None, quantity: 1, unit_amount: None }];
    let err = app.create_invoice(&account, new_invoice(existing(&cus), CollectionMethod::SendInvoice, lines)).await.unwrap_err();
    let message = err.to_string();
    assert!(message.contains("draft was deleted") && message.contains("inactive"), "{message}");

    let invoices = stripe_get(&app, &account, "/v1/invoices", &[("customer", cus.as_str())]).await;
    assert!(invoices["data"].as_array().unwrap().is_empty(), "no draft is left in Stripe");
    app.sync_once(&account, &NoObserver).await.unwrap();
    assert_eq!(app.store().cached_count(&account, "invoices").unwrap(), 0, "nor in the cache");
    let db = rusqlite::Connection::open(dir.path().join(DATABASE_FILE)).unwrap();
    let status: String = db
        .query_row("SELECT status FROM operations WHERE kind = ?1", [OperationKind::CreateInvoice.as_str()], |row| row.get(0))
        .unwrap();
    assert_eq!(status, "failed", "refused for good: it will not retry");
}

#[tokio::test]
async fn the_timeline_lists_the_invoices_events_newest_first_and_how_each_arrived() {
    let sim = sim().await;
    let dir = tempfile::tempdir().unwrap();
    let (app, account) = open(dir.path(), &sim, &unique_key()).await;
    let cus = customer(&app, &account, "ap@stark.test", false).await;
    let id = open_invoice(&app, &account, &cus, CollectionMethod::SendInvoice).await;
    // The finalization is pushed by a webhook before any poll; the rest is polled.
    let finalized = stripe_get(&app, &account, "/v1/events", &[("type", "invoice.finalized")]).await;
    let pushed = finalized["data"][0].clone();
    assert_eq!(pushed["data"]["object"]["id"], id.as_str());
    assert!(app.apply_webhook_event(&account, pushed.clone()).await.unwrap());
    app.sync_once(&account, &NoObserver).await.unwrap();

    let timeline = app.invoice_detail(&account, &id).unwrap().timeline;
    let of = |event_type: &str| timeline.iter().find(|entry| entry.event_type == event_type).unwrap();
    assert_eq!((of("invoice.finalized").source.as_str(), of("invoice.finalized").event_id.as_str()), ("webhook", pushed["id"].as_str().unwrap()));
    assert_eq!(of("invoice.created").source, "poll");
    assert!(timeline.windows(2).all(|pair| pair[0].created >= pair[1].created), "newest first");
    assert!(timeline.iter().all(|entry| entry.event_type.starts_with("invoice.")), "{timeline:?}");
}

#[tokio::test]
async fn an_invoice_of_a_purchase_order_keeps_its_po_in_step() {
    let sim = sim().await;
    let dir = tempfile::tempdir().unwrap();
    let (app, account) = open(dir.path(), &sim, &unique_key()).await;
    let po = app.create_purchase_order(&account, po_support::po("PO-88", "ap@po.test", 1)).unwrap();
    let invoice = app.issue_purchase_order(&account, &po.summary.id).await.unwrap().invoice_id.unwrap();
    app.sync_once(&account, &NoObserver).await.unwrap();
    let detail = app.invoice_detail(&account, &invoice).unwrap();
    let link = detail.po.clone().unwrap();
    assert_eq!((link.po_id.as_str(), link.po_number.as_str()), (po.summary.id.as_str(), "PO-88"));

    app.invoice_action(&account, &invoice, InvoiceActionKind::MarkUncollectible).await.unwrap();
    let now = app.purchase_order(&account, &po.summary.id).unwrap();
    assert_eq!(now.summary.invoice_status.as_deref(), Some("uncollectible"));
    let audit = now.audit.iter().find(|entry| entry.action == "marked_uncollectible").unwrap();
    assert!(audit.stripe_request_id.is_some(), "the audit names Stripe's request");

    let voided = app.invoice_action(&account, &invoice, InvoiceActionKind::Void).await.unwrap();
    assert_eq!(voided.status, "void");
    let now = app.purchase_order(&account, &po.summary.id).unwrap();
    assert_eq!(now.summary.status, billfold_core::po::PoStatus::Cancelled);
    assert_eq!(now.summary.invoice_status.as_deref(), Some("void"));
}

#[tokio::test]
async fn reminders_report_each_invoice_and_csv_and_links_read_the_cache() {
    let sim = sim().await;
    let dir = tempfile::tempdir().unwrap();
    let (app, account) = open(dir.path(), &sim, &unique_key()).await;
    let cus = customer(&app, &account, "=ap@formula.test", false).await;
    let open = open_invoice(&app, &account, &cus, CollectionMethod::SendInvoice).await;
    let paid = open_invoice(&app, &account, &cus, CollectionMethod::SendInvoice).await;
    app.invoice_action(&account, &paid, InvoiceActionKind::PayOutOfBand).await.unwrap();

    let before = sim.request_count();
    let results = app.send_invoice_reminders(&account, &[open.clone(), paid.clone()]).await.unwrap();
    assert_eq!(sim.request_count() - before, 1, "only the open invoice is sent");
    assert_eq!((results[0].invoice_id.as_str(), results[0].ok, results[0].message.as_deref()), (open.as_str(), true, None));
    assert_eq!((results[1].ok, results[1].message.as_deref()), (false, Some("You can only send an open invoice. This invoice isn't open.")));

    let csv = app.export_invoices_csv(&account, &[open.clone(), paid.clone()]).unwrap();
    let rows: Vec<&str> = csv.lines().collect();
    assert_eq!(rows.len(), 3);
    assert!(rows[0].starts_with("number,invoice_id,status,"));
    assert!(rows[1].contains(&format!(",{open},open,Acme GmbH,'=ap@formula.test,EUR,")), "{}", rows[1]);
    assert!(rows[1].contains(",30.00,0.00,30.00,"), "{}", rows[1]);
    assert!(rows[2].contains(",30.00,30.00,0.00,"), "{}", rows[2]);

    let hosted = app.invoice_link(&account, &open, "hosted").unwrap();
    assert!(hosted.starts_with(sim.base_url()), "{hosted}");
    assert!(app.invoice_link(&account, &open, "pdf").unwrap().ends_with("/pdf"));
    assert!(matches!(app.invoice_link(&account, &open, "ftp"), Err(Error::Validation(_))));
}

/// The child's side of a kill test: runs one operation until killed.
async fn run_as_child(config: &str) {
    let config: Value = serde_json::from_str(config).unwrap();
    let dir = std::path::PathBuf::from(config["dir"].as_str().unwrap());
    let store = Arc::new(Store::open(&dir.join(DATABASE_FILE)).unwrap());
    let account = config["account"].as_str().unwrap();
    let key = Secret::new(std::env::var(CHILD_KEY_ENV).unwrap());
    let mode = GatewayConfig::for_mode(billfold_core::accounts::Mode::Test);
    let gateway = Gateway::new(store.clone(), account, config["base"].as_str().unwrap(), &key, mode).unwrap();
    let (kind, input) = match config["invoice"].as_str() {
        Some(invoice) => (
            OperationKind::FinalizeInvoice,
            serde_json::to_value(InvoiceAction { invoice_id: invoice.into(), po_id: None }).unwrap(),
        ),
        None => {
            let email = CustomerChoice::ByEmail { email: "ap@killed.test".into(), name: "Killed".into() };
            let input = new_invoice(email, CollectionMethod::SendInvoice, vec![ad_hoc("Consulting", 2, 1500)]);
            (OperationKind::CreateInvoice, serde_json::to_value(input).unwrap())
        }
    };
    let operation = journal::begin(&store, account, kind, input).unwrap();
    journal::run(&store, &gateway, &operation.id).await.unwrap();
    panic!("the child was meant to be killed before finishing");
}

/// Starts `test` as a child with `config` and kills it while its `request`th request is in flight.
async fn kill_child(sim: &Simulator, key: &str, test: &str, config: Value, request: u64) {
    let env = [(CHILD_ENV, config.to_string()), (CHILD_KEY_ENV, key.to_string())];
    let env: Vec<(&str, &str)> = env.iter().map(|(name, value)| (*name, value.as_str())).collect();
    kill::kill_child_in_flight(sim, test, &env, request).await;
}

#[tokio::test]
async fn a_create_killed_mid_request_resumes_into_one_customer_and_one_invoice() {
    if let Ok(config) = std::env::var(CHILD_ENV) {
        return run_as_child(&config).await;
    }
    let sim = sim().await;
    let key = unique_key();
    let dir = tempfile::tempdir().unwrap();
    let (app, account) = open(dir.path(), &sim, &key).await;
    let config = serde_json::json!({ "dir": dir.path(), "account": account, "base": sim.base_url() });
    // Killed while creating the invoice: Stripe made it, the answer is lost.
    kill_child(&sim, &key, "a_create_killed_mid_request_resumes_into_one_customer_and_one_invoice", config, 3).await;

    let pending = journal::unfinished(app.store()).unwrap();
    assert_eq!(pending.len(), 1);
    assert_eq!(pending[0].step, 2, "the customer was found missing and made; the invoice's answer never came");
    assert_eq!(app.resume_operations().await.unwrap(), 1);
    assert_eq!(app.store().operation(&pending[0].id).unwrap().status, OperationStatus::Done);

    let customers = stripe_get(&app, &account, "/v1/customers", &[("email", "ap@killed.test")]).await;
    let customers = customers["data"].as_array().unwrap();
    assert_eq!(customers.len(), 1, "one customer");
    let cus = customers[0]["id"].as_str().unwrap();
    let invoices = stripe_get(&app, &account, "/v1/invoices", &[("customer", cus)]).await;
    let invoices = invoices["data"].as_array().unwrap();
    assert_eq!(invoices.len(), 1, "one invoice");
    let detail = app.invoice_detail(&account, invoices[0]["id"].as_str().unwrap()).unwrap();
    assert_eq!((detail.status.as_str(), detail.total, detail.lines.len()), ("draft", 3000, 1));
}

#[tokio::test]
async fn a_finalize_killed_mid_request_resumes_into_one_open_invoice() {
    if let Ok(config) = std::env::var(CHILD_ENV) {
        return run_as_child(&config).await;
    }
    let sim = sim().await;
    let key = unique_key();
    let dir = tempfile::tempdir().unwrap();
    let (app, account) = open(dir.path(), &sim, &key).await;
    let cus = customer(&app, &account, "ap@wonka.test", false).await;
    let draft = draft(&app, &account, &cus, CollectionMethod::SendInvoice).await;
    let config = serde_json::json!({ "dir": dir.path(), "account": account, "base": sim.base_url(), "invoice": draft.id });
    kill_child(&sim, &key, "a_finalize_killed_mid_request_resumes_into_one_open_invoice", config, 1).await;

    let pending = journal::unfinished(app.store()).unwrap();
    assert_eq!((pending.len(), pending[0].step), (1, 0));
    assert_eq!(app.resume_operations().await.unwrap(), 1);
    let detail = app.invoice_detail(&account, &draft.id).unwrap();
    assert_eq!(detail.status, "open");
    let invoices = stripe_get(&app, &account, "/v1/invoices", &[("customer", cus.as_str())]).await;
    let invoices = invoices["data"].as_array().unwrap();
    assert_eq!(invoices.len(), 1, "one invoice");
    assert_eq!((invoices[0]["status"].as_str(), invoices[0]["number"].as_str()), (Some("open"), detail.number.as_deref()));
    let finalized = stripe_get(&app, &account, "/v1/events", &[("type", "invoice.finalized")]).await;
    assert_eq!(finalized["data"].as_array().unwrap().len(), 1, "finalized once");
}
