//! The gateway against a real stripe-sim: request log, retries that honour Stripe's rules,
//! idempotency keys, typed async-stripe requests, and no key in the log.

use std::sync::Arc;
use std::time::Duration;

use billfold_core::accounts::{Account, Mode};
use billfold_core::gateway::{Gateway, GatewayConfig, RetryPolicy};
use billfold_core::money::Currency;
use billfold_core::secrets::Secret;
use billfold_core::store::{Store, DATABASE_FILE};
use billfold_core::{Error, ErrorCode};
use stripe_sim::{Faults, SimConfig, Simulator};

const KEY: &str = "sk_test_51BillfoldGatewayTest000000Key9c1e";
const ACCOUNT: &str = "acct-gateway-test";

struct Fixture {
    sim: Simulator,
    store: Arc<Store>,
    _dir: tempfile::TempDir,
}

async fn fixture() -> Fixture {
    let sim = Simulator::start(SimConfig { rate_limit_per_sec: None, ..SimConfig::default() }).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let store = Arc::new(Store::open(&dir.path().join(DATABASE_FILE)).unwrap());
    // The request log refers to its account.
    store
        .insert_account(&Account {
            id: ACCOUNT.into(),
            name: "Gateway test".into(),
            slug: "gateway-test".into(),
            default_currency: Currency::parse("eur").unwrap(),
            mode: Mode::Test,
            api_base: sim.base_url().into(),
            key_hint: "sk_test_…9c1e".into(),
            has_webhook_secret: false,
            created_at: "2026-11-23T00:00:00Z".into(),
            is_demo: false,
        })
        .unwrap();
    Fixture { sim, store, _dir: dir }
}

/// Quick retries so fault tests do not wait long; many attempts so random faults cannot
/// exhaust them.
fn config(max_attempts: u32) -> GatewayConfig {
    GatewayConfig {
        requests_per_second: 0,
        burst: 1,
        retry: RetryPolicy {
            max_attempts,
            base_delay: Duration::from_millis(5),
            max_delay: Duration::from_millis(20),
        },
        attempt_timeout: Duration::from_secs(10),
    }
}

fn gateway(fixture: &Fixture, max_attempts: u32) -> Gateway {
    let base = format!("{}/", fixture.sim.base_url().trim_end_matches('/'));
    Gateway::new(fixture.store.clone(), ACCOUNT, &base, &Secret::new(KEY), config(max_attempts)).unwrap()
}

fn form(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
}

#[tokio::test]
async fn every_attempt_is_logged_with_status_request_id_and_key() {
    let fixture = fixture().await;
    let gateway = gateway(&fixture, 3);
    let created = gateway
        .post_form("/v1/customers", &form(&[("email", "ap@acme.test")]), Some("op-1:0"))
        .await
        .unwrap();
    assert!(created["id"].as_str().unwrap().starts_with("cus_"));
    let page = gateway.get_json("/v1/customers", &form(&[("limit", "100")])).await.unwrap();
    assert_eq!(page["data"].as_array().unwrap().len(), 1);

    let log = fixture.store.request_log(ACCOUNT, 10, None).unwrap();
    assert_eq!(log.len(), 2);
    let (list, create) = (&log[0], &log[1]);
    assert_eq!((list.method.as_str(), list.path.as_str()), ("GET", "/v1/customers?limit=100"));
    assert_eq!(create.method, "POST");
    assert_eq!(create.idempotency_key.as_deref(), Some("op-1:0"));
    for entry in &log {
        assert_eq!(entry.status, Some(200));
        assert!(entry.request_id.as_deref().unwrap().starts_with("req_"), "{entry:?}");
        assert_eq!(entry.attempt, 1);
        assert!(entry.error.is_none());
    }
    let older = fixture.store.request_log(ACCOUNT, 10, Some(list.id)).unwrap();
    assert_eq!(older.len(), 1, "paging with before_id");
}

#[tokio::test]
async fn a_plain_4xx_is_not_retried_and_keeps_stripes_code() {
    let fixture = fixture().await;
    let gateway = gateway(&fixture, 5);
    let err = gateway.get_json("/v1/customers/cus_missing", &[]).await.unwrap_err();
    match &err {
        Error::Stripe { status: 404, code, .. } => assert_eq!(code.as_deref(), Some("resource_missing")),
        other => panic!("expected a 404: {other:?}"),
    }
    let err = gateway.post_form("/v1/customers", &form(&[("nonsense", "1")]), Some("op-2:0")).await.unwrap_err();
    assert_eq!(err.code(), ErrorCode::StripeError);
    assert!(err.to_string().contains("nonsense"), "{err}");
    assert_eq!(fixture.store.request_log_count(ACCOUNT).unwrap(), 2, "one attempt each");
}

#[tokio::test]
async fn server_errors_and_rate_limits_are_retried_until_they_pass() {
    let fixture = fixture().await;
    let gateway = gateway(&fixture, 40);
    fixture.sim.set_faults(Faults { error_rate: 0.3, rate_limit_rate: 0.3, ..Faults::default() });
    for n in 0..10 {
        let key = format!("op-retry:{n}");
        gateway.post_form("/v1/customers", &form(&[("name", &format!("Org {n}"))]), Some(&key)).await.unwrap();
    }
    fixture.sim.set_faults(Faults::default());
    let all = gateway.get_json("/v1/customers", &form(&[("limit", "100")])).await.unwrap();
    assert_eq!(all["data"].as_array().unwrap().len(), 10, "exactly one customer per keyed write");
    let log = fixture.store.request_log(ACCOUNT, 1000, None).unwrap();
    let failed: Vec<_> = log.iter().filter(|entry| entry.status != Some(200)).collect();
    assert!(!failed.is_empty(), "some attempts met the faults");
    assert!(failed.iter().all(|entry| matches!(entry.status, Some(500) | Some(429))));
    assert!(log.iter().any(|entry| entry.attempt > 1), "retries are numbered");
}

#[tokio::test]
async fn a_keyed_write_whose_answer_was_lost_is_retried_into_exactly_one_object() {
    let fixture = fixture().await;
    let gateway = gateway(&fixture, 40);
    fixture.sim.set_faults(Faults { drop_after_commit_rate: 0.5, ..Faults::default() });
    for n in 0..10 {
        let key = format!("op-drop:{n}");
        gateway.post_form("/v1/products", &form(&[("name", &format!("Ticket {n}"))]), Some(&key)).await.unwrap();
    }
    fixture.sim.set_faults(Faults::default());
    let all = gateway.get_json("/v1/products", &form(&[("limit", "100")])).await.unwrap();
    assert_eq!(all["data"].as_array().unwrap().len(), 10);
    let lost = fixture.store.request_log(ACCOUNT, 1000, None).unwrap();
    assert!(lost.iter().any(|entry| entry.status.is_none() && entry.error.is_some()), "answers were lost");
}

#[tokio::test]
async fn an_unkeyed_write_is_not_repeated_after_a_server_error() {
    let fixture = fixture().await;
    let gateway = gateway(&fixture, 5);
    fixture.sim.set_faults(Faults { error_rate: 1.0, ..Faults::default() });
    let err = gateway.post_form("/v1/customers", &form(&[("name", "Once")]), None).await.unwrap_err();
    assert!(matches!(err, Error::Stripe { status: 500, .. }), "{err:?}");
    assert_eq!(fixture.store.request_log_count(ACCOUNT).unwrap(), 1);
    // A GET under the same fault is retried to the limit, then reported.
    let err = gateway.get_json("/v1/customers", &[]).await.unwrap_err();
    assert!(matches!(err, Error::Stripe { status: 500, .. }));
    assert_eq!(fixture.store.request_log_count(ACCOUNT).unwrap(), 6);
}

#[tokio::test]
async fn rate_limiting_that_never_stops_ends_as_rate_limited() {
    let fixture = fixture().await;
    let gateway = gateway(&fixture, 3);
    fixture.sim.set_faults(Faults { rate_limit_rate: 1.0, ..Faults::default() });
    let err = gateway.get_json("/v1/customers", &[]).await.unwrap_err();
    assert_eq!(err.code(), ErrorCode::StripeRateLimited);
    assert_eq!(fixture.store.request_log_count(ACCOUNT).unwrap(), 3);
}

#[tokio::test]
async fn an_unreachable_api_is_reported_as_such() {
    let fixture = fixture().await;
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}/", closed.local_addr().unwrap());
    drop(closed);
    let gateway = Gateway::new(fixture.store.clone(), ACCOUNT, &base, &Secret::new(KEY), config(2)).unwrap();
    let err = gateway.get_json("/v1/balance", &[]).await.unwrap_err();
    assert_eq!(err.code(), ErrorCode::StripeUnreachable);
    let log = fixture.store.request_log(ACCOUNT, 10, None).unwrap();
    assert_eq!(log.len(), 2, "a GET is retried after a refused connection");
    assert!(log[0].status.is_none() && log[0].error.is_some());
}

#[tokio::test]
async fn typed_async_stripe_requests_go_through_the_gateway_with_their_key() {
    use stripe::{IdempotencyKey, RequestStrategy, StripeRequest};
    use stripe_core::customer::{CreateCustomer, ListCustomer};

    let fixture = fixture().await;
    let gateway = gateway(&fixture, 3);
    let strategy = RequestStrategy::Idempotent(IdempotencyKey::new("op-typed:1").unwrap());
    let first = CreateCustomer::new().name("Typed Org").customize().request_strategy(strategy.clone()).send(&gateway).await.unwrap();
    let again = CreateCustomer::new().name("Typed Org").customize().request_strategy(strategy).send(&gateway).await.unwrap();
    assert_eq!(first.id, again.id, "the same key replays the same customer");
    let listed = ListCustomer::new().send(&gateway).await.unwrap();
    assert_eq!(listed.data.len(), 1);
    let log = fixture.store.request_log(ACCOUNT, 10, None).unwrap();
    assert_eq!(log[2].idempotency_key.as_deref(), Some("op-typed:1"));
    assert!(log[0].path.starts_with("/v1/customers"));
}

#[tokio::test]
async fn the_key_never_reaches_the_database() {
    let fixture = fixture().await;
    let gateway = gateway(&fixture, 2);
    fixture.sim.set_faults(Faults { error_rate: 1.0, ..Faults::default() });
    let _ = gateway.get_json("/v1/customers", &[]).await;
    fixture.sim.set_faults(Faults::default());
    gateway.get_json("/v1/customers", &[]).await.unwrap();
    let path = fixture.store.path().to_path_buf();
    // The rows may still be in the WAL file: scan every file of the folder.
    let body = &KEY["sk_test_".len()..];
    for entry in std::fs::read_dir(path.parent().unwrap()).unwrap() {
        let bytes = std::fs::read(entry.unwrap().path()).unwrap();
        assert!(!bytes.windows(body.len()).any(|w| w == body.as_bytes()), "key found in the data folder");
    }
}
