//! The invoices and customers console in the real app: a customer is created; a standalone
//! invoice with a catalog line and an ad hoc line is drafted for them, finalized and sent; a
//! partial credit note lowers what is due; the customer pays the rest in the emulator and Sync
//! now shows it paid. Then a credit of 50.00 goes on the customer's balance and the next
//! invoice takes it when finalized. Screenshots of the invoice and the customer land in
//! `tests/artifacts/`.

use billfold_e2e::{http_json, AppSession};
use serde_json::Value;
use stripe_sim::{SimConfig, Simulator};

const KEY: &str = "sk_test_51EndToEndInvoicesConsoleKey00000000000e5f6";

/// A form-encoded POST to the emulator's API with the account's key.
async fn stripe_post(sim: &Simulator, path: &str, form: &str) -> Value {
    let auth = format!("Bearer {KEY}");
    let headers = [("Authorization", auth.as_str()), ("Content-Type", "application/x-www-form-urlencoded")];
    let (status, body) = http_json(sim.addr(), "POST", path, &headers, form).await;
    assert_eq!(status, 200, "{path}: {body}");
    body
}

async fn stripe_get(sim: &Simulator, path: &str) -> Value {
    let auth = format!("Bearer {KEY}");
    let (status, body) = http_json(sim.addr(), "GET", path, &[("Authorization", &auth)], "").await;
    assert_eq!(status, 200, "{path}: {body}");
    body
}

#[tokio::test(flavor = "multi_thread")]
async fn a_standalone_invoice_is_credited_paid_and_a_balance_credit_applies_to_the_next() {
    let sim = Simulator::start(SimConfig::default()).await.unwrap();
    // The catalog: a conference ticket at 450.00.
    let product = stripe_post(&sim, "/v1/products", "name=Conference%20ticket").await;
    let price = stripe_post(
        &sim,
        "/v1/prices",
        &format!("product={}&currency=eur&unit_amount=45000", product["id"].as_str().unwrap()),
    )
    .await;
    let price_id = price["id"].as_str().unwrap().to_string();

    let data = tempfile::tempdir().unwrap();
    let app = AppSession::launch(data.path()).await;
    app.find("first-run").await;
    app.add_account("EuroRust 2027", KEY, "eur", sim.base_url()).await;
    app.wait_for_text("sync-status", "Synced").await;

    // A new customer.
    app.click("nav-customers").await;
    app.click("customer-new").await;
    app.type_into("[data-testid='customer-field-name']", "Acme GmbH").await;
    app.type_into("[data-testid='customer-field-email']", "ap@acme.test").await;
    app.type_into("[data-testid='customer-field-city']", "Berlin").await;
    app.type_into("[data-testid='customer-field-country']", "DE").await;
    app.click("customer-save").await;
    app.wait_for_text("customer-name", "Acme GmbH").await;
    let customers = stripe_get(&sim, "/v1/customers?email=ap%40acme.test").await;
    assert_eq!(customers["data"].as_array().unwrap().len(), 1, "one customer in Stripe");
    let customer_id = customers["data"][0]["id"].as_str().unwrap().to_string();

    // A standalone invoice for them: 2 × the catalog ticket (900.00) + 1 × 150.00 ad hoc.
    app.click("customer-new-invoice").await;
    app.find("invoice-editor").await;
    app.type_into("[data-testid='line-description']", "Workshop seat").await;
    app.type_into("[data-testid='line-quantity']", "1").await;
    app.type_into("[data-testid='line-price']", "150.00").await;
    app.find("invoice-add-price").await.select_by_value(&price_id).await.expect("pick the catalog price");
    let quantities = app
        .client
        .find_all(fantoccini::Locator::Css("[data-testid='line-quantity']"))
        .await
        .unwrap();
    assert_eq!(quantities.len(), 2, "an ad hoc line and a catalog line");
    quantities[1].clear().await.unwrap();
    quantities[1].send_keys("2").await.unwrap();
    app.type_into("[data-testid='invoice-memo']", "Thank you for coming to EuroRust.").await;
    app.click("invoice-editor-save").await;
    app.wait_for_text("invoice-status", "draft").await;
    let total = app.wait_for_text("invoice-total", "050").await;
    assert_eq!(digits(&total), "105000", "900.00 + 150.00: {total}");

    // Finalize, then send.
    app.click("invoice-action-finalize").await;
    app.click("invoice-confirm-ok").await;
    app.wait_for_text("invoice-status", "open").await;
    app.click("invoice-action-send").await;
    app.click("invoice-confirm-ok").await;
    app.wait_for_text("invoice-notice", "sent to").await;
    let sent = stripe_get(&sim, "/v1/events?type=invoice.sent").await;
    assert_eq!(sent["data"].as_array().unwrap().len(), 1, "Stripe emailed it once: {sent}");
    let invoices = stripe_get(&sim, &format!("/v1/invoices?customer={customer_id}")).await;
    let invoices = invoices["data"].as_array().unwrap();
    assert_eq!(invoices.len(), 1, "one invoice in Stripe");
    let invoice_id = invoices[0]["id"].as_str().unwrap().to_string();
    assert_eq!(invoices[0]["status"], "open");
    assert_eq!(invoices[0]["total"], 105000);
    let lines = stripe_get(&sim, &format!("/v1/invoices/{invoice_id}/lines")).await;
    let from_catalog: Vec<&Value> = lines["data"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|line| line["pricing"]["price_details"]["price"] == price_id.as_str() || line["price"]["id"] == price_id.as_str())
        .collect();
    assert_eq!(from_catalog.len(), 1, "one line bills the catalog price: {lines}");

    // A partial credit note of 100.00 on the open invoice, previewed before it is issued.
    app.click("invoice-credit").await;
    app.click("credit-mode-amount").await;
    app.type_into("[data-testid='credit-amount']", "100.00").await;
    app.type_into("[data-testid='credit-memo']", "Workshop moved online").await;
    app.click("credit-preview-button").await;
    let after = app.wait_for_text("credit-preview-remaining", "950").await;
    assert_eq!(digits(&after), "95000", "1,050.00 − 100.00: {after}");
    app.click("credit-issue").await;
    let remaining = app.wait_for_text("invoice-amount-remaining", "950").await;
    assert_eq!(digits(&remaining), "95000", "{remaining}");
    app.find("invoice-credit-note").await;

    // The customer pays the rest by card in the emulator; Sync now shows it paid.
    let (status, _) = http_json(
        sim.addr(),
        "POST",
        &format!("/_sim/invoices/{invoice_id}/customer_payment"),
        &[("Content-Type", "application/json")],
        r#"{"amount": 95000, "method": "card"}"#,
    )
    .await;
    assert_eq!(status, 200);
    app.click("sync-now").await;
    app.wait_for_text("invoice-status", "paid").await;
    app.find("invoice-payment").await;
    app.screenshot("invoice-detail").await;
    let paid = stripe_get(&sim, &format!("/v1/invoices/{invoice_id}")).await;
    assert_eq!(paid["status"], "paid");
    assert_eq!(paid["amount_paid"], 95000);

    // A credit of 50.00 on the customer's balance.
    app.click("invoice-customer").await;
    app.find("customer-detail").await;
    app.click("balance-add").await;
    app.click("balance-kind-credit").await;
    app.type_into("[data-testid='balance-amount']", "50.00").await;
    app.type_into("[data-testid='balance-description']", "Goodwill for the workshop move").await;
    app.click("balance-review").await;
    app.click("balance-confirm-yes").await;
    app.wait_for_text("ledger-row", "Goodwill").await;
    let balance = stripe_get(&sim, &format!("/v1/customers/{customer_id}")).await;
    assert_eq!(balance["balance"], -5000, "Stripe holds the credit");

    // The next invoice (200.00) takes the credit when finalized: 150.00 due.
    app.click("customer-new-invoice").await;
    app.find("invoice-editor").await;
    app.type_into("[data-testid='line-description']", "Hallway track dinner").await;
    app.type_into("[data-testid='line-quantity']", "1").await;
    app.type_into("[data-testid='line-price']", "200.00").await;
    app.click("invoice-editor-save").await;
    app.wait_for_text("invoice-status", "draft").await;
    app.click("invoice-action-finalize").await;
    app.click("invoice-confirm-ok").await;
    app.wait_for_text("invoice-status", "open").await;
    let due = app.wait_for_text("invoice-amount-due", "150").await;
    assert_eq!(digits(&due), "15000", "200.00 − 50.00 of credit: {due}");
    let starting = app.find("invoice-starting-balance").await.prop("textContent").await.unwrap().unwrap_or_default();
    assert_eq!(digits(&starting), "5000", "the credit applied: {starting}");

    // The customer as a whole: both invoices, the credit note, the ledger.
    app.click("invoice-customer").await;
    app.find("customer-detail").await;
    // The credit was used up by the invoice: the customer owes nothing and has no credit left.
    app.wait_for_text("customer-balance-words", "Nothing owed, no credit").await;
    app.wait_for_text("customer-credit-notes", "CN").await;
    let invoices = app.client.find_all(fantoccini::Locator::Css("[data-testid='customer-invoice']")).await.unwrap();
    assert_eq!(invoices.len(), 2, "both invoices on the customer");
    app.screenshot("customer-detail").await;
    app.close().await;
}

/// The digits of a formatted amount ("€ 1,050.00" → "105000").
fn digits(text: &str) -> String {
    text.chars().filter(char::is_ascii_digit).collect()
}
