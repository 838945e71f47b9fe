//! The operations journal against a real stripe-sim: request counts, faults, and a process
//! killed at every step of `issue_invoice` then resumed — always exactly one customer and
//! one invoice in the emulator.

use std::collections::BTreeMap;
use std::sync::Arc;

use billfold_core::gateway::{Gateway, GatewayConfig};
use billfold_core::journal::{self, IssueInvoice, IssueInvoiceLine, OperationKind, OperationStatus};
use billfold_core::secrets::Secret;
use billfold_core::store::{Store, DATABASE_FILE};
use billfold_core::{Billfold, ErrorCode};
use serde_json::Value;
use stripe_sim::{Faults, Simulator};

#[path = "support/kill.rs"]
mod kill;
#[path = "support/sim_account.rs"]
mod sim_account;

use sim_account::sim;

async fn open_with_account(dir: &std::path::Path, sim: &Simulator, key: &str) -> (Billfold, String) {
    sim_account::open_with_account(dir, sim, key, "Journal Conf").await
}

/// Set in the environment of the child process the kill test starts.
const CHILD_ENV: &str = "BILLFOLD_JOURNAL_CHILD";

fn unique_key() -> String {
    format!("sk_test_51Journal{}", uuid::Uuid::new_v4().simple())
}


fn order(email: &str, lines: usize) -> IssueInvoice {
    IssueInvoice {
        customer_email: email.into(),
        customer_name: "Acme GmbH".into(),
        currency: "eur".into(),
        days_until_due: 30,
        lines: (0..lines)
            .map(|n| IssueInvoiceLine { description: format!("Ticket {n}"), quantity: 2, unit_amount: 125_000 })
            .collect(),
        metadata: BTreeMap::from([("po_number".to_string(), "PO-4711".to_string())]),
        custom_fields: vec![("PO number".into(), "PO-4711".into())],
        po_id: None,
    }
}

/// Everything of one kind in the emulator, read back through the account's gateway.
async fn all(app: &Billfold, account: &str, path: &str) -> Vec<Value> {
    let gateway = app.gateway(account).await.unwrap();
    let page = gateway.get_json(path, &[("limit".into(), "100".into())]).await.unwrap();
    page["data"].as_array().unwrap().clone()
}

#[tokio::test]
async fn an_invoice_is_issued_in_five_requests_for_one_line_or_fifty() {
    let sim = sim().await;
    for lines in [1, 50] {
        let key = unique_key();
        let dir = tempfile::tempdir().unwrap();
        let (app, account) = open_with_account(dir.path(), &sim, &key).await;
        let before = app.store().request_log_count(&account).unwrap();
        let issued = app.issue_invoice(&account, order("ap@acme.test", lines)).await.unwrap();
        let requests = app.store().request_log_count(&account).unwrap() - before;
        assert_eq!(requests, 5, "{lines} lines: find + create customer + invoice + add_lines + finalize (Stripe sends)");
        assert_eq!(issued.status, "open");
        assert_eq!(issued.total, 250_000 * lines as i64);
        assert!(issued.number.is_some() && issued.hosted_invoice_url.is_some() && issued.invoice_pdf.is_some());

        let invoices = all(&app, &account, "/v1/invoices").await;
        assert_eq!(invoices.len(), 1);
        assert_eq!(invoices[0]["metadata"]["po_number"], "PO-4711");
        assert_eq!(invoices[0]["custom_fields"][0]["value"], "PO-4711");
        assert_eq!(invoices[0]["collection_method"], "send_invoice");

        let events = all(&app, &account, "/v1/events").await;
        let sent: Vec<&Value> = events.iter().filter(|event| event["type"] == "invoice.sent").collect();
        assert_eq!(sent.len(), 1, "finalizing with auto_advance made Stripe email the invoice");
        assert_eq!(sent[0]["data"]["object"]["id"], issued.invoice_id.as_str());

        // A second invoice for the same email reuses the customer: four requests.
        let before = app.store().request_log_count(&account).unwrap();
        let second = app.issue_invoice(&account, order("ap@acme.test", lines)).await.unwrap();
        assert_eq!(app.store().request_log_count(&account).unwrap() - before, 4);
        assert_eq!(second.customer_id, issued.customer_id);
        assert_eq!(all(&app, &account, "/v1/customers").await.len(), 1);
    }
}

#[tokio::test]
async fn bad_input_is_refused_before_anything_is_recorded_or_sent() {
    let sim = sim().await;
    let key = unique_key();
    let dir = tempfile::tempdir().unwrap();
    let (app, account) = open_with_account(dir.path(), &sim, &key).await;
    let before = app.store().request_log_count(&account).unwrap();
    for bad in [order("ap@acme.test", 0), order("not-an-email", 1), IssueInvoice { currency: "xyz".into(), ..order("ap@acme.test", 1) }] {
        let err = app.issue_invoice(&account, bad).await.unwrap_err();
        assert_eq!(err.code(), ErrorCode::Validation, "{err}");
    }
    assert_eq!(app.store().request_log_count(&account).unwrap(), before);
    assert!(journal::unfinished(app.store()).unwrap().is_empty());
}

#[tokio::test]
async fn under_faults_every_operation_ends_with_exactly_one_invoice() {
    let sim = sim().await;
    let key = unique_key();
    let dir = tempfile::tempdir().unwrap();
    let (app, account) = open_with_account(dir.path(), &sim, &key).await;
    sim.set_faults(Faults { error_rate: 0.15, rate_limit_rate: 0.15, drop_after_commit_rate: 0.25, latency_ms: 0 });
    for n in 0..8 {
        // The default policy gives up after five attempts; whatever is left pending is
        // finished by resuming, as the app does at start-up.
        if app.issue_invoice(&account, order(&format!("ap{n}@acme.test"), 3)).await.is_err() {
            let mut rounds = 0;
            while !journal::unfinished(app.store()).unwrap().is_empty() {
                app.resume_operations().await.unwrap();
                rounds += 1;
                assert!(rounds < 50, "an operation never finished");
            }
        }
    }
    sim.set_faults(Faults::default());
    let invoices = all(&app, &account, "/v1/invoices").await;
    assert_eq!(invoices.len(), 8, "one invoice per operation");
    assert!(invoices.iter().all(|invoice| invoice["status"] == "open"));
    assert!(invoices.iter().all(|invoice| invoice["lines"]["data"].as_array().unwrap().len() == 3));
    assert_eq!(all(&app, &account, "/v1/customers").await.len(), 8, "one customer per email");
    let log = app.store().request_log(&account, 1000, None).unwrap();
    assert!(log.iter().any(|entry| entry.attempt > 1), "the faults were met and retried");
}

#[tokio::test]
async fn a_refused_operation_is_marked_failed_and_not_retried() {
    let sim = sim().await;
    let key = unique_key();
    let dir = tempfile::tempdir().unwrap();
    let (app, account) = open_with_account(dir.path(), &sim, &key).await;
    // Stripe refuses unit amounts above its 8-digit limit; the journal keeps the refusal.
    let mut too_big = order("ap@acme.test", 1);
    too_big.lines[0].unit_amount = 100_000_000_000;
    let err = app.issue_invoice(&account, too_big).await.unwrap_err();
    assert_eq!(err.code(), ErrorCode::StripeError, "{err}");
    assert!(journal::unfinished(app.store()).unwrap().is_empty(), "failed, not pending");
    assert_eq!(app.resume_operations().await.unwrap(), 0);
}

/// The child's side of the kill test: record and run one operation until killed.
async fn run_as_child(config: &str) {
    let config: Value = serde_json::from_str(config).unwrap();
    let dir = std::path::PathBuf::from(config["dir"].as_str().unwrap());
    let store = Arc::new(Store::open(&dir.join(DATABASE_FILE)).unwrap());
    let account = config["account"].as_str().unwrap();
    let key = Secret::new(std::env::var("BILLFOLD_JOURNAL_CHILD_KEY").unwrap());
    let gateway = Gateway::new(store.clone(), account, config["base"].as_str().unwrap(), &key, GatewayConfig::for_mode(billfold_core::accounts::Mode::Test)).unwrap();
    let input = serde_json::to_value(order("ap@acme.test", 3)).unwrap();
    let operation = journal::begin(&store, account, OperationKind::IssueInvoice, input).unwrap();
    journal::run(&store, &gateway, &operation.id).await.unwrap();
    panic!("the child was meant to be killed before finishing");
}

#[tokio::test]
async fn a_process_killed_at_any_step_resumes_into_one_customer_and_one_invoice() {
    if let Ok(config) = std::env::var(CHILD_ENV) {
        return run_as_child(&config).await;
    }
    let sim = sim().await;
    // Steps: find customer, create customer, create invoice, add lines, finalize (and send).
    for step in 0..5u64 {
        let key = unique_key();
        let dir = tempfile::tempdir().unwrap();
        let (app, account) = open_with_account(dir.path(), &sim, &key).await;
        let config = serde_json::json!({ "dir": dir.path(), "account": account, "base": sim.base_url() });
        let env = [(CHILD_ENV, config.to_string()), ("BILLFOLD_JOURNAL_CHILD_KEY", key.clone())];
        let env: Vec<(&str, &str)> = env.iter().map(|(name, value)| (*name, value.as_str())).collect();
        kill::kill_child_in_flight(&sim, "a_process_killed_at_any_step_resumes_into_one_customer_and_one_invoice", &env, step + 1)
            .await;

        let pending = journal::unfinished(app.store()).unwrap();
        assert_eq!(pending.len(), 1, "step {step}: the killed operation is pending");
        assert!(pending[0].step <= step as u32);
        assert_eq!(app.resume_operations().await.unwrap(), 1, "step {step}: resumed to the end");
        let done = app.store().operation(&pending[0].id).unwrap();
        assert_eq!(done.status, OperationStatus::Done);

        let customers = all(&app, &account, "/v1/customers").await;
        let invoices = all(&app, &account, "/v1/invoices").await;
        assert_eq!(customers.len(), 1, "step {step}: exactly one customer");
        assert_eq!(invoices.len(), 1, "step {step}: exactly one invoice");
        assert_eq!(invoices[0]["status"], "open", "step {step}");
        assert_eq!(invoices[0]["lines"]["data"].as_array().unwrap().len(), 3, "step {step}: lines added once");
        assert_eq!(done.output().unwrap()["invoice_id"], invoices[0]["id"]);
    }
}
