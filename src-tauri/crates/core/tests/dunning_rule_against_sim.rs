//! The dunning rule and payment notices against stripe-sim: a rule that is off does nothing; a
//! rule of two failed payments cancels (or marks) exactly once after the second failure, a
//! later sync sends nothing for it, and a second desktop on the same account sees the mark and
//! leaves it; a kill between marking and canceling resumes into one cancel; the audit log lists
//! the operation. Notices: none for what the first sync finds, one per new failure after it.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use billfold_core::gateway::{Gateway, GatewayConfig};
use billfold_core::invoices::{CollectionMethod, CustomerChoice};
use billfold_core::journal::{self, DunningRuleApplication, OperationKind, OperationStatus};
use billfold_core::secrets::Secret;
use billfold_core::store::{Store, SyncStatus, DATABASE_FILE};
use billfold_core::subscriptions::{
    DunningAction, DunningRule, NewSubscriptionInput, SubscriptionItemInput, TrialInput, DUNNING_INVOICE_KEY,
    DUNNING_MARK_KEY,
};
use billfold_core::sync::{DataChanged, Notice, NotificationSettings, SyncObserver, SyncProgress, SyncReport};
use billfold_core::Billfold;
use serde_json::{json, Value};
use stripe_sim::Simulator;

#[path = "support/kill.rs"]
mod kill;
#[path = "support/sim_account.rs"]
mod sim_account;

/// Set in the environment of the child process the kill test starts: what it runs.
const CHILD_ENV: &str = "BILLFOLD_DUNNING_RULE_KILL_CHILD";
/// The child's secret key, kept out of the config.
const CHILD_KEY_ENV: &str = "BILLFOLD_DUNNING_RULE_KILL_CHILD_KEY";
/// Longer than the emulator's 300 ms latency during a kill, with room for a slow machine.
const SETTLE: std::time::Duration = std::time::Duration::from_millis(1500);

fn form(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs.iter().map(|(name, value)| (name.to_string(), value.to_string())).collect()
}

/// Records the notices a sync would show.
#[derive(Default)]
struct Recorder(Mutex<Vec<Notice>>);

impl SyncObserver for Recorder {
    fn progress(&self, _: &SyncProgress) {}
    fn status(&self, _: &SyncStatus) {}
    fn data_changed(&self, _: &DataChanged) {}
    fn notices(&self, notices: &[Notice]) {
        self.0.lock().unwrap().extend_from_slice(notices);
    }
}

impl Recorder {
    fn take(&self) -> Vec<Notice> {
        std::mem::take(&mut *self.0.lock().unwrap())
    }
}

/// An account on a fresh emulator with a monthly price of 10.00, synced once.
struct Fixture {
    sim: Simulator,
    key: String,
    dir: tempfile::TempDir,
    app: Billfold,
    account: String,
    seat: String,
    recorder: Arc<Recorder>,
}

impl Fixture {
    async fn gateway(&self) -> Gateway {
        self.app.gateway(&self.account).await.unwrap()
    }

    async fn post(&self, path: &str, pairs: &[(&str, &str)]) -> Value {
        self.gateway().await.post_form(path, &form(pairs), None).await.unwrap()
    }

    async fn get(&self, path: &str, query: &[(&str, &str)]) -> Value {
        self.gateway().await.get_json(path, &form(query)).await.unwrap()
    }

    /// A customer paying by `pm_card_visa`; answers its id.
    async fn customer(&self, name: &str) -> String {
        let customer = self.post("/v1/customers", &[("name", name), ("email", "ap@example.test")]).await;
        let id = customer["id"].as_str().unwrap().to_string();
        let card = self.post("/v1/payment_methods/pm_card_visa/attach", &[("customer", &id)]).await;
        let card = card["id"].as_str().unwrap();
        self.post(&format!("/v1/customers/{id}"), &[("invoice_settings[default_payment_method]", card)]).await;
        id
    }

    /// An active subscription of one seat for a new customer `name`, in the cache; answers its id.
    async fn subscribe(&self, name: &str) -> String {
        let customer = self.customer(name).await;
        self.sync().await;
        let input = NewSubscriptionInput {
            customer: CustomerChoice::Existing { customer_id: customer },
            items: vec![SubscriptionItemInput { price_id: self.seat.clone(), quantity: 1 }],
            trial: TrialInput::None,
            collection_method: CollectionMethod::ChargeAutomatically,
            days_until_due: None,
            payment_behavior: "allow_incomplete".into(),
            metadata: BTreeMap::new(),
            coupon_id: None,
        };
        self.app.create_subscription(&self.account, input).await.unwrap().id
    }

    /// The renewal of `subscription` fails (its first failed payment); answers the open invoice.
    fn fail_renewal(&self, subscription: &str) -> String {
        let renewed = self.sim.fail_renewal(subscription).unwrap();
        assert_eq!(renewed["status"], "past_due");
        renewed["latest_invoice"].as_str().unwrap().to_string()
    }

    /// Charges the open invoice again with the declining card: one more failed payment.
    async fn retry_fails(&self, invoice: &str) {
        let retried = self.gateway().await.post_form(&format!("/v1/invoices/{invoice}/pay"), &[], None).await;
        assert!(retried.is_err(), "the declining card declines again");
    }

    async fn sync(&self) -> SyncReport {
        self.app.sync_once(&self.account, self.recorder.as_ref()).await.unwrap()
    }

    fn set_rule(&self, app: &Billfold, account: &str, failed_payments: u32, action: DunningAction) {
        let rule = DunningRule { enabled: true, failed_payments, action };
        assert_eq!(app.set_dunning_rule(account, &rule).unwrap(), rule);
    }

    /// The rule's operations in the audit log, newest first: (status, target).
    fn rule_operations(&self, app: &Billfold, account: &str) -> Vec<(String, Option<String>)> {
        let log = app.operation_log(account, 100, None).unwrap();
        log.into_iter()
            .filter(|entry| entry.kind == OperationKind::ApplyDunningRule.as_str())
            .map(|entry| (entry.status, entry.target))
            .collect()
    }

    /// Syncs and checks that only the sync's own requests reached the emulator.
    async fn sync_sends_nothing_else(&self, app: &Billfold, account: &str) {
        let before = self.sim.request_count();
        let report = app.sync_once(account, self.recorder.as_ref()).await.unwrap();
        assert_eq!(self.sim.request_count() - before, report.requests, "nothing but the sync's own reads");
    }

    /// `customer.subscription.deleted` events about `subscription` in Stripe.
    async fn cancels_of(&self, subscription: &str) -> usize {
        let deleted = self.get("/v1/events", &[("type", "customer.subscription.deleted"), ("limit", "100")]).await;
        deleted["data"].as_array().unwrap().iter().filter(|event| event["data"]["object"]["id"] == subscription).count()
    }

    /// A second Billfold (another desktop) on the same emulator account, synced once.
    async fn second_desktop(&self, dir: &std::path::Path) -> (Billfold, String) {
        let (app, account) = sim_account::open_with_account(dir, &self.sim, &self.key, "Dunning rule").await;
        app.sync_once(&account, self.recorder.as_ref()).await.unwrap();
        (app, account)
    }
}

async fn fixture() -> Fixture {
    let sim = sim_account::sim().await;
    let key = format!("sk_test_51DunningRule{}", uuid::Uuid::new_v4().simple());
    let dir = tempfile::tempdir().unwrap();
    let (app, account) = sim_account::open_with_account(dir.path(), &sim, &key, "Dunning rule").await;
    let mut f = Fixture { sim, key, dir, app, account, seat: String::new(), recorder: Arc::default() };
    let product = f.post("/v1/products", &[("name", "Console")]).await["id"].as_str().unwrap().to_string();
    let pairs = [("product", product.as_str()), ("currency", "eur"), ("unit_amount", "1000"), ("recurring[interval]", "month")];
    f.seat = f.post("/v1/prices", &pairs).await["id"].as_str().unwrap().to_string();
    f.sync().await;
    f
}

#[tokio::test]
async fn a_rule_that_is_off_does_nothing() {
    let f = fixture().await;
    assert!(!f.app.dunning_rule(&f.account).unwrap().enabled, "off by default");
    let sub = f.subscribe("Acme Ltd").await;
    let invoice = f.fail_renewal(&sub);
    f.retry_fails(&invoice).await;
    f.sync().await;
    f.sync_sends_nothing_else(&f.app, &f.account).await;
    assert!(f.rule_operations(&f.app, &f.account).is_empty());
    let detail = f.app.subscription_detail(&f.account, &sub).unwrap();
    assert_eq!(detail.status, "past_due");
    assert!(!detail.metadata.contains_key(DUNNING_MARK_KEY));
}

#[tokio::test]
async fn the_rule_cancels_once_after_the_second_failure() {
    let f = fixture().await;
    f.set_rule(&f.app, &f.account, 2, DunningAction::Cancel);
    let sub = f.subscribe("Acme Ltd").await;
    let healthy = f.subscribe("Globex").await;
    let invoice = f.fail_renewal(&sub);
    f.sync().await;
    assert!(f.rule_operations(&f.app, &f.account).is_empty(), "one failure is not two");
    assert_eq!(f.app.subscription_detail(&f.account, &sub).unwrap().status, "past_due");

    f.retry_fails(&invoice).await;
    f.sync().await;
    assert_eq!(f.rule_operations(&f.app, &f.account), vec![("done".to_string(), Some(sub.clone()))]);
    let stripe = f.get(&format!("/v1/subscriptions/{sub}"), &[]).await;
    assert_eq!(stripe["status"], "canceled");
    assert_eq!(stripe["metadata"][DUNNING_MARK_KEY], "canceled after 2 failed payments");
    assert_eq!(stripe["metadata"][DUNNING_INVOICE_KEY], invoice.as_str());
    assert_eq!(f.cancels_of(&sub).await, 1);
    let cached = f.app.subscription_detail(&f.account, &sub).unwrap();
    assert_eq!(cached.status, "canceled");
    assert_eq!(cached.metadata.get(DUNNING_MARK_KEY).map(String::as_str), Some("canceled after 2 failed payments"));
    assert_eq!(f.get(&format!("/v1/subscriptions/{healthy}"), &[]).await["status"], "active");
    assert_eq!(f.get(&format!("/v1/invoices/{invoice}"), &[]).await["status"], "open", "the unpaid invoice stays");

    f.sync_sends_nothing_else(&f.app, &f.account).await;
    assert_eq!(f.rule_operations(&f.app, &f.account).len(), 1, "a second sync applies nothing");
    let other = tempfile::tempdir().unwrap();
    let (desktop, account) = f.second_desktop(other.path()).await;
    f.set_rule(&desktop, &account, 2, DunningAction::Cancel);
    f.sync_sends_nothing_else(&desktop, &account).await;
    assert!(f.rule_operations(&desktop, &account).is_empty(), "the other desktop finds it canceled");
    assert_eq!(f.cancels_of(&sub).await, 1);
}

#[tokio::test]
async fn the_review_mark_is_written_once_and_another_desktop_leaves_it() {
    let f = fixture().await;
    f.set_rule(&f.app, &f.account, 2, DunningAction::Review);
    let sub = f.subscribe("Acme Ltd").await;
    let invoice = f.fail_renewal(&sub);
    f.retry_fails(&invoice).await;
    f.sync().await;
    assert_eq!(f.rule_operations(&f.app, &f.account), vec![("done".to_string(), Some(sub.clone()))]);
    let stripe = f.get(&format!("/v1/subscriptions/{sub}"), &[]).await;
    assert_eq!(stripe["status"], "past_due", "review leaves the subscription as it is");
    assert_eq!(stripe["metadata"][DUNNING_MARK_KEY], "review after 2 failed payments");
    let queue = f.app.dunning_queue(&f.account).unwrap();
    assert_eq!((queue.len(), queue[0].subscription_id.as_str(), queue[0].review), (1, sub.as_str(), true));
    let detail = f.app.subscription_detail(&f.account, &sub).unwrap();
    assert_eq!(detail.metadata.get(DUNNING_INVOICE_KEY), Some(&invoice));

    f.sync_sends_nothing_else(&f.app, &f.account).await;
    assert_eq!(f.rule_operations(&f.app, &f.account).len(), 1);
    let other = tempfile::tempdir().unwrap();
    let (desktop, account) = f.second_desktop(other.path()).await;
    f.set_rule(&desktop, &account, 2, DunningAction::Review);
    f.sync_sends_nothing_else(&desktop, &account).await;
    assert!(f.rule_operations(&desktop, &account).is_empty(), "the other desktop sees the mark");
    assert!(desktop.dunning_queue(&account).unwrap()[0].review);
}

/// The child's side: records and runs one application of the rule until it is killed.
async fn run_as_child(config: &str) {
    let config: Value = serde_json::from_str(config).unwrap();
    let dir = std::path::PathBuf::from(config["dir"].as_str().unwrap());
    let store = Arc::new(Store::open(&dir.join(DATABASE_FILE)).unwrap());
    let account = config["account"].as_str().unwrap();
    let key = Secret::new(std::env::var(CHILD_KEY_ENV).unwrap());
    let mode = GatewayConfig::for_mode(billfold_core::accounts::Mode::Test);
    let gateway = Gateway::new(store.clone(), account, config["base"].as_str().unwrap(), &key, mode).unwrap();
    let operation = journal::begin(&store, account, OperationKind::ApplyDunningRule, config["input"].clone()).unwrap();
    journal::run(&store, &gateway, &operation.id).await.unwrap();
    panic!("the child was meant to be killed before finishing");
}

#[tokio::test]
async fn a_kill_between_marking_and_canceling_resumes_into_one_cancel() {
    if let Ok(config) = std::env::var(CHILD_ENV) {
        return run_as_child(&config).await;
    }
    let f = fixture().await;
    let sub = f.subscribe("Acme Ltd").await;
    let invoice = f.fail_renewal(&sub);
    f.retry_fails(&invoice).await;
    f.sync().await;
    f.set_rule(&f.app, &f.account, 2, DunningAction::Cancel);
    let input = DunningRuleApplication {
        subscription_id: sub.clone(),
        unpaid_invoice_id: invoice.clone(),
        action: DunningAction::Cancel,
        failed_payments: 2,
    };
    let config = json!({
        "dir": f.dir.path(), "account": f.account, "base": f.sim.base_url(), "input": serde_json::to_value(input).unwrap(),
    });
    let env = [(CHILD_ENV, config.to_string()), (CHILD_KEY_ENV, f.key.clone())];
    let env: Vec<(&str, &str)> = env.iter().map(|(name, value)| (*name, value.as_str())).collect();
    // Request 1 marks the subscription; request 2, the cancel, is in flight at the kill.
    kill::kill_child_in_flight(&f.sim, "a_kill_between_marking_and_canceling_resumes_into_one_cancel", &env, 2).await;
    let killed_at = tokio::time::Instant::now();
    let pending = journal::unfinished(f.app.store()).unwrap();
    assert_eq!(pending.len(), 1, "exactly the killed operation is pending");
    assert_eq!((pending[0].kind, pending[0].step), (OperationKind::ApplyDunningRule, 1), "the mark's answer was saved");
    let marked = f.app.subscription_detail(&f.account, &sub).unwrap();
    assert!(marked.metadata.contains_key(DUNNING_MARK_KEY), "the mark was cached before the kill");
    tokio::time::sleep_until(killed_at + SETTLE).await;

    f.sync().await;
    assert_eq!(f.app.store().operation(&pending[0].id).unwrap().status, OperationStatus::Done);
    assert_eq!(f.rule_operations(&f.app, &f.account).len(), 1, "resumed, not started again");
    assert_eq!(f.get(&format!("/v1/subscriptions/{sub}"), &[]).await["status"], "canceled");
    assert_eq!(f.cancels_of(&sub).await, 1, "canceled once");
    f.sync().await;
    assert_eq!(f.app.subscription_detail(&f.account, &sub).unwrap().status, "canceled");
}

#[tokio::test]
async fn new_payment_failures_are_noticed_once_and_the_first_sync_tells_nothing() {
    let sim = sim_account::sim().await;
    let key = format!("sk_test_51DunningNotice{}", uuid::Uuid::new_v4().simple());
    let dir = tempfile::tempdir().unwrap();
    let (app, account) = sim_account::open_with_account(dir.path(), &sim, &key, "Notices").await;
    let mut f = Fixture { sim, key, dir, app, account, seat: String::new(), recorder: Arc::default() };
    let product = f.post("/v1/products", &[("name", "Console")]).await["id"].as_str().unwrap().to_string();
    let pairs = [("product", product.as_str()), ("currency", "eur"), ("unit_amount", "120000"), ("recurring[interval]", "month")];
    f.seat = f.post("/v1/prices", &pairs).await["id"].as_str().unwrap().to_string();
    // Failures from before the first sync are history, not news.
    let old_customer = f.customer("Initech").await;
    let pairs = [("customer", old_customer.as_str()), ("items[0][price]", f.seat.as_str())];
    let old = f.post("/v1/subscriptions", &pairs).await["id"].as_str().unwrap().to_string();
    f.fail_renewal(&old);
    assert!(f.sync().await.backfilled, "the first sync");
    assert_eq!(f.app.dunning_queue(&f.account).unwrap().len(), 1, "the old failure is cached");
    f.sync().await;
    assert_eq!(f.recorder.take(), Vec::new(), "nothing from the first syncs");

    let sub = f.subscribe("Acme Ltd").await;
    f.recorder.take();
    let invoice = f.fail_renewal(&sub);
    f.sync().await;
    let notices = f.recorder.take();
    let failed = f.get("/v1/events", &[("type", "invoice.payment_failed"), ("limit", "100")]).await;
    let failed: Vec<&Value> = failed["data"].as_array().unwrap().iter().filter(|e| e["data"]["object"]["id"] == invoice.as_str()).collect();
    assert_eq!(failed.len(), 1);
    let number = failed[0]["data"]["object"]["number"].as_str().unwrap();
    let told: Vec<(&str, &str)> = notices.iter().map(|n| (n.title.as_str(), n.body.as_str())).collect();
    let body = format!("€1,200.00, invoice {number} (Notices)");
    let past_due = format!("{sub} is past due (Notices)");
    assert_eq!(told, vec![("Payment failed — Acme Ltd", body.as_str()), ("Subscription past due — Acme Ltd", past_due.as_str())]);
    assert_eq!(notices[0].event_id, failed[0]["id"].as_str().unwrap());

    f.sync().await;
    assert_eq!(f.recorder.take(), Vec::new(), "each event is told once");
    f.app.set_notification_settings(&f.account, &NotificationSettings { payment_failures: false, disputes: true }).unwrap();
    f.retry_fails(&invoice).await;
    f.sync().await;
    assert_eq!(f.recorder.take(), Vec::new(), "the switch is off");
}
