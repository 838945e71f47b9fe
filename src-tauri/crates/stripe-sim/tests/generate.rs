//! Bulk generation: the counts and states asked for, real shapes (read back through
//! async-stripe), and the same data for the same seed.

mod common;

use stripe_billing::invoice::ListInvoice;
use stripe_core::customer::{ListCustomer, UpdateCustomer};
use stripe_shared::{Invoice, InvoiceStatus};

/// Every invoice of the client's account, paging 100 at a time.
async fn all_invoices(client: &stripe::Client) -> Vec<Invoice> {
    let mut all: Vec<Invoice> = Vec::new();
    loop {
        let mut request = ListInvoice::new().limit(100);
        if let Some(last) = all.last() {
            request = request.starting_after(last.id.as_ref().unwrap().as_str());
        }
        let page = request.send(client).await.unwrap();
        all.extend(page.data);
        if !page.has_more {
            return all;
        }
    }
}

#[tokio::test]
async fn generates_customers_and_invoices_in_every_state() {
    let (sim, _) = common::start().await;
    let key = "sk_test_000000000000000000000000generate1";
    let made = sim.generate(key, 40, 250, 7).await.unwrap();
    assert_eq!((made.customers, made.invoices), (40, 250));
    assert_eq!(made.invoices_by_status.values().sum::<usize>(), 250);
    for status in ["draft", "open", "paid", "void", "uncollectible"] {
        assert!(made.invoices_by_status.get(status).copied().unwrap_or(0) > 0, "some {status} invoices: {made:?}");
    }

    let client = common::client(&sim, key);
    let customers = ListCustomer::new().limit(100).send(&client).await.unwrap();
    assert_eq!(customers.data.len(), 40);
    let invoices = all_invoices(&client).await;
    assert_eq!(invoices.len(), 250);
    let count = |status: InvoiceStatus| invoices.iter().filter(|invoice| invoice.status == Some(status.clone())).count();
    assert_eq!(count(InvoiceStatus::Paid), made.invoices_by_status["paid"]);
    assert_eq!(count(InvoiceStatus::Void), made.invoices_by_status["void"]);
    assert_eq!(count(InvoiceStatus::Draft), made.invoices_by_status["draft"]);
    for invoice in &invoices {
        assert!((1..=3).contains(&invoice.lines.data.len()), "1–3 lines");
        assert!(invoice.total > 0);
        if invoice.status == Some(InvoiceStatus::Paid) {
            assert_eq!(invoice.amount_remaining, 0);
            assert_eq!(invoice.amount_paid, invoice.total);
        }
        if invoice.status != Some(InvoiceStatus::Draft) {
            assert!(invoice.number.is_some());
        }
    }
}

#[tokio::test]
async fn the_same_seed_gives_the_same_data_and_the_control_api_works() {
    let (sim, _) = common::start().await;
    let first = "sk_test_000000000000000000000000generate2";
    let second = "sk_test_000000000000000000000000generate3";
    let made = sim.generate(first, 10, 60, 42).await.unwrap();
    let body = format!(r#"{{"key": "{second}", "customers": 10, "invoices": 60, "seed": 42}}"#);
    let answer = common::raw_json_post(&sim, "/_sim/generate", &body).await;
    assert_eq!(answer["invoices"], 60);
    assert_eq!(serde_json::to_value(&made.invoices_by_status).unwrap(), answer["invoices_by_status"]);

    let shape = |invoices: Vec<Invoice>| -> Vec<(Option<InvoiceStatus>, i64, usize, Option<String>)> {
        invoices.into_iter().map(|i| (i.status, i.total, i.lines.data.len(), i.customer_name)).collect()
    };
    let a = shape(all_invoices(&common::client(&sim, first)).await);
    let b = shape(all_invoices(&common::client(&sim, second)).await);
    assert_eq!(a, b, "same seed, same invoices");

    let other = sim.generate("sk_test_000000000000000000000000generate4", 10, 60, 43).await.unwrap();
    let c = shape(all_invoices(&common::client(&sim, "sk_test_000000000000000000000000generate4")).await);
    assert_ne!(a, c, "another seed, other invoices");
    assert_eq!(other.invoices, 60);

    let refused = common::raw_json_post(&sim, "/_sim/generate", r#"{"key": "pk_test_nope", "customers": 1}"#).await;
    assert_eq!(refused["error"]["type"], "invalid_request_error");
}

#[tokio::test]
async fn customer_pages_walk_forward_and_back_without_gaps() {
    let (sim, _) = common::start().await;
    let key = "sk_test_000000000000000000000000generate5";
    sim.generate(key, 23, 0, 3).await.unwrap();
    let client = common::client(&sim, key);
    let everyone: Vec<String> = ListCustomer::new().limit(100).send(&client).await.unwrap().data.into_iter().map(|c| c.id.to_string()).collect();
    assert_eq!(everyone.len(), 23);

    let mut forward: Vec<String> = Vec::new();
    loop {
        let mut request = ListCustomer::new().limit(5);
        if let Some(last) = forward.last() {
            request = request.starting_after(last.as_str());
        }
        let page = request.send(&client).await.unwrap();
        forward.extend(page.data.into_iter().map(|c| c.id.to_string()));
        if !page.has_more {
            break;
        }
    }
    assert_eq!(forward, everyone, "starting_after pages cover the list in order");

    let back = ListCustomer::new().limit(5).ending_before(everyone[12].as_str()).send(&client).await.unwrap();
    let ids: Vec<String> = back.data.into_iter().map(|c| c.id.to_string()).collect();
    assert_eq!(ids, everyone[7..12].to_vec());
    assert!(back.has_more);

    // A change shows in the next list (served pages are cached per object until it changes).
    UpdateCustomer::new(everyone[1].as_str()).name("Renamed AG").send(&client).await.unwrap();
    let page = ListCustomer::new().limit(3).send(&client).await.unwrap();
    assert_eq!(page.data[1].name.as_deref(), Some("Renamed AG"));
    let after = ListCustomer::new().limit(1).starting_after(everyone[0].as_str()).send(&client).await.unwrap();
    assert_eq!(after.data[0].name.as_deref(), Some("Renamed AG"));

    let missing = ListCustomer::new().starting_after("cus_missing").send(&client).await;
    assert!(missing.is_err(), "an unknown cursor is a 404");
}

#[tokio::test]
async fn subscriptions_are_generated_for_existing_customers() {
    let sim = stripe_sim::Simulator::start(stripe_sim::SimConfig { rate_limit_per_sec: None, ..stripe_sim::SimConfig::default() }).await.unwrap();
    let key = "sk_test_000000000000000000000000generate9";
    sim.generate(key, 5, 0, 1).await.unwrap();
    let made = sim.generate_subscriptions(key, 30, 1).await.unwrap();
    assert_eq!(made.subscriptions, 30);
    let trialing = made.subscriptions_by_status.get("trialing").copied().unwrap_or(0);
    let active = made.subscriptions_by_status.get("active").copied().unwrap_or(0);
    assert!(trialing > 0 && active > 0 && trialing + active == 30, "{:?}", made.subscriptions_by_status);
    let client = stripe::ClientBuilder::new(key).url(sim.base_url()).build().unwrap();
    let listed = stripe_billing::subscription::ListSubscription::new().limit(100).send(&client).await.unwrap();
    assert_eq!(listed.data.len(), 30);
    let empty = sim.generate_subscriptions("sk_test_000000000000000000000000generate8", 1, 1).await;
    assert!(empty.is_err(), "no customers, no subscriptions");
}

#[tokio::test]
async fn payments_are_generated_with_their_charges_fees_and_some_refunds() {
    let (sim, _) = common::start().await;
    let key = "sk_test_000000000000000000000000generate7";
    // With payments asked for, the invoices are made last, for the same customers.
    let body = format!(r#"{{"key": "{key}", "customers": 4, "invoices": 12, "payments": 40, "seed": 3}}"#);
    let made = common::raw_json_post(&sim, "/_sim/generate", &body).await;
    assert_eq!((made["customers"].as_u64(), made["payments"].as_u64()), (Some(4), Some(40)), "{made}");
    assert_eq!(made["invoices"].as_u64(), Some(12), "{made}");
    assert_eq!(made["invoices_by_status"].as_object().unwrap().values().filter_map(|n| n.as_u64()).sum::<u64>(), 12);
    let refunded = made["refunds"].as_u64().unwrap();
    assert!(refunded > 0 && refunded < 40, "some refunded: {made}");

    let client = common::client(&sim, key);
    let intents = stripe_core::payment_intent::ListPaymentIntent::new().limit(100).send(&client).await.unwrap();
    assert_eq!(intents.data.len(), 40);
    assert!(intents.data.iter().all(|intent| intent.status == stripe_shared::PaymentIntentStatus::Succeeded));
    let refunds = stripe_core::refund::ListRefund::new().limit(100).send(&client).await.unwrap();
    assert_eq!(refunds.data.len() as u64, refunded);
    // Every charge and every refund moved the balance.
    let transactions = stripe_core::balance_transaction::ListBalanceTransaction::new().limit(100).send(&client).await.unwrap();
    assert_eq!(transactions.data.len() as u64, 40 + refunded);
    assert!(transactions.data.iter().filter(|txn| txn.amount > 0).all(|txn| txn.fee > 0), "charges pay a fee");

    let none = common::raw_json_post(&sim, "/_sim/generate", r#"{"key": "sk_test_000000000000000000000000generate6", "payments": 1}"#).await;
    assert_eq!(none["error"]["param"], "payments", "no customers, no payments: {none}");
}
