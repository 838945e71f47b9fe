//! Subscriptions against stripe-sim: the list's monthly recurring revenue worked out by hand,
//! each action moving Stripe and the cache alike, refusals that send and record nothing, and
//! a create or a cancel killed mid-request resuming into exactly one effect.

use std::collections::BTreeMap;
use std::sync::Arc;

use billfold_core::gateway::{Gateway, GatewayConfig};
use billfold_core::invoices::{CollectionMethod, CustomerChoice};
use billfold_core::journal::{self, OperationKind, OperationStatus, SubscriptionWrite};
use billfold_core::secrets::Secret;
use billfold_core::store::{ListQuery, Store, DATABASE_FILE};
use billfold_core::subscriptions::{
    NewSubscriptionInput, SubscriptionAction, SubscriptionActionKind, SubscriptionItemInput, TrialInput,
};
use billfold_core::sync::NoObserver;
use billfold_core::{Billfold, Error};
use serde_json::{json, Value};
use stripe_sim::Simulator;

#[path = "support/kill.rs"]
mod kill;
#[path = "support/sim_account.rs"]
mod sim_account;

/// Set in the environment of the child process a kill test starts: what it runs.
const CHILD_ENV: &str = "BILLFOLD_SUBSCRIPTION_KILL_CHILD";
/// The child's secret key, kept out of the config (and so out of any failure message).
const CHILD_KEY_ENV: &str = "BILLFOLD_SUBSCRIPTION_KILL_CHILD_KEY";
/// Longer than the emulator's 300 ms latency during a kill, with room for a slow machine.
const SETTLE: std::time::Duration = std::time::Duration::from_millis(1500);
const DAY: i64 = 86_400;

fn form(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs.iter().map(|(name, value)| (name.to_string(), value.to_string())).collect()
}

/// A test's account on a fresh emulator, with a customer paying by card and a catalog.
struct Fixture {
    sim: Simulator,
    key: String,
    dir: tempfile::TempDir,
    app: Billfold,
    account: String,
    customer: String,
    /// 15.00 a month.
    monthly: String,
    /// 120.00 a year.
    yearly: String,
    /// 10.00 a month (a seat, bought by the three).
    seat: String,
    /// 5.00 once.
    one_off: String,
    /// 9.00 a month, in US dollars.
    dollars: String,
}

impl Fixture {
    async fn post(&self, path: &str, pairs: &[(&str, &str)]) -> Value {
        self.app.gateway(&self.account).await.unwrap().post_form(path, &form(pairs), None).await.unwrap()
    }

    async fn get(&self, path: &str, query: &[(&str, &str)]) -> Value {
        self.app.gateway(&self.account).await.unwrap().get_json(path, &form(query)).await.unwrap()
    }

    async fn price(&self, product: &str, currency: &str, amount: &str, interval: Option<&str>) -> String {
        let mut pairs = vec![("product", product), ("currency", currency), ("unit_amount", amount)];
        if let Some(interval) = interval {
            pairs.push(("recurring[interval]", interval));
        }
        self.post("/v1/prices", &pairs).await["id"].as_str().unwrap().to_string()
    }

    fn input(&self, items: &[(&str, u64)], trial: TrialInput) -> NewSubscriptionInput {
        NewSubscriptionInput {
            customer: CustomerChoice::Existing { customer_id: self.customer.clone() },
            items: items.iter().map(|(price, quantity)| SubscriptionItemInput { price_id: price.to_string(), quantity: *quantity }).collect(),
            trial,
            collection_method: CollectionMethod::ChargeAutomatically,
            days_until_due: None,
            payment_behavior: "allow_incomplete".into(),
            metadata: BTreeMap::new(),
            coupon_id: None,
        }
    }

    fn page(&self, query: ListQuery) -> Vec<(String, i64, String)> {
        let page = self.app.list_subscriptions(&self.account, &ListQuery { limit: 50, ..query }).unwrap();
        page.rows.into_iter().map(|row| (row.id, row.mrr, row.status)).collect()
    }

    fn recorded(&self) -> usize {
        self.app.operation_log(&self.account, 500, None).unwrap().len()
    }
}

async fn fixture() -> Fixture {
    let sim = sim_account::sim().await;
    let key = format!("sk_test_51Subscriptions{}", uuid::Uuid::new_v4().simple());
    let dir = tempfile::tempdir().unwrap();
    let (app, account) = sim_account::open_with_account(dir.path(), &sim, &key, "Subscriptions").await;
    let mut f = Fixture {
        sim, key, dir, app, account,
        customer: String::new(), monthly: String::new(), yearly: String::new(), seat: String::new(),
        one_off: String::new(), dollars: String::new(),
    };
    let customer = f.post("/v1/customers", &[("email", "ap@acme.test"), ("name", "Acme GmbH")]).await;
    f.customer = customer["id"].as_str().unwrap().to_string();
    let card = f.post("/v1/payment_methods/pm_card_visa/attach", &[("customer", &f.customer)]).await;
    let path = format!("/v1/customers/{}", f.customer);
    f.post(&path, &[("invoice_settings[default_payment_method]", card["id"].as_str().unwrap())]).await;
    let product = f.post("/v1/products", &[("name", "Console")]).await["id"].as_str().unwrap().to_string();
    f.monthly = f.price(&product, "eur", "1500", Some("month")).await;
    f.yearly = f.price(&product, "eur", "12000", Some("year")).await;
    f.seat = f.price(&product, "eur", "1000", Some("month")).await;
    f.one_off = f.price(&product, "eur", "500", None).await;
    f.dollars = f.price(&product, "usd", "900", Some("month")).await;
    f.app.sync_once(&f.account, &NoObserver).await.unwrap();
    f
}

#[tokio::test]
async fn the_list_shows_monthly_revenue_worked_out_by_hand() {
    let f = fixture().await;
    let monthly = f.app.create_subscription(&f.account, f.input(&[(&f.monthly, 1)], TrialInput::None)).await.unwrap();
    let yearly = f.app.create_subscription(&f.account, f.input(&[(&f.yearly, 1)], TrialInput::None)).await.unwrap();
    let seats = f.app.create_subscription(&f.account, f.input(&[(&f.seat, 3)], TrialInput::None)).await.unwrap();
    let trial = f.app.create_subscription(&f.account, f.input(&[(&f.monthly, 1)], TrialInput::Days { days: 14 })).await.unwrap();
    // 15.00 monthly; 120.00 yearly ÷ 12; 3 × 10.00; nothing while trialing.
    assert_eq!((monthly.status.as_str(), monthly.mrr), ("active", 1500));
    assert_eq!(yearly.mrr, 1000);
    assert_eq!(seats.mrr, 3000);
    assert_eq!((trial.status.as_str(), trial.mrr), ("trialing", 0));
    assert_eq!(seats.items[0].quantity, 3);
    assert_eq!(seats.items[0].product_name.as_deref(), Some("Console"));
    assert_eq!(seats.invoices.len(), 1, "the first invoice is cached with the subscription");
    assert_eq!((seats.invoices[0].status.as_str(), seats.invoices[0].total), ("paid", 3000));
    assert_eq!(seats.customer_name.as_deref(), Some("Acme GmbH"));

    // A sync changes nothing the writes cached.
    f.app.sync_once(&f.account, &NoObserver).await.unwrap();
    let by_mrr = f.page(ListQuery { sort: Some("mrr".into()), ..ListQuery::default() });
    assert_eq!(
        by_mrr,
        vec![
            (trial.id.clone(), 0, "trialing".to_string()),
            (yearly.id.clone(), 1000, "active".to_string()),
            (monthly.id.clone(), 1500, "active".to_string()),
            (seats.id.clone(), 3000, "active".to_string()),
        ]
    );
    let trialing = f.page(ListQuery { status: Some("trialing".into()), ..ListQuery::default() });
    assert_eq!(trialing, vec![(trial.id.clone(), 0, "trialing".to_string())]);
    let found = f.page(ListQuery { search: Some("acme.test".into()), ..ListQuery::default() });
    assert_eq!(found.len(), 4, "searched by the customer's email");
    let by_id = f.page(ListQuery { search: Some(seats.id.clone()), ..ListQuery::default() });
    assert_eq!(by_id.len(), 1);
    let page = f.app.list_subscriptions(&f.account, &ListQuery { sort: Some("next_renewal".into()), limit: 10, ..ListQuery::default() }).unwrap();
    assert_eq!(page.rows.last().map(|row| row.id.as_str()), Some(yearly.id.as_str()), "a year renews last");
    let trial_row = page.rows.iter().find(|row| row.id == trial.id).unwrap();
    assert!(trial_row.trial_end.is_some() && trial_row.trial_end == trial.trial_end);
    assert_eq!(trial_row.next_renewal, trial.trial_end, "a trial renews into its first paid period");
}

#[tokio::test]
async fn each_action_moves_stripe_and_the_cache_alike() {
    let f = fixture().await;
    let sub = f.app.create_subscription(&f.account, f.input(&[(&f.seat, 2)], TrialInput::None)).await.unwrap();
    let path = format!("/v1/subscriptions/{}", sub.id);
    use SubscriptionActionKind::*;
    assert_eq!(sub.actions, vec![CancelNow, CancelAtPeriodEnd, PauseCollection, Change, ApplyCoupon]);

    let upcoming = f.app.upcoming_invoice(&f.account, &sub.id).await.unwrap().expect("a renewal is coming");
    assert_eq!((upcoming.total, upcoming.currency.as_str()), (2000, "eur"));

    let scheduled = f.app.subscription_action(&f.account, &sub.id, SubscriptionAction::CancelAtPeriodEnd).await.unwrap();
    assert!(scheduled.cancel_at_period_end && f.get(&path, &[]).await["cancel_at_period_end"] == true);
    assert_eq!(scheduled.actions, vec![CancelNow, UndoCancel, PauseCollection, Change, ApplyCoupon]);
    let row = &f.page(ListQuery::default());
    assert_eq!(row[0].1, 2000, "cancelling at period end still earns this month");
    let undone = f.app.subscription_action(&f.account, &sub.id, SubscriptionAction::UndoCancel).await.unwrap();
    assert!(!undone.cancel_at_period_end && f.get(&path, &[]).await["cancel_at_period_end"] == false);

    let pause = SubscriptionAction::PauseCollection { behavior: "void".into(), resumes_at: None };
    let paused = f.app.subscription_action(&f.account, &sub.id, pause).await.unwrap();
    assert_eq!(paused.pause_collection.as_ref().map(|p| p.behavior.as_str()), Some("void"));
    assert_eq!(f.get(&path, &[]).await["pause_collection"]["behavior"], "void");
    assert_eq!(paused.actions, vec![CancelNow, CancelAtPeriodEnd, ResumeCollection, Change, ApplyCoupon]);
    let resumed = f.app.subscription_action(&f.account, &sub.id, SubscriptionAction::ResumeCollection).await.unwrap();
    assert!(resumed.pause_collection.is_none() && f.get(&path, &[]).await["pause_collection"].is_null());

    let cancel = SubscriptionAction::CancelNow { invoice_now: false, prorate: false };
    let canceled = f.app.subscription_action(&f.account, &sub.id, cancel).await.unwrap();
    assert_eq!((canceled.status.as_str(), canceled.mrr), ("canceled", 0));
    assert!(canceled.actions.is_empty());
    assert_eq!(f.get(&path, &[]).await["status"], "canceled");
    assert_eq!(f.app.upcoming_invoice(&f.account, &sub.id).await.unwrap(), None);
    let kinds: Vec<String> = f.app.operation_log(&f.account, 10, None).unwrap().into_iter().map(|op| op.kind).collect();
    assert_eq!(kinds.iter().filter(|kind| *kind == "update_subscription").count(), 4);
    assert_eq!(kinds.iter().filter(|kind| *kind == "cancel_subscription").count(), 1);
}

#[tokio::test]
async fn a_customer_given_by_email_is_found_or_made_once_and_billed_by_email() {
    let f = fixture().await;
    let mut input = f.input(&[(&f.yearly, 2)], TrialInput::None);
    input.customer = CustomerChoice::ByEmail { email: " ops@newco.test ".into(), name: "NewCo".into() };
    input.collection_method = CollectionMethod::SendInvoice;
    input.days_until_due = Some(30);
    input.metadata.insert("plan".into(), "annual".into());
    let first = f.app.create_subscription(&f.account, input.clone()).await.unwrap();
    // Emailed invoices leave it active at once; two yearly seats are 2 × 120.00 ÷ 12 a month.
    assert_eq!((first.status.as_str(), first.collection_method.as_str(), first.days_until_due), ("active", "send_invoice", Some(30)));
    assert_eq!(first.mrr, 2000);
    assert_eq!((first.customer_name.as_deref(), first.customer_email.as_deref()), (Some("NewCo"), Some("ops@newco.test")));
    assert_eq!(first.metadata.get("plan").map(String::as_str), Some("annual"));
    assert_eq!((first.invoices.len(), first.invoices[0].status.as_str()), (1, "open"));
    let stripe = f.get(&format!("/v1/subscriptions/{}", first.id), &[]).await;
    assert!(stripe["metadata"]["operation_id"].as_str().is_some_and(|op| op.starts_with("op_")));

    // The same email again finds that customer rather than making a second.
    let second = f.app.create_subscription(&f.account, input).await.unwrap();
    assert_eq!(second.customer_id, first.customer_id);
    let customers = f.get("/v1/customers", &[("email", "ops@newco.test")]).await;
    assert_eq!(customers["data"].as_array().unwrap().len(), 1);
}

/// Expects a validation error mentioning `words`.
fn refused<T: std::fmt::Debug>(result: Result<T, Error>, words: &str) {
    match result {
        Err(Error::Validation(message)) => assert!(message.contains(words), "'{message}' should mention '{words}'"),
        other => panic!("expected a refusal mentioning '{words}', got {other:?}"),
    }
}

#[tokio::test]
async fn refusals_send_nothing_and_record_nothing() {
    let f = fixture().await;
    let sub = f.app.create_subscription(&f.account, f.input(&[(&f.monthly, 1)], TrialInput::None)).await.unwrap();
    let (requests, recorded) = (f.sim.request_count(), f.recorded());
    let act = |action| f.app.subscription_action(&f.account, &sub.id, action);
    refused(act(SubscriptionAction::UndoCancel).await, "not scheduled");
    refused(act(SubscriptionAction::ResumeCollection).await, "not paused");
    refused(act(SubscriptionAction::PauseCollection { behavior: "freeze".into(), resumes_at: None }).await, "freeze");
    let past = chrono::Utc::now().timestamp() - DAY;
    refused(act(SubscriptionAction::PauseCollection { behavior: "void".into(), resumes_at: Some(past) }).await, "future");

    let create = |input| f.app.create_subscription(&f.account, input);
    refused(create(f.input(&[(&f.monthly, 0)], TrialInput::None)).await, "at least 1");
    refused(create(f.input(&[], TrialInput::None)).await, "at least one price");
    refused(create(f.input(&[("price_missing", 1)], TrialInput::None)).await, "no price price_missing");
    refused(create(f.input(&[(&f.one_off, 1)], TrialInput::None)).await, "one-off");
    refused(create(f.input(&[(&f.monthly, 1), (&f.dollars, 1)], TrialInput::None)).await, "one currency");
    // The customer is billed in euros since its first subscription.
    refused(create(f.input(&[(&f.dollars, 1)], TrialInput::None)).await, "one currency");
    refused(create(f.input(&[(&f.monthly, 1)], TrialInput::Until { trial_end: past })).await, "future");
    refused(create(f.input(&[(&f.monthly, 1)], TrialInput::Days { days: 0 })).await, "1 to 730");
    let mut terms = f.input(&[(&f.monthly, 1)], TrialInput::None);
    terms.days_until_due = Some(30);
    refused(create(terms).await, "emailed");
    let mut behavior = f.input(&[(&f.monthly, 1)], TrialInput::None);
    behavior.payment_behavior = "maybe".into();
    refused(create(behavior).await, "payment behavior");
    let mut email = f.input(&[(&f.monthly, 1)], TrialInput::None);
    email.customer = CustomerChoice::ByEmail { email: "not-an-email".into(), name: String::new() };
    refused(create(email).await, "email");
    assert_eq!((f.sim.request_count(), f.recorded()), (requests, recorded), "nothing sent, nothing recorded");

    let cancel = SubscriptionAction::CancelNow { invoice_now: false, prorate: false };
    f.app.subscription_action(&f.account, &sub.id, cancel.clone()).await.unwrap();
    let (requests, recorded) = (f.sim.request_count(), f.recorded());
    refused(f.app.subscription_action(&f.account, &sub.id, cancel).await, "ended");
    refused(f.app.subscription_action(&f.account, &sub.id, SubscriptionAction::CancelAtPeriodEnd).await, "ended");
    assert_eq!((f.sim.request_count(), f.recorded()), (requests, recorded));
}

/// The kinds a child may be asked to run, found by their journal name.
const KINDS: [OperationKind; 2] = [OperationKind::CreateSubscription, OperationKind::CancelSubscription];

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

impl Fixture {
    /// Runs `test` as a child that records and runs `kind` with `input`, kills it while its
    /// first request is in flight, resumes in this process and waits until the killed request
    /// has surely run in the emulator too.
    async fn kill_and_resume(&self, test: &str, kind: OperationKind, input: Value) {
        let config = json!({
            "dir": self.dir.path(), "account": self.account, "base": self.sim.base_url(),
            "kind": kind.as_str(), "input": input,
        });
        let env = [(CHILD_ENV, config.to_string()), (CHILD_KEY_ENV, self.key.clone())];
        let env: Vec<(&str, &str)> = env.iter().map(|(name, value)| (*name, value.as_str())).collect();
        kill::kill_child_in_flight(&self.sim, test, &env, 1).await;
        let killed_at = tokio::time::Instant::now();
        let pending = journal::unfinished(self.app.store()).unwrap();
        assert_eq!(pending.len(), 1, "exactly the killed operation is pending");
        assert_eq!((pending[0].kind, pending[0].step), (kind, 0), "the killed request's answer never arrived");
        assert_eq!(self.app.resume_operations().await.unwrap(), 1, "the resume finishes it");
        assert_eq!(self.app.store().operation(&pending[0].id).unwrap().status, OperationStatus::Done);
        tokio::time::sleep_until(killed_at + SETTLE).await;
    }

    async fn subscriptions_in_stripe(&self) -> Vec<Value> {
        let list = self.get("/v1/subscriptions", &[("customer", &self.customer), ("status", "all")]).await;
        list["data"].as_array().unwrap().clone()
    }
}

#[tokio::test]
async fn a_create_killed_mid_request_makes_one_subscription() {
    if let Ok(config) = std::env::var(CHILD_ENV) {
        return run_as_child(&config).await;
    }
    let f = fixture().await;
    let input = serde_json::to_value(f.input(&[(&f.seat, 3)], TrialInput::None)).unwrap();
    f.kill_and_resume("a_create_killed_mid_request_makes_one_subscription", OperationKind::CreateSubscription, input).await;

    let subscriptions = f.subscriptions_in_stripe().await;
    assert_eq!(subscriptions.len(), 1, "exactly one subscription");
    let id = subscriptions[0]["id"].as_str().unwrap();
    let cached = f.app.subscription_detail(&f.account, id).unwrap();
    assert_eq!((cached.status.as_str(), cached.mrr), ("active", 3000));
    let page = f.app.list_subscriptions(&f.account, &ListQuery { limit: 10, ..ListQuery::default() }).unwrap();
    assert_eq!(page.total, 1);
    let charges = f.get("/v1/charges", &[("customer", &f.customer)]).await;
    assert_eq!(charges["data"].as_array().unwrap().len(), 1, "charged once");
}

#[tokio::test]
async fn a_cancel_killed_mid_request_cancels_once() {
    if let Ok(config) = std::env::var(CHILD_ENV) {
        return run_as_child(&config).await;
    }
    let f = fixture().await;
    let sub = f.app.create_subscription(&f.account, f.input(&[(&f.monthly, 1)], TrialInput::None)).await.unwrap();
    let input = SubscriptionWrite { subscription_id: sub.id.clone(), form: form(&[("invoice_now", "false"), ("prorate", "false")]) };
    let input = serde_json::to_value(input).unwrap();
    f.kill_and_resume("a_cancel_killed_mid_request_cancels_once", OperationKind::CancelSubscription, input).await;

    assert_eq!(f.get(&format!("/v1/subscriptions/{}", sub.id), &[]).await["status"], "canceled");
    let deleted = f.get("/v1/events", &[("type", "customer.subscription.deleted"), ("limit", "100")]).await;
    let about: Vec<&Value> = deleted["data"].as_array().unwrap().iter().filter(|e| e["data"]["object"]["id"] == sub.id.as_str()).collect();
    assert_eq!(about.len(), 1, "canceled once");
    let cached = f.app.subscription_detail(&f.account, &sub.id).unwrap();
    assert_eq!((cached.status.as_str(), cached.actions.len()), ("canceled", 0));
}
