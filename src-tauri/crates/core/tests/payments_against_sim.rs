//! Payments and refunds against stripe-sim: a payment taken from a saved card, refunded in
//! part then in full (each refund once, with its reason and note, the charge and payment
//! cached at once), refusals checked before anything is sent (more than is left, a disputed
//! charge), a decline cached as a failed payment, an authorization captured or canceled, a
//! bank transfer's refund waiting then failing, a PO whose balance counts refunds (a credit
//! note's refund not twice), refunds shown on the invoice and the customer, and a refund
//! killed mid-request making exactly one refund.

mod po_support;
#[path = "support/kill.rs"]
mod kill;

use std::sync::Arc;

use billfold_core::credit_notes::{CreditNoteInput, CreditReason};
use billfold_core::gateway::{Gateway, GatewayConfig};
use billfold_core::journal::{self, OperationKind, OperationStatus};
use billfold_core::payments::{NewPaymentInput, PaymentFilters, RefundInput, RefundReason};
use billfold_core::secrets::Secret;
use billfold_core::store::{ListQuery, Store, DATABASE_FILE};
use billfold_core::sync::NoObserver;
use billfold_core::{Billfold, Error};
use po_support::{control, customer_pays, get, open_with_account, po, sim, unique_key};
use serde_json::{json, Value};
use stripe_sim::Simulator;

/// Set in the environment of the child process the kill test starts: what it runs.
const CHILD_ENV: &str = "BILLFOLD_REFUND_KILL_CHILD";
/// The child's secret key, kept out of the config.
const CHILD_KEY_ENV: &str = "BILLFOLD_REFUND_KILL_CHILD_KEY";
/// Longer than the emulator's 300 ms latency during a kill.
const SETTLE: std::time::Duration = std::time::Duration::from_millis(1500);

struct Fixture {
    sim: Simulator,
    key: String,
    dir: tempfile::TempDir,
    app: Billfold,
    account: String,
}

async fn fixture() -> Fixture {
    let sim = sim().await;
    let dir = tempfile::tempdir().unwrap();
    let key = unique_key();
    let (app, account) = open_with_account(dir.path(), &sim, &key).await;
    Fixture { sim, key, dir, app, account }
}

fn form(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs.iter().map(|(name, value)| (name.to_string(), value.to_string())).collect()
}

impl Fixture {
    async fn post(&self, path: &str, pairs: &[(&str, &str)]) -> Value {
        self.app.gateway(&self.account).await.unwrap().post_form(path, &form(pairs), None).await.unwrap()
    }

    /// A customer with `card` saved as their default; synced, so both are cached.
    async fn customer_with(&self, card: &str) -> (String, String) {
        let customer = self.post("/v1/customers", &[("name", "Acme GmbH"), ("email", "ap@acme.test")]).await;
        let id = customer["id"].as_str().unwrap().to_string();
        let pm = self.post(&format!("/v1/payment_methods/{card}/attach"), &[("customer", &id)]).await;
        let pm = pm["id"].as_str().unwrap().to_string();
        self.post(&format!("/v1/customers/{id}"), &[("invoice_settings[default_payment_method]", &pm)]).await;
        self.sync().await;
        (id, pm)
    }

    async fn sync(&self) {
        self.app.sync_once(&self.account, &NoObserver).await.unwrap();
    }

    fn payment(&self, customer: &str, pm: &str, amount: i64, capture_later: bool) -> NewPaymentInput {
        NewPaymentInput {
            customer_id: customer.into(),
            payment_method: pm.into(),
            amount,
            currency: "eur".into(),
            description: Some("Workshop seats".into()),
            capture_later,
        }
    }

    fn refund(&self, payment: &str, amount: Option<i64>) -> RefundInput {
        RefundInput {
            payment_intent_id: payment.into(),
            amount,
            reason: Some(RefundReason::RequestedByCustomer),
            note: Some("Two seats returned".into()),
        }
    }

    fn listed(&self, status: &str) -> Vec<String> {
        let query = ListQuery { status: Some(status.into()), limit: 100, ..ListQuery::default() };
        self.app.list_payments(&self.account, &query, &PaymentFilters::default()).unwrap().rows.into_iter().map(|row| row.id).collect()
    }
}

fn validation(result: Result<impl std::fmt::Debug, Error>, words: &str) {
    match result {
        Err(Error::Validation(message)) => assert!(message.contains(words), "{message}"),
        other => panic!("expected a validation error saying '{words}', got {other:?}"),
    }
}

#[tokio::test]
async fn a_card_payment_is_refunded_in_part_then_in_full_each_refund_once() {
    let f = fixture().await;
    let (customer, card) = f.customer_with("pm_card_visa").await;
    let paid = f.app.create_payment(&f.account, f.payment(&customer, &card, 5_000, false)).await.unwrap();
    let id = paid.payment.id.clone();
    assert_eq!((paid.payment.status.as_str(), paid.payment.amount, paid.refundable), ("succeeded", 5_000, 5_000));
    assert_eq!(paid.payment.method.as_deref(), Some("Visa •••• 4242"));
    assert_eq!(paid.payment.customer_name.as_deref(), Some("Acme GmbH"));
    assert!(paid.can_refund && !paid.can_capture);
    assert_eq!(f.listed("succeeded"), vec![id.clone()]);

    let requests = f.sim.request_count();
    validation(f.app.refund_payment(&f.account, f.refund(&id, Some(6_000))).await, "more than the 50.00 left");
    validation(f.app.refund_payment(&f.account, f.refund(&id, Some(0))).await, "more than zero");
    assert_eq!(f.sim.request_count(), requests, "nothing sent for a refused refund");

    let part = f.app.refund_payment(&f.account, f.refund(&id, Some(1_500))).await.unwrap();
    assert_eq!((part.payment.status.as_str(), part.payment.amount_refunded, part.refundable), ("partially_refunded", 1_500, 3_500));
    assert_eq!(part.refunds.len(), 1);
    assert_eq!(part.refunds[0].reason.as_deref(), Some("requested_by_customer"));
    assert_eq!(part.refunds[0].note.as_deref(), Some("Two seats returned"));
    assert_eq!(f.listed("partially_refunded"), vec![id.clone()]);
    validation(f.app.refund_payment(&f.account, f.refund(&id, Some(3_501))).await, "more than the 35.00 left");

    let rest = f.app.refund_payment(&f.account, f.refund(&id, None)).await.unwrap();
    assert_eq!((rest.payment.status.as_str(), rest.payment.amount_refunded, rest.refundable), ("refunded", 5_000, 0));
    assert!(!rest.can_refund);
    validation(f.app.refund_payment(&f.account, f.refund(&id, None)).await, "refunded in full already");

    // In Stripe: two refunds, each once, carrying the operation that made it.
    let refunds = po_support::all(&f.app, &f.account, "/v1/refunds").await;
    let refunds: Vec<&Value> = refunds.iter().filter(|r| r["payment_intent"] == id.as_str()).collect();
    assert_eq!(refunds.iter().map(|r| r["amount"].as_i64().unwrap()).collect::<Vec<_>>(), vec![3_500, 1_500]);
    assert!(refunds.iter().all(|r| r["metadata"]["operation_id"].as_str().is_some_and(|op| op.starts_with("op_"))));
    let listed = f.app.list_refunds(&f.account, &ListQuery { search: Some(id.clone()), limit: 10, ..ListQuery::default() }).unwrap();
    assert_eq!(listed.total, 2);

    // The detail fetches the charge with its balance transaction (the sim has none to expand
    // yet: the fee stays unknown) and shows the payment's events once synced.
    f.sync().await;
    let detail = f.app.payment_detail(&f.account, &id).await.unwrap();
    assert_eq!(detail.payment.amount_refunded, 5_000);
    let types: Vec<&str> = detail.events.iter().map(|e| e.event_type.as_str()).collect();
    for wanted in ["payment_intent.succeeded", "charge.refunded", "refund.created"] {
        assert!(types.contains(&wanted), "{wanted} missing from {types:?}");
    }
}

#[tokio::test]
async fn a_decline_is_reported_and_cached_and_an_authorization_is_captured_or_canceled() {
    let f = fixture().await;
    let (customer, declining) = f.customer_with("pm_card_chargeDeclined").await;
    match f.app.create_payment(&f.account, f.payment(&customer, &declining, 2_000, false)).await {
        Err(Error::StripeCard(message)) => assert!(message.contains("declined"), "{message}"),
        other => panic!("expected the decline, got {other:?}"),
    }
    let failed = f.app.list_payments(&f.account, &ListQuery { status: Some("failed".into()), limit: 10, ..ListQuery::default() }, &PaymentFilters::default()).unwrap();
    assert_eq!(failed.total, 1, "the declined payment is cached");
    assert_eq!(failed.rows[0].decline_reason.as_deref(), Some("Your card was declined."));

    let (customer, card) = f.customer_with("pm_card_visa").await;
    validation(f.app.create_payment(&f.account, f.payment(&customer, &declining, 2_000, false)).await, "not saved on this customer");
    let held = f.app.create_payment(&f.account, f.payment(&customer, &card, 3_000, true)).await.unwrap();
    assert_eq!(held.payment.status, "uncaptured");
    assert!(held.can_capture && held.can_cancel && !held.can_refund);
    validation(f.app.refund_payment(&f.account, f.refund(&held.payment.id, None)).await, "succeeded, captured");
    let captured = f.app.capture_payment(&f.account, &held.payment.id).await.unwrap();
    assert_eq!((captured.payment.status.as_str(), captured.refundable), ("succeeded", 3_000));
    validation(f.app.capture_payment(&f.account, &held.payment.id).await, "uncaptured");

    let other = f.app.create_payment(&f.account, f.payment(&customer, &card, 4_000, true)).await.unwrap();
    let canceled = f.app.cancel_payment(&f.account, &other.payment.id).await.unwrap();
    assert_eq!(canceled.payment.status, "canceled");
    validation(f.app.cancel_payment(&f.account, &other.payment.id).await, "not gone through");
    let in_stripe = get(&f.app, &f.account, &format!("/v1/payment_intents/{}", other.payment.id)).await;
    assert_eq!(in_stripe["status"], "canceled");
}

#[tokio::test]
async fn a_disputed_payment_is_not_refunded_and_nothing_is_sent() {
    let f = fixture().await;
    let (customer, card) = f.customer_with("pm_card_createDispute").await;
    let paid = f.app.create_payment(&f.account, f.payment(&customer, &card, 2_500, false)).await.unwrap();
    f.sync().await;
    let detail = f.app.payment_detail(&f.account, &paid.payment.id).await.unwrap();
    assert_eq!(detail.payment.status, "disputed");
    assert!(detail.dispute.is_some() && !detail.can_refund);
    let requests = f.sim.request_count();
    validation(f.app.refund_payment(&f.account, f.refund(&paid.payment.id, Some(100))).await, "disputed");
    assert_eq!(f.sim.request_count(), requests);
}

#[tokio::test]
async fn refunds_show_on_the_po_balance_the_invoice_and_the_customer_and_a_credit_notes_refund_counts_once() {
    let f = fixture().await;
    let draft = f.app.create_purchase_order(&f.account, po("PO-RF-1", "ap@acme.test", 1)).unwrap();
    let po_id = draft.summary.id.clone();
    let issued = f.app.issue_purchase_order(&f.account, &po_id).await.unwrap();
    let invoice_id = issued.invoice_id.clone().unwrap();
    customer_pays(&f.sim, &invoice_id, 250_000, "card").await;
    f.sync().await;
    let paid = f.app.purchase_order(&f.account, &po_id).unwrap();
    assert_eq!((paid.summary.paid, paid.summary.refunded, paid.summary.balance), (250_000, 0, 0));

    // A credit note refunding 500.00: less is asked and as much is given back, so nothing is
    // owed (the note's refund counts once as a credit and once as a refund, which cancel out).
    let note = CreditNoteInput {
        invoice_id: invoice_id.clone(),
        amount: Some(50_000),
        lines: Vec::new(),
        reason: Some(CreditReason::OrderChange),
        memo: Some("Two seats returned".into()),
        refund_amount: 50_000,
        credit_amount: 0,
        out_of_band_amount: 0,
    };
    f.app.create_credit_note(&f.account, note).await.unwrap();
    f.sync().await;
    let credited = f.app.purchase_order(&f.account, &po_id).unwrap();
    assert_eq!(
        (credited.summary.credited, credited.summary.refunded, credited.summary.balance),
        (50_000, 50_000, 0)
    );

    // A plain refund of 300.00 on top: that money is owed again.
    let payment = f.app.invoice_detail(&f.account, &invoice_id).unwrap().payments[0].payment_intent.clone().unwrap();
    let refunded = f.app.refund_payment(&f.account, f.refund(&payment, Some(30_000))).await.unwrap();
    assert_eq!(refunded.invoice_id.as_deref(), Some(invoice_id.as_str()));
    assert_eq!(refunded.po_id.as_deref(), Some(po_id.as_str()));
    assert_eq!(refunded.refundable, 250_000 - 50_000 - 30_000);
    let after = f.app.purchase_order(&f.account, &po_id).unwrap();
    assert_eq!((after.summary.refunded, after.summary.balance), (80_000, 30_000), "the refund shows at once");
    assert!(after.audit.iter().any(|entry| entry.action == "refunded"));
    f.sync().await;
    assert_eq!(f.app.purchase_order(&f.account, &po_id).unwrap().summary.balance, 30_000, "and a sync keeps it");

    let invoice = f.app.invoice_detail(&f.account, &invoice_id).unwrap();
    // Both refunds can fall in the same second, and then their order is the ids': compare the set.
    let mut amounts = invoice.refunds.iter().map(|r| r.amount).collect::<Vec<_>>();
    amounts.sort_unstable();
    assert_eq!(amounts, vec![30_000, 50_000]);
    let customer = invoice.customer_id.clone().unwrap();
    let detail = f.app.customer_detail(&f.account, &customer).unwrap();
    assert_eq!(detail.refunds.len(), 2);
}

#[tokio::test]
async fn a_bank_transfer_is_refundable_and_its_refund_waits_then_fails() {
    let f = fixture().await;
    let draft = f.app.create_purchase_order(&f.account, po("PO-BT-1", "ap@acme.test", 1)).unwrap();
    let issued = f.app.issue_purchase_order(&f.account, &draft.summary.id).await.unwrap();
    let invoice_id = issued.invoice_id.clone().unwrap();
    customer_pays(&f.sim, &invoice_id, 250_000, "bank_transfer").await;
    f.sync().await;
    let payment = f.app.invoice_detail(&f.account, &invoice_id).unwrap().payments[0].payment_intent.clone().unwrap();
    let detail = f.app.payment_detail(&f.account, &payment).await.unwrap();
    assert_eq!((detail.payment.status.as_str(), detail.payment.method.as_deref()), ("succeeded", Some("Bank transfer")));
    assert_eq!(detail.invoice_id.as_deref(), Some(invoice_id.as_str()));

    let refunded = f.app.refund_payment(&f.account, f.refund(&payment, Some(100_000))).await.unwrap();
    assert_eq!(refunded.refunds[0].status, "requires_action");
    assert_eq!(refunded.payment.amount_refunded, 100_000, "a refund under way counts");
    let waiting = f.app.list_refunds(&f.account, &ListQuery { status: Some("requires_action".into()), limit: 10, ..ListQuery::default() }).unwrap();
    assert_eq!(waiting.total, 1);

    control(&f.sim, &format!("/_sim/refunds/{}/settle", refunded.refunds[0].id), r#"{"outcome": "failed"}"#).await;
    f.sync().await;
    let failed = f.app.payment_detail(&f.account, &payment).await.unwrap();
    assert_eq!(failed.refunds[0].status, "failed");
    assert_eq!(failed.refunds[0].failure_reason.as_deref(), Some("declined"));
    assert_eq!((failed.payment.status.as_str(), failed.refundable), ("succeeded", 250_000), "the amount is back");
    assert_eq!(f.app.purchase_order(&f.account, &draft.summary.id).unwrap().summary.balance, 0, "a failed refund owes nothing");
}

/// The child's side: records and runs a `refund_payment` until it is killed.
async fn run_as_child(config: &str) {
    let config: Value = serde_json::from_str(config).unwrap();
    let dir = std::path::PathBuf::from(config["dir"].as_str().unwrap());
    let store = Arc::new(Store::open(&dir.join(DATABASE_FILE)).unwrap());
    let account = config["account"].as_str().unwrap();
    let key = Secret::new(std::env::var(CHILD_KEY_ENV).unwrap());
    let mode = GatewayConfig::for_mode(billfold_core::accounts::Mode::Test);
    let gateway = Gateway::new(store.clone(), account, config["base"].as_str().unwrap(), &key, mode).unwrap();
    let operation = journal::begin(&store, account, OperationKind::RefundPayment, config["input"].clone()).unwrap();
    journal::run(&store, &gateway, &operation.id).await.unwrap();
    panic!("the child was meant to be killed before finishing");
}

#[tokio::test]
async fn a_refund_killed_mid_request_makes_one_refund() {
    if let Ok(config) = std::env::var(CHILD_ENV) {
        return run_as_child(&config).await;
    }
    let f = fixture().await;
    let (customer, card) = f.customer_with("pm_card_visa").await;
    let paid = f.app.create_payment(&f.account, f.payment(&customer, &card, 5_000, false)).await.unwrap();
    let input = json!({
        "payment_intent_id": paid.payment.id,
        "charge_id": paid.payment.charge_id,
        "amount": 2_000,
        "reason": "duplicate",
        "note": null,
    });
    let config = json!({ "dir": f.dir.path(), "account": f.account, "base": f.sim.base_url(), "input": input });
    let env = [(CHILD_ENV, config.to_string()), (CHILD_KEY_ENV, f.key.clone())];
    let env: Vec<(&str, &str)> = env.iter().map(|(name, value)| (*name, value.as_str())).collect();
    kill::kill_child_in_flight(&f.sim, "a_refund_killed_mid_request_makes_one_refund", &env, 1).await;
    let killed_at = tokio::time::Instant::now();
    let pending = journal::unfinished(f.app.store()).unwrap();
    assert_eq!((pending.len(), pending[0].kind, pending[0].step), (1, OperationKind::RefundPayment, 0));
    assert_eq!(f.app.resume_operations().await.unwrap(), 1);
    assert_eq!(f.app.store().operation(&pending[0].id).unwrap().status, OperationStatus::Done);
    tokio::time::sleep_until(killed_at + SETTLE).await;

    let refunds = po_support::all(&f.app, &f.account, "/v1/refunds").await;
    assert_eq!(refunds.iter().map(|r| r["amount"].as_i64().unwrap()).collect::<Vec<_>>(), vec![2_000], "exactly one refund");
    let detail = f.app.store().payment_detail(&f.account, &paid.payment.id).unwrap();
    assert_eq!((detail.payment.amount_refunded, detail.refunds.len()), (2_000, 1), "and it is cached");
}
