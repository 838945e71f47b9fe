//! The dunning queue against stripe-sim: a failed renewal puts exactly that subscription's open
//! invoice in the queue with Stripe's attempts and next retry; a fixed card and a retry take it
//! out and make the subscription active again; the most money at risk comes first.

use std::collections::BTreeMap;

use billfold_core::invoices::{CollectionMethod, CustomerChoice, InvoiceActionKind};
use billfold_core::subscriptions::{NewSubscriptionInput, SubscriptionItemInput, TrialInput};
use billfold_core::sync::NoObserver;
use billfold_core::Billfold;
use serde_json::Value;
use stripe_sim::{AfterLastFailure, RetrySchedule, Simulator};

#[path = "support/sim_account.rs"]
mod sim_account;

const DAY: i64 = 86_400;

fn form(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs.iter().map(|(name, value)| (name.to_string(), value.to_string())).collect()
}

/// An account on a fresh emulator with a monthly price of 10.00 (bought by the seat).
struct Fixture {
    sim: Simulator,
    _dir: tempfile::TempDir,
    app: Billfold,
    account: String,
    key: String,
    seat: String,
}

impl Fixture {
    async fn post(&self, path: &str, pairs: &[(&str, &str)]) -> Value {
        self.app.gateway(&self.account).await.unwrap().post_form(path, &form(pairs), None).await.unwrap()
    }

    async fn get(&self, path: &str) -> Value {
        self.app.gateway(&self.account).await.unwrap().get_json(path, &[]).await.unwrap()
    }

    /// A customer paying by `pm_card_visa`, synced into the cache; answers its id.
    async fn customer(&self, name: &str, email: &str) -> String {
        let customer = self.post("/v1/customers", &[("email", email), ("name", name)]).await;
        let id = customer["id"].as_str().unwrap().to_string();
        self.pay_by_visa(&id, None).await;
        self.sync().await;
        id
    }

    /// Attaches a fresh `pm_card_visa` to `customer` and makes it the customer's default
    /// (and `subscription`'s, when given, as a subscription's own default comes first).
    async fn pay_by_visa(&self, customer: &str, subscription: Option<&str>) {
        let card = self.post("/v1/payment_methods/pm_card_visa/attach", &[("customer", customer)]).await;
        let card = card["id"].as_str().unwrap();
        self.post(&format!("/v1/customers/{customer}"), &[("invoice_settings[default_payment_method]", card)]).await;
        if let Some(subscription) = subscription {
            self.post(&format!("/v1/subscriptions/{subscription}"), &[("default_payment_method", card)]).await;
        }
    }

    /// An active subscription of `seats` seats for `customer`; answers its id.
    async fn subscribe(&self, customer: &str, seats: u64) -> String {
        let input = NewSubscriptionInput {
            customer: CustomerChoice::Existing { customer_id: customer.to_string() },
            items: vec![SubscriptionItemInput { price_id: self.seat.clone(), quantity: seats }],
            trial: TrialInput::None,
            collection_method: CollectionMethod::ChargeAutomatically,
            days_until_due: None,
            payment_behavior: "allow_incomplete".into(),
            metadata: BTreeMap::new(),
            coupon_id: None,
        };
        let created = self.app.create_subscription(&self.account, input).await.unwrap();
        assert_eq!(created.status, "active");
        created.id
    }

    async fn sync(&self) {
        self.app.sync_once(&self.account, &NoObserver).await.unwrap();
    }
}

async fn fixture() -> Fixture {
    let sim = sim_account::sim().await;
    let key = format!("sk_test_51Dunning{}", uuid::Uuid::new_v4().simple());
    let dir = tempfile::tempdir().unwrap();
    let (app, account) = sim_account::open_with_account(dir.path(), &sim, &key, "Dunning").await;
    let mut f = Fixture { sim, _dir: dir, app, account, key, seat: String::new() };
    let product = f.post("/v1/products", &[("name", "Console")]).await["id"].as_str().unwrap().to_string();
    let price = f
        .post(
            "/v1/prices",
            &[("product", &product), ("currency", "eur"), ("unit_amount", "1000"), ("recurring[interval]", "month")],
        )
        .await;
    f.seat = price["id"].as_str().unwrap().to_string();
    f.sync().await;
    f
}

#[tokio::test]
async fn a_failed_renewal_is_queued_until_a_fixed_card_pays_it() {
    let f = fixture().await;
    let acme = f.customer("Acme GmbH", "ap@acme.test").await;
    let healthy_customer = f.customer("Globex", "billing@globex.test").await;
    let failing = f.subscribe(&acme, 2).await;
    let healthy = f.subscribe(&healthy_customer, 1).await;
    f.sync().await;
    assert!(f.app.dunning_queue(&f.account).unwrap().is_empty(), "nothing failed yet");

    let renewed = f.sim.fail_renewal(&failing).unwrap();
    assert_eq!(renewed["status"], "past_due");
    f.sync().await;
    let queue = f.app.dunning_queue(&f.account).unwrap();
    assert_eq!(queue.len(), 1, "only the failed renewal is chased: {queue:?}");
    let row = &queue[0];
    let invoice_id = renewed["latest_invoice"].as_str().unwrap();
    let stripe = f.get(&format!("/v1/invoices/{invoice_id}")).await;
    assert_eq!((row.subscription_id.as_str(), row.subscription_status.as_str()), (failing.as_str(), "past_due"));
    assert_eq!(row.invoice_id, invoice_id);
    assert_eq!(row.invoice_number.as_deref(), stripe["number"].as_str());
    assert_eq!((row.customer_id.as_deref(), row.customer_name.as_deref()), (Some(acme.as_str()), Some("Acme GmbH")));
    assert_eq!(row.customer_email.as_deref(), Some("ap@acme.test"));
    assert_eq!((row.amount_remaining, row.currency.as_str()), (2000, "eur"));
    assert!(row.attempt_count >= 1);
    assert_eq!(Some(row.attempt_count), stripe["attempt_count"].as_i64());
    assert_eq!(row.next_payment_attempt, stripe["next_payment_attempt"].as_i64());
    let finalized = stripe["status_transitions"]["finalized_at"].as_i64().unwrap();
    assert_eq!(
        row.next_payment_attempt,
        Some(finalized + 3 * DAY),
        "the default schedule retries three days after the first failure"
    );
    // Why: the declined payment intent the invoice's open payment names.
    assert_eq!(row.last_failure.as_deref(), Some("Your card was declined."));
    assert_eq!(row.due_date, None, "a charged invoice has no due date");
    assert_eq!(row.actions, vec![InvoiceActionKind::Pay, InvoiceActionKind::MarkUncollectible]);
    assert!(queue.iter().all(|row| row.subscription_id != healthy));

    // Retrying with the declining card fails again and is counted.
    assert!(f.app.invoice_action(&f.account, invoice_id, InvoiceActionKind::Pay).await.is_err());
    f.sync().await;
    let again = f.app.dunning_queue(&f.account).unwrap();
    assert_eq!(again.len(), 1);
    assert_eq!(again[0].attempt_count, row.attempt_count + 1);

    f.pay_by_visa(&acme, Some(&failing)).await;
    let paid = f.app.invoice_action(&f.account, invoice_id, InvoiceActionKind::Pay).await.unwrap();
    assert_eq!(paid.status, "paid");
    f.sync().await;
    assert!(f.app.dunning_queue(&f.account).unwrap().is_empty(), "a paid invoice is not chased");
    let subscription = f.app.subscription_detail(&f.account, &failing).unwrap();
    assert_eq!(subscription.status, "active");
    assert_eq!(f.get(&format!("/v1/subscriptions/{failing}")).await["status"], "active");
}

#[tokio::test]
async fn a_customer_who_updates_their_card_is_charged_by_the_retry() {
    let f = fixture().await;
    let schedule = RetrySchedule { days: vec![1, 2], after_last_failure: AfterLastFailure::Canceled };
    f.sim.set_retry_schedule(&f.key, schedule).unwrap();
    let customer = f.customer("Initech", "ap@initech.test").await;
    let subscription = f.subscribe(&customer, 3).await;
    let renewed = f.sim.fail_renewal(&subscription).unwrap();
    let invoice_id = renewed["latest_invoice"].as_str().unwrap();
    f.sync().await;
    let queue = f.app.dunning_queue(&f.account).unwrap();
    assert_eq!(queue.len(), 1);
    let finalized = f.get(&format!("/v1/invoices/{invoice_id}")).await["status_transitions"]["finalized_at"].as_i64().unwrap();
    assert_eq!(queue[0].next_payment_attempt, Some(finalized + DAY), "the account's own schedule");
    assert_eq!(queue[0].last_failure.as_deref(), Some("Your card was declined."));
    let failed_intent = f.get(&format!("/v1/invoice_payments?invoice={invoice_id}")).await["data"][0]["payment"]["payment_intent"].clone();

    // The customer fixes the card (the demo's Simulate action): nothing is paid yet.
    f.sim.update_card(&customer).unwrap();
    f.sync().await;
    let waiting = f.app.dunning_queue(&f.account).unwrap();
    assert_eq!(waiting.len(), 1, "a new card pays nothing by itself");
    assert_eq!(f.app.subscription_detail(&f.account, &subscription).unwrap().status, "past_due");

    // Retry now charges the new card through the intent that failed.
    let paid = f.app.invoice_action(&f.account, invoice_id, InvoiceActionKind::Pay).await.unwrap();
    assert_eq!(paid.status, "paid");
    f.sync().await;
    assert!(f.app.dunning_queue(&f.account).unwrap().is_empty());
    assert_eq!(f.app.subscription_detail(&f.account, &subscription).unwrap().status, "active");
    let payments = f.get(&format!("/v1/invoice_payments?invoice={invoice_id}")).await;
    assert_eq!(payments["data"].as_array().map(Vec::len), Some(1));
    assert_eq!((&payments["data"][0]["status"], &payments["data"][0]["payment"]["payment_intent"]), (&Value::from("paid"), &failed_intent));
}

#[tokio::test]
async fn the_most_money_at_risk_comes_first() {
    let f = fixture().await;
    let small_customer = f.customer("Initech", "ap@initech.test").await;
    let large_customer = f.customer("Umbrella", "ap@umbrella.test").await;
    let small = f.subscribe(&small_customer, 1).await;
    let large = f.subscribe(&large_customer, 5).await;
    f.sim.fail_renewal(&small).unwrap();
    f.sim.fail_renewal(&large).unwrap();
    f.sync().await;
    let queue = f.app.dunning_queue(&f.account).unwrap();
    let order: Vec<(&str, i64)> = queue.iter().map(|row| (row.subscription_id.as_str(), row.amount_remaining)).collect();
    assert_eq!(order, vec![(large.as_str(), 5000), (small.as_str(), 1000)]);
    assert_eq!(queue[0].customer_name.as_deref(), Some("Umbrella"));
    assert!(f.app.dunning_queue("acct_missing").is_err(), "an unknown account is refused");
}
