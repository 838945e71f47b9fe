//! Webhook endpoints and signed deliveries: a loopback receiver checks the signature with
//! async-stripe's `Webhook::construct_event` and independently, sees retries after failures,
//! and never sees events of types the endpoint did not enable.

mod common;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;
use stripe_core::customer::CreateCustomer;
use stripe_product::product::CreateProduct;
use stripe_sim::{SimConfig, Simulator};
use stripe_webhook::{EventObject, Webhook};
use tokio::sync::mpsc::{unbounded_channel, UnboundedReceiver, UnboundedSender};

/// What the receiver saw: the `Stripe-Signature` header and the raw body.
type Seen = (String, String);

#[derive(Clone)]
struct Receiver {
    seen: UnboundedSender<Seen>,
    attempts: Arc<AtomicUsize>,
    fail_first: usize,
}

async fn receive(State(receiver): State<Receiver>, headers: HeaderMap, body: Bytes) -> StatusCode {
    let attempt = receiver.attempts.fetch_add(1, Ordering::SeqCst) + 1;
    if attempt <= receiver.fail_first {
        return StatusCode::INTERNAL_SERVER_ERROR;
    }
    let signature = headers.get("Stripe-Signature").and_then(|v| v.to_str().ok()).unwrap_or_default().to_string();
    let _ = receiver.seen.send((signature, String::from_utf8_lossy(&body).to_string()));
    StatusCode::OK
}

/// A receiver on loopback that answers 500 to its first `fail_first` requests.
async fn receiver(fail_first: usize) -> (String, UnboundedReceiver<Seen>, Arc<AtomicUsize>) {
    let (seen, inbox) = unbounded_channel();
    let attempts = Arc::new(AtomicUsize::new(0));
    let app = axum::Router::new()
        .route("/hooks", post(receive))
        .with_state(Receiver { seen, attempts: attempts.clone(), fail_first });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hooks", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (url, inbox, attempts)
}

async fn sim_with_fast_retries() -> (Simulator, stripe::Client, String) {
    let config = SimConfig { rate_limit_per_sec: None, webhook_retry_delays_ms: vec![20, 20, 20], ..SimConfig::default() };
    let sim = Simulator::start(config).await.unwrap();
    let key = "sk_test_000000000000000000000000webhooks".to_string();
    let client = common::client(&sim, &key);
    (sim, client, key)
}

/// A raw API call (async-stripe has no webhook endpoint requests in the enabled features).
async fn call(sim: &Simulator, key: &str, method: &str, path: &str, body: &str) -> (u16, serde_json::Value) {
    let auth = format!("Bearer {key}");
    let headers = [("Authorization", auth.as_str()), ("Content-Type", "application/x-www-form-urlencoded")];
    let (status, _, value) = common::http(sim, method, path, &headers, body).await;
    (status, value)
}

fn form_url(url: &str) -> String {
    url.replace(':', "%3A").replace('/', "%2F")
}

async fn next(inbox: &mut UnboundedReceiver<Seen>) -> Seen {
    tokio::time::timeout(Duration::from_secs(20), inbox.recv()).await.expect("a delivery arrives").unwrap()
}

async fn event(sim: &Simulator, key: &str, id: &str) -> serde_json::Value {
    call(sim, key, "GET", &format!("/v1/events/{id}"), "").await.1
}

#[tokio::test]
async fn deliveries_are_signed_and_only_for_enabled_types() {
    let (sim, client, key) = sim_with_fast_retries().await;
    let (url, mut inbox, _) = receiver(0).await;
    let body = format!("url={}&enabled_events[]=customer.created&enabled_events[]=invoice.paid&description=Billfold", form_url(&url));
    let (status, endpoint) = call(&sim, &key, "POST", "/v1/webhook_endpoints", &body).await;
    assert_eq!(status, 200, "{endpoint}");
    let secret = endpoint["secret"].as_str().unwrap().to_string();
    assert!(secret.starts_with("whsec_"));

    // product.created is not enabled: never delivered, and nothing is pending for it.
    let product = CreateProduct::new("Ticket").send(&client).await.unwrap();
    let customer = CreateCustomer::new().email("hook@example.com").send(&client).await.unwrap();
    let (signature, payload) = next(&mut inbox).await;

    let verified = Webhook::construct_event(&payload, &signature, &secret).expect("signature verifies with async-stripe");
    assert_eq!(verified.type_.as_str(), "customer.created");
    match verified.data.object {
        EventObject::CustomerCreated(delivered) => assert_eq!(delivered.id, customer.id),
        other => panic!("unexpected object {other:?}"),
    }
    assert!(Webhook::construct_event(&payload, &signature, "whsec_other").is_err());

    // The same check by hand: t=…,v1=hex(HMAC-SHA256(secret, "{t}.{body}")).
    let (t, v1) = signature.split_once(',').unwrap();
    let t = t.strip_prefix("t=").unwrap();
    let v1 = v1.strip_prefix("v1=").unwrap();
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(format!("{t}.{payload}").as_bytes());
    assert_eq!(hex::encode(mac.finalize().into_bytes()), v1);

    let (_, events) = call(&sim, &key, "GET", "/v1/events?type=product.created", "").await;
    assert_eq!(events["data"][0]["data"]["object"]["id"], product.id.as_str());
    assert_eq!(events["data"][0]["pending_webhooks"], 0);
    let delivered_id = verified.id.as_str().to_string();
    for _ in 0..200 {
        if event(&sim, &key, &delivered_id).await["pending_webhooks"] == 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert_eq!(event(&sim, &key, &delivered_id).await["pending_webhooks"], 0, "delivered, so nothing pending");

    // A second customer is the next delivery: the product event never came in between.
    CreateCustomer::new().email("second@example.com").send(&client).await.unwrap();
    let (_, payload) = next(&mut inbox).await;
    let second: serde_json::Value = serde_json::from_str(&payload).unwrap();
    assert_eq!(second["type"], "customer.created");
    assert_eq!(second["data"]["object"]["email"], "second@example.com");
}

#[tokio::test]
async fn a_failing_receiver_is_retried_until_it_answers_2xx() {
    let (sim, client, key) = sim_with_fast_retries().await;
    let (url, mut inbox, attempts) = receiver(2).await;
    let body = format!("url={}&enabled_events[]=*", form_url(&url));
    let (status, _) = call(&sim, &key, "POST", "/v1/webhook_endpoints", &body).await;
    assert_eq!(status, 200);

    let customer = CreateCustomer::new().send(&client).await.unwrap();
    let (_, payload) = next(&mut inbox).await;
    let delivered: serde_json::Value = serde_json::from_str(&payload).unwrap();
    assert_eq!(delivered["data"]["object"]["id"], customer.id.as_str());
    assert_eq!(delivered["pending_webhooks"], 1, "one endpoint was pending when it was sent");
    assert_eq!(attempts.load(Ordering::SeqCst), 3, "two failures, then the success");
    let id = delivered["id"].as_str().unwrap();
    for _ in 0..200 {
        if event(&sim, &key, id).await["pending_webhooks"] == 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert_eq!(event(&sim, &key, id).await["pending_webhooks"], 0);
}

#[tokio::test]
async fn a_receiver_that_never_answers_2xx_stays_pending() {
    let (sim, client, key) = sim_with_fast_retries().await;
    let (url, _inbox, attempts) = receiver(usize::MAX).await;
    let body = format!("url={}&enabled_events[]=customer.created", form_url(&url));
    call(&sim, &key, "POST", "/v1/webhook_endpoints", &body).await;
    CreateCustomer::new().send(&client).await.unwrap();
    for _ in 0..500 {
        if attempts.load(Ordering::SeqCst) >= 4 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert_eq!(attempts.load(Ordering::SeqCst), 4, "the first attempt and one retry per configured delay");
    let (_, events) = call(&sim, &key, "GET", "/v1/events?type=customer.created", "").await;
    assert_eq!(events["data"][0]["pending_webhooks"], 1);
}

#[tokio::test]
async fn endpoints_are_managed_like_stripe_and_disabled_ones_get_nothing() {
    let (sim, client, key) = sim_with_fast_retries().await;
    let (url, mut inbox, attempts) = receiver(0).await;
    let (status, error) = call(&sim, &key, "POST", "/v1/webhook_endpoints", &format!("url={}", form_url(&url))).await;
    assert_eq!(status, 400);
    assert_eq!(error["error"]["param"], "enabled_events");
    let (status, error) = call(&sim, &key, "POST", "/v1/webhook_endpoints", "url=ftp%3A%2F%2Fx&enabled_events[]=*").await;
    assert_eq!(status, 400);
    assert_eq!(error["error"]["param"], "url");

    let body = format!("url={}&enabled_events[]=customer.created&metadata[team]=ar", form_url(&url));
    let (_, created) = call(&sim, &key, "POST", "/v1/webhook_endpoints", &body).await;
    let id = created["id"].as_str().unwrap().to_string();
    assert!(id.starts_with("we_"));
    assert_eq!(created["status"], "enabled");
    assert_eq!(created["metadata"]["team"], "ar");

    let (_, fetched) = call(&sim, &key, "GET", &format!("/v1/webhook_endpoints/{id}"), "").await;
    assert!(fetched.get("secret").is_none(), "the secret is shown only on create");
    assert_eq!(fetched["enabled_events"], serde_json::json!(["customer.created"]));
    let (_, listed) = call(&sim, &key, "GET", "/v1/webhook_endpoints?limit=5", "").await;
    assert_eq!(listed["data"][0]["id"], id.as_str());
    assert!(listed["data"][0].get("secret").is_none());

    let (_, updated) = call(&sim, &key, "POST", &format!("/v1/webhook_endpoints/{id}"), "disabled=true&description=paused").await;
    assert_eq!(updated["status"], "disabled");
    assert_eq!(updated["description"], "paused");
    CreateCustomer::new().send(&client).await.unwrap();
    let (_, events) = call(&sim, &key, "GET", "/v1/events?type=customer.created", "").await;
    assert_eq!(events["data"][0]["pending_webhooks"], 0, "a disabled endpoint is not a target");

    let (_, enabled) = call(&sim, &key, "POST", &format!("/v1/webhook_endpoints/{id}"), "disabled=false").await;
    assert_eq!(enabled["status"], "enabled");
    let later = CreateCustomer::new().email("later@example.com").send(&client).await.unwrap();
    let (_, payload) = next(&mut inbox).await;
    let delivered: serde_json::Value = serde_json::from_str(&payload).unwrap();
    assert_eq!(delivered["data"]["object"]["id"], later.id.as_str(), "the customer made while disabled was not sent");
    assert_eq!(attempts.load(Ordering::SeqCst), 1);

    let (_, deleted) = call(&sim, &key, "DELETE", &format!("/v1/webhook_endpoints/{id}"), "").await;
    assert_eq!(deleted["deleted"], true);
    let (status, missing) = call(&sim, &key, "GET", &format!("/v1/webhook_endpoints/{id}"), "").await;
    assert_eq!(status, 404);
    assert_eq!(missing["error"]["code"], "resource_missing");
}
