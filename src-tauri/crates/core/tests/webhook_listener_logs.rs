//! Each webhook delivery is logged, and the log holds no body, signature or signing secret.
//! (Its own test binary: logging is set up once per process.)

#[path = "support/webhooks.rs"]
mod webhooks;

use billfold_core::listener::DEFAULT_MAX_BODY_BYTES;
use billfold_core::logging;
use webhooks::*;

#[tokio::test]
async fn deliveries_are_logged_without_bodies_or_secrets() {
    let logs = tempfile::tempdir().unwrap();
    let guard = logging::init(logs.path()).unwrap();
    let (handle, target) = start_listener(DEFAULT_MAX_BODY_BYTES).await;
    let body = event_body("evt_logged");
    let signature = sdk_signature(&body, ALPHA_SECRET, now()).await;
    let v1 = signature.split_once("v1=").unwrap().1.to_string();

    let stored = post(
        handle.local_addr(),
        &path(ALPHA_SLUG),
        Some(&signature),
        body.as_bytes(),
    )
    .await;
    let tampered = body.replace("12500", "1");
    let refused = post(
        handle.local_addr(),
        &path(ALPHA_SLUG),
        Some(&signature),
        tampered.as_bytes(),
    )
    .await;
    assert_eq!((stored.0, refused.0), (200, 400));
    assert_eq!(target.applied().len(), 1);
    handle.shutdown().await;
    drop(guard); // flushes the file writer

    let mut text = String::new();
    for entry in std::fs::read_dir(logs.path()).unwrap() {
        text.push_str(&std::fs::read_to_string(entry.unwrap().path()).unwrap());
    }
    assert!(
        text.contains("webhook delivery stored") && text.contains("evt_logged"),
        "{text}"
    );
    assert!(
        text.contains("webhook delivery refused") && text.contains("No signature matches"),
        "{text}"
    );
    assert!(
        text.contains("webhook listener started") && text.contains("webhook listener stopped"),
        "{text}"
    );
    for secret_or_body in [
        ALPHA_SECRET,
        "alphaTestSigningSecret",
        &v1,
        "in_1Webhook",
        "12500",
        "amount_paid",
    ] {
        assert!(
            !text.contains(secret_or_body),
            "{secret_or_body} leaked into the log"
        );
    }
}
