//! A customer's balance ledger against a real stripe-sim: a refresh caches the ledger Stripe
//! keeps, a credit added through the journal moves Stripe's balance and the cached one alike,
//! bad input never reaches Stripe, and a process killed mid-request resumes into exactly one
//! transaction; finalizing or voiding an invoice that takes the credit keeps the cached balance
//! right without waiting for a sync.

use std::sync::Arc;

use billfold_core::customers::BalanceAdjustmentInput;
use billfold_core::invoices::{CollectionMethod, CustomerChoice, InvoiceActionKind, NewInvoiceInput, NewInvoiceLine};
use billfold_core::gateway::{Gateway, GatewayConfig};
use billfold_core::journal::{self, AddBalanceTransaction, OperationKind, OperationStatus};
use billfold_core::secrets::Secret;
use billfold_core::store::{ListQuery, Store, DATABASE_FILE};
use billfold_core::sync::NoObserver;
use billfold_core::{Billfold, ErrorCode};
use serde_json::Value;
use stripe_sim::Simulator;

#[path = "support/kill.rs"]
mod kill;
#[path = "support/sim_account.rs"]
mod sim_account;

use sim_account::sim;

async fn open_with_account(dir: &std::path::Path, sim: &Simulator, key: &str) -> (Billfold, String) {
    sim_account::open_with_account(dir, sim, key, "Balance Ledger").await
}

/// Set in the environment of the child process the kill test starts.
const CHILD_ENV: &str = "BILLFOLD_BALANCE_CHILD";

fn unique_key() -> String {
    format!("sk_test_51Balance{}", uuid::Uuid::new_v4().simple())
}


fn form(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(name, value)| (name.to_string(), value.to_string()))
        .collect()
}

/// A customer made in the emulator and synced into the cache.
async fn synced_customer(app: &Billfold, account: &str) -> String {
    let gateway = app.gateway(account).await.unwrap();
    let customer = gateway
        .post_form(
            "/v1/customers",
            &form(&[("email", "ap@acme.test"), ("name", "Acme GmbH")]),
            None,
        )
        .await
        .unwrap();
    app.sync_once(account, &NoObserver).await.unwrap();
    customer["id"].as_str().unwrap().to_string()
}

/// The emulator's ledger and balance of a customer, read through the account's gateway.
async fn stripe_side(app: &Billfold, account: &str, customer: &str) -> (Vec<Value>, i64) {
    let gateway = app.gateway(account).await.unwrap();
    let path = format!("/v1/customers/{customer}/balance_transactions");
    let list = gateway
        .get_json(&path, &[("limit".into(), "100".into())])
        .await
        .unwrap();
    let balance = gateway
        .get_json(&format!("/v1/customers/{customer}"), &[])
        .await
        .unwrap()["balance"]
        .as_i64()
        .unwrap();
    (list["data"].as_array().unwrap().clone(), balance)
}

/// The cached customer's balance as its raw JSON has it and as its list row (column) has it.
fn cached_balance(app: &Billfold, account: &str, customer: &str) -> (i64, i64) {
    let customers = app.store().cached_objects(account, "customers").unwrap();
    let raw = customers.iter().find(|c| c["id"] == customer).unwrap()["balance"]
        .as_i64()
        .unwrap();
    let query = ListQuery {
        search: None,
        status: None,
        sort: None,
        descending: false,
        offset: 0,
        limit: 100,
        after: None,
    };
    let page = app.store().list_customers(account, &query).unwrap();
    let column = page
        .rows
        .iter()
        .find(|row| row.id == customer)
        .unwrap()
        .balance;
    (raw, column)
}

fn credit(amount: i64) -> BalanceAdjustmentInput {
    BalanceAdjustmentInput {
        amount,
        currency: "eur".into(),
        description: Some("Goodwill credit".into()),
    }
}

#[tokio::test]
async fn a_refresh_caches_the_ledger_stripe_keeps_newest_first() {
    let sim = sim().await;
    let dir = tempfile::tempdir().unwrap();
    let (app, account) = open_with_account(dir.path(), &sim, &unique_key()).await;
    let customer = synced_customer(&app, &account).await;
    let gateway = app.gateway(&account).await.unwrap();
    // A credit of 50.00, then an invoice of 120.00 that takes it when finalized.
    gateway
        .post_form(
            &format!("/v1/customers/{customer}/balance_transactions"),
            &form(&[
                ("amount", "-5000"),
                ("currency", "eur"),
                ("description", "Credit"),
            ]),
            None,
        )
        .await
        .unwrap();
    let invoice = gateway
        .post_form(
            "/v1/invoices",
            &form(&[
                ("customer", &customer),
                ("currency", "eur"),
                ("collection_method", "send_invoice"),
                ("days_until_due", "30"),
            ]),
            None,
        )
        .await
        .unwrap();
    let invoice_id = invoice["id"].as_str().unwrap();
    gateway
        .post_form(
            &format!("/v1/invoices/{invoice_id}/add_lines"),
            &form(&[
                ("lines[0][description]", "Seat"),
                ("lines[0][quantity]", "1"),
                ("lines[0][price_data][currency]", "eur"),
                ("lines[0][price_data][unit_amount]", "12000"),
                ("lines[0][price_data][product_data][name]", "Seat"),
            ]),
            None,
        )
        .await
        .unwrap();
    gateway
        .post_form(&format!("/v1/invoices/{invoice_id}/finalize"), &[], None)
        .await
        .unwrap();

    let rows = app
        .refresh_customer_balance_transactions(&account, &customer)
        .await
        .unwrap();
    let (stripe, _) = stripe_side(&app, &account, &customer).await;
    assert_eq!(rows.len(), 2);
    assert_eq!(
        rows.iter().map(|r| r.id.as_str()).collect::<Vec<_>>(),
        stripe
            .iter()
            .map(|t| t["id"].as_str().unwrap())
            .collect::<Vec<_>>()
    );
    let applied = rows
        .iter()
        .find(|r| r.transaction_type == "applied_to_invoice")
        .unwrap();
    assert_eq!(applied.amount, 5000);
    assert_eq!(applied.ending_balance, 0);
    assert_eq!(applied.invoice_id.as_deref(), Some(invoice_id));
    let adjustment = rows
        .iter()
        .find(|r| r.transaction_type == "adjustment")
        .unwrap();
    assert_eq!(
        (adjustment.amount, adjustment.currency.as_str()),
        (-5000, "eur")
    );
    assert_eq!(adjustment.description.as_deref(), Some("Credit"));
    assert_eq!(
        app.store()
            .customer_balance_transactions(&account, &customer)
            .unwrap(),
        rows
    );

    // A refresh replaces the list: a second one leaves the same rows, not twice as many.
    app.refresh_customer_balance_transactions(&account, &customer)
        .await
        .unwrap();
    assert_eq!(
        app.store()
            .customer_balance_transactions(&account, &customer)
            .unwrap(),
        rows
    );
    let unknown = app
        .refresh_customer_balance_transactions(&account, "cus_Nobody")
        .await
        .unwrap_err();
    assert_eq!(unknown.code(), ErrorCode::NotFound, "{unknown}");
    let bad = app
        .refresh_customer_balance_transactions(&account, "cus_1/../x")
        .await
        .unwrap_err();
    assert_eq!(bad.code(), ErrorCode::Validation, "{bad}");
}

#[tokio::test]
async fn a_credit_moves_stripes_balance_and_the_cached_one_alike() {
    let sim = sim().await;
    let dir = tempfile::tempdir().unwrap();
    let (app, account) = open_with_account(dir.path(), &sim, &unique_key()).await;
    let customer = synced_customer(&app, &account).await;
    let before = sim.request_count();
    let row = app
        .add_customer_balance_transaction(&account, &customer, credit(-2500))
        .await
        .unwrap();
    assert_eq!(sim.request_count() - before, 1, "one POST");
    assert_eq!(
        (
            row.amount,
            row.ending_balance,
            row.transaction_type.as_str()
        ),
        (-2500, -2500, "adjustment")
    );
    assert_eq!(row.description.as_deref(), Some("Goodwill credit"));

    let (stripe, balance) = stripe_side(&app, &account, &customer).await;
    assert_eq!(stripe.len(), 1);
    assert_eq!(balance, -2500);
    assert_eq!(cached_balance(&app, &account, &customer), (-2500, -2500));
    assert_eq!(
        app.store()
            .customer_balance_transactions(&account, &customer)
            .unwrap(),
        vec![row.clone()]
    );
    // The event Stripe emitted agrees with what was applied.
    app.sync_once(&account, &NoObserver).await.unwrap();
    assert_eq!(cached_balance(&app, &account, &customer), (-2500, -2500));

    // The audit trail shows the write, what it made and that it finished.
    let log = app.operation_log(&account, 50, None).unwrap();
    assert_eq!(log.len(), 1, "{log:?}");
    assert_eq!(
        (log[0].kind.as_str(), log[0].status.as_str(), log[0].target.as_deref(), log[0].steps_done),
        ("add_customer_balance_transaction", "done", Some(row.id.as_str()), 1)
    );
    assert!(app.operation_log(&account, 50, Some(log[0].seq)).unwrap().is_empty(), "nothing older");
}

#[tokio::test]
async fn finalizing_and_voiding_an_invoice_that_takes_the_credit_keep_the_cached_balance_right_at_once() {
    let sim = sim().await;
    let dir = tempfile::tempdir().unwrap();
    let (app, account) = open_with_account(dir.path(), &sim, &unique_key()).await;
    let customer = synced_customer(&app, &account).await;
    app.add_customer_balance_transaction(&account, &customer, credit(-5000)).await.unwrap();
    let draft = app
        .create_invoice(
            &account,
            NewInvoiceInput {
                customer: CustomerChoice::Existing { customer_id: customer.clone() },
                currency: "eur".into(),
                collection_method: CollectionMethod::SendInvoice,
                days_until_due: Some(30),
                due_date: None,
                lines: vec![NewInvoiceLine {
                    price_id: None,
                    description: Some("Dinner".into()),
                    quantity: 1,
                    unit_amount: Some(20000),
                }],
                memo: None,
                footer: None,
                custom_fields: Vec::new(),
                metadata: Default::default(),
            },
        )
        .await
        .unwrap();

    // Finalizing takes the 50.00 credit: 150.00 due, and the cached customer owes nothing more
    // before any sync brings Stripe's event.
    let open = app.invoice_action(&account, &draft.id, InvoiceActionKind::Finalize).await.unwrap();
    assert_eq!((open.starting_balance, open.amount_due), (-5000, 15000));
    assert_eq!(stripe_side(&app, &account, &customer).await.1, 0);
    assert_eq!(cached_balance(&app, &account, &customer), (0, 0));

    // Voiding gives the credit back, in Stripe and in the cache alike.
    app.invoice_action(&account, &draft.id, InvoiceActionKind::Void).await.unwrap();
    assert_eq!(stripe_side(&app, &account, &customer).await.1, -5000);
    assert_eq!(cached_balance(&app, &account, &customer), (-5000, -5000));
}

#[tokio::test]
async fn bad_input_is_refused_before_anything_is_recorded_or_sent() {
    let sim = sim().await;
    let dir = tempfile::tempdir().unwrap();
    let (app, account) = open_with_account(dir.path(), &sim, &unique_key()).await;
    let customer = synced_customer(&app, &account).await;
    let before = sim.request_count();
    let long = BalanceAdjustmentInput {
        description: Some("x".repeat(351)),
        ..credit(-100)
    };
    let cases = [
        (customer.as_str(), credit(0)),
        (customer.as_str(), credit(100_000_000)),
        (customer.as_str(), credit(-100_000_000)),
        (
            customer.as_str(),
            BalanceAdjustmentInput {
                currency: "xyz".into(),
                ..credit(-100)
            },
        ),
        (customer.as_str(), long),
        ("cus_NotInTheCache", credit(-100)),
        ("not a customer", credit(-100)),
    ];
    for (customer, input) in cases {
        let err = app
            .add_customer_balance_transaction(&account, customer, input.clone())
            .await
            .unwrap_err();
        assert_eq!(err.code(), ErrorCode::Validation, "{input:?}: {err}");
    }
    assert_eq!(sim.request_count(), before, "nothing was sent");
    assert!(journal::unfinished(app.store()).unwrap().is_empty());
    let db = rusqlite::Connection::open(dir.path().join(DATABASE_FILE)).unwrap();
    let recorded: i64 = db
        .query_row("SELECT count(*) FROM operations", [], |row| row.get(0))
        .unwrap();
    assert_eq!(recorded, 0, "nothing was recorded");
    assert!(app
        .store()
        .customer_balance_transactions(&account, &customer)
        .unwrap()
        .is_empty());
}

/// The child's side of the kill test: record and run one credit until killed.
async fn run_as_child(config: &str) {
    let config: Value = serde_json::from_str(config).unwrap();
    let dir = std::path::PathBuf::from(config["dir"].as_str().unwrap());
    let store = Arc::new(Store::open(&dir.join(DATABASE_FILE)).unwrap());
    let account = config["account"].as_str().unwrap();
    let key = Secret::new(std::env::var("BILLFOLD_BALANCE_CHILD_KEY").unwrap());
    let gateway = Gateway::new(
        store.clone(),
        account,
        config["base"].as_str().unwrap(),
        &key,
        GatewayConfig::for_mode(billfold_core::accounts::Mode::Test),
    )
    .unwrap();
    let input = AddBalanceTransaction {
        customer_id: config["customer"].as_str().unwrap().into(),
        amount: -4200,
        currency: "eur".into(),
        description: Some("Credit".into()),
    };
    let operation = journal::begin(
        &store,
        account,
        OperationKind::AddCustomerBalanceTransaction,
        serde_json::to_value(input).unwrap(),
    )
    .unwrap();
    journal::run(&store, &gateway, &operation.id).await.unwrap();
    panic!("the child was meant to be killed before finishing");
}

#[tokio::test]
async fn a_process_killed_mid_request_resumes_into_exactly_one_transaction() {
    if let Ok(config) = std::env::var(CHILD_ENV) {
        return run_as_child(&config).await;
    }
    let sim = sim().await;
    let key = unique_key();
    let dir = tempfile::tempdir().unwrap();
    let (app, account) = open_with_account(dir.path(), &sim, &key).await;
    let customer = synced_customer(&app, &account).await;
    let config = serde_json::json!({ "dir": dir.path(), "account": account, "base": sim.base_url(), "customer": customer });
    let env = [
        (CHILD_ENV, config.to_string()),
        ("BILLFOLD_BALANCE_CHILD_KEY", key.clone()),
    ];
    let env: Vec<(&str, &str)> = env
        .iter()
        .map(|(name, value)| (*name, value.as_str()))
        .collect();
    // Killed while its one POST is in flight: Stripe made the transaction, the answer is lost.
    kill::kill_child_in_flight(
        &sim,
        "a_process_killed_mid_request_resumes_into_exactly_one_transaction",
        &env,
        1,
    )
    .await;

    let pending = journal::unfinished(app.store()).unwrap();
    assert_eq!(pending.len(), 1, "the killed operation is pending");
    assert_eq!(pending[0].step, 0, "its answer never arrived");
    assert_eq!(app.resume_operations().await.unwrap(), 1);
    let done = app.store().operation(&pending[0].id).unwrap();
    assert_eq!(done.status, OperationStatus::Done);

    let (stripe, balance) = stripe_side(&app, &account, &customer).await;
    assert_eq!(
        stripe.len(),
        1,
        "the resume replayed the same key: one transaction"
    );
    assert_eq!(balance, -4200);
    let cached = app
        .store()
        .customer_balance_transactions(&account, &customer)
        .unwrap();
    assert_eq!(cached.len(), 1);
    assert_eq!(cached[0].id, stripe[0]["id"].as_str().unwrap());
    assert_eq!(done.output().unwrap()["id"], stripe[0]["id"]);
    assert_eq!(cached_balance(&app, &account, &customer), (-4200, -4200));
    // Resuming again finds nothing to do and sends nothing.
    let before = sim.request_count();
    assert_eq!(app.resume_operations().await.unwrap(), 0);
    assert_eq!(sim.request_count(), before);
}
