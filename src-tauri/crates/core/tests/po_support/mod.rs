//! Shared set-up for the purchase-order tests: an app with one account on stripe-sim, PO
//! input, the emulator's control API, and Stripe's view of the account.

#![allow(dead_code)]

use billfold_core::accounts::{Mode, NewAccount};
use billfold_core::po::{PoInput, PoLineInput};
use billfold_core::secrets::{Keychain, Secret};
use billfold_core::Billfold;
use serde_json::Value;
use stripe_sim::{SimConfig, Simulator};

/// A fresh emulator with its client-side and server-side rate limits off.
pub async fn sim() -> Simulator {
    Simulator::start(SimConfig {
        rate_limit_per_sec: None,
        ..SimConfig::default()
    })
    .await
    .unwrap()
}

/// A test key unique to one test.
pub fn unique_key() -> String {
    format!("sk_test_51Po{}", uuid::Uuid::new_v4().simple())
}

/// An app in `dir` with one account for `key` on `sim`.
pub async fn open_with_account(
    dir: &std::path::Path,
    sim: &Simulator,
    key: &str,
) -> (Billfold, String) {
    let keychain = Keychain::with_store(keyring_core::mock::Store::new().unwrap());
    let app = Billfold::open(dir, keychain).unwrap();
    app.set_rate_limit(Mode::Test, 0).unwrap();
    let account = app
        .add_account(NewAccount {
            name: "PO Conf".into(),
            secret_key: Secret::new(key),
            default_currency: "eur".into(),
            api_base: Some(sim.base_url().into()),
            webhook_secret: None,
        })
        .await
        .unwrap();
    (app, account.id)
}

/// A PO with `lines` lines of 2 × 1,250.00.
pub fn po(number: &str, email: &str, lines: usize) -> PoInput {
    PoInput {
        po_number: number.into(),
        organization: "Acme GmbH".into(),
        contact_name: "Ada Lovelace".into(),
        contact_email: email.into(),
        billing_address: Some("1 Main St, Springfield".into()),
        currency: None,
        payment_terms_days: Some(14),
        notes: Some("Net 14".into()),
        lines: (0..lines)
            .map(|n| PoLineInput {
                description: format!("Ticket {n}"),
                quantity: 2,
                unit_price: "1,250.00".into(),
            })
            .collect(),
    }
}

/// Every object of a Stripe list (first 100), through the account's gateway.
pub async fn all(app: &Billfold, account: &str, path: &str) -> Vec<Value> {
    let gateway = app.gateway(account).await.unwrap();
    let page = gateway
        .get_json(path, &[("limit".into(), "100".into())])
        .await
        .unwrap();
    page["data"].as_array().unwrap().clone()
}

/// One object from Stripe.
pub async fn get(app: &Billfold, account: &str, path: &str) -> Value {
    app.gateway(account)
        .await
        .unwrap()
        .get_json(path, &[])
        .await
        .unwrap()
}

/// A JSON POST to the emulator's control API (`/_sim/...`); answers the JSON body.
pub async fn control(sim: &Simulator, path: &str, body: &str) -> Value {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut stream = tokio::net::TcpStream::connect(sim.addr()).await.unwrap();
    let request = format!(
        "POST {path} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).await.unwrap();
    let text = String::from_utf8_lossy(&raw).to_string();
    let (head, body) = text.split_once("\r\n\r\n").unwrap();
    assert!(head.starts_with("HTTP/1.1 200"), "{head}\n{body}");
    serde_json::from_str(body).unwrap()
}

/// The customer pays `amount` (minor units) of an invoice by `method` (`card`, `bank_transfer`).
pub async fn customer_pays(sim: &Simulator, invoice_id: &str, amount: i64, method: &str) -> Value {
    control(
        sim,
        &format!("/_sim/invoices/{invoice_id}/customer_payment"),
        &format!(r#"{{"amount": {amount}, "method": "{method}"}}"#),
    )
    .await
}
