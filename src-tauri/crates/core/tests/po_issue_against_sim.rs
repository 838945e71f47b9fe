//! Issuing purchase orders against a real stripe-sim: at most five requests for one line or
//! fifty, bad input refused with nothing saved, and a process killed at every step of issuing
//! resumed into exactly one customer and one invoice.

mod po_support;
#[path = "support/kill.rs"]
mod kill;

use billfold_core::journal::{self, OperationStatus};
use billfold_core::po::{PoListQuery, PoStatus};
use billfold_core::secrets::{Keychain, Secret, SecretKind};
use billfold_core::{Billfold, ErrorCode};
use po_support::{all, get, open_with_account, po, sim, unique_key};
use serde_json::Value;

/// Set in the environment of the child process the kill test starts.
const CHILD_ENV: &str = "BILLFOLD_PO_CHILD";

fn query() -> PoListQuery {
    PoListQuery {
        limit: 50,
        ..PoListQuery::default()
    }
}

#[tokio::test]
async fn a_po_is_issued_in_at_most_five_requests_for_one_line_or_fifty() {
    let sim = sim().await;
    for lines in [1, 50] {
        let dir = tempfile::tempdir().unwrap();
        let (app, account) = open_with_account(dir.path(), &sim, &unique_key()).await;
        let draft = app
            .create_purchase_order(&account, po("PO-4711", "ap@acme.test", lines))
            .unwrap();
        assert_eq!(draft.summary.status, PoStatus::Draft);
        assert_eq!(draft.summary.total, 250_000 * lines as i64);

        let before = app.store().request_log_count(&account).unwrap();
        let issued = app
            .issue_purchase_order(&account, &draft.summary.id)
            .await
            .unwrap();
        let requests = app.store().request_log_count(&account).unwrap() - before;
        println!("issuing a PO with {lines} line(s) and a new customer: {requests} requests");
        assert_eq!(
            requests, 5,
            "{lines} lines: find + create customer + invoice + add_lines + finalize"
        );

        assert_eq!(issued.summary.status, PoStatus::Invoiced);
        assert_eq!(issued.summary.invoice_status.as_deref(), Some("open"));
        assert!(issued.summary.invoice_number.is_some());
        assert!(issued.summary.due_date.is_some());
        assert!(issued.hosted_invoice_url.is_some() && issued.invoice_pdf.is_some());
        let invoice_id = issued.invoice_id.clone().unwrap();
        let invoice = get(&app, &account, &format!("/v1/invoices/{invoice_id}")).await;
        assert_eq!(invoice["metadata"]["po_id"], issued.summary.id.as_str());
        assert_eq!(invoice["metadata"]["po_number"], "PO-4711");
        assert_eq!(invoice["metadata"]["account_slug"], "po-conf");
        assert_eq!(invoice["custom_fields"][0]["name"], "PO number");
        assert_eq!(invoice["custom_fields"][0]["value"], "PO-4711");
        assert_eq!(invoice["collection_method"], "send_invoice");
        assert_eq!(invoice["total"], issued.summary.total);
        assert_eq!(
            all(&app, &account, &format!("/v1/invoices/{invoice_id}/lines"))
                .await
                .len(),
            lines.min(100)
        );

        // The audit entry carries the request id Stripe gave the finalizing request.
        let entry = issued
            .audit
            .iter()
            .find(|entry| entry.action == "issued")
            .unwrap();
        let request_id = entry
            .stripe_request_id
            .clone()
            .expect("a Stripe request id");
        let log = app.store().request_log(&account, 100, None).unwrap();
        let finalize = log
            .iter()
            .find(|attempt| attempt.path.ends_with("/finalize"))
            .unwrap();
        assert_eq!(finalize.request_id.as_deref(), Some(request_id.as_str()));

        // Issuing again does nothing new.
        let before = app.store().request_log_count(&account).unwrap();
        let err = app.issue_purchase_order(&account, &draft.summary.id).await;
        assert!(err.is_ok(), "the finished operation answers again: {err:?}");
        assert_eq!(app.store().request_log_count(&account).unwrap(), before);
        assert_eq!(all(&app, &account, "/v1/invoices").await.len(), 1);

        // A second PO for the same customer needs no new customer: four requests.
        let second = app
            .create_purchase_order(&account, po("PO-4712", "ap@acme.test", lines))
            .unwrap();
        let before = app.store().request_log_count(&account).unwrap();
        app.issue_purchase_order(&account, &second.summary.id)
            .await
            .unwrap();
        assert_eq!(app.store().request_log_count(&account).unwrap() - before, 4);
        assert_eq!(all(&app, &account, "/v1/customers").await.len(), 1);
    }
}

#[tokio::test]
async fn bad_input_is_refused_with_a_message_and_nothing_is_saved() {
    let sim = sim().await;
    let dir = tempfile::tempdir().unwrap();
    let (app, account) = open_with_account(dir.path(), &sim, &unique_key()).await;
    app.create_purchase_order(&account, po("PO-1", "ap@acme.test", 1))
        .unwrap();
    let mut negative = po("PO-2", "ap@acme.test", 1);
    negative.lines[0].quantity = -2;
    let mut decimals = po("PO-2", "ap@acme.test", 1);
    decimals.currency = Some("JPY".into());
    let mut too_big = po("PO-2", "ap@acme.test", 1);
    too_big.lines[0].unit_price = "100,000,000.00".into();
    let cases = [
        (po("PO-2", "ap@acme.test", 0), "at least one line"),
        (negative, "quantity must be more than 0"),
        (po("PO-2", "not-an-email", 1), "not a valid email"),
        (
            billfold_core::po::PoInput {
                currency: Some("xyz".into()),
                ..po("PO-2", "ap@acme.test", 1)
            },
            "not a currency",
        ),
        (decimals, "JPY has no decimals"),
        (too_big, "at most 999,999.99 EUR"),
        (po("po-1", "ap@acme.test", 1), "already exists"),
    ];
    for (input, words) in cases {
        let err = app.create_purchase_order(&account, input).unwrap_err();
        assert_eq!(err.code(), ErrorCode::Validation, "{err}");
        assert!(err.to_string().contains(words), "{err} lacks {words:?}");
    }
    let page = app.list_purchase_orders(&account, &query()).unwrap();
    assert_eq!(page.total, 1, "only the good PO was saved");
    assert_eq!(
        app.store().request_log_count(&account).unwrap(),
        0,
        "nothing reached Stripe"
    );

    // A draft can be edited (audited per field); an issued one cannot.
    let id = page.rows[0].id.clone();
    let mut changed = po("PO-1", "billing@acme.test", 2);
    changed.organization = "Acme AG".into();
    let edited = app
        .update_purchase_order(&account, &id, changed.clone())
        .unwrap();
    assert_eq!(edited.summary.total, 500_000);
    let fields: Vec<_> = edited
        .audit
        .iter()
        .filter_map(|entry| entry.field.clone())
        .collect();
    assert!(
        fields.contains(&"organization".to_string()) && fields.contains(&"lines".to_string()),
        "{fields:?}"
    );
    let organization = edited
        .audit
        .iter()
        .find(|entry| entry.field.as_deref() == Some("organization"))
        .unwrap();
    assert_eq!(organization.old_value.as_deref(), Some("Acme GmbH"));
    assert_eq!(organization.new_value.as_deref(), Some("Acme AG"));
    app.issue_purchase_order(&account, &id).await.unwrap();
    let err = app
        .update_purchase_order(&account, &id, changed)
        .unwrap_err();
    assert!(
        err.to_string().contains("Only draft purchase orders"),
        "{err}"
    );
}

/// The child's side of the kill test: issue one PO until killed.
async fn run_as_child(config: &str) {
    let config: Value = serde_json::from_str(config).unwrap();
    let dir = std::path::PathBuf::from(config["dir"].as_str().unwrap());
    let account = config["account"].as_str().unwrap();
    let keychain = Keychain::with_store(keyring_core::mock::Store::new().unwrap());
    keychain
        .set(
            account,
            SecretKind::ApiKey,
            &Secret::new(std::env::var("BILLFOLD_PO_CHILD_KEY").unwrap()),
        )
        .unwrap();
    let app = Billfold::open(&dir, keychain).unwrap();
    app.issue_purchase_order(account, config["po"].as_str().unwrap())
        .await
        .unwrap();
    panic!("the child was meant to be killed before finishing");
}

#[tokio::test]
async fn a_process_killed_at_any_step_of_issuing_resumes_into_one_customer_and_one_invoice() {
    if let Ok(config) = std::env::var(CHILD_ENV) {
        return run_as_child(&config).await;
    }
    let sim = sim().await;
    // Steps: find customer, create customer, create invoice, add lines, finalize (Stripe sends).
    for step in 0..5u64 {
        let key = unique_key();
        let dir = tempfile::tempdir().unwrap();
        let (app, account) = open_with_account(dir.path(), &sim, &key).await;
        let draft = app
            .create_purchase_order(&account, po("PO-9", "ap@acme.test", 3))
            .unwrap();
        let config =
            serde_json::json!({ "dir": dir.path(), "account": account, "po": draft.summary.id });
        let env = [(CHILD_ENV, config.to_string()), ("BILLFOLD_PO_CHILD_KEY", key.clone())];
        let env: Vec<(&str, &str)> = env.iter().map(|(name, value)| (*name, value.as_str())).collect();
        kill::kill_child_in_flight(
            &sim,
            "a_process_killed_at_any_step_of_issuing_resumes_into_one_customer_and_one_invoice",
            &env,
            step + 1,
        )
        .await;

        let pending = journal::unfinished(app.store()).unwrap();
        assert_eq!(
            pending.len(),
            1,
            "step {step}: the killed operation is pending"
        );
        // Asking to issue again resumes the same operation rather than starting another.
        let issued = app
            .issue_purchase_order(&account, &draft.summary.id)
            .await
            .unwrap();
        assert_eq!(
            app.store().operation(&pending[0].id).unwrap().status,
            OperationStatus::Done
        );
        assert_eq!(
            app.resume_operations().await.unwrap(),
            0,
            "nothing else was pending"
        );

        let customers = all(&app, &account, "/v1/customers").await;
        let invoices = all(&app, &account, "/v1/invoices").await;
        assert_eq!(customers.len(), 1, "step {step}: exactly one customer");
        assert_eq!(invoices.len(), 1, "step {step}: exactly one invoice");
        assert_eq!(invoices[0]["status"], "open", "step {step}");
        assert_eq!(
            invoices[0]["lines"]["data"].as_array().unwrap().len(),
            3,
            "step {step}: lines added once"
        );
        assert_eq!(issued.summary.status, PoStatus::Invoiced, "step {step}");
        assert_eq!(
            issued.invoice_id.as_deref(),
            invoices[0]["id"].as_str(),
            "step {step}"
        );
    }
}

