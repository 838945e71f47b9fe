//! Customers against a real stripe-sim: created and updated through the journal (address,
//! locales, invoice footer, default payment method, metadata), with Stripe and the cache
//! agreeing; bad input refused with nothing recorded or sent; a kill mid-create resumed into
//! exactly one customer; and the detail view listing the customer's invoices and credit notes.

use std::collections::BTreeMap;
use std::sync::Arc;

use billfold_core::credit_notes::CreditNoteInput;
use billfold_core::customers::{Address, CustomerInput};
use billfold_core::gateway::{Gateway, GatewayConfig};
use billfold_core::journal::{self, OperationKind, OperationStatus, WriteCustomer};
use billfold_core::secrets::Secret;
use billfold_core::store::{Store, DATABASE_FILE};
use billfold_core::sync::NoObserver;
use billfold_core::{Billfold, ErrorCode};
use serde_json::Value;

#[path = "support/kill.rs"]
mod kill;
#[path = "support/sim_account.rs"]
mod sim_account;

use sim_account::sim;

/// Set in the environment of the child process the kill test starts.
const CHILD_ENV: &str = "BILLFOLD_CUSTOMER_CHILD";

fn unique_key() -> String {
    format!("sk_test_51Customer{}", uuid::Uuid::new_v4().simple())
}

fn form(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs.iter().map(|(name, value)| (name.to_string(), value.to_string())).collect()
}

fn acme() -> CustomerInput {
    CustomerInput {
        name: Some("Acme GmbH".into()),
        email: Some("ap@acme.test".into()),
        phone: Some("+49 30 1234567".into()),
        address: Some(Address {
            line1: Some("Hauptstraße 1".into()),
            city: Some("Berlin".into()),
            postal_code: Some("10115".into()),
            country: Some("de".into()),
            ..Address::default()
        }),
        preferred_locales: vec!["de-DE".into(), "en".into()],
        default_payment_method: None,
        invoice_footer: Some("Thank you".into()),
        metadata: BTreeMap::from([("team".into(), "finance".into())]),
    }
}

async fn stripe_customer(app: &Billfold, account: &str, id: &str) -> Value {
    app.gateway(account).await.unwrap().get_json(&format!("/v1/customers/{id}"), &[]).await.unwrap()
}

fn operations(dir: &std::path::Path) -> i64 {
    let db = rusqlite::Connection::open(dir.join(DATABASE_FILE)).unwrap();
    db.query_row("SELECT count(*) FROM operations", [], |row| row.get(0)).unwrap()
}

#[tokio::test]
async fn a_customer_is_created_then_edited_and_stripe_and_the_cache_agree() {
    let sim = sim().await;
    let dir = tempfile::tempdir().unwrap();
    let (app, account) = sim_account::open_with_account(dir.path(), &sim, &unique_key(), "Customers").await;
    // The first sync is a backfill: events from then on are cached (the timeline's source).
    app.sync_once(&account, &NoObserver).await.unwrap();
    let before = sim.request_count();
    let created = app.create_customer(&account, acme()).await.unwrap();
    assert_eq!(sim.request_count() - before, 1, "one POST");
    let stripe = stripe_customer(&app, &account, &created.id).await;
    assert_eq!(stripe["address"]["country"], "DE");
    assert_eq!(stripe["preferred_locales"], serde_json::json!(["de-DE", "en"]));
    assert_eq!(stripe["invoice_settings"]["footer"], "Thank you", "{stripe:#}");
    assert!(stripe["metadata"]["operation_id"].as_str().unwrap().starts_with("op_"));
    assert_eq!(created.name.as_deref(), Some("Acme GmbH"));
    assert_eq!(created.email.as_deref(), Some("ap@acme.test"));
    assert_eq!(created.address.as_ref().unwrap().city.as_deref(), Some("Berlin"));
    assert_eq!(created.preferred_locales, vec!["de-DE", "en"]);
    assert_eq!(created.invoice_footer.as_deref(), Some("Thank you"));
    assert_eq!(created.metadata.get("team").map(String::as_str), Some("finance"));
    assert_eq!(app.customers_with_email(&account, "AP@Acme.TEST").unwrap().len(), 1);
    assert!(app.customers_with_email(&account, "ap@acme.tes").unwrap().is_empty());

    // A card attached in Stripe and cached becomes the default; the footer and phone go.
    let gateway = app.gateway(&account).await.unwrap();
    let card = gateway
        .post_form("/v1/payment_methods/pm_card_visa/attach", &form(&[("customer", &created.id)]), None)
        .await
        .unwrap();
    let card = card["id"].as_str().unwrap().to_string();
    app.refresh_customer_payment_methods(&account, &created.id).await.unwrap();
    let mut edit = acme();
    edit.name = Some("Acme SE".into());
    edit.phone = None;
    edit.invoice_footer = None;
    edit.preferred_locales = vec!["fr-FR".into()];
    edit.address = Some(Address { city: Some("Lyon".into()), country: Some("FR".into()), ..Address::default() });
    edit.default_payment_method = Some(card.clone());
    edit.metadata = created.metadata.clone();
    edit.metadata.remove("team");
    let updated = app.update_customer(&account, &created.id, edit).await.unwrap();
    let stripe = stripe_customer(&app, &account, &created.id).await;
    assert_eq!(stripe["name"], "Acme SE");
    assert!(stripe["phone"].is_null());
    assert!(stripe["invoice_settings"]["footer"].is_null());
    assert_eq!(stripe["invoice_settings"]["default_payment_method"], card.as_str());
    assert_eq!(stripe["preferred_locales"], serde_json::json!(["fr-FR"]));
    assert!(stripe["metadata"].get("team").is_none(), "a dropped key is removed");
    assert_eq!(updated.name.as_deref(), Some("Acme SE"));
    assert_eq!(updated.phone, None);
    assert_eq!(updated.invoice_footer, None);
    assert_eq!(updated.default_payment_method.as_deref(), Some(card.as_str()));
    assert_eq!(updated.address.as_ref().unwrap().city.as_deref(), Some("Lyon"));
    assert_eq!(updated.preferred_locales, vec!["fr-FR"]);
    assert!(!updated.metadata.contains_key("team"));

    // The events Stripe emitted agree with what was applied.
    app.sync_once(&account, &NoObserver).await.unwrap();
    let synced = app.customer_detail(&account, &created.id).unwrap();
    assert_eq!((synced.name, synced.default_payment_method), (updated.name, updated.default_payment_method));
    assert!(synced.timeline.iter().any(|entry| entry.event_type == "customer.created"));
}

#[tokio::test]
async fn bad_input_is_refused_before_anything_is_recorded_or_sent() {
    let sim = sim().await;
    let dir = tempfile::tempdir().unwrap();
    let (app, account) = sim_account::open_with_account(dir.path(), &sim, &unique_key(), "Customers").await;
    let gateway = app.gateway(&account).await.unwrap();
    let other = gateway.post_form("/v1/customers", &form(&[("name", "Other")]), None).await.unwrap();
    let other = other["id"].as_str().unwrap().to_string();
    let card = gateway.post_form("/v1/payment_methods/pm_card_visa/attach", &form(&[("customer", &other)]), None).await.unwrap();
    let card = card["id"].as_str().unwrap().to_string();
    app.sync_once(&account, &NoObserver).await.unwrap();
    app.refresh_customer_payment_methods(&account, &other).await.unwrap();
    let mine = gateway.post_form("/v1/customers", &form(&[("name", "Mine")]), None).await.unwrap();
    let mine = mine["id"].as_str().unwrap().to_string();
    app.sync_once(&account, &NoObserver).await.unwrap();

    let before = sim.request_count();
    let creates = [
        CustomerInput { email: Some("ap@acme".into()), ..acme() },
        CustomerInput { email: Some("a p@acme.test".into()), ..acme() },
        CustomerInput { name: Some("n".repeat(257)), ..acme() },
        CustomerInput { phone: Some("0".repeat(21)), ..acme() },
        CustomerInput { address: Some(Address { country: Some("Germany".into()), ..Address::default() }), ..acme() },
        CustomerInput { preferred_locales: vec!["german".into()], ..acme() },
        CustomerInput { metadata: BTreeMap::from([("k".repeat(41), "v".into())]), ..acme() },
        CustomerInput { default_payment_method: Some(card.clone()), ..acme() },
    ];
    for input in creates {
        let err = app.create_customer(&account, input.clone()).await.unwrap_err();
        assert_eq!(err.code(), ErrorCode::Validation, "{input:?}: {err}");
    }
    // Another customer's card, an unknown customer, a path that is not an id.
    let updates = [
        (mine.as_str(), CustomerInput { default_payment_method: Some(card.clone()), ..acme() }),
        ("cus_NotInTheCache", acme()),
        ("cus_1/../x", acme()),
        (mine.as_str(), CustomerInput { email: Some("nope".into()), ..acme() }),
    ];
    for (customer, input) in updates {
        let err = app.update_customer(&account, customer, input).await.unwrap_err();
        assert_eq!(err.code(), ErrorCode::Validation, "{customer}: {err}");
    }
    assert_eq!(sim.request_count(), before, "nothing was sent");
    assert_eq!(operations(dir.path()), 0, "nothing was recorded");
    assert_eq!(app.customer_detail(&account, "cus_Nobody").unwrap_err().code(), ErrorCode::NotFound);
}

#[tokio::test]
async fn the_detail_lists_the_customers_invoices_and_credit_notes() {
    let sim = sim().await;
    let dir = tempfile::tempdir().unwrap();
    let (app, account) = sim_account::open_with_account(dir.path(), &sim, &unique_key(), "Customers").await;
    app.sync_once(&account, &NoObserver).await.unwrap();
    let customer = app.create_customer(&account, acme()).await.unwrap().id;
    let gateway = app.gateway(&account).await.unwrap();
    let mut invoices = Vec::new();
    for amount in ["1500", "2500"] {
        let draft = gateway
            .post_form("/v1/invoices", &form(&[("customer", &customer), ("currency", "eur"), ("collection_method", "send_invoice"), ("days_until_due", "14")]), None)
            .await
            .unwrap();
        let id = draft["id"].as_str().unwrap().to_string();
        gateway
            .post_form(
                &format!("/v1/invoices/{id}/add_lines"),
                &form(&[("lines[0][amount]", amount), ("lines[0][description]", "Service")]),
                None,
            )
            .await
            .unwrap();
        gateway.post_form(&format!("/v1/invoices/{id}/finalize"), &[], None).await.unwrap();
        invoices.push(id);
    }
    app.sync_once(&account, &NoObserver).await.unwrap();
    let note = app
        .create_credit_note(
            &account,
            CreditNoteInput {
                invoice_id: invoices[0].clone(),
                amount: Some(500),
                lines: Vec::new(),
                reason: None,
                memo: None,
                refund_amount: 0,
                credit_amount: 0,
                out_of_band_amount: 0,
            },
        )
        .await
        .unwrap();
    let detail = app.customer_detail(&account, &customer).unwrap();
    let mut listed: Vec<String> = detail.invoices.iter().map(|invoice| invoice.id.clone()).collect();
    listed.sort();
    let mut expected = invoices.clone();
    expected.sort();
    assert_eq!(listed, expected);
    let first = detail.invoices.iter().find(|invoice| invoice.id == invoices[0]).unwrap();
    assert_eq!(first.amount_remaining, 1_000);
    assert_eq!(detail.credit_notes, vec![note]);
    assert!(detail.subscriptions.is_empty());
    assert!(detail.purchase_orders.is_empty());
    assert!(detail.timeline.iter().any(|entry| entry.event_type == "invoice.finalized"));
    assert!(detail.timeline.windows(2).all(|pair| pair[0].created >= pair[1].created), "newest first");
    assert!(detail.timeline.iter().all(|entry| entry.source == "poll"), "synced by polling: {:?}", detail.timeline);
}

/// The child's side of the kill test: record and run one customer creation until killed.
async fn run_as_child(config: &str) {
    let config: Value = serde_json::from_str(config).unwrap();
    let dir = std::path::PathBuf::from(config["dir"].as_str().unwrap());
    let store = Arc::new(Store::open(&dir.join(DATABASE_FILE)).unwrap());
    let account = config["account"].as_str().unwrap();
    let key = Secret::new(std::env::var("BILLFOLD_CUSTOMER_CHILD_KEY").unwrap());
    let gateway = Gateway::new(
        store.clone(),
        account,
        config["base"].as_str().unwrap(),
        &key,
        GatewayConfig::for_mode(billfold_core::accounts::Mode::Test),
    )
    .unwrap();
    let input = WriteCustomer { customer_id: None, form: form(&[("email", "once@acme.test"), ("name", "Once")]) };
    let operation =
        journal::begin(&store, account, OperationKind::CreateCustomer, serde_json::to_value(input).unwrap()).unwrap();
    journal::run(&store, &gateway, &operation.id).await.unwrap();
    panic!("the child was meant to be killed before finishing");
}

#[tokio::test]
async fn a_process_killed_mid_create_resumes_into_exactly_one_customer() {
    if let Ok(config) = std::env::var(CHILD_ENV) {
        return run_as_child(&config).await;
    }
    let sim = sim().await;
    let key = unique_key();
    let dir = tempfile::tempdir().unwrap();
    let (app, account) = sim_account::open_with_account(dir.path(), &sim, &key, "Customers").await;
    let config = serde_json::json!({ "dir": dir.path(), "account": account, "base": sim.base_url() });
    let env = [(CHILD_ENV, config.to_string()), ("BILLFOLD_CUSTOMER_CHILD_KEY", key.clone())];
    let env: Vec<(&str, &str)> = env.iter().map(|(name, value)| (*name, value.as_str())).collect();
    kill::kill_child_in_flight(&sim, "a_process_killed_mid_create_resumes_into_exactly_one_customer", &env, 1).await;

    let pending = journal::unfinished(app.store()).unwrap();
    assert_eq!(pending.len(), 1, "the killed operation is pending");
    assert_eq!(app.resume_operations().await.unwrap(), 1);
    let done = app.store().operation(&pending[0].id).unwrap();
    assert_eq!(done.status, OperationStatus::Done);
    let gateway = app.gateway(&account).await.unwrap();
    let found = gateway.get_json("/v1/customers", &[("email".into(), "once@acme.test".into())]).await.unwrap();
    let found = found["data"].as_array().unwrap();
    assert_eq!(found.len(), 1, "the resume replayed the same key: one customer");
    assert_eq!(found[0]["metadata"]["operation_id"], pending[0].id.as_str());
    let id = found[0]["id"].as_str().unwrap();
    assert_eq!(done.output().unwrap()["customer_id"], id);
    assert_eq!(app.customers_with_email(&account, "once@acme.test").unwrap().len(), 1);
}
