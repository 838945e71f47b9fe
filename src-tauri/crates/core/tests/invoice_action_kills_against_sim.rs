//! Every invoice and credit-note action survives a kill mid-request, exactly once: the action
//! runs in a child process that is killed while its Stripe request is in flight (Stripe still
//! does the write, the answer is lost), and resuming in the parent ends with one effect in
//! Stripe (one charge, one event, no doubled line) and the cache agreeing with it.

use std::collections::BTreeMap;
use std::sync::Arc;

use billfold_core::credit_notes::CreditNoteInput;
use billfold_core::gateway::{Gateway, GatewayConfig};
use billfold_core::invoices::{
    CollectionMethod, CustomerChoice, DraftChanges, InvoiceActionKind, InvoiceDetail, NewInvoiceInput, NewInvoiceLine,
};
use billfold_core::journal::{
    self, InvoiceAction, Operation, OperationKind, OperationStatus, UpdateDraft, VoidCreditNote, WriteCustomer,
};
use billfold_core::secrets::Secret;
use billfold_core::store::{Store, DATABASE_FILE};
use billfold_core::sync::NoObserver;
use billfold_core::{Billfold, Error};
use serde_json::{json, Value};
use stripe_sim::Simulator;

#[path = "support/kill.rs"]
mod kill;
#[path = "support/sim_account.rs"]
mod sim_account;

use sim_account::sim;

/// Set in the environment of the child process a kill test starts: what it runs.
const CHILD_ENV: &str = "BILLFOLD_ACTION_KILL_CHILD";
/// The child's secret key, kept out of the config (and so out of any failure message).
const CHILD_KEY_ENV: &str = "BILLFOLD_ACTION_KILL_CHILD_KEY";

/// Longer than the emulator's 300 ms latency during a kill, with room for a slow machine.
const SETTLE: std::time::Duration = std::time::Duration::from_millis(1500);

/// The kinds a child may be asked to run, found by their journal name.
const KINDS: [OperationKind; 9] = [
    OperationKind::PayInvoice,
    OperationKind::SendInvoice,
    OperationKind::VoidInvoice,
    OperationKind::MarkInvoiceUncollectible,
    OperationKind::PayInvoiceOutOfBand,
    OperationKind::DeleteInvoice,
    OperationKind::UpdateDraftInvoice,
    OperationKind::VoidCreditNote,
    OperationKind::UpdateCustomer,
];

fn unique_key() -> String {
    format!("sk_test_51ActionKills{}", uuid::Uuid::new_v4().simple())
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

/// The objects of a Stripe list answer.
fn data(list: &Value) -> Vec<Value> {
    list["data"].as_array().expect("a list answer").clone()
}

/// Events of `event_type` about the object `id`.
async fn events_about(app: &Billfold, account: &str, event_type: &str, id: &str) -> Vec<Value> {
    let events = stripe_get(app, account, "/v1/events", &[("type", event_type), ("limit", "100")]).await;
    data(&events).into_iter().filter(|event| event["data"]["object"]["id"] == id).collect()
}

/// A test's account on a fresh emulator.
struct Fixture {
    sim: Simulator,
    key: String,
    dir: tempfile::TempDir,
    app: Billfold,
    account: String,
}

async fn fixture() -> Fixture {
    let sim = sim().await;
    let key = unique_key();
    let dir = tempfile::tempdir().unwrap();
    let (app, account) = sim_account::open_with_account(dir.path(), &sim, &key, "Action kills").await;
    Fixture { sim, key, dir, app, account }
}

impl Fixture {
    /// A customer made in Stripe (with `pm_card_visa` as its default payment method when
    /// asked), synced into the cache.
    async fn customer(&self, with_card: bool) -> String {
        let (app, account) = (&self.app, self.account.as_str());
        let created = post(app, account, "/v1/customers", &[("email", "ap@acme.test"), ("name", "Acme GmbH")]).await;
        let id = created["id"].as_str().unwrap().to_string();
        if with_card {
            let card = post(app, account, "/v1/payment_methods/pm_card_visa/attach", &[("customer", &id)]).await;
            let card = card["id"].as_str().unwrap();
            let path = format!("/v1/customers/{id}");
            post(app, account, &path, &[("invoice_settings[default_payment_method]", card)]).await;
        }
        app.sync_once(account, &NoObserver).await.unwrap();
        id
    }

    /// A draft of 3 × 10.00 "Consulting" for `customer`.
    async fn draft(&self, customer: &str, method: CollectionMethod) -> InvoiceDetail {
        let send = method == CollectionMethod::SendInvoice;
        let input = NewInvoiceInput {
            customer: CustomerChoice::Existing { customer_id: customer.into() },
            currency: "eur".into(),
            collection_method: method,
            days_until_due: send.then_some(30),
            due_date: None,
            lines: vec![ad_hoc("Consulting", 3, 1000)],
            memo: None,
            footer: None,
            custom_fields: Vec::new(),
            metadata: BTreeMap::new(),
        };
        self.app.create_invoice(&self.account, input).await.unwrap()
    }

    /// An open invoice of 30.00 for `customer`.
    async fn open_invoice(&self, customer: &str, method: CollectionMethod) -> String {
        let draft = self.draft(customer, method).await;
        let open = self.app.invoice_action(&self.account, &draft.id, InvoiceActionKind::Finalize).await.unwrap();
        assert_eq!(open.status, "open");
        open.id
    }

    /// Runs `test` as a child that records and runs `kind` with `input` and kills it while its
    /// `request`th request is in flight. Checks the operation is the only one pending, with no
    /// saved answer, and answers it.
    async fn kill(&self, test: &str, kind: OperationKind, input: Value, request: u64) -> Operation {
        assert!(journal::unfinished(self.app.store()).unwrap().is_empty(), "nothing pending before the kill");
        let config = json!({
            "dir": self.dir.path(), "account": self.account, "base": self.sim.base_url(),
            "kind": kind.as_str(), "input": input,
        });
        let env = [(CHILD_ENV, config.to_string()), (CHILD_KEY_ENV, self.key.clone())];
        let env: Vec<(&str, &str)> = env.iter().map(|(name, value)| (*name, value.as_str())).collect();
        kill::kill_child_in_flight(&self.sim, test, &env, request).await;

        let pending = journal::unfinished(self.app.store()).unwrap();
        assert_eq!(pending.len(), 1, "exactly the killed operation is pending");
        assert_eq!(pending[0].kind, kind);
        assert_eq!(pending[0].step, 0, "the killed request's answer never arrived");
        pending[0].clone()
    }

    /// Resumes the pending operations; checks `killed` was the one and is done; answers it.
    async fn resume(&self, killed: &Operation) -> Operation {
        assert_eq!(self.app.resume_operations().await.unwrap(), 1, "the resume finishes it");
        let done = self.app.store().operation(&killed.id).unwrap();
        assert_eq!(done.status, OperationStatus::Done);
        assert!(journal::unfinished(self.app.store()).unwrap().is_empty());
        done
    }

    /// [`Fixture::kill`], then [`Fixture::resume`] at once: the killed request is still in
    /// Stripe, so the replay under the same key meets it in flight (a 409 Stripe asks to retry)
    /// and then gets its stored answer. Returns only once the killed request has surely run
    /// (it waits 300 ms in the emulator), so a second write it made would be counted.
    async fn kill_and_resume(&self, test: &str, kind: OperationKind, input: Value, request: u64) -> Operation {
        let killed = self.kill(test, kind, input, request).await;
        let killed_at = tokio::time::Instant::now();
        let done = self.resume(&killed).await;
        tokio::time::sleep_until(killed_at + SETTLE).await;
        done
    }

    async fn stripe_invoice(&self, id: &str) -> Value {
        stripe_get(&self.app, &self.account, &format!("/v1/invoices/{id}"), &[]).await
    }

    fn cached_invoice(&self, id: &str) -> InvoiceDetail {
        self.app.invoice_detail(&self.account, id).unwrap()
    }
}

fn ad_hoc(description: &str, quantity: u64, unit_amount: i64) -> NewInvoiceLine {
    NewInvoiceLine { price_id: None, description: Some(description.into()), quantity, unit_amount: Some(unit_amount) }
}

fn invoice_input(id: &str) -> Value {
    serde_json::to_value(InvoiceAction { invoice_id: id.into(), po_id: None }).unwrap()
}

/// The child's side: records and runs the configured operation until it is killed.
async fn run_as_child(config: &str) {
    let config: Value = serde_json::from_str(config).unwrap();
    let dir = std::path::PathBuf::from(config["dir"].as_str().unwrap());
    let store = Arc::new(Store::open(&dir.join(DATABASE_FILE)).unwrap());
    let account = config["account"].as_str().unwrap();
    let key = Secret::new(std::env::var(CHILD_KEY_ENV).unwrap());
    let mode = GatewayConfig::for_mode(billfold_core::accounts::Mode::Test);
    let gateway = Gateway::new(store.clone(), account, config["base"].as_str().unwrap(), &key, mode).unwrap();
    let name = config["kind"].as_str().unwrap();
    let kind = KINDS.into_iter().find(|kind| kind.as_str() == name).expect("a known kind");
    let operation = journal::begin(&store, account, kind, config["input"].clone()).unwrap();
    journal::run(&store, &gateway, &operation.id).await.unwrap();
    panic!("the child was meant to be killed before finishing");
}

#[tokio::test]
async fn a_pay_killed_mid_request_charges_the_card_once() {
    if let Ok(config) = std::env::var(CHILD_ENV) {
        return run_as_child(&config).await;
    }
    let f = fixture().await;
    let cus = f.customer(true).await;
    let id = f.open_invoice(&cus, CollectionMethod::ChargeAutomatically).await;
    let test = "a_pay_killed_mid_request_charges_the_card_once";
    f.kill_and_resume(test, OperationKind::PayInvoice, invoice_input(&id), 1).await;

    let charges = data(&stripe_get(&f.app, &f.account, "/v1/charges", &[("customer", &cus)]).await);
    assert_eq!(charges.len(), 1, "one charge");
    assert_eq!((charges[0]["status"].as_str(), charges[0]["amount"].as_i64()), (Some("succeeded"), Some(3000)));
    let intents = data(&stripe_get(&f.app, &f.account, "/v1/payment_intents", &[("customer", &cus)]).await);
    assert_eq!(intents.len(), 1, "one payment intent");
    assert_eq!(intents[0]["status"], "succeeded");
    let stripe = f.stripe_invoice(&id).await;
    assert_eq!(stripe["status"], "paid");
    assert_eq!(stripe["amount_paid"], stripe["total"]);
    let cached = f.cached_invoice(&id);
    assert_eq!((cached.status.as_str(), cached.amount_paid, cached.amount_remaining), ("paid", 3000, 0));
    assert_eq!(cached.total, 3000);
}

#[tokio::test]
async fn a_send_killed_mid_request_sends_once() {
    if let Ok(config) = std::env::var(CHILD_ENV) {
        return run_as_child(&config).await;
    }
    let f = fixture().await;
    let cus = f.customer(false).await;
    let id = f.open_invoice(&cus, CollectionMethod::SendInvoice).await;
    let before = events_about(&f.app, &f.account, "invoice.sent", &id).await.len();
    let test = "a_send_killed_mid_request_sends_once";
    f.kill_and_resume(test, OperationKind::SendInvoice, invoice_input(&id), 1).await;

    let sent = events_about(&f.app, &f.account, "invoice.sent", &id).await;
    assert_eq!(sent.len(), before + 1, "sent once");
    assert_eq!(f.stripe_invoice(&id).await["status"], "open");
    assert_eq!(f.cached_invoice(&id).status, "open");
}

#[tokio::test]
async fn a_void_killed_mid_request_voids_once() {
    if let Ok(config) = std::env::var(CHILD_ENV) {
        return run_as_child(&config).await;
    }
    let f = fixture().await;
    let cus = f.customer(false).await;
    let id = f.open_invoice(&cus, CollectionMethod::SendInvoice).await;
    let test = "a_void_killed_mid_request_voids_once";
    f.kill_and_resume(test, OperationKind::VoidInvoice, invoice_input(&id), 1).await;

    assert_eq!(events_about(&f.app, &f.account, "invoice.voided", &id).await.len(), 1, "voided once");
    assert_eq!(f.stripe_invoice(&id).await["status"], "void");
    let cached = f.cached_invoice(&id);
    assert_eq!((cached.status.as_str(), cached.actions.len()), ("void", 0));
}

#[tokio::test]
async fn a_mark_uncollectible_killed_mid_request_writes_off_once() {
    if let Ok(config) = std::env::var(CHILD_ENV) {
        return run_as_child(&config).await;
    }
    let f = fixture().await;
    let cus = f.customer(false).await;
    let id = f.open_invoice(&cus, CollectionMethod::SendInvoice).await;
    let test = "a_mark_uncollectible_killed_mid_request_writes_off_once";
    f.kill_and_resume(test, OperationKind::MarkInvoiceUncollectible, invoice_input(&id), 1).await;

    let written_off = events_about(&f.app, &f.account, "invoice.marked_uncollectible", &id).await;
    assert_eq!(written_off.len(), 1, "marked once");
    assert_eq!(f.stripe_invoice(&id).await["status"], "uncollectible");
    assert_eq!(f.cached_invoice(&id).status, "uncollectible");
}

#[tokio::test]
async fn a_pay_out_of_band_killed_mid_request_pays_once() {
    if let Ok(config) = std::env::var(CHILD_ENV) {
        return run_as_child(&config).await;
    }
    let f = fixture().await;
    let cus = f.customer(false).await;
    let id = f.open_invoice(&cus, CollectionMethod::SendInvoice).await;
    let test = "a_pay_out_of_band_killed_mid_request_pays_once";
    f.kill_and_resume(test, OperationKind::PayInvoiceOutOfBand, invoice_input(&id), 1).await;

    assert_eq!(events_about(&f.app, &f.account, "invoice.paid", &id).await.len(), 1, "paid once");
    let stripe = f.stripe_invoice(&id).await;
    assert_eq!((stripe["status"].as_str(), stripe["amount_remaining"].as_i64()), (Some("paid"), Some(0)));
    let charges = data(&stripe_get(&f.app, &f.account, "/v1/charges", &[("customer", &cus)]).await);
    assert!(charges.is_empty(), "nothing was charged");
    let cached = f.cached_invoice(&id);
    assert_eq!((cached.status.as_str(), cached.amount_remaining), ("paid", 0));
}

#[tokio::test]
async fn a_delete_killed_mid_request_still_finishes() {
    if let Ok(config) = std::env::var(CHILD_ENV) {
        return run_as_child(&config).await;
    }
    let f = fixture().await;
    let cus = f.customer(false).await;
    let draft = f.draft(&cus, CollectionMethod::SendInvoice).await;
    let test = "a_delete_killed_mid_request_still_finishes";
    let killed = f.kill(test, OperationKind::DeleteInvoice, invoice_input(&draft.id), 1).await;
    // A DELETE carries no idempotency key: the resume waits until the killed one has landed,
    // so its own DELETE finds the draft gone (as after a restart) and must count that as done.
    let gateway = f.app.gateway(&f.account).await.unwrap();
    let path = format!("/v1/invoices/{}", draft.id);
    let mut waited = 0;
    loop {
        match gateway.get_json(&path, &[]).await {
            Err(Error::Stripe { status: 404, code, .. }) => {
                assert_eq!(code.as_deref(), Some("resource_missing"));
                break;
            }
            Ok(invoice) => assert_eq!(invoice["status"], "draft", "the draft is still there"),
            Err(err) => panic!("unexpected answer: {err:?}"),
        }
        waited += 1;
        assert!(waited < 500, "the killed DELETE never landed");
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    let done = f.resume(&killed).await;

    assert_eq!(done.output().unwrap()["deleted"], true);
    assert!(matches!(gateway.get_json(&path, &[]).await, Err(Error::Stripe { status: 404, .. })));
    let left = data(&stripe_get(&f.app, &f.account, "/v1/invoices", &[("customer", &cus)]).await);
    assert!(left.is_empty(), "no invoice left");
    assert!(matches!(f.app.invoice_detail(&f.account, &draft.id), Err(Error::NotFound(_))));
}

#[tokio::test]
async fn a_draft_update_killed_mid_add_lines_adds_each_line_once() {
    if let Ok(config) = std::env::var(CHILD_ENV) {
        return run_as_child(&config).await;
    }
    let f = fixture().await;
    let cus = f.customer(false).await;
    let draft = f.draft(&cus, CollectionMethod::SendInvoice).await;
    let consulting = draft.lines[0].id.clone();
    let changes = DraftChanges {
        add_lines: vec![ad_hoc("Support", 2, 500), ad_hoc("Travel", 1, 4000)],
        remove_line_ids: vec![consulting.clone()],
        ..DraftChanges::default()
    };
    let input = UpdateDraft { invoice_id: draft.id.clone(), currency: "eur".into(), changes };
    let test = "a_draft_update_killed_mid_add_lines_adds_each_line_once";
    // No terms change, so the first request is `add_lines`; `remove_lines` comes after.
    f.kill_and_resume(test, OperationKind::UpdateDraftInvoice, serde_json::to_value(input).unwrap(), 1).await;

    let stripe = f.stripe_invoice(&draft.id).await;
    let lines = data(&stripe_get(&f.app, &f.account, &format!("/v1/invoices/{}/lines", draft.id), &[]).await);
    let mut described: Vec<(String, i64)> = lines
        .iter()
        .map(|line| (line["description"].as_str().unwrap().to_string(), line["amount"].as_i64().unwrap()))
        .collect();
    described.sort();
    assert_eq!(described, vec![("Support".to_string(), 1000), ("Travel".to_string(), 4000)], "no doubled line");
    assert_eq!((stripe["status"].as_str(), stripe["total"].as_i64()), (Some("draft"), Some(5000)));

    let cached = f.cached_invoice(&draft.id);
    assert_eq!(cached.total, 5000);
    let mut cached_lines: Vec<(String, i64)> =
        cached.lines.iter().map(|line| (line.description.clone().unwrap(), line.amount)).collect();
    cached_lines.sort();
    assert_eq!(cached_lines, described, "the cache has the same lines");
    assert!(cached.lines.iter().all(|line| line.id != consulting), "the removed line is gone");
}

#[tokio::test]
async fn a_credit_note_void_killed_mid_request_voids_once() {
    if let Ok(config) = std::env::var(CHILD_ENV) {
        return run_as_child(&config).await;
    }
    let f = fixture().await;
    let cus = f.customer(false).await;
    let id = f.open_invoice(&cus, CollectionMethod::SendInvoice).await;
    let credit = CreditNoteInput {
        invoice_id: id.clone(),
        amount: Some(1000),
        lines: Vec::new(),
        reason: None,
        memo: None,
        refund_amount: 0,
        credit_amount: 0,
        out_of_band_amount: 0,
    };
    let note = f.app.create_credit_note(&f.account, credit).await.unwrap();
    assert_eq!(f.cached_invoice(&id).amount_remaining, 2000);
    let input = VoidCreditNote { credit_note_id: note.id.clone(), invoice_id: Some(id.clone()) };
    let test = "a_credit_note_void_killed_mid_request_voids_once";
    f.kill_and_resume(test, OperationKind::VoidCreditNote, serde_json::to_value(input).unwrap(), 1).await;

    let voided = events_about(&f.app, &f.account, "credit_note.voided", &note.id).await;
    assert_eq!(voided.len(), 1, "voided once");
    let stripe = stripe_get(&f.app, &f.account, &format!("/v1/credit_notes/{}", note.id), &[]).await;
    assert_eq!(stripe["status"], "void");
    assert_eq!(f.stripe_invoice(&id).await["amount_remaining"], 3000);
    let cached = f.app.store().credit_notes_of_invoice(&f.account, &id).unwrap();
    assert_eq!(cached.len(), 1);
    assert_eq!((cached[0].id.as_str(), cached[0].status.as_str()), (note.id.as_str(), "void"));
    let invoice = f.cached_invoice(&id);
    assert_eq!((invoice.status.as_str(), invoice.amount_remaining), ("open", 3000));
}

#[tokio::test]
async fn a_customer_update_killed_mid_request_updates_once() {
    if let Ok(config) = std::env::var(CHILD_ENV) {
        return run_as_child(&config).await;
    }
    let f = fixture().await;
    let cus = f.customer(false).await;
    let before = events_about(&f.app, &f.account, "customer.updated", &cus).await.len();
    let input = WriteCustomer { customer_id: Some(cus.clone()), form: form(&[("name", "Acme AG")]) };
    let test = "a_customer_update_killed_mid_request_updates_once";
    let done = f.kill_and_resume(test, OperationKind::UpdateCustomer, serde_json::to_value(input).unwrap(), 1).await;
    assert_eq!(done.output().unwrap()["customer_id"], cus.as_str());

    let updated = events_about(&f.app, &f.account, "customer.updated", &cus).await;
    assert_eq!(updated.len(), before + 1, "updated once");
    assert_eq!(updated[0]["data"]["object"]["name"], "Acme AG");
    assert_eq!(updated[0]["data"]["previous_attributes"]["name"], "Acme GmbH");
    let stripe = stripe_get(&f.app, &f.account, &format!("/v1/customers/{cus}"), &[]).await;
    assert_eq!(stripe["name"], "Acme AG");
    let cached = f.app.customer_detail(&f.account, &cus).unwrap();
    assert_eq!((cached.name.as_deref(), cached.email.as_deref()), (Some("Acme AG"), Some("ap@acme.test")));
}
