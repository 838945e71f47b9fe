//! Shared by the webhook listener tests: Stripe-like event bodies, signatures made by Stripe's
//! official Python SDK, an in-memory target and a raw loopback HTTP client.

#![allow(dead_code)]

use std::collections::{HashMap, HashSet};
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use billfold_core::error::Result;
use billfold_core::listener::{self, ListenerConfig, ListenerHandle, WebhookTarget};
use billfold_core::secrets::Secret;
use billfold_core::Error;
use serde_json::{json, Value};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// Two accounts with signing secrets and one without.
pub const ALPHA_SLUG: &str = "alpha-conf";
pub const ALPHA_ID: &str = "acct-alpha";
pub const ALPHA_SECRET: &str = "whsec_alphaTestSecret01";
pub const BETA_SLUG: &str = "beta-conf";
pub const BETA_ID: &str = "acct-beta";
pub const BETA_SECRET: &str = "whsec_betaTestSigningSecret02";
pub const NO_SECRET_SLUG: &str = "no-secret-conf";

/// Records accepted events and, like the real apply path, applies each event id once per account.
#[derive(Default)]
pub struct MemoryTarget {
    applied: Mutex<Vec<(String, Value)>>,
    seen: Mutex<HashSet<(String, String)>>,
    fail_next: AtomicBool,
}

impl MemoryTarget {
    /// `(account id, event id)` of every applied event, in order.
    pub fn applied(&self) -> Vec<(String, String)> {
        let applied = self.applied.lock().unwrap();
        applied
            .iter()
            .map(|(account, event)| (account.clone(), event["id"].as_str().unwrap().to_string()))
            .collect()
    }

    /// The applied events themselves.
    pub fn applied_events(&self) -> Vec<Value> {
        self.applied
            .lock()
            .unwrap()
            .iter()
            .map(|(_, event)| event.clone())
            .collect()
    }

    /// Makes the next `accept_event` fail, as a full disk or a locked database would.
    pub fn fail_next(&self) {
        self.fail_next.store(true, Ordering::SeqCst);
    }
}

#[async_trait]
impl WebhookTarget for MemoryTarget {
    async fn signing_secret(&self, slug: &str) -> Result<Option<(String, Secret)>> {
        let accounts: HashMap<&str, (&str, &str)> = HashMap::from([
            (ALPHA_SLUG, (ALPHA_ID, ALPHA_SECRET)),
            (BETA_SLUG, (BETA_ID, BETA_SECRET)),
        ]);
        Ok(accounts
            .get(slug)
            .map(|(id, secret)| (id.to_string(), Secret::new(*secret))))
    }

    async fn accept_event(&self, account_id: &str, event: Value) -> Result<bool> {
        if self.fail_next.swap(false, Ordering::SeqCst) {
            return Err(Error::Store("disk I/O error".into()));
        }
        let id = event["id"]
            .as_str()
            .expect("the listener only passes events with an id")
            .to_string();
        if !self
            .seen
            .lock()
            .unwrap()
            .insert((account_id.to_string(), id))
        {
            return Ok(false);
        }
        self.applied
            .lock()
            .unwrap()
            .push((account_id.to_string(), event));
        Ok(true)
    }
}

/// A listener on a free loopback port with the given body cap.
pub async fn start_listener(max_body_bytes: usize) -> (ListenerHandle, Arc<MemoryTarget>) {
    let target = Arc::new(MemoryTarget::default());
    let config = ListenerConfig {
        port: 0,
        max_body_bytes,
        ..ListenerConfig::default()
    };
    let handle = listener::start(config, target.clone())
        .await
        .expect("the listener starts");
    (handle, target)
}

/// A body shaped like Stripe's `invoice.paid` event (compact, as Stripe sends it).
pub fn event_body(event_id: &str) -> String {
    json!({
        "id": event_id,
        "object": "event",
        "api_version": "2026-09-30.endive",
        "created": now(),
        "type": "invoice.paid",
        "livemode": false,
        "pending_webhooks": 1,
        "data": {"object": {"id": "in_1Webhook", "object": "invoice", "status": "paid", "currency": "usd", "amount_paid": 12500}},
        "request": {"id": null, "idempotency_key": null}
    })
    .to_string()
}

/// Unix seconds now.
pub fn now() -> i64 {
    chrono::Utc::now().timestamp()
}

/// The `Stripe-Signature` header Stripe's official Python SDK makes for `body`, `secret` and
/// `timestamp` (`stripe.WebhookSignature.generate_signature_header`). The interpreter is
/// `$BILLFOLD_PYTHON` (the venv `make test` sets up), else `python3`.
pub async fn sdk_signature(body: &str, secret: &str, timestamp: i64) -> String {
    let python = std::env::var_os("BILLFOLD_PYTHON").unwrap_or_else(|| "python3".into());
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/python/sign_webhook.py");
    let (body, secret) = (body.to_string(), secret.to_string());
    let output = tokio::task::spawn_blocking(move || {
        use std::io::Write;
        use std::process::{Command, Stdio};
        let mut child = Command::new(&python)
            .arg(script)
            .args([secret, timestamp.to_string()])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap_or_else(|err| panic!("cannot run {python:?} ({err}): run `make test`, which sets up the Python test venv"));
        child.stdin.take().unwrap().write_all(body.as_bytes()).unwrap();
        child.wait_with_output().unwrap()
    })
    .await
    .unwrap();
    assert!(
        output.status.success(),
        "the Stripe SDK could not sign: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let header = String::from_utf8(output.stdout).unwrap();
    assert!(
        header.starts_with(&format!("t={timestamp},v1=")),
        "unexpected header from the SDK: {header}"
    );
    header
}

/// One raw HTTP/1.1 POST to the listener: status and JSON body. The listener may answer
/// before reading a body it refuses, so a failed write or a reset after the answer is fine.
pub async fn post(
    addr: SocketAddr,
    path: &str,
    signature: Option<&str>,
    body: &[u8],
) -> (u16, Value) {
    let mut stream = tokio::net::TcpStream::connect(addr)
        .await
        .expect("the listener accepts connections");
    let signature = signature
        .map(|value| format!("Stripe-Signature: {value}\r\n"))
        .unwrap_or_default();
    let head = format!(
        "POST {path} HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json; charset=utf-8\r\n{signature}Content-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    let _ = stream.write_all(body).await;
    let mut raw = Vec::new();
    let _ = stream.read_to_end(&mut raw).await;
    let text = String::from_utf8_lossy(&raw).to_string();
    let (head, body) = text
        .split_once("\r\n\r\n")
        .unwrap_or_else(|| panic!("no HTTP answer: {text:?}"));
    let status = head.split_whitespace().nth(1).unwrap().parse().unwrap();
    (status, serde_json::from_str(body).unwrap_or(Value::Null))
}

/// The listener path for a slug.
pub fn path(slug: &str) -> String {
    format!("/webhooks/{slug}")
}
