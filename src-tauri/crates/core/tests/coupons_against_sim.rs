//! Coupons against stripe-sim: a coupon created once and cached, applied to a new subscription,
//! an existing one and a draft invoice (Stripe's discounted totals), removed again, found by a
//! fresh backfill with the subscriptions' discounts, refused when Stripe would refuse it (with
//! nothing sent), and a create killed mid-request making exactly one coupon.

use std::collections::BTreeMap;
use std::sync::Arc;

use billfold_core::coupons::{CouponValue, NewCouponInput};
use billfold_core::gateway::{Gateway, GatewayConfig};
use billfold_core::invoices::{CollectionMethod, CustomerChoice, DraftChanges, NewInvoiceInput, NewInvoiceLine};
use billfold_core::journal::{self, OperationKind, OperationStatus};
use billfold_core::secrets::Secret;
use billfold_core::store::{Store, DATABASE_FILE};
use billfold_core::subscriptions::{NewSubscriptionInput, SubscriptionAction, SubscriptionItemInput, TrialInput};
use billfold_core::sync::NoObserver;
use billfold_core::{Billfold, Error};
use serde_json::{json, Value};
use stripe_sim::Simulator;

#[path = "support/kill.rs"]
mod kill;
#[path = "support/sim_account.rs"]
mod sim_account;

/// Set in the environment of the child process the kill test starts: what it runs.
const CHILD_ENV: &str = "BILLFOLD_COUPON_KILL_CHILD";
/// The child's secret key, kept out of the config.
const CHILD_KEY_ENV: &str = "BILLFOLD_COUPON_KILL_CHILD_KEY";
/// Longer than the emulator's 300 ms latency during a kill.
const SETTLE: std::time::Duration = std::time::Duration::from_millis(1500);

fn form(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs.iter().map(|(name, value)| (name.to_string(), value.to_string())).collect()
}

struct Fixture {
    sim: Simulator,
    key: String,
    dir: tempfile::TempDir,
    app: Billfold,
    account: String,
    customer: String,
    product: String,
    /// 40.00 a month, in euros.
    monthly: String,
}

impl Fixture {
    async fn post(&self, path: &str, pairs: &[(&str, &str)]) -> Value {
        self.app.gateway(&self.account).await.unwrap().post_form(path, &form(pairs), None).await.unwrap()
    }

    async fn get(&self, path: &str) -> Value {
        self.app.gateway(&self.account).await.unwrap().get_json(path, &[]).await.unwrap()
    }

    fn subscription(&self, coupon: Option<&str>) -> NewSubscriptionInput {
        NewSubscriptionInput {
            customer: CustomerChoice::Existing { customer_id: self.customer.clone() },
            items: vec![SubscriptionItemInput { price_id: self.monthly.clone(), quantity: 1 }],
            trial: TrialInput::None,
            collection_method: CollectionMethod::ChargeAutomatically,
            days_until_due: None,
            payment_behavior: "allow_incomplete".into(),
            metadata: BTreeMap::new(),
            coupon_id: coupon.map(str::to_string),
        }
    }

    fn recorded(&self) -> usize {
        self.app.operation_log(&self.account, 500, None).unwrap().len()
    }
}

async fn fixture() -> Fixture {
    let sim = sim_account::sim().await;
    let key = format!("sk_test_51Coupons{}", uuid::Uuid::new_v4().simple());
    let dir = tempfile::tempdir().unwrap();
    let (app, account) = sim_account::open_with_account(dir.path(), &sim, &key, "Coupons").await;
    let mut f = Fixture { sim, key, dir, app, account, customer: String::new(), product: String::new(), monthly: String::new() };
    let customer = f.post("/v1/customers", &[("email", "ap@acme.test"), ("name", "Acme GmbH")]).await;
    f.customer = customer["id"].as_str().unwrap().to_string();
    let card = f.post("/v1/payment_methods/pm_card_visa/attach", &[("customer", &f.customer)]).await;
    let path = format!("/v1/customers/{}", f.customer);
    f.post(&path, &[("invoice_settings[default_payment_method]", card["id"].as_str().unwrap())]).await;
    f.product = f.post("/v1/products", &[("name", "Membership")]).await["id"].as_str().unwrap().to_string();
    let price = [("product", f.product.as_str()), ("currency", "eur"), ("unit_amount", "4000"), ("recurring[interval]", "month")];
    f.monthly = f.post("/v1/prices", &price).await["id"].as_str().unwrap().to_string();
    f.app.sync_once(&f.account, &NoObserver).await.unwrap();
    f
}

fn percent(name: &str, basis_points: i64, duration: &str, months: Option<i64>) -> NewCouponInput {
    NewCouponInput {
        name: name.into(),
        value: CouponValue::Percent { basis_points },
        duration: duration.into(),
        duration_in_months: months,
        max_redemptions: None,
        redeem_by: None,
        applies_to_products: Vec::new(),
    }
}

#[tokio::test]
async fn a_coupon_is_created_once_applied_and_removed() {
    let f = fixture().await;
    let early = f.app.create_coupon(&f.account, percent("Early bird", 2550, "repeating", Some(3))).await.unwrap();
    assert_eq!((early.percent_off_bp, early.duration.as_str(), early.duration_in_months), (Some(2550), "repeating", Some(3)));
    let stripe = f.get(&format!("/v1/coupons/{}", early.id)).await;
    assert_eq!(stripe["percent_off"], json!(25.5));
    assert!(stripe["metadata"]["operation_id"].as_str().is_some_and(|op| op.starts_with("op_")));
    assert_eq!(f.app.list_coupons(&f.account).unwrap().len(), 1);

    // A new subscription with the coupon: 40.00 less 25.5 % is 29.80.
    let sub = f.app.create_subscription(&f.account, f.subscription(Some(&early.id))).await.unwrap();
    assert_eq!(sub.discounts.len(), 1, "the discount is cached with the subscription");
    assert_eq!(sub.discounts[0].coupon.as_ref().map(|c| c.id.as_str()), Some(early.id.as_str()));
    assert!(sub.discounts[0].ends_at.is_some(), "a repeating coupon's discount ends");
    assert_eq!((sub.invoices[0].total, sub.invoices[0].status.as_str()), (2980, "paid"));
    let upcoming = f.app.upcoming_invoice(&f.account, &sub.id).await.unwrap().unwrap();
    assert_eq!(upcoming.total, 2980, "the next renewal is discounted too");

    let removed = f.app.subscription_action(&f.account, &sub.id, SubscriptionAction::RemoveDiscounts).await.unwrap();
    assert!(removed.discounts.is_empty());
    assert_eq!(f.get(&format!("/v1/subscriptions/{}", sub.id)).await["discounts"], json!([]));
    let upcoming = f.app.upcoming_invoice(&f.account, &sub.id).await.unwrap().unwrap();
    assert_eq!(upcoming.total, 4000);

    // An amount coupon applied to the existing subscription.
    let amount = NewCouponInput {
        value: CouponValue::Amount { amount: 1000, currency: "EUR".into() },
        ..percent("Sponsor", 0, "forever", None)
    };
    let sponsor = f.app.create_coupon(&f.account, amount).await.unwrap();
    let apply = SubscriptionAction::ApplyCoupon { coupon_id: sponsor.id.clone() };
    let applied = f.app.subscription_action(&f.account, &sub.id, apply).await.unwrap();
    assert_eq!(applied.discounts[0].coupon_id.as_deref(), Some(sponsor.id.as_str()));
    assert_eq!(applied.discounts[0].ends_at, None, "forever");
    let upcoming = f.app.upcoming_invoice(&f.account, &sub.id).await.unwrap().unwrap();
    assert_eq!(upcoming.total, 3000);

    // A fresh desktop's first sync finds the coupons and the subscription's discount.
    let other = tempfile::tempdir().unwrap();
    let (second, account) = sim_account::open_with_account(other.path(), &f.sim, &f.key, "Second desk").await;
    second.sync_once(&account, &NoObserver).await.unwrap();
    assert_eq!(second.list_coupons(&account).unwrap().len(), 2);
    let seen = second.subscription_detail(&account, &sub.id).unwrap();
    assert_eq!(seen.discounts.len(), 1);
    assert_eq!(seen.discounts[0].coupon.as_ref().map(|c| c.name.clone()), Some(Some("Sponsor".to_string())));
}

#[tokio::test]
async fn a_draft_invoice_takes_a_coupon() {
    let f = fixture().await;
    let coupon = f.app.create_coupon(&f.account, percent("Ten", 1000, "once", None)).await.unwrap();
    let input = NewInvoiceInput {
        customer: CustomerChoice::Existing { customer_id: f.customer.clone() },
        currency: "eur".into(),
        collection_method: CollectionMethod::SendInvoice,
        days_until_due: Some(30),
        due_date: None,
        lines: vec![NewInvoiceLine { price_id: None, description: Some("Booth".into()), quantity: 2, unit_amount: Some(25000) }],
        memo: None,
        footer: None,
        custom_fields: Vec::new(),
        metadata: BTreeMap::new(),
    };
    let draft = f.app.create_invoice(&f.account, input).await.unwrap();
    let changes = DraftChanges { coupon_id: Some(coupon.id.clone()), ..DraftChanges::default() };
    let discounted = f.app.update_draft_invoice(&f.account, &draft.id, changes).await.unwrap();
    assert_eq!(discounted.total, 45000, "500.00 less 10 %");
    let removed = DraftChanges { coupon_id: Some(String::new()), ..DraftChanges::default() };
    let full = f.app.update_draft_invoice(&f.account, &draft.id, removed).await.unwrap();
    assert_eq!(full.total, 50000);
}

/// Expects a validation error mentioning `words`.
fn refused<T: std::fmt::Debug>(result: Result<T, Error>, words: &str) {
    match result {
        Err(Error::Validation(message)) => assert!(message.contains(words), "'{message}' should mention '{words}'"),
        other => panic!("expected a refusal mentioning '{words}', got {other:?}"),
    }
}

#[tokio::test]
async fn coupons_stripe_would_refuse_send_nothing() {
    let f = fixture().await;
    let dollars = NewCouponInput {
        value: CouponValue::Amount { amount: 500, currency: "usd".into() },
        ..percent("Dollars off", 0, "once", None)
    };
    let dollars = f.app.create_coupon(&f.account, dollars).await.unwrap();
    let other_product = NewCouponInput { applies_to_products: vec![f.product.clone()], ..percent("Members", 1000, "once", None) };
    let members = f.app.create_coupon(&f.account, other_product).await.unwrap();
    let sub = f.app.create_subscription(&f.account, f.subscription(None)).await.unwrap();
    let (requests, recorded) = (f.sim.request_count(), f.recorded());

    let apply = |coupon: &str| f.app.subscription_action(&f.account, &sub.id, SubscriptionAction::ApplyCoupon { coupon_id: coupon.into() });
    refused(apply(&dollars.id).await, "in USD");
    refused(apply("NOPE").await, "no coupon NOPE");
    refused(f.app.subscription_action(&f.account, &sub.id, SubscriptionAction::RemoveDiscounts).await, "no discount");
    refused(f.app.create_subscription(&f.account, f.subscription(Some(&dollars.id))).await, "in USD");
    refused(f.app.create_coupon(&f.account, percent("Too much", 10_001, "once", None)).await, "at most 100");
    refused(f.app.create_coupon(&f.account, percent("Months", 1000, "repeating", None)).await, "1 to 36 months");
    let missing = NewCouponInput { applies_to_products: vec!["prod_missing".into()], ..percent("X", 1000, "once", None) };
    refused(f.app.create_coupon(&f.account, missing).await, "no product prod_missing");
    assert_eq!((f.sim.request_count(), f.recorded()), (requests, recorded), "nothing sent, nothing recorded");

    // Limited to the membership product, it fits this subscription.
    let applied = apply(&members.id).await.unwrap();
    assert_eq!(applied.discounts.len(), 1);
}

/// The child's side: records and runs a `create_coupon` until it is killed.
async fn run_as_child(config: &str) {
    let config: Value = serde_json::from_str(config).unwrap();
    let dir = std::path::PathBuf::from(config["dir"].as_str().unwrap());
    let store = Arc::new(Store::open(&dir.join(DATABASE_FILE)).unwrap());
    let account = config["account"].as_str().unwrap();
    let key = Secret::new(std::env::var(CHILD_KEY_ENV).unwrap());
    let mode = GatewayConfig::for_mode(billfold_core::accounts::Mode::Test);
    let gateway = Gateway::new(store.clone(), account, config["base"].as_str().unwrap(), &key, mode).unwrap();
    let operation = journal::begin(&store, account, OperationKind::CreateCoupon, config["input"].clone()).unwrap();
    journal::run(&store, &gateway, &operation.id).await.unwrap();
    panic!("the child was meant to be killed before finishing");
}

#[tokio::test]
async fn a_create_killed_mid_request_makes_one_coupon() {
    if let Ok(config) = std::env::var(CHILD_ENV) {
        return run_as_child(&config).await;
    }
    let f = fixture().await;
    let input = json!({ "form": [["name", "Killed"], ["percent_off", "15"], ["duration", "forever"]] });
    let config = json!({ "dir": f.dir.path(), "account": f.account, "base": f.sim.base_url(), "input": input });
    let env = [(CHILD_ENV, config.to_string()), (CHILD_KEY_ENV, f.key.clone())];
    let env: Vec<(&str, &str)> = env.iter().map(|(name, value)| (*name, value.as_str())).collect();
    kill::kill_child_in_flight(&f.sim, "a_create_killed_mid_request_makes_one_coupon", &env, 1).await;
    let killed_at = tokio::time::Instant::now();
    let pending = journal::unfinished(f.app.store()).unwrap();
    assert_eq!((pending.len(), pending[0].kind, pending[0].step), (1, OperationKind::CreateCoupon, 0));
    assert_eq!(f.app.resume_operations().await.unwrap(), 1);
    assert_eq!(f.app.store().operation(&pending[0].id).unwrap().status, OperationStatus::Done);
    tokio::time::sleep_until(killed_at + SETTLE).await;

    let coupons = f.get("/v1/coupons").await;
    let names: Vec<&str> = coupons["data"].as_array().unwrap().iter().filter_map(|c| c["name"].as_str()).collect();
    assert_eq!(names, vec!["Killed"], "exactly one coupon");
    assert_eq!(f.app.list_coupons(&f.account).unwrap().len(), 1, "and it is cached");
}
