//! The webhook listener wired to the real app: a delivery signed by Stripe's official Python
//! SDK lands in the cache through the same apply path as polling, a re-delivery is not
//! applied twice, and the next poll skips the event; then stripe-sim's own deliveries to a
//! webhook endpoint (as with `stripe listen`) reach the cache with no poll at all.

#[path = "support/webhooks.rs"]
mod webhooks;
#[allow(dead_code)]
mod sync_support;

use std::sync::Arc;
use std::time::Duration;

use billfold_core::listener::{self, ListenerConfig};
use billfold_core::secrets::Secret;
use serde_json::Value;
use stripe_sim::SimConfig;

const SIGNING_SECRET: &str = "whsec_billfoldHookTest01";

#[tokio::test]
async fn an_sdk_signed_delivery_is_cached_once_and_polling_skips_it() {
    let h = sync_support::harness(SimConfig::default(), 501).await;
    h.app.set_webhook_secret(&h.account, Some(Secret::new(SIGNING_SECRET))).await.unwrap();
    h.sync().await;
    let slug = h.app.list_accounts().unwrap()[0].slug.clone();
    let handle = listener::start(ListenerConfig { port: 0, ..ListenerConfig::default() }, Arc::new(h.app.clone()))
        .await
        .unwrap();

    // A real event from the emulator, delivered by hand as `stripe listen` would.
    h.post("/v1/customers", &[("email", "hooked@example.com"), ("name", "Hooked Org")]).await;
    let events = h.list_all("/v1/events", &[("type", "customer.created")]).await;
    let event = events.iter().find(|e| e["data"]["object"]["email"] == "hooked@example.com").unwrap();
    let body = serde_json::to_string(event).unwrap();
    let signature = webhooks::sdk_signature(&body, SIGNING_SECRET, webhooks::now()).await;

    let (status, answer) = webhooks::post(handle.local_addr(), &webhooks::path(&slug), Some(&signature), body.as_bytes()).await;
    assert_eq!(status, 200, "{answer}");
    assert_eq!(answer["duplicate"], false);
    let cached = h.app.store().cached_objects(&h.account, "customers").unwrap();
    assert!(cached.iter().any(|c| c["email"] == "hooked@example.com"), "in the cache before any poll");

    let (status, answer) = webhooks::post(handle.local_addr(), &webhooks::path(&slug), Some(&signature), body.as_bytes()).await;
    assert_eq!(status, 200);
    assert_eq!(answer["duplicate"], true, "a re-delivery is recognised");
    let report = h.sync().await;
    assert!(report.events_skipped >= 1, "the poll saw the event and skipped it: {report:?}");
    assert_eq!(report.events_applied, 0, "{report:?}");
    h.assert_cache_equals_stripe().await;

    // A key of another account's signature is refused at this slug.
    let forged = webhooks::sdk_signature(&body, "whsec_someoneElsesSecret99", webhooks::now()).await;
    let (status, _) = webhooks::post(handle.local_addr(), &webhooks::path(&slug), Some(&forged), body.as_bytes()).await;
    assert_eq!(status, 400);
    handle.shutdown().await;
}

#[tokio::test]
async fn the_emulators_own_deliveries_reach_the_cache_without_a_poll() {
    let h = sync_support::harness(SimConfig { webhook_retry_delays_ms: vec![200, 500], ..SimConfig::default() }, 502).await;
    h.sync().await;
    let slug = h.app.list_accounts().unwrap()[0].slug.clone();
    let handle = listener::start(ListenerConfig { port: 0, ..ListenerConfig::default() }, Arc::new(h.app.clone()))
        .await
        .unwrap();
    let url = format!("http://{}{}", handle.local_addr(), webhooks::path(&slug));
    let endpoint = h.post("/v1/webhook_endpoints", &[("url", &url), ("enabled_events[]", "*")]).await;
    let secret = endpoint["secret"].as_str().expect("the endpoint's signing secret").to_string();
    h.app.set_webhook_secret(&h.account, Some(Secret::new(secret))).await.unwrap();

    let created: Value = h.post("/v1/products", &[("name", "Sponsor package")]).await;
    let id = created["id"].as_str().unwrap().to_string();
    let mut waited = 0;
    while !h.app.store().cached_objects(&h.account, "products").unwrap().iter().any(|p| p["id"] == id.as_str()) {
        tokio::time::sleep(Duration::from_millis(20)).await;
        waited += 1;
        assert!(waited < 500, "the delivery never reached the cache");
    }
    handle.shutdown().await;
}
