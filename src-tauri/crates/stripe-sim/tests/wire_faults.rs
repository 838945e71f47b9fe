//! Wire rules under injected faults: a key still in flight is a 409, an answer lost after
//! the commit is recovered by an idempotent retry without a duplicate, and list queries
//! that clients really send (`?=`) or must not send (both cursors).

mod common;

use std::time::Duration;

use stripe::{ClientBuilder, IdempotencyKey, RequestStrategy, StripeRequest};
use stripe_core::customer::{CreateCustomer, ListCustomer};
use stripe_sim::Faults;

const KEY: &str = "sk_test_000000000000000000000000wirefaults";

/// A raw GET, answering the status and JSON body.
async fn raw_get(sim: &stripe_sim::Simulator, path: &str) -> (u16, serde_json::Value) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut stream = tokio::net::TcpStream::connect(sim.addr()).await.unwrap();
    let request = format!("GET {path} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {KEY}\r\nConnection: close\r\n\r\n");
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).await.unwrap();
    let text = String::from_utf8_lossy(&raw).to_string();
    let (head, body) = text.split_once("\r\n\r\n").unwrap();
    (head.split_whitespace().nth(1).unwrap().parse().unwrap(), serde_json::from_str(body).unwrap())
}

#[tokio::test]
async fn a_key_still_in_flight_is_a_409() {
    let (sim, _client) = common::start().await;
    sim.set_faults(Faults { latency_ms: 1_500, ..Faults::default() });
    let sim = std::sync::Arc::new(sim);
    let first = {
        let sim = sim.clone();
        tokio::spawn(async move { common::raw_post(&sim, KEY, "/v1/customers", "email=a%40b.c", Some("slow-1")).await })
    };
    while sim.request_count() == 0 {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    tokio::time::sleep(Duration::from_millis(100)).await;
    let (status, headers, body) = common::raw_post(&sim, KEY, "/v1/customers", "email=a%40b.c", Some("slow-1")).await;
    assert_eq!(status, 409);
    assert_eq!(body["error"]["code"], "idempotency_key_in_use");
    assert!(headers.iter().any(|(k, v)| k == "stripe-should-retry" && v == "true"));

    let (status, _, created) = first.await.unwrap();
    assert_eq!(status, 200);
    sim.set_faults(Faults::default());
    let (status, headers, replayed) = common::raw_post(&sim, KEY, "/v1/customers", "email=a%40b.c", Some("slow-1")).await;
    assert_eq!(status, 200);
    assert_eq!(replayed["id"], created["id"], "the retry after the first finished is its replay");
    assert!(headers.iter().any(|(k, v)| k == "idempotent-replayed" && v == "true"));
}

#[tokio::test]
async fn a_request_whose_client_hangs_up_still_completes_and_replays() {
    use tokio::io::AsyncWriteExt;
    let (sim, _) = common::start().await;
    let client = common::client(&sim, KEY);
    sim.set_faults(Faults { latency_ms: 300, ..Faults::default() });
    let body = "email=gone%40example.com";
    let mut stream = tokio::net::TcpStream::connect(sim.addr()).await.unwrap();
    let request = format!(
        "POST /v1/customers HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {KEY}\r\nIdempotency-Key: hangup-1\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(request.as_bytes()).await.unwrap();
    while sim.request_count() == 0 {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    drop(stream); // the client goes away while the request waits in the emulator
    sim.set_faults(Faults::default());
    // A retry with the same key waits while the first is in flight (409), then gets its replay.
    let mut tries = 0;
    let (status, headers, replayed) = loop {
        let answer = common::raw_post(&sim, KEY, "/v1/customers", body, Some("hangup-1")).await;
        if answer.0 != 409 {
            break answer;
        }
        tries += 1;
        assert!(tries < 200, "the abandoned request's key stayed in flight");
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert_eq!(status, 200);
    assert!(headers.iter().any(|(k, v)| k == "idempotent-replayed" && v == "true"), "the abandoned request had finished");
    let listed = ListCustomer::new().email("gone@example.com").send(&client).await.unwrap();
    assert_eq!(listed.data.len(), 1);
    assert_eq!(listed.data[0].id.as_str(), replayed["id"].as_str().unwrap());
}

#[tokio::test]
async fn an_answer_dropped_after_commit_is_recovered_without_a_duplicate() {
    let (sim, _client) = common::start().await;
    let client = ClientBuilder::new(KEY).url(sim.base_url()).request_strategy(RequestStrategy::Retry(3)).build().unwrap();
    sim.set_faults(Faults { drop_after_commit_rate: 1.0, ..Faults::default() });
    let before = sim.request_count();
    let customer = CreateCustomer::new().email("once@example.com").send(&client).await.expect("the retry gets the stored answer");
    assert_eq!(sim.request_count() - before, 2, "one dropped answer, one replay");

    // Without an idempotency key nothing can be recovered: the client sees the failure.
    let once = ClientBuilder::new(KEY).url(sim.base_url()).build().unwrap();
    assert!(CreateCustomer::new().email("lost@example.com").send(&once).await.is_err());

    // The same with a key the caller chose: the first try is lost, the caller's own retry
    // with that key gets the stored answer.
    let op = || RequestStrategy::Idempotent(IdempotencyKey::new("op-42:customer").unwrap());
    let lost_answer = CreateCustomer::new().email("chosen@example.com").customize().request_strategy(op()).send(&once).await;
    assert!(lost_answer.is_err());
    sim.set_faults(Faults::default());
    let recovered = CreateCustomer::new().email("chosen@example.com").customize().request_strategy(op()).send(&once).await.unwrap();
    let chosen = ListCustomer::new().email("chosen@example.com").send(&client).await.unwrap();
    assert_eq!(chosen.data.len(), 1);
    assert_eq!(chosen.data[0].id, recovered.id);

    let listed = ListCustomer::new().email("once@example.com").send(&client).await.unwrap();
    assert_eq!(listed.data.len(), 1, "exactly one customer despite the retry");
    assert_eq!(listed.data[0].id, customer.id);
    let lost = ListCustomer::new().email("lost@example.com").send(&client).await.unwrap();
    assert_eq!(lost.data.len(), 1, "the dropped request still committed");
}

#[tokio::test]
async fn list_queries_empty_and_with_both_cursors() {
    let (sim, _client) = common::start().await;
    common::raw_post(&sim, KEY, "/v1/customers", "email=a%40b.c", None).await;
    let (status, list) = raw_get(&sim, "/v1/customers?=").await;
    assert_eq!(status, 200, "{list}");
    assert_eq!(list["object"], "list");
    assert_eq!(list["data"].as_array().unwrap().len(), 1);

    let (status, error) = raw_get(&sim, "/v1/customers?starting_after=cus_a&ending_before=cus_b").await;
    assert_eq!(status, 400);
    assert_eq!(error["error"]["type"], "invalid_request_error");
    assert!(error["error"]["message"].as_str().unwrap().contains("ending_before, starting_after"));
}
