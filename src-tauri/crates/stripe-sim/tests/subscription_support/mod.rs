//! Helpers shared by the subscription tests: catalog and customer set-up, lookups, and
//! raw requests for what async-stripe cannot send.

#![allow(dead_code)]

use stripe::Client;
use stripe_billing::invoice::{ListInvoice, RetrieveInvoice};
use stripe_billing::subscription::{CreateSubscription, CreateSubscriptionItems, RetrieveSubscription};
use stripe_core::customer::{CreateCustomer, RetrieveCustomer, RetrieveCustomerReturned, UpdateCustomer, UpdateCustomerInvoiceSettings};
use stripe_core::event::ListEvent;
use stripe_payment::payment_method::AttachPaymentMethod;
use stripe_product::price::{CreatePrice, CreatePriceRecurring, CreatePriceRecurringInterval};
use stripe_product::product::CreateProduct;
use stripe_shared::{Invoice, Subscription, SubscriptionStatus};
use stripe_sim::Simulator;
use stripe_types::Currency;

use super::common;

/// A day in seconds.
pub const DAY: i64 = 86_400;

/// A monthly price of `unit_amount` cents.
pub async fn monthly_price(client: &Client, unit_amount: i64) -> String {
    let product = CreateProduct::new("Billfold Pro").send(client).await.unwrap();
    CreatePrice::new(Currency::USD)
        .product(product.id.as_str())
        .unit_amount(unit_amount)
        .recurring(CreatePriceRecurring::new(CreatePriceRecurringInterval::Month))
        .send(client)
        .await
        .unwrap()
        .id
        .to_string()
}

/// A customer whose default payment method is a card made from `test_pm`; returns the
/// customer and the attached card's id.
pub async fn customer_with_card(client: &Client, test_pm: &str) -> (String, String) {
    let customer = CreateCustomer::new().email("billing@acme.example").send(client).await.unwrap();
    let pm = attach(client, test_pm, customer.id.as_str()).await;
    let mut settings = UpdateCustomerInvoiceSettings::new();
    settings.default_payment_method = Some(pm.clone());
    UpdateCustomer::new(customer.id.clone()).invoice_settings(settings).send(client).await.unwrap();
    (customer.id.to_string(), pm)
}

pub async fn attach(client: &Client, test_pm: &str, customer: &str) -> String {
    AttachPaymentMethod::new(test_pm).customer(customer).send(client).await.unwrap().id.to_string()
}

pub fn items(price: &str, quantity: u64) -> Vec<CreateSubscriptionItems> {
    let mut item = CreateSubscriptionItems::new();
    item.price = Some(price.to_string());
    item.quantity = Some(quantity);
    vec![item]
}

pub async fn retrieve(client: &Client, id: &str) -> Subscription {
    RetrieveSubscription::new(id).send(client).await.unwrap()
}

pub async fn latest_invoice(client: &Client, subscription: &Subscription) -> Invoice {
    let id = subscription.latest_invoice.as_ref().expect("a latest invoice").id().clone();
    RetrieveInvoice::new(id.expect("an invoice id")).send(client).await.unwrap()
}

/// The subscription's invoices, oldest first.
pub async fn invoices_of(client: &Client, subscription: &str) -> Vec<Invoice> {
    let mut list = ListInvoice::new().subscription(subscription).limit(100).send(client).await.unwrap().data;
    list.reverse();
    list
}

pub async fn event_types(client: &Client, pattern: &str) -> Vec<String> {
    let events = ListEvent::new().type_(pattern).limit(100).send(client).await.unwrap();
    events.data.iter().rev().map(|e| e.type_.to_string()).collect()
}

pub async fn active_subscription(client: &Client, unit_amount: i64) -> (Subscription, String) {
    let price = monthly_price(client, unit_amount).await;
    let (customer, _) = customer_with_card(client, "pm_card_visa").await;
    let subscription = CreateSubscription::new().customer(customer).items(items(&price, 1)).send(client).await.unwrap();
    assert_eq!(subscription.status, SubscriptionStatus::Active);
    (subscription, price)
}

pub fn period(subscription: &Subscription) -> (i64, i64) {
    let item = &subscription.items.data[0];
    (item.current_period_start, item.current_period_end)
}

pub async fn common_now(sim: &Simulator) -> i64 {
    let clock = common::raw_json_post(sim, "/_sim/clock/advance", r#"{"seconds": 0}"#).await;
    clock["now"].as_i64().unwrap()
}

pub async fn delinquent(client: &Client, customer: &str) -> bool {
    match RetrieveCustomer::new(customer).send(client).await.unwrap() {
        RetrieveCustomerReturned::Customer(customer) => customer.delinquent.unwrap_or(false),
        RetrieveCustomerReturned::DeletedCustomer(_) => panic!("customer deleted"),
    }
}

/// An emulator and a client, with the client's key for raw requests.
pub async fn start_with_key() -> (Simulator, Client, String) {
    use std::sync::atomic::{AtomicU64, Ordering};
    static NEXT: AtomicU64 = AtomicU64::new(1);
    let sim = Simulator::start(stripe_sim::SimConfig { rate_limit_per_sec: None, ..stripe_sim::SimConfig::default() }).await.unwrap();
    let key = format!("sk_test_subscriptions{:012}", NEXT.fetch_add(1, Ordering::Relaxed));
    let client = common::client(&sim, &key);
    (sim, client, key)
}

pub async fn raw_get(sim: &Simulator, key: &str, path: &str) -> serde_json::Value {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut stream = tokio::net::TcpStream::connect(sim.addr()).await.unwrap();
    let request = format!("GET {path} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {key}\r\nConnection: close\r\n\r\n");
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).await.unwrap();
    let text = String::from_utf8_lossy(&raw).to_string();
    serde_json::from_str(text.split_once("\r\n\r\n").unwrap().1).unwrap()
}

pub async fn balance(client: &Client, customer: &str) -> i64 {
    match RetrieveCustomer::new(customer).send(client).await.unwrap() {
        RetrieveCustomerReturned::Customer(customer) => customer.balance.unwrap_or(0),
        RetrieveCustomerReturned::DeletedCustomer(_) => panic!("customer deleted"),
    }
}
