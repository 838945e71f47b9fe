//! The webhook listener over loopback HTTP. Every signature is made by Stripe's official
//! Python SDK, so these tests do not only check our verifier against our own signing.
//! Only the valid delivery is applied; each refusal leaves the target untouched.

#[path = "support/webhooks.rs"]
mod webhooks;

use billfold_core::listener::{self, ListenerConfig, DEFAULT_MAX_BODY_BYTES};
use billfold_core::ErrorCode;
use serde_json::{json, Value};
use webhooks::*;

#[tokio::test]
async fn a_valid_delivery_is_stored_then_answered_and_applied_once() {
    let (handle, target) = start_listener(DEFAULT_MAX_BODY_BYTES).await;
    let body = event_body("evt_valid");
    let signature = sdk_signature(&body, ALPHA_SECRET, now()).await;

    let (status, answer) = post(
        handle.local_addr(),
        &path(ALPHA_SLUG),
        Some(&signature),
        body.as_bytes(),
    )
    .await;

    assert_eq!(
        (status, answer),
        (200, json!({"received": true, "duplicate": false}))
    );
    assert_eq!(
        target.applied(),
        vec![(ALPHA_ID.to_string(), "evt_valid".to_string())]
    );
    let sent: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(
        target.applied_events(),
        vec![sent],
        "the event reaches the target unchanged"
    );
    handle.shutdown().await;
}

#[tokio::test]
async fn a_tampered_body_is_refused() {
    let (handle, target) = start_listener(DEFAULT_MAX_BODY_BYTES).await;
    let body = event_body("evt_tampered");
    let signature = sdk_signature(&body, ALPHA_SECRET, now()).await;
    let tampered = body.replace("12500", "99");
    assert_ne!(tampered, body);

    let (status, answer) = post(
        handle.local_addr(),
        &path(ALPHA_SLUG),
        Some(&signature),
        tampered.as_bytes(),
    )
    .await;

    assert_eq!(status, 400);
    assert_eq!(
        answer["error"],
        "No signature matches the body and this account's signing secret."
    );
    assert!(target.applied().is_empty());
    handle.shutdown().await;
}

#[tokio::test]
async fn a_stale_timestamp_is_refused() {
    let (handle, target) = start_listener(DEFAULT_MAX_BODY_BYTES).await;
    let body = event_body("evt_stale");
    let signature = sdk_signature(&body, ALPHA_SECRET, now() - 600).await;

    let (status, answer) = post(
        handle.local_addr(),
        &path(ALPHA_SLUG),
        Some(&signature),
        body.as_bytes(),
    )
    .await;

    assert_eq!(status, 400);
    let message = answer["error"].as_str().unwrap();
    assert!(message.starts_with("The signature is too old"), "{message}");
    assert!(target.applied().is_empty());
    handle.shutdown().await;
}

#[tokio::test]
async fn a_timestamp_far_in_the_future_is_refused() {
    let (handle, target) = start_listener(DEFAULT_MAX_BODY_BYTES).await;
    let body = event_body("evt_future");
    let signature = sdk_signature(&body, ALPHA_SECRET, now() + 600).await;

    let (status, answer) = post(
        handle.local_addr(),
        &path(ALPHA_SLUG),
        Some(&signature),
        body.as_bytes(),
    )
    .await;

    assert_eq!(status, 400);
    assert!(
        answer["error"].as_str().unwrap().contains("in the future"),
        "{answer}"
    );
    assert!(target.applied().is_empty());
    handle.shutdown().await;
}

#[tokio::test]
async fn a_replayed_delivery_is_answered_200_both_times_and_applied_once() {
    let (handle, target) = start_listener(DEFAULT_MAX_BODY_BYTES).await;
    let body = event_body("evt_replayed");
    let signature = sdk_signature(&body, ALPHA_SECRET, now()).await;

    let first = post(
        handle.local_addr(),
        &path(ALPHA_SLUG),
        Some(&signature),
        body.as_bytes(),
    )
    .await;
    let second = post(
        handle.local_addr(),
        &path(ALPHA_SLUG),
        Some(&signature),
        body.as_bytes(),
    )
    .await;

    assert_eq!(first, (200, json!({"received": true, "duplicate": false})));
    assert_eq!(second, (200, json!({"received": true, "duplicate": true})));
    assert_eq!(
        target.applied(),
        vec![(ALPHA_ID.to_string(), "evt_replayed".to_string())]
    );
    handle.shutdown().await;
}

#[tokio::test]
async fn an_oversized_body_is_refused_with_413_and_nothing_is_applied() {
    let (handle, target) = start_listener(2048).await;
    let mut event: Value = serde_json::from_str(&event_body("evt_oversized")).unwrap();
    event["data"]["object"]["description"] = json!("x".repeat(4096));
    let body = event.to_string();
    let signature = sdk_signature(&body, ALPHA_SECRET, now()).await;

    let (status, answer) = post(
        handle.local_addr(),
        &path(ALPHA_SLUG),
        Some(&signature),
        body.as_bytes(),
    )
    .await;

    assert_eq!(status, 413);
    assert_eq!(answer["error"], "The body is larger than 2048 bytes.");
    assert!(target.applied().is_empty());

    // The listener is still there for deliveries within the cap.
    let small = event_body("evt_small");
    let signature = sdk_signature(&small, ALPHA_SECRET, now()).await;
    let (status, _) = post(
        handle.local_addr(),
        &path(ALPHA_SLUG),
        Some(&signature),
        small.as_bytes(),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(
        target.applied(),
        vec![(ALPHA_ID.to_string(), "evt_small".to_string())]
    );
    handle.shutdown().await;
}

#[tokio::test]
async fn a_delivery_signed_with_another_accounts_secret_is_refused() {
    let (handle, target) = start_listener(DEFAULT_MAX_BODY_BYTES).await;
    let body = event_body("evt_wrong_account");
    let beta_signature = sdk_signature(&body, BETA_SECRET, now()).await;

    let (status, answer) = post(
        handle.local_addr(),
        &path(ALPHA_SLUG),
        Some(&beta_signature),
        body.as_bytes(),
    )
    .await;

    assert_eq!(status, 400);
    assert_eq!(
        answer["error"],
        "No signature matches the body and this account's signing secret."
    );
    assert!(target.applied().is_empty());

    // The same delivery at its own account's address is fine, and lands in that account only.
    let (status, _) = post(
        handle.local_addr(),
        &path(BETA_SLUG),
        Some(&beta_signature),
        body.as_bytes(),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(
        target.applied(),
        vec![(BETA_ID.to_string(), "evt_wrong_account".to_string())]
    );
    handle.shutdown().await;
}

#[tokio::test]
async fn an_unsigned_delivery_is_refused() {
    let (handle, target) = start_listener(DEFAULT_MAX_BODY_BYTES).await;
    let body = event_body("evt_unsigned");

    let (status, answer) = post(
        handle.local_addr(),
        &path(ALPHA_SLUG),
        None,
        body.as_bytes(),
    )
    .await;

    assert_eq!(status, 400);
    assert_eq!(
        answer["error"],
        "The request has no Stripe-Signature header."
    );
    assert!(target.applied().is_empty());
    handle.shutdown().await;
}

#[tokio::test]
async fn during_a_secret_rotation_any_v1_signature_may_match() {
    let (handle, target) = start_listener(DEFAULT_MAX_BODY_BYTES).await;
    let body = event_body("evt_rotation");
    let at = now();
    let old = sdk_signature(&body, "whsec_retiredSigningSecret03", at).await;
    let current = sdk_signature(&body, ALPHA_SECRET, at).await;
    // Stripe sends `t=…,v1=<old>,v1=<new>` while both secrets are live.
    let both = format!("{old},{}", current.split_once(',').unwrap().1);

    let (status, _) = post(
        handle.local_addr(),
        &path(ALPHA_SLUG),
        Some(&both),
        body.as_bytes(),
    )
    .await;

    assert_eq!(status, 200);
    assert_eq!(
        target.applied(),
        vec![(ALPHA_ID.to_string(), "evt_rotation".to_string())]
    );
    handle.shutdown().await;
}

#[tokio::test]
async fn unknown_slugs_and_accounts_without_a_secret_are_both_404() {
    let (handle, target) = start_listener(DEFAULT_MAX_BODY_BYTES).await;
    let body = event_body("evt_nowhere");
    let signature = sdk_signature(&body, ALPHA_SECRET, now()).await;

    let unknown = post(
        handle.local_addr(),
        &path("no-such-conf"),
        Some(&signature),
        body.as_bytes(),
    )
    .await;
    let no_secret = post(
        handle.local_addr(),
        &path(NO_SECRET_SLUG),
        Some(&signature),
        body.as_bytes(),
    )
    .await;

    assert_eq!(unknown.0, 404);
    assert_eq!(
        unknown, no_secret,
        "callers cannot tell a missing account from a missing secret"
    );
    assert!(target.applied().is_empty());
    handle.shutdown().await;
}

#[tokio::test]
async fn a_signed_body_that_is_not_an_event_is_refused() {
    let (handle, target) = start_listener(DEFAULT_MAX_BODY_BYTES).await;
    let body = r#"{"id":"in_1","object":"invoice"}"#;
    let signature = sdk_signature(body, ALPHA_SECRET, now()).await;

    let (status, answer) = post(
        handle.local_addr(),
        &path(ALPHA_SLUG),
        Some(&signature),
        body.as_bytes(),
    )
    .await;

    assert_eq!(
        (status, answer),
        (400, json!({"error": "The body is not a Stripe event."}))
    );
    assert!(target.applied().is_empty());
    handle.shutdown().await;
}

#[tokio::test]
async fn when_storing_fails_the_answer_is_500_and_stripes_retry_is_applied() {
    let (handle, target) = start_listener(DEFAULT_MAX_BODY_BYTES).await;
    let body = event_body("evt_retried");
    let signature = sdk_signature(&body, ALPHA_SECRET, now()).await;
    target.fail_next();

    let (status, answer) = post(
        handle.local_addr(),
        &path(ALPHA_SLUG),
        Some(&signature),
        body.as_bytes(),
    )
    .await;
    assert_eq!(status, 500);
    let message = answer["error"].as_str().unwrap();
    assert!(
        !message.contains("disk I/O"),
        "internal errors stay in the log: {message}"
    );
    assert!(target.applied().is_empty());

    let (status, answer) = post(
        handle.local_addr(),
        &path(ALPHA_SLUG),
        Some(&signature),
        body.as_bytes(),
    )
    .await;
    assert_eq!((status, answer["duplicate"].clone()), (200, json!(false)));
    assert_eq!(
        target.applied(),
        vec![(ALPHA_ID.to_string(), "evt_retried".to_string())]
    );
    handle.shutdown().await;
}

#[tokio::test]
async fn only_post_to_webhooks_is_served() {
    let (handle, target) = start_listener(DEFAULT_MAX_BODY_BYTES).await;
    let body = event_body("evt_elsewhere");
    let signature = sdk_signature(&body, ALPHA_SECRET, now()).await;

    let (status, _) = post(
        handle.local_addr(),
        "/alpha-conf",
        Some(&signature),
        body.as_bytes(),
    )
    .await;
    assert_eq!(status, 404);
    let (status, _) = post(
        handle.local_addr(),
        "/webhooks/alpha-conf/extra",
        Some(&signature),
        body.as_bytes(),
    )
    .await;
    assert_eq!(status, 404);
    assert!(target.applied().is_empty());
    handle.shutdown().await;
}

#[tokio::test]
async fn shutdown_closes_the_port_and_a_taken_port_is_a_clear_conflict() {
    let (handle, _target) = start_listener(DEFAULT_MAX_BODY_BYTES).await;
    let addr = handle.local_addr();
    assert!(addr.ip().is_loopback());
    assert_ne!(addr.port(), 0, "port 0 resolves to the port actually bound");

    let taken = ListenerConfig {
        port: addr.port(),
        ..ListenerConfig::default()
    };
    let err = listener::start(taken, std::sync::Arc::new(MemoryTarget::default()))
        .await
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::Conflict);
    assert!(
        err.to_string()
            .contains(&format!("Port {} is already in use", addr.port())),
        "{err}"
    );

    handle.shutdown().await;
    assert!(
        tokio::net::TcpStream::connect(addr).await.is_err(),
        "nothing listens after shutdown"
    );
}

#[tokio::test]
async fn a_half_sent_request_cannot_hold_the_port_after_shutdown() {
    use tokio::io::AsyncWriteExt;
    let (handle, target) = start_listener(DEFAULT_MAX_BODY_BYTES).await;
    let addr = handle.local_addr();
    let mut stuck = tokio::net::TcpStream::connect(addr).await.unwrap();
    stuck
        .write_all(b"POST /webhooks/alpha-conf HTTP/1.1\r\nHost: x\r\n")
        .await
        .unwrap();
    // The listener has the connection once an ordinary delivery after it is answered.
    let body = event_body("evt_alongside");
    let signature = sdk_signature(&body, ALPHA_SECRET, now()).await;
    assert_eq!(
        post(addr, &path(ALPHA_SLUG), Some(&signature), body.as_bytes())
            .await
            .0,
        200
    );

    handle
        .shutdown_within(std::time::Duration::from_millis(200))
        .await;

    assert!(
        tokio::net::TcpStream::connect(addr).await.is_err(),
        "the port is closed"
    );
    let again = ListenerConfig {
        port: addr.port(),
        ..ListenerConfig::default()
    };
    let restarted = listener::start(again, target)
        .await
        .expect("the same port can be used again");
    restarted.shutdown().await;
    drop(stuck);
}
