//! Credit notes against a real stripe-sim: by amount or by lines on an open invoice (what is
//! due goes down in Stripe and in the cache), split into refund, balance credit and out of
//! band on a paid one (the balance and its ledger move), refused before anything is recorded
//! or sent when the request cannot work, voided, previewed without a trace, and resumed into
//! exactly one credit note after a kill mid-request.

use std::sync::Arc;

use billfold_core::credit_notes::{CreditLineInput, CreditNoteInput, CreditReason};
use billfold_core::gateway::{Gateway, GatewayConfig};
use billfold_core::journal::{self, OperationKind, OperationStatus};
use billfold_core::secrets::Secret;
use billfold_core::store::{ListQuery, Store, DATABASE_FILE};
use billfold_core::sync::NoObserver;
use billfold_core::{Billfold, ErrorCode};
use serde_json::Value;

#[path = "support/kill.rs"]
mod kill;
mod po_support;
#[path = "support/sim_account.rs"]
mod sim_account;

use sim_account::sim;

/// Set in the environment of the child process the kill test starts.
const CHILD_ENV: &str = "BILLFOLD_CREDIT_NOTE_CHILD";

fn unique_key() -> String {
    format!("sk_test_51Credit{}", uuid::Uuid::new_v4().simple())
}

fn form(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs.iter().map(|(name, value)| (name.to_string(), value.to_string())).collect()
}

/// A finalized EUR invoice of two lines, Seats (3 × 20.00) and Support (40.00), paid by card
/// when `pay_by_card`; synced into the cache. Answers the invoice and its customer.
async fn invoice(app: &Billfold, account: &str, pay_by_card: bool) -> (Value, String) {
    let gateway = app.gateway(account).await.unwrap();
    let customer = gateway
        .post_form("/v1/customers", &form(&[("email", "ap@acme.test"), ("name", "Acme GmbH")]), None)
        .await
        .unwrap();
    let customer = customer["id"].as_str().unwrap().to_string();
    let draft = gateway
        .post_form(
            "/v1/invoices",
            &form(&[("customer", &customer), ("currency", "eur"), ("collection_method", "send_invoice"), ("days_until_due", "30")]),
            None,
        )
        .await
        .unwrap();
    let id = draft["id"].as_str().unwrap().to_string();
    gateway
        .post_form(
            &format!("/v1/invoices/{id}/add_lines"),
            &form(&[
                ("lines[0][description]", "Seats"),
                ("lines[0][quantity]", "3"),
                ("lines[0][price_data][currency]", "eur"),
                ("lines[0][price_data][unit_amount]", "2000"),
                ("lines[0][price_data][product_data][name]", "Seats"),
                ("lines[1][description]", "Support"),
                ("lines[1][quantity]", "1"),
                ("lines[1][price_data][currency]", "eur"),
                ("lines[1][price_data][unit_amount]", "4000"),
                ("lines[1][price_data][product_data][name]", "Support"),
            ]),
            None,
        )
        .await
        .unwrap();
    let mut invoice = gateway.post_form(&format!("/v1/invoices/{id}/finalize"), &[], None).await.unwrap();
    if pay_by_card {
        invoice = gateway
            .post_form(&format!("/v1/invoices/{id}/pay"), &form(&[("payment_method", "pm_card_visa")]), None)
            .await
            .unwrap();
        assert_eq!(invoice["status"], "paid");
    }
    app.sync_once(account, &NoObserver).await.unwrap();
    (invoice, customer)
}

fn by_amount(invoice: &str, amount: i64) -> CreditNoteInput {
    CreditNoteInput {
        invoice_id: invoice.into(),
        amount: Some(amount),
        lines: Vec::new(),
        reason: None,
        memo: None,
        refund_amount: 0,
        credit_amount: 0,
        out_of_band_amount: 0,
    }
}

fn line_id(invoice: &Value, description: &str) -> String {
    invoice["lines"]["data"].as_array().unwrap().iter().find(|line| line["description"] == description).unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string()
}

/// Stripe's view of an invoice, through the account's gateway.
async fn stripe_invoice(app: &Billfold, account: &str, id: &str) -> Value {
    app.gateway(account).await.unwrap().get_json(&format!("/v1/invoices/{id}"), &[]).await.unwrap()
}

/// The cached invoice's `amount_remaining` as its list row has it.
fn cached_remaining(app: &Billfold, account: &str, id: &str) -> (String, i64) {
    let query = ListQuery { limit: 100, ..ListQuery::default() };
    let row = app.list_invoices(account, &query).unwrap().rows.into_iter().find(|row| row.id == id).unwrap();
    (row.status, row.amount_remaining)
}

fn operations(dir: &std::path::Path) -> i64 {
    let db = rusqlite::Connection::open(dir.join(DATABASE_FILE)).unwrap();
    db.query_row("SELECT count(*) FROM operations", [], |row| row.get(0)).unwrap()
}

#[tokio::test]
async fn a_credit_by_amount_lowers_what_an_open_invoice_still_asks() {
    let sim = sim().await;
    let dir = tempfile::tempdir().unwrap();
    let (app, account) = sim_account::open_with_account(dir.path(), &sim, &unique_key(), "Credit Notes").await;
    let (invoice, customer) = invoice(&app, &account, false).await;
    let id = invoice["id"].as_str().unwrap();
    assert_eq!(invoice["amount_remaining"], 10_000);

    let before = sim.request_count();
    let preview = app.preview_credit_note(&account, by_amount(id, 2_500)).await.unwrap();
    assert_eq!(sim.request_count() - before, 1, "one GET");
    assert_eq!((preview.total, preview.amount_remaining_after, preview.creditable_amount), (2_500, 7_500, 10_000));
    assert_eq!(preview.invoice_status, "open");
    assert_eq!(operations(dir.path()), 0, "a preview is not journaled");
    assert!(app.store().credit_notes_of_invoice(&account, id).unwrap().is_empty());

    let mut input = by_amount(id, 2_500);
    input.reason = Some(CreditReason::OrderChange);
    input.memo = Some("  One seat less  ".into());
    let row = app.create_credit_note(&account, input).await.unwrap();
    assert_eq!((row.total, row.status.as_str(), row.credit_amount, row.refund_amount), (2_500, "issued", 0, 0));
    assert_eq!(row.reason.as_deref(), Some("order_change"));
    assert_eq!(row.memo.as_deref(), Some("One seat less"));
    assert_eq!(row.invoice_id.as_deref(), Some(id));
    assert_eq!(row.customer_id.as_deref(), Some(customer.as_str()));

    assert_eq!(stripe_invoice(&app, &account, id).await["amount_remaining"], 7_500);
    assert_eq!(cached_remaining(&app, &account, id), ("open".to_string(), 7_500));
    assert_eq!(app.store().credit_notes_of_invoice(&account, id).unwrap(), vec![row.clone()]);
    assert_eq!(app.store().credit_notes_of_customer(&account, &customer).unwrap(), vec![row.clone()]);
    let page = app.list_credit_notes(&account, &ListQuery { limit: 10, search: Some(row.number.clone().unwrap()), ..ListQuery::default() }).unwrap();
    assert_eq!((page.total, page.rows.len()), (1, 1));
    let none = app.list_credit_notes(&account, &ListQuery { limit: 10, search: Some("nothing like it".into()), ..ListQuery::default() }).unwrap();
    assert_eq!(none.total, 0);
    let short = app.list_credit_notes(&account, &ListQuery { limit: 10, search: Some("cn".into()), ..ListQuery::default() }).unwrap();
    assert!(short.search_hint.is_some());
    assert_eq!(short.total, 1);
    let op = journal::unfinished(app.store()).unwrap();
    assert!(op.is_empty());

    // What the events say afterwards agrees with what was applied.
    app.sync_once(&account, &NoObserver).await.unwrap();
    assert_eq!(cached_remaining(&app, &account, id), ("open".to_string(), 7_500));
}

#[tokio::test]
async fn a_credit_by_lines_credits_the_quantities_asked() {
    let sim = sim().await;
    let dir = tempfile::tempdir().unwrap();
    let (app, account) = sim_account::open_with_account(dir.path(), &sim, &unique_key(), "Credit Notes").await;
    let (invoice, _) = invoice(&app, &account, false).await;
    let id = invoice["id"].as_str().unwrap();
    let seats = line_id(&invoice, "Seats");
    let support = line_id(&invoice, "Support");
    let input = CreditNoteInput {
        amount: None,
        lines: vec![
            CreditLineInput { invoice_line_id: seats.clone(), quantity: 2 },
            CreditLineInput { invoice_line_id: support, quantity: 1 },
        ],
        ..by_amount(id, 0)
    };
    let preview = app.preview_credit_note(&account, input.clone()).await.unwrap();
    assert_eq!(preview.total, 8_000);
    assert_eq!(preview.lines.iter().map(|l| (l.quantity, l.amount)).collect::<Vec<_>>(), vec![(Some(2), 4_000), (Some(1), 4_000)]);
    let row = app.create_credit_note(&account, input).await.unwrap();
    assert_eq!(row.total, 8_000);
    assert_eq!(stripe_invoice(&app, &account, id).await["amount_remaining"], 2_000);
    assert_eq!(cached_remaining(&app, &account, id), ("open".to_string(), 2_000));

    // The last seat pays the invoice off: Stripe marks it paid and so does the cache.
    let last = CreditNoteInput { amount: None, lines: vec![CreditLineInput { invoice_line_id: seats, quantity: 1 }], ..by_amount(id, 0) };
    let last = app.create_credit_note(&account, last).await.unwrap();
    assert_eq!(cached_remaining(&app, &account, id), ("paid".to_string(), 0));

    // Pages of one, newest first, each `next` leading to the following page.
    let first = app.list_credit_notes(&account, &ListQuery { limit: 1, ..ListQuery::default() }).unwrap();
    assert_eq!(first.total, 2);
    assert!(first.next.is_some(), "a cursor leads to the second page");
    let second = app.list_credit_notes(&account, &ListQuery { limit: 1, offset: 1, after: first.next.clone(), ..ListQuery::default() }).unwrap();
    // A full page read from a cursor cannot tell it is the last: the page after it is empty.
    let after = second.next.clone().expect("a cursor after a full page");
    let third = app.list_credit_notes(&account, &ListQuery { limit: 1, offset: 2, after: Some(after), ..ListQuery::default() }).unwrap();
    assert_eq!((third.rows.len(), third.next), (0, None));
    let mut seen = vec![first.rows[0].id.clone(), second.rows[0].id.clone()];
    seen.sort();
    let mut expected = vec![row.id.clone(), last.id.clone()];
    expected.sort();
    assert_eq!(seen, expected);
    // Sorted by total, smallest first: the last seat's 2,000 before the first note's 8,000.
    let sorted = app.list_credit_notes(&account, &ListQuery { limit: 10, sort: Some("total".into()), ..ListQuery::default() }).unwrap();
    assert_eq!(sorted.rows.iter().map(|note| note.total).collect::<Vec<_>>(), [last.total, row.total]);
    let unsorted = app.list_credit_notes(&account, &ListQuery { limit: 10, sort: Some("reason".into()), ..ListQuery::default() });
    assert_eq!(unsorted.unwrap_err().code(), ErrorCode::Validation);

    // A note that lowered what was due cannot be voided once the invoice is paid: refused
    // here, as Stripe would, without a request.
    let before = sim.request_count();
    let err = app.void_credit_note(&account, &row.id).await.unwrap_err();
    assert_eq!(err.code(), ErrorCode::Validation, "{err}");
    assert_eq!(sim.request_count(), before);
}

#[tokio::test]
async fn a_paid_invoice_splits_into_refund_balance_credit_and_out_of_band() {
    let sim = sim().await;
    let dir = tempfile::tempdir().unwrap();
    let (app, account) = sim_account::open_with_account(dir.path(), &sim, &unique_key(), "Credit Notes").await;
    let (invoice, customer) = invoice(&app, &account, true).await;
    let id = invoice["id"].as_str().unwrap();
    let input = CreditNoteInput { refund_amount: 1_000, credit_amount: 3_000, out_of_band_amount: 500, ..by_amount(id, 4_500) };
    let preview = app.preview_credit_note(&account, input.clone()).await.unwrap();
    assert_eq!((preview.total, preview.invoice_status.as_str(), preview.creditable_amount), (4_500, "paid", 10_000));
    let row = app.create_credit_note(&account, input).await.unwrap();
    assert_eq!((row.refund_amount, row.credit_amount, row.out_of_band_amount), (1_000, 3_000, 500));

    let gateway = app.gateway(&account).await.unwrap();
    let stripe_customer = gateway.get_json(&format!("/v1/customers/{customer}"), &[]).await.unwrap();
    assert_eq!(stripe_customer["balance"], -3_000);
    let detail = app.customer_detail(&account, &customer).unwrap();
    assert_eq!(detail.balance, -3_000, "the cached customer was fetched again");
    assert_eq!(detail.credit_notes, vec![row.clone()]);
    assert_eq!(detail.invoices.iter().map(|i| i.id.as_str()).collect::<Vec<_>>(), vec![id]);
    let ledger = app.store().customer_balance_transactions(&account, &customer).unwrap();
    assert_eq!(ledger.len(), 1);
    assert_eq!((ledger[0].transaction_type.as_str(), ledger[0].amount), ("credit_note", -3_000));
    assert_eq!(ledger[0].credit_note_id.as_deref(), Some(row.id.as_str()));
    let charge = stripe_invoice(&app, &account, id).await;
    assert_eq!(charge["post_payment_credit_notes_amount"], 4_500);

    // What card payments can still refund is 9,000; the invoice can be credited 5,500 more.
    let over_refund = CreditNoteInput { refund_amount: 5_500, ..by_amount(id, 5_500) };
    let before = sim.request_count();
    app.preview_credit_note(&account, over_refund).await.unwrap();
    let too_much = CreditNoteInput { credit_amount: 5_501, ..by_amount(id, 5_501) };
    let err = app.create_credit_note(&account, too_much).await.unwrap_err();
    assert_eq!(err.code(), ErrorCode::Validation, "{err}");
    assert_eq!(sim.request_count() - before, 1, "only the preview was sent");

    // Voiding takes the balance credit back, in Stripe and in the cache.
    let void = app.void_credit_note(&account, &row.id).await.unwrap();
    assert_eq!(void.status, "void");
    assert_eq!(app.customer_detail(&account, &customer).unwrap().balance, 0);
    let ledger = app.store().customer_balance_transactions(&account, &customer).unwrap();
    assert_eq!(ledger.iter().map(|t| (t.amount, t.ending_balance)).collect::<Vec<_>>(), vec![(3_000, 0), (-3_000, -3_000)]);
    let again = app.void_credit_note(&account, &row.id).await.unwrap_err();
    assert_eq!(again.code(), ErrorCode::Validation, "{again}");
    assert!(again.to_string().contains("already been voided"), "{again}");
}

#[tokio::test]
async fn requests_that_cannot_work_are_refused_before_anything_is_recorded_or_sent() {
    let sim = sim().await;
    let dir = tempfile::tempdir().unwrap();
    let (app, account) = sim_account::open_with_account(dir.path(), &sim, &unique_key(), "Credit Notes").await;
    let (open, _) = invoice(&app, &account, false).await;
    let (paid, _) = invoice(&app, &account, true).await;
    let open_id = open["id"].as_str().unwrap();
    let paid_id = paid["id"].as_str().unwrap();
    let seats = line_id(&open, "Seats");
    let gateway = app.gateway(&account).await.unwrap();
    let customer = open["customer"].as_str().unwrap();
    let draft = gateway.post_form("/v1/invoices", &form(&[("customer", customer), ("currency", "eur")]), None).await.unwrap();
    let draft_id = draft["id"].as_str().unwrap().to_string();
    let (voided, _) = invoice(&app, &account, false).await;
    let void_id = voided["id"].as_str().unwrap().to_string();
    gateway.post_form(&format!("/v1/invoices/{void_id}/void"), &[], None).await.unwrap();
    let (outside, _) = invoice(&app, &account, false).await;
    let outside_id = outside["id"].as_str().unwrap().to_string();
    gateway.post_form(&format!("/v1/invoices/{outside_id}/pay"), &form(&[("paid_out_of_band", "true")]), None).await.unwrap();
    app.sync_once(&account, &NoObserver).await.unwrap();

    let lines = |quantity| CreditNoteInput {
        amount: None,
        lines: vec![CreditLineInput { invoice_line_id: seats.clone(), quantity }],
        ..by_amount(open_id, 0)
    };
    let cases = vec![
        ("over creditable", by_amount(open_id, 10_001)),
        ("zero", by_amount(open_id, 0)),
        ("negative", by_amount(open_id, -5)),
        ("draft", by_amount(&draft_id, 100)),
        ("void", by_amount(&void_id, 100)),
        ("not cached", by_amount("in_NotInTheCache", 100)),
        ("not an id", by_amount("in_1/../x", 100)),
        ("both", CreditNoteInput { amount: Some(2_000), ..lines(1) }),
        ("neither", CreditNoteInput { amount: None, ..by_amount(open_id, 0) }),
        ("quantity 0", lines(0)),
        ("quantity over the line's", lines(4)),
        ("unknown line", CreditNoteInput { lines: vec![CreditLineInput { invoice_line_id: "il_nope".into(), quantity: 1 }], ..lines(1) }),
        ("credit on an open invoice", CreditNoteInput { credit_amount: 100, ..by_amount(open_id, 100) }),
        ("out of band on an open invoice", CreditNoteInput { out_of_band_amount: 100, ..by_amount(open_id, 100) }),
        ("parts short of the total", CreditNoteInput { credit_amount: 400, out_of_band_amount: 500, ..by_amount(paid_id, 1_000) }),
        ("parts over the total", CreditNoteInput { credit_amount: 1_000, refund_amount: 1, ..by_amount(paid_id, 1_000) }),
        ("negative part", CreditNoteInput { credit_amount: 1_100, out_of_band_amount: -100, ..by_amount(paid_id, 1_000) }),
        ("refund over the card payment", CreditNoteInput { refund_amount: 100, ..by_amount(&outside_id, 100) }),
        ("memo too long", CreditNoteInput { memo: Some("m".repeat(5_001)), ..by_amount(open_id, 100) }),
    ];
    let before = sim.request_count();
    for (what, input) in cases {
        let preview = app.preview_credit_note(&account, input.clone()).await.unwrap_err();
        assert_eq!(preview.code(), ErrorCode::Validation, "{what}: {preview}");
        let create = app.create_credit_note(&account, input).await.unwrap_err();
        assert_eq!(create.code(), ErrorCode::Validation, "{what}: {create}");
    }
    for bad in ["cn_NotInTheCache", "not a credit note"] {
        assert_eq!(app.void_credit_note(&account, bad).await.unwrap_err().code(), ErrorCode::Validation);
    }
    assert_eq!(sim.request_count(), before, "nothing was sent");
    assert_eq!(operations(dir.path()), 0, "nothing was recorded");
    assert_eq!(stripe_invoice(&app, &account, open_id).await["amount_remaining"], 10_000);
}

#[tokio::test]
async fn a_purchase_orders_invoice_credited_in_full_shows_on_the_po() {
    let sim = sim().await;
    let dir = tempfile::tempdir().unwrap();
    let (app, account) = sim_account::open_with_account(dir.path(), &sim, &unique_key(), "Credit Notes").await;
    app.sync_once(&account, &NoObserver).await.unwrap();
    // One line of 2 × 1,250.00 = 2,500.00 EUR.
    let draft = app.create_purchase_order(&account, po_support::po("PO-CN-1", "ap@acme.test", 1)).unwrap();
    let po_id = draft.summary.id.clone();
    let invoice_id = app.issue_purchase_order(&account, &po_id).await.unwrap().invoice_id.unwrap();
    app.sync_once(&account, &NoObserver).await.unwrap();

    let half = app.create_credit_note(&account, by_amount(&invoice_id, 100_000)).await.unwrap();
    let po = app.purchase_order(&account, &po_id).unwrap();
    assert_eq!(po.summary.invoice_status.as_deref(), Some("open"));
    assert_eq!((po.summary.total, po.summary.paid), (250_000, 0), "a credit note is not a payment");

    // Crediting the rest leaves Stripe nothing to collect: the invoice is paid, and the PO,
    // following its invoice, is paid at once; no payment is invented for it (the PO's
    // balance, total less payments, does not count credit notes).
    app.create_credit_note(&account, by_amount(&invoice_id, 150_000)).await.unwrap();
    assert_eq!(cached_remaining(&app, &account, &invoice_id), ("paid".to_string(), 0));
    let po = app.purchase_order(&account, &po_id).unwrap();
    assert_eq!(po.summary.invoice_status.as_deref(), Some("paid"));
    assert_eq!(po.summary.paid, 0);
    assert!(po.payments.is_empty());
    assert_eq!(po.summary.status, billfold_core::po::PoStatus::Paid);
    // A later sync agrees and changes nothing more.
    app.sync_once(&account, &NoObserver).await.unwrap();
    assert_eq!(app.purchase_order(&account, &po_id).unwrap().summary, po.summary);
    // Both notes are usually created in the same second, so which one lists first is the ids'
    // (random) order: only membership is asserted.
    let notes = app.store().credit_notes_of_invoice(&account, &invoice_id).unwrap();
    assert_eq!(notes.len(), 2);
    assert!(notes.contains(&half), "the first note reads back unchanged");
}

/// The child's side of the kill test: record and run one credit note until killed.
async fn run_as_child(config: &str) {
    let config: Value = serde_json::from_str(config).unwrap();
    let dir = std::path::PathBuf::from(config["dir"].as_str().unwrap());
    let store = Arc::new(Store::open(&dir.join(DATABASE_FILE)).unwrap());
    let account = config["account"].as_str().unwrap();
    let key = Secret::new(std::env::var("BILLFOLD_CREDIT_NOTE_CHILD_KEY").unwrap());
    let gateway = Gateway::new(
        store.clone(),
        account,
        config["base"].as_str().unwrap(),
        &key,
        GatewayConfig::for_mode(billfold_core::accounts::Mode::Test),
    )
    .unwrap();
    let input = journal::CreateCreditNote {
        invoice_id: config["invoice"].as_str().unwrap().into(),
        customer_id: None,
        amount: Some(3_000),
        lines: Vec::new(),
        reason: None,
        memo: None,
        refund_amount: 0,
        credit_amount: 0,
        out_of_band_amount: 0,
    };
    let operation =
        journal::begin(&store, account, OperationKind::CreateCreditNote, serde_json::to_value(input).unwrap()).unwrap();
    journal::run(&store, &gateway, &operation.id).await.unwrap();
    panic!("the child was meant to be killed before finishing");
}

#[tokio::test]
async fn a_process_killed_mid_create_resumes_into_exactly_one_credit_note() {
    if let Ok(config) = std::env::var(CHILD_ENV) {
        return run_as_child(&config).await;
    }
    let sim = sim().await;
    let key = unique_key();
    let dir = tempfile::tempdir().unwrap();
    let (app, account) = sim_account::open_with_account(dir.path(), &sim, &key, "Credit Notes").await;
    let (invoice, _) = invoice(&app, &account, false).await;
    let id = invoice["id"].as_str().unwrap();
    let config = serde_json::json!({ "dir": dir.path(), "account": account, "base": sim.base_url(), "invoice": id });
    let env = [(CHILD_ENV, config.to_string()), ("BILLFOLD_CREDIT_NOTE_CHILD_KEY", key.clone())];
    let env: Vec<(&str, &str)> = env.iter().map(|(name, value)| (*name, value.as_str())).collect();
    // Killed while its POST is in flight: Stripe made the credit note, the answer is lost.
    kill::kill_child_in_flight(&sim, "a_process_killed_mid_create_resumes_into_exactly_one_credit_note", &env, 1).await;

    let pending = journal::unfinished(app.store()).unwrap();
    assert_eq!(pending.len(), 1, "the killed operation is pending");
    assert_eq!(pending[0].step, 0, "its answer never arrived");
    assert_eq!(app.resume_operations().await.unwrap(), 1);
    assert_eq!(app.store().operation(&pending[0].id).unwrap().status, OperationStatus::Done);

    let gateway = app.gateway(&account).await.unwrap();
    let notes = gateway.get_json("/v1/credit_notes", &[("invoice".into(), id.to_string())]).await.unwrap();
    assert_eq!(notes["data"].as_array().unwrap().len(), 1, "the resume replayed the same key: one credit note");
    assert_eq!(stripe_invoice(&app, &account, id).await["amount_remaining"], 7_000);
    let cached = app.store().credit_notes_of_invoice(&account, id).unwrap();
    assert_eq!(cached.len(), 1);
    assert_eq!(cached[0].id, notes["data"][0]["id"].as_str().unwrap());
    assert_eq!(cached_remaining(&app, &account, id), ("open".to_string(), 7_000));
}
