//! Changing a subscription's prices and quantities against stripe-sim: the preview equals the
//! invoice the change brings (at once, or at the next renewal), for an upgrade, a downgrade,
//! a quantity and an interval; bad changes send and record nothing; a change killed
//! mid-request resumes into exactly one update and one invoice.

use std::collections::BTreeMap;
use std::sync::Arc;

use billfold_core::gateway::{Gateway, GatewayConfig};
use billfold_core::invoices::{CollectionMethod, CustomerChoice};
use billfold_core::journal::{self, OperationKind, OperationStatus, SubscriptionWrite};
use billfold_core::secrets::Secret;
use billfold_core::store::{Store, DATABASE_FILE};
use billfold_core::subscriptions::{
    ChangePreview, ItemChange, NewSubscriptionInput, ProrationChoice, SubscriptionAction, SubscriptionChangeInput,
    SubscriptionDetail, SubscriptionItemInput, TrialInput,
};
use billfold_core::sync::NoObserver;
use billfold_core::{Billfold, Error};
use serde_json::{json, Value};
use stripe_sim::Simulator;

#[path = "support/kill.rs"]
mod kill;
#[path = "support/sim_account.rs"]
mod sim_account;

/// Set in the environment of the child process the kill test starts: what it runs.
const CHILD_ENV: &str = "BILLFOLD_SUBSCRIPTION_CHANGE_KILL_CHILD";
/// The child's secret key, kept out of the config (and so out of any failure message).
const CHILD_KEY_ENV: &str = "BILLFOLD_SUBSCRIPTION_CHANGE_KILL_CHILD_KEY";
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
    /// 10.00 a month.
    basic: String,
    /// 30.00 a month.
    pro: String,
    /// 5.00 a month.
    seat: String,
    /// 300.00 a year.
    yearly: String,
    /// 12.00 a month, archived.
    archived: String,
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

    /// A new subscription (charged at once) to `price` × `quantity`.
    async fn subscribe(&self, price: &str, quantity: u64) -> SubscriptionDetail {
        let input = NewSubscriptionInput {
            customer: CustomerChoice::Existing { customer_id: self.customer.clone() },
            items: vec![SubscriptionItemInput { price_id: price.to_string(), quantity }],
            trial: TrialInput::None,
            collection_method: CollectionMethod::ChargeAutomatically,
            days_until_due: None,
            payment_behavior: "allow_incomplete".into(),
            metadata: BTreeMap::new(),
            coupon_id: None,
        };
        self.app.create_subscription(&self.account, input).await.unwrap()
    }

    /// How many `customer.subscription.updated` events name the subscription.
    async fn updated_events(&self, subscription: &str) -> usize {
        let events = self.get("/v1/events", &[("type", "customer.subscription.updated"), ("limit", "100")]).await;
        events["data"].as_array().unwrap().iter().filter(|event| event["data"]["object"]["id"] == subscription).count()
    }

    fn recorded(&self) -> usize {
        self.app.operation_log(&self.account, 500, None).unwrap().len()
    }

    /// The subscription's invoices in Stripe billed for `reason`, newest first.
    async fn invoices(&self, subscription: &str, reason: &str) -> Vec<Value> {
        let list = self.get("/v1/invoices", &[("subscription", subscription), ("limit", "100")]).await;
        list["data"].as_array().unwrap().iter().filter(|invoice| invoice["billing_reason"] == reason).cloned().collect()
    }
}

async fn fixture() -> Fixture {
    let sim = sim_account::sim().await;
    let key = format!("sk_test_51Changes{}", uuid::Uuid::new_v4().simple());
    let dir = tempfile::tempdir().unwrap();
    let (app, account) = sim_account::open_with_account(dir.path(), &sim, &key, "Changes").await;
    let mut f = Fixture {
        sim,
        key,
        dir,
        app,
        account,
        customer: String::new(),
        basic: String::new(),
        pro: String::new(),
        seat: String::new(),
        yearly: String::new(),
        archived: String::new(),
        one_off: String::new(),
        dollars: String::new(),
    };
    let customer = f.post("/v1/customers", &[("email", "ap@acme.test"), ("name", "Acme GmbH")]).await;
    f.customer = customer["id"].as_str().unwrap().to_string();
    let card = f.post("/v1/payment_methods/pm_card_visa/attach", &[("customer", &f.customer)]).await;
    let path = format!("/v1/customers/{}", f.customer);
    f.post(&path, &[("invoice_settings[default_payment_method]", card["id"].as_str().unwrap())]).await;
    let product = f.post("/v1/products", &[("name", "Console")]).await["id"].as_str().unwrap().to_string();
    f.basic = f.price(&product, "eur", "1000", Some("month")).await;
    f.pro = f.price(&product, "eur", "3000", Some("month")).await;
    f.seat = f.price(&product, "eur", "500", Some("month")).await;
    f.yearly = f.price(&product, "eur", "30000", Some("year")).await;
    f.archived = f.price(&product, "eur", "1200", Some("month")).await;
    f.post(&format!("/v1/prices/{}", f.archived), &[("active", "false")]).await;
    f.one_off = f.price(&product, "eur", "500", None).await;
    f.dollars = f.price(&product, "usd", "900", Some("month")).await;
    f.app.sync_once(&f.account, &NoObserver).await.unwrap();
    f
}

/// A change of the subscription's only item, prorated from ten days into its period.
fn change_of(
    sub: &SubscriptionDetail,
    price: Option<&str>,
    quantity: Option<i64>,
    proration: ProrationChoice,
) -> SubscriptionChangeInput {
    let item = ItemChange {
        item_id: Some(sub.items[0].id.clone()),
        price_id: price.map(str::to_string),
        quantity,
        deleted: false,
    };
    SubscriptionChangeInput {
        items: vec![item],
        proration,
        proration_date: sub.current_period_start.unwrap() + 10 * DAY,
    }
}

/// An invoice's lines as `(description, amount, proration)`.
fn invoice_lines(invoice: &Value) -> Vec<(String, i64, bool)> {
    let lines = invoice["lines"]["data"].as_array().unwrap();
    lines
        .iter()
        .map(|line| {
            let parent = &line["parent"];
            let proration = parent["invoice_item_details"]["proration"] == true
                || parent["subscription_item_details"]["proration"] == true;
            (line["description"].as_str().unwrap_or_default().to_string(), line["amount"].as_i64().unwrap(), proration)
        })
        .collect()
}

fn preview_lines(preview: &ChangePreview) -> Vec<(String, i64, bool)> {
    preview
        .lines
        .iter()
        .map(|line| (line.description.clone().unwrap_or_default(), line.amount, line.proration))
        .collect()
}

/// Previews `change`, makes it, and checks the invoice it issued at once is the preview: each
/// line, the total and what is due; the cached detail shows it at once. Answers the preview.
async fn invoiced_at_once(f: &Fixture, sub: &SubscriptionDetail, change: SubscriptionChangeInput) -> ChangePreview {
    let preview = f.app.preview_subscription_change(&f.account, &sub.id, change.clone()).await.unwrap();
    assert_eq!(preview.proration_date, change.proration_date);
    let changed = f.app.change_subscription(&f.account, &sub.id, change).await.unwrap();
    let issued = f.invoices(&sub.id, "subscription_update").await;
    assert_eq!(issued.len(), 1, "one invoice for the change");
    let invoice = &issued[0];
    assert_eq!(invoice_lines(invoice), preview_lines(&preview));
    assert_eq!(invoice["total"].as_i64().unwrap(), preview.lines.iter().map(|line| line.amount).sum::<i64>());
    assert_eq!(invoice["amount_due"].as_i64().unwrap(), preview.due_now);
    assert_eq!(
        invoice["parent"]["subscription_details"]["subscription"].as_str(),
        Some(sub.id.as_str()),
        "billed to the subscription"
    );
    let cached = changed.invoices.iter().find(|row| Some(row.id.as_str()) == invoice["id"].as_str());
    assert_eq!(cached.map(|row| row.total), invoice["total"].as_i64(), "the detail shows the new invoice at once");
    preview
}

#[tokio::test]
async fn upgrade_downgrade_and_quantity_previews_equal_the_invoices_issued_at_once() {
    let f = fixture().await;
    // Basic to Pro with 20 of 30 days left: 20.00 more is 2/3 of 30.00 less 2/3 of 10.00.
    let sub = f.subscribe(&f.basic, 1).await;
    let period = (sub.current_period_end.unwrap() - sub.current_period_start.unwrap()) as f64;
    let left = (period - (10 * DAY) as f64) / period;
    let upgrade = invoiced_at_once(&f, &sub, change_of(&sub, Some(&f.pro), None, ProrationChoice::AlwaysInvoice)).await;
    assert_eq!(upgrade.proration_total, (3000.0 * left).round() as i64 - (1000.0 * left).round() as i64);
    assert!(upgrade.due_now > 0 && upgrade.due_now == upgrade.proration_total);
    assert_eq!(upgrade.next_invoice_total, 3000, "the renewal bills Pro");
    let stripe = f.get(&format!("/v1/subscriptions/{}", sub.id), &[]).await;
    assert_eq!(stripe["items"]["data"][0]["price"]["id"].as_str(), Some(f.pro.as_str()));
    let cached = f.app.subscription_detail(&f.account, &sub.id).unwrap();
    assert_eq!((cached.items[0].price_id.as_deref(), cached.mrr), (Some(f.pro.as_str()), 3000));

    // 2 seats to 5.
    let sub = f.subscribe(&f.seat, 2).await;
    let more = invoiced_at_once(&f, &sub, change_of(&sub, None, Some(5), ProrationChoice::AlwaysInvoice)).await;
    assert_eq!(more.proration_total, (2500.0 * left).round() as i64 - (1000.0 * left).round() as i64);
    assert_eq!(more.next_invoice_total, 2500);
    assert_eq!(f.app.subscription_detail(&f.account, &sub.id).unwrap().items[0].quantity, 5);

    // Pro to Basic: a credit, nothing due. (Last, as the credit goes to the customer's balance
    // and would pay the invoices that follow.)
    let sub = f.subscribe(&f.pro, 1).await;
    let downgrade =
        invoiced_at_once(&f, &sub, change_of(&sub, Some(&f.basic), None, ProrationChoice::AlwaysInvoice)).await;
    assert!(downgrade.proration_total < 0, "unused time on Pro is credited");
    assert_eq!((downgrade.due_now, downgrade.next_invoice_total), (0, 1000));
}

/// Previews `change` for the next renewal, makes it, lets the period end and checks the
/// renewal invoice is the preview.
async fn invoiced_at_renewal(f: &Fixture, sub: &SubscriptionDetail, change: SubscriptionChangeInput) -> ChangePreview {
    let preview = f.app.preview_subscription_change(&f.account, &sub.id, change.clone()).await.unwrap();
    let changed = f.app.change_subscription(&f.account, &sub.id, change).await.unwrap();
    assert!(f.invoices(&sub.id, "subscription_update").await.is_empty(), "nothing is invoiced at once");
    assert_eq!(changed.invoices.len(), sub.invoices.len());
    assert_eq!(preview.due_now, 0);
    let now = chrono::Utc::now().timestamp();
    f.sim.advance_clock(sub.current_period_end.unwrap() - now + DAY);
    let renewals = f.invoices(&sub.id, "subscription_cycle").await;
    assert_eq!(renewals.len(), 1, "the period renewed once");
    let renewal = &renewals[0];
    assert_eq!(invoice_lines(renewal), preview_lines(&preview));
    assert_eq!(renewal["total"].as_i64(), Some(preview.next_invoice_total));
    preview
}

#[tokio::test]
async fn prorations_for_the_next_renewal_are_on_its_invoice_as_previewed() {
    let f = fixture().await;
    let sub = f.subscribe(&f.basic, 1).await;
    let upgrade =
        invoiced_at_renewal(&f, &sub, change_of(&sub, Some(&f.pro), None, ProrationChoice::CreateProrations)).await;
    assert!(upgrade.proration_total > 0);
    assert_eq!(upgrade.next_invoice_total, 3000 + upgrade.proration_total);
    assert_eq!(upgrade.lines.iter().filter(|line| line.proration).count(), 2, "unused Basic, remaining Pro");
}

#[tokio::test]
async fn a_downgrade_at_renewal_credits_the_next_invoice_as_previewed() {
    let f = fixture().await;
    let sub = f.subscribe(&f.seat, 4).await;
    let fewer = invoiced_at_renewal(&f, &sub, change_of(&sub, None, Some(1), ProrationChoice::CreateProrations)).await;
    assert!(fewer.proration_total < 0);
    assert_eq!(fewer.next_invoice_total, 500 + fewer.proration_total);
}

#[tokio::test]
async fn without_proration_the_new_price_starts_with_the_next_period() {
    let f = fixture().await;
    let sub = f.subscribe(&f.basic, 1).await;
    let plain = invoiced_at_renewal(&f, &sub, change_of(&sub, Some(&f.pro), None, ProrationChoice::None)).await;
    assert_eq!((plain.proration_total, plain.due_now, plain.next_invoice_total), (0, 0, 3000));
    assert!(plain.lines.iter().all(|line| !line.proration));
}

/// Expects a validation error mentioning `words`.
fn refused<T: std::fmt::Debug>(result: Result<T, Error>, words: &str) {
    match result {
        Err(Error::Validation(message)) => assert!(message.contains(words), "'{message}' should mention '{words}'"),
        other => panic!("expected a refusal mentioning '{words}', got {other:?}"),
    }
}

#[tokio::test]
async fn bad_changes_send_nothing_and_record_nothing() {
    let f = fixture().await;
    let sub = f.subscribe(&f.basic, 1).await;
    let (requests, recorded) = (f.sim.request_count(), f.recorded());
    let at_once = ProrationChoice::AlwaysInvoice;
    let mut outside = change_of(&sub, Some(&f.pro), None, at_once);
    outside.proration_date = sub.current_period_end.unwrap() + DAY;
    let mut stranger = change_of(&sub, None, Some(2), at_once);
    stranger.items[0].item_id = Some("si_NotHere".into());
    let bad = [
        (change_of(&sub, None, Some(0), at_once), "at least 1"),
        (change_of(&sub, Some(&f.dollars), None, at_once), "USD"),
        (change_of(&sub, Some(&f.archived), None, at_once), "archived"),
        (change_of(&sub, Some("price_Unknown"), None, at_once), "no price price_Unknown"),
        (change_of(&sub, Some(&f.one_off), None, at_once), "one-off"),
        (change_of(&sub, Some(&f.basic), Some(1), at_once), "changes nothing"),
        (outside, "current period"),
        (stranger, "not an item"),
    ];
    for (change, words) in bad {
        refused(f.app.preview_subscription_change(&f.account, &sub.id, change.clone()).await, words);
        refused(f.app.change_subscription(&f.account, &sub.id, change).await, words);
    }
    assert_eq!((f.sim.request_count(), f.recorded()), (requests, recorded), "nothing sent, nothing recorded");

    let cancel = SubscriptionAction::CancelNow { invoice_now: false, prorate: false };
    f.app.subscription_action(&f.account, &sub.id, cancel).await.unwrap();
    let (requests, recorded) = (f.sim.request_count(), f.recorded());
    let upgrade = change_of(&sub, Some(&f.pro), None, at_once);
    refused(f.app.preview_subscription_change(&f.account, &sub.id, upgrade.clone()).await, "ended");
    refused(f.app.change_subscription(&f.account, &sub.id, upgrade).await, "ended");
    assert_eq!((f.sim.request_count(), f.recorded()), (requests, recorded));
}

/// The child's side: records and runs the configured update until it is killed.
async fn run_as_child(config: &str) {
    let config: Value = serde_json::from_str(config).unwrap();
    let dir = std::path::PathBuf::from(config["dir"].as_str().unwrap());
    let store = Arc::new(Store::open(&dir.join(DATABASE_FILE)).unwrap());
    let account = config["account"].as_str().unwrap();
    let key = Secret::new(std::env::var(CHILD_KEY_ENV).unwrap());
    let mode = GatewayConfig::for_mode(billfold_core::accounts::Mode::Test);
    let gateway = Gateway::new(store.clone(), account, config["base"].as_str().unwrap(), &key, mode).unwrap();
    let operation =
        journal::begin(&store, account, OperationKind::UpdateSubscription, config["input"].clone()).unwrap();
    journal::run(&store, &gateway, &operation.id).await.unwrap();
    panic!("the child was meant to be killed before finishing");
}

#[tokio::test]
async fn a_change_killed_mid_request_updates_once_and_invoices_once() {
    if let Ok(config) = std::env::var(CHILD_ENV) {
        return run_as_child(&config).await;
    }
    let f = fixture().await;
    // How many `customer.subscription.updated` events one such change makes, on a twin.
    let twin = f.subscribe(&f.basic, 1).await;
    let before = f.updated_events(&twin.id).await;
    f.app
        .change_subscription(
            &f.account,
            &twin.id,
            change_of(&twin, Some(&f.pro), Some(2), ProrationChoice::AlwaysInvoice),
        )
        .await
        .unwrap();
    let per_change = f.updated_events(&twin.id).await - before;

    let sub = f.subscribe(&f.basic, 1).await;
    let before = f.updated_events(&sub.id).await;
    let change = change_of(&sub, Some(&f.pro), Some(2), ProrationChoice::AlwaysInvoice);
    let preview = f.app.preview_subscription_change(&f.account, &sub.id, change.clone()).await.unwrap();
    // The update exactly as `change_subscription` records it.
    let date = change.proration_date.to_string();
    let pairs = [
        ("items[0][id]", sub.items[0].id.as_str()),
        ("items[0][price]", f.pro.as_str()),
        ("items[0][quantity]", "2"),
        ("proration_behavior", "always_invoice"),
        ("proration_date", date.as_str()),
        ("payment_behavior", "allow_incomplete"),
    ];
    let input =
        serde_json::to_value(SubscriptionWrite { subscription_id: sub.id.clone(), form: form(&pairs) }).unwrap();
    let config = json!({"dir": f.dir.path(), "account": f.account, "base": f.sim.base_url(), "input": input});
    let env = [(CHILD_ENV, config.to_string()), (CHILD_KEY_ENV, f.key.clone())];
    let env: Vec<(&str, &str)> = env.iter().map(|(name, value)| (*name, value.as_str())).collect();
    kill::kill_child_in_flight(&f.sim, "a_change_killed_mid_request_updates_once_and_invoices_once", &env, 1).await;
    let killed_at = tokio::time::Instant::now();
    let pending = journal::unfinished(f.app.store()).unwrap();
    assert_eq!(pending.len(), 1, "exactly the killed change is pending");
    assert_eq!((pending[0].kind, pending[0].step), (OperationKind::UpdateSubscription, 0));
    assert_eq!(f.app.resume_operations().await.unwrap(), 1, "the resume finishes it");
    assert_eq!(f.app.store().operation(&pending[0].id).unwrap().status, OperationStatus::Done);
    tokio::time::sleep_until(killed_at + SETTLE).await;

    assert_eq!(f.updated_events(&sub.id).await - before, per_change, "updated once");
    let issued = f.invoices(&sub.id, "subscription_update").await;
    assert_eq!(issued.len(), 1, "one proration invoice");
    assert_eq!(invoice_lines(&issued[0]), preview_lines(&preview));
    let cached = f.app.subscription_detail(&f.account, &sub.id).unwrap();
    assert_eq!((cached.items[0].price_id.as_deref(), cached.items[0].quantity), (Some(f.pro.as_str()), 2));
}

/// Monthly to yearly: Stripe restarts the billing cycle and invoices the new year at once,
/// less the unused month. (Runs once the emulator changes intervals.)
#[tokio::test]
async fn interval_change_preview_equals_invoice() {
    let f = fixture().await;
    let sub = f.subscribe(&f.basic, 1).await;
    let change = change_of(&sub, Some(&f.yearly), None, ProrationChoice::AlwaysInvoice);
    let preview = invoiced_at_once(&f, &sub, change).await;
    assert!(preview.lines.iter().any(|line| line.amount == 30_000 && !line.proration), "the year is billed");
    assert!(preview.proration_total < 0, "the unused month is credited");
    assert_eq!(preview.next_invoice_total, 30_000);
    let cached = f.app.subscription_detail(&f.account, &sub.id).unwrap();
    assert_eq!(cached.items[0].interval.as_deref(), Some("year"));
}
