//! Purchase orders against a real stripe-sim: issuing in at most five requests, a process
//! killed at every step of issuing, partial, out-of-band and over-payments followed by sync,
//! a second desktop rebuilding the POs, cancel and resend, CSV import and export, and the
//! list over ten thousand rows.

mod po_support;

use std::time::Duration;

use billfold_core::journal::{self, OperationStatus};
use billfold_core::po::{NewPayment, PaymentMethod, PoListQuery, PoStatus};
use billfold_core::secrets::{Keychain, Secret, SecretKind};
use billfold_core::sync::NoObserver;
use billfold_core::{Billfold, ErrorCode};
use po_support::{all, customer_pays, get, open_with_account, po, sim, unique_key};
use serde_json::Value;
use stripe_sim::Faults;

/// Set in the environment of the child process the kill test starts.
const CHILD_ENV: &str = "BILLFOLD_PO_CHILD";

fn payment(amount: &str, method: PaymentMethod, reference: &str) -> NewPayment {
    NewPayment {
        amount: amount.into(),
        method,
        reference: Some(reference.into()),
        received_on: "2026-03-01".into(),
        note: None,
    }
}

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
        // Each request sits in the emulator long enough to be killed while in flight; the
        // emulator still completes it, so the answer is lost, not the write.
        sim.set_faults(Faults {
            latency_ms: 300,
            ..Faults::default()
        });
        let base = sim.request_count();
        let config =
            serde_json::json!({ "dir": dir.path(), "account": account, "po": draft.summary.id });
        let mut child = std::process::Command::new(std::env::current_exe().unwrap())
            .args([
                "--exact",
                "a_process_killed_at_any_step_of_issuing_resumes_into_one_customer_and_one_invoice",
                "--nocapture",
            ])
            .env(CHILD_ENV, config.to_string())
            .env("BILLFOLD_PO_CHILD_KEY", &key)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        let mut waited = 0;
        while sim.request_count() < base + step + 1 {
            assert!(
                child.try_wait().unwrap().is_none(),
                "the child ended before step {step}"
            );
            tokio::time::sleep(Duration::from_millis(5)).await;
            waited += 1;
            assert!(waited < 6000, "the child never reached step {step}");
        }
        child.kill().unwrap();
        child.wait().unwrap();
        sim.set_faults(Faults::default());

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

#[tokio::test]
async fn partial_out_of_band_and_over_payments_follow_stripe_and_a_second_desktop_rebuilds_them() {
    let sim = sim().await;
    let key = unique_key();
    let dir = tempfile::tempdir().unwrap();
    let (app, account) = open_with_account(dir.path(), &sim, &key).await;
    app.sync_once(&account, &NoObserver).await.unwrap();

    // 3 lines of 2 × 1,250.00 = 7,500.00 EUR.
    let draft = app
        .create_purchase_order(&account, po("PO-100", "ap@acme.test", 3))
        .unwrap();
    let id = draft.summary.id.clone();
    let issued = app.issue_purchase_order(&account, &id).await.unwrap();
    let invoice_id = issued.invoice_id.clone().unwrap();

    // The customer pays 3,000.00 by card in Stripe: sync records it as a Stripe payment.
    customer_pays(&sim, &invoice_id, 300_000, "card").await;
    let report = app.sync_once(&account, &NoObserver).await.unwrap();
    assert!(
        report.resources_changed.contains("purchase_orders"),
        "{report:?}"
    );
    let partial = app.purchase_order(&account, &id).unwrap();
    assert_eq!(partial.summary.status, PoStatus::PartiallyPaid);
    assert_eq!(
        (partial.summary.paid, partial.summary.balance),
        (300_000, 450_000)
    );
    assert_eq!(partial.payments.len(), 1);
    assert_eq!(partial.payments[0].method, PaymentMethod::Stripe);
    assert!(partial.payments[0].recorded_in_stripe);
    let kinds: Vec<&str> = partial
        .timeline
        .iter()
        .map(|entry| entry.kind.as_str())
        .collect();
    for kind in ["created", "finalized", "sent", "payment"] {
        assert!(kinds.contains(&kind), "timeline lacks {kind}: {kinds:?}");
    }

    // A cheque for 1,000.00 is recorded here only: Stripe still shows the remainder.
    let before = app.store().request_log_count(&account).unwrap();
    let cheque = app
        .record_po_payment(
            &account,
            &id,
            payment("1,000.00", PaymentMethod::Check, "CHK-1"),
        )
        .await
        .unwrap();
    assert_eq!(
        app.store().request_log_count(&account).unwrap(),
        before,
        "a partial payment stays local"
    );
    assert_eq!(cheque.summary.status, PoStatus::PartiallyPaid);
    assert_eq!(cheque.summary.balance, 350_000);
    assert!(cheque.stripe_shows_remainder);
    assert_eq!(
        get(&app, &account, &format!("/v1/invoices/{invoice_id}")).await["amount_paid"],
        300_000
    );

    // A wire for the rest completes the balance: the invoice is paid out of band in Stripe.
    let wire = app
        .record_po_payment(
            &account,
            &id,
            payment("3,500.00", PaymentMethod::Wire, "WIRE-7"),
        )
        .await
        .unwrap();
    assert_eq!(wire.summary.status, PoStatus::Paid);
    assert_eq!(
        (wire.summary.paid, wire.summary.balance, wire.overpaid),
        (750_000, 0, 0)
    );
    assert!(!wire.stripe_shows_remainder);
    assert!(wire
        .payments
        .iter()
        .all(|payment| payment.recorded_in_stripe));
    let oob = wire
        .audit
        .iter()
        .find(|entry| entry.action == "paid_out_of_band")
        .unwrap();
    assert!(oob
        .stripe_request_id
        .as_deref()
        .is_some_and(|id| id.starts_with("req_")));
    let invoice = get(&app, &account, &format!("/v1/invoices/{invoice_id}")).await;
    assert_eq!(invoice["status"], "paid");
    assert_eq!(invoice["amount_paid"], 750_000);

    // Syncing the paid invoice adds no payment: every cent is explained.
    app.sync_once(&account, &NoObserver).await.unwrap();
    let synced = app.purchase_order(&account, &id).unwrap();
    assert_eq!(synced.payments.len(), 3);
    assert_eq!(
        (synced.summary.paid, synced.summary.status),
        (750_000, PoStatus::Paid)
    );
    assert!(synced.timeline.iter().any(|entry| entry.kind == "paid"));
    let err = app
        .record_po_payment(&account, &id, payment("1.00", PaymentMethod::Check, "x"))
        .await
        .unwrap_err();
    assert!(err.to_string().contains("already paid"), "{err}");

    // A bank transfer of 3,000.00 on a 2,500.00 PO: paid, and overpaid by 500.00.
    let small = app
        .create_purchase_order(&account, po("PO-101", "ap@acme.test", 1))
        .unwrap();
    let small_issued = app
        .issue_purchase_order(&account, &small.summary.id)
        .await
        .unwrap();
    customer_pays(
        &sim,
        small_issued.invoice_id.as_deref().unwrap(),
        300_000,
        "bank_transfer",
    )
    .await;
    app.sync_once(&account, &NoObserver).await.unwrap();
    let over = app.purchase_order(&account, &small.summary.id).unwrap();
    assert_eq!(
        (
            over.summary.status,
            over.summary.paid,
            over.overpaid,
            over.summary.balance
        ),
        (PoStatus::Paid, 300_000, 50_000, 0)
    );
    assert!(over.audit.iter().any(|entry| entry.action == "overpaid"));

    // A second desktop syncing the same account rebuilds both POs from invoice metadata and
    // lines; what was paid outside Stripe shows as out-of-band payments.
    let other_dir = tempfile::tempdir().unwrap();
    let (other, other_account) = open_with_account(other_dir.path(), &sim, &key).await;
    other.sync_once(&other_account, &NoObserver).await.unwrap();
    let page = other
        .list_purchase_orders(&other_account, &query())
        .unwrap();
    assert_eq!(page.total, 2);
    let rebuilt = other.purchase_order(&other_account, &id).unwrap();
    assert_eq!(rebuilt.summary.po_number, "PO-100");
    assert_eq!(rebuilt.summary.organization, "Acme GmbH");
    assert_eq!(rebuilt.summary.contact_email, "ap@acme.test");
    assert_eq!(rebuilt.contact_name, "Ada Lovelace");
    assert_eq!(rebuilt.payment_terms_days, 14);
    assert_eq!(
        rebuilt.lines, synced.lines,
        "same lines, quantities and unit amounts"
    );
    assert_eq!(rebuilt.summary.total, 750_000);
    assert_eq!(rebuilt.summary.status, PoStatus::Paid);
    assert_eq!(
        rebuilt.summary.invoice_number,
        synced.summary.invoice_number
    );
    let by_method = |method| {
        rebuilt
            .payments
            .iter()
            .filter(|p| p.method == method)
            .map(|p| p.amount)
            .sum::<i64>()
    };
    assert_eq!(
        by_method(PaymentMethod::Stripe),
        300_000,
        "the card payment Stripe took"
    );
    assert_eq!(
        by_method(PaymentMethod::Other),
        450_000,
        "the cheque and wire, marked paid out of band"
    );
    let rebuilt_small = other
        .purchase_order(&other_account, &small.summary.id)
        .unwrap();
    assert_eq!(
        (rebuilt_small.summary.paid, rebuilt_small.overpaid),
        (300_000, 50_000)
    );
    // Syncing again changes nothing.
    other.sync_once(&other_account, &NoObserver).await.unwrap();
    assert_eq!(
        other
            .purchase_order(&other_account, &id)
            .unwrap()
            .payments
            .len(),
        rebuilt.payments.len()
    );
}

#[tokio::test]
async fn cancel_voids_or_stays_local_and_resend_emails_again() {
    let sim = sim().await;
    let dir = tempfile::tempdir().unwrap();
    let (app, account) = open_with_account(dir.path(), &sim, &unique_key()).await;
    // The first sync backfills; the events after it make the timeline.
    app.sync_once(&account, &NoObserver).await.unwrap();

    let never_issued = app
        .create_purchase_order(&account, po("PO-1", "ap@acme.test", 1))
        .unwrap();
    let before = app.store().request_log_count(&account).unwrap();
    let cancelled = app
        .cancel_purchase_order(&account, &never_issued.summary.id)
        .await
        .unwrap();
    assert_eq!(cancelled.summary.status, PoStatus::Cancelled);
    assert_eq!(
        app.store().request_log_count(&account).unwrap(),
        before,
        "nothing to tell Stripe"
    );

    let draft = app
        .create_purchase_order(&account, po("PO-2", "ap@acme.test", 1))
        .unwrap();
    let issued = app
        .issue_purchase_order(&account, &draft.summary.id)
        .await
        .unwrap();
    let invoice_id = issued.invoice_id.clone().unwrap();
    let resent = app
        .resend_po_invoice(&account, &draft.summary.id)
        .await
        .unwrap();
    assert!(resent
        .audit
        .iter()
        .any(|entry| entry.action == "resent" && entry.stripe_request_id.is_some()));
    let sent = all(&app, &account, "/v1/events")
        .await
        .into_iter()
        .filter(|event| event["type"] == "invoice.sent")
        .count();
    assert_eq!(sent, 2, "once at finalization, once resent");

    let link = app.po_link(&account, &draft.summary.id, "hosted").unwrap();
    assert!(link.starts_with(sim.base_url()), "{link}");
    assert!(app.po_link(&account, &draft.summary.id, "other").is_err());

    let voided = app
        .cancel_purchase_order(&account, &draft.summary.id)
        .await
        .unwrap();
    assert_eq!(voided.summary.status, PoStatus::Cancelled);
    assert_eq!(voided.summary.invoice_status.as_deref(), Some("void"));
    assert_eq!(
        get(&app, &account, &format!("/v1/invoices/{invoice_id}")).await["status"],
        "void"
    );
    let err = app
        .resend_po_invoice(&account, &draft.summary.id)
        .await
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::Validation);
    app.sync_once(&account, &NoObserver).await.unwrap();
    let after_sync = app.purchase_order(&account, &draft.summary.id).unwrap();
    assert_eq!(after_sync.summary.status, PoStatus::Cancelled);
    assert!(after_sync
        .timeline
        .iter()
        .any(|entry| entry.kind == "voided"));
}

const HEADER: &str = "po_number,organization,contact_name,contact_email,billing_address,currency,payment_terms_days,notes,description,quantity,unit_price";

#[tokio::test]
async fn csv_import_is_all_or_nothing_and_exports_quote_as_rfc_4180() {
    let sim = sim().await;
    let dir = tempfile::tempdir().unwrap();
    let (app, account) = open_with_account(dir.path(), &sim, &unique_key()).await;
    app.create_purchase_order(&account, po("PO-EXISTS", "ap@acme.test", 1))
        .unwrap();

    let bad = format!(
        "{HEADER}\r\n\
         PO-1,Acme,Ada,ap@acme.test,,EUR,30,,Tickets,2,\"1,250.00\"\r\n\
         PO-1,,,,,,,,Booth,0,500\r\n\
         PO-2,Globex,Hank,hank@globex,,,,,Tickets,1,10\r\n\
         PO-3,Initech,Bill,bill@initech.test,,JPY,,,Tickets,1,10.50\r\n\
         po-exists,Acme,Ada,ap@acme.test,,,,,Tickets,1,10\r\n"
    );
    let report = app.import_purchase_orders_csv(&account, &bad).unwrap();
    assert_eq!(report.imported, 0);
    let rows: Vec<i64> = report.errors.iter().map(|error| error.row).collect();
    assert_eq!(rows, vec![3, 4, 5], "{:?}", report.errors);
    assert!(report.errors[0].message.contains("quantity"));
    assert!(report.errors[1].message.contains("email"));
    assert!(report.errors[2].message.contains("JPY has no decimals"));
    assert_eq!(
        app.list_purchase_orders(&account, &query()).unwrap().total,
        1,
        "nothing imported"
    );

    // Only the duplicate left: still nothing imported, and it is named.
    let clash = format!("{HEADER}\nPO-1,Acme,Ada,ap@acme.test,,,,,Tickets,1,10\npo-exists,Acme,Ada,ap@acme.test,,,,,Tickets,1,10\n");
    let report = app.import_purchase_orders_csv(&account, &clash).unwrap();
    assert_eq!(
        (report.imported, report.errors.len(), report.errors[0].row),
        (0, 1, 3),
        "{:?}",
        report.errors
    );
    assert!(report.errors[0].message.contains("already exists"));
    assert_eq!(
        app.list_purchase_orders(&account, &query()).unwrap().total,
        1
    );

    let good = format!(
        "{HEADER}\n\
         PO-1,\"Acme, \"\"The Best\"\" GmbH\",Ada,ap@acme.test,\"1 Main St\nSpringfield\",EUR,30,,Tickets,2,\"1,250.00\"\n\
         PO-1,,,,,,,,Booth,1,500\n\
         PO-2,Initech,Bill,bill@initech.test,,JPY,,,Tickets,3,\"1,500\"\n"
    );
    let report = app.import_purchase_orders_csv(&account, &good).unwrap();
    assert_eq!(
        report,
        billfold_core::po::CsvImportReport {
            imported: 2,
            errors: vec![]
        }
    );
    let page = app
        .list_purchase_orders(
            &account,
            &PoListQuery {
                search: Some("the best".into()),
                ..query()
            },
        )
        .unwrap();
    assert_eq!(page.total, 1);
    let acme = app.purchase_order(&account, &page.rows[0].id).unwrap();
    assert_eq!(acme.summary.total, 300_000);
    assert_eq!(acme.lines.len(), 2);
    assert_eq!(
        acme.billing_address.as_deref(),
        Some("1 Main St\nSpringfield")
    );

    let export = app.export_purchase_orders_csv(&account).unwrap();
    assert!(export.starts_with("po_number,organization,"));
    assert!(
        export.contains("\"Acme, \"\"The Best\"\" GmbH\""),
        "{export}"
    );
    assert!(
        export.contains(",EUR,draft,no,3000.00,0.00,3000.00,"),
        "{export}"
    );
    assert!(export.contains(",JPY,draft,no,4500,0,4500,"), "{export}");
    assert!(export.ends_with("\r\n"));
    let mut reader = csv::Reader::from_reader(export.as_bytes());
    assert_eq!(reader.records().count(), 3);
    let payments = app.export_po_payments_csv(&account).unwrap();
    assert_eq!(payments.lines().count(), 1, "a header and no payments yet");
}

#[tokio::test]
async fn the_list_searches_filters_sorts_and_pages_ten_thousand_rows_in_sql() {
    let sim = sim().await;
    let dir = tempfile::tempdir().unwrap();
    let (app, account) = open_with_account(dir.path(), &sim, &unique_key()).await;
    let mut text = format!("{HEADER}\n");
    for n in 0..10_000 {
        text.push_str(&format!(
            "PO-{n:05},Org {},Ada,ap{n}@org{}.test,,,,,Tickets,1,{}\n",
            n % 97,
            n % 97,
            10 + n
        ));
    }
    let report = app.import_purchase_orders_csv(&account, &text).unwrap();
    assert_eq!((report.imported, report.errors.len()), (10_000, 0));
    // One issued and made overdue in the store, to check the default order.
    let issued_id = app
        .list_purchase_orders(
            &account,
            &PoListQuery {
                search: Some("PO-00042".into()),
                ..query()
            },
        )
        .unwrap()
        .rows[0]
        .id
        .clone();
    app.issue_purchase_order(&account, &issued_id)
        .await
        .unwrap();

    let first = app.list_purchase_orders(&account, &query()).unwrap();
    assert_eq!(first.total, 10_000);
    assert_eq!(first.rows.len(), 50);
    let by_total = app
        .list_purchase_orders(
            &account,
            &PoListQuery {
                sort: Some("total".into()),
                descending: true,
                ..query()
            },
        )
        .unwrap();
    assert_eq!(by_total.rows[0].po_number, "PO-09999");
    assert_eq!(by_total.rows[0].total, 10_009 * 100);
    let page_two = app
        .list_purchase_orders(
            &account,
            &PoListQuery {
                sort: Some("po_number".into()),
                offset: 50,
                ..query()
            },
        )
        .unwrap();
    assert_eq!(page_two.rows[0].po_number, "PO-00050");
    let org = app
        .list_purchase_orders(
            &account,
            &PoListQuery {
                search: Some("org 5".into()),
                ..query()
            },
        )
        .unwrap();
    assert!(
        org.total > 0
            && org
                .rows
                .iter()
                .all(|row| row.organization.starts_with("Org 5"))
    );
    let invoiced = app
        .list_purchase_orders(
            &account,
            &PoListQuery {
                status: Some(PoStatus::Invoiced),
                ..query()
            },
        )
        .unwrap();
    assert_eq!(invoiced.total, 1);
    let number = invoiced.rows[0].invoice_number.clone().unwrap();
    let by_number = app
        .list_purchase_orders(
            &account,
            &PoListQuery {
                search: Some(number),
                ..query()
            },
        )
        .unwrap();
    assert_eq!(by_number.rows[0].id, issued_id);
    let percent = app
        .list_purchase_orders(
            &account,
            &PoListQuery {
                search: Some("%".into()),
                ..query()
            },
        )
        .unwrap();
    assert_eq!(percent.total, 0, "a % is searched for, not a wildcard");
    assert!(app
        .list_purchase_orders(
            &account,
            &PoListQuery {
                sort: Some("id; DROP TABLE x".into()),
                ..query()
            }
        )
        .is_err());
    assert_eq!(
        app.list_purchase_orders(
            &account,
            &PoListQuery {
                overdue_only: true,
                ..query()
            }
        )
        .unwrap()
        .total,
        0
    );

    // The issued PO (52.00 EUR, due in 30 days) is the only open balance, not yet due.
    let aging = app.aging_summary(&account).unwrap();
    assert_eq!(aging.len(), 1);
    assert_eq!(
        (aging[0].currency.as_str(), aging[0].current, aging[0].total),
        ("eur", 5_200, 5_200)
    );
}
