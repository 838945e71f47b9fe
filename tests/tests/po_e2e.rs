//! The finance workflow in the real app: a purchase order with three lines is entered and
//! issued as a Stripe invoice; the customer pays part of it in the emulator; Sync now shows
//! it partially paid with the right balance; a wire for the rest is recorded by hand, the
//! PO is paid and the Stripe invoice is paid (out of band) in the emulator.

use billfold_e2e::{http_json, AppSession};
use stripe_sim::{SimConfig, Simulator};

const KEY: &str = "sk_test_51EndToEndPurchaseOrderKey0000000000c3d4";

#[tokio::test(flavor = "multi_thread")]
async fn a_po_goes_from_entry_to_paid_through_stripe() {
    let sim = Simulator::start(SimConfig::default()).await.unwrap();
    let data = tempfile::tempdir().unwrap();
    let app = AppSession::launch(data.path()).await;
    app.find("first-run").await;
    app.add_account("EuroRust 2027", KEY, "eur", sim.base_url()).await;
    app.wait_for_text("sync-status", "Synced").await;

    // Enter the PO: 3 × 1,250.00 + 2 × 400.00 + 1 × 2,000.00 = 6,550.00.
    app.click("nav-purchase-orders").await;
    app.click("po-new").await;
    app.type_into("[data-testid='po-number']", "PO-2027-001").await;
    app.type_into("[data-testid='po-organization']", "Acme GmbH").await;
    app.type_into("[data-testid='po-contact-name']", "Ada Accounts").await;
    app.type_into("[data-testid='po-contact-email']", "ap@acme.test").await;
    let lines = [("Conference ticket", "3", "1,250.00"), ("Workshop seat", "2", "400.00"), ("Sponsor booth", "1", "2,000.00")];
    for (index, (description, quantity, price)) in lines.iter().enumerate() {
        if index > 0 {
            app.click("po-add-line").await;
        }
        app.type_into(&format!("[data-testid='po-line-description-{index}']"), description).await;
        app.type_into(&format!("[data-testid='po-line-quantity-{index}']"), quantity).await;
        app.type_into(&format!("[data-testid='po-line-price-{index}']"), price).await;
    }
    let total = app.wait_for_text("po-total", "550").await;
    assert!(digits(&total).contains("655000"), "live total: {total}");
    app.click("po-save").await;

    // Issue it: Stripe has one open invoice with the three lines and the PO number.
    app.click("po-issue").await;
    app.wait_for_attr("po-status", "data-status", "invoiced").await;
    let auth = format!("Bearer {KEY}");
    let (_, invoices) = http_json(sim.addr(), "GET", "/v1/invoices?limit=10", &[("Authorization", &auth)], "").await;
    let invoices = invoices["data"].as_array().unwrap();
    assert_eq!(invoices.len(), 1, "exactly one invoice");
    let invoice = &invoices[0];
    assert_eq!(invoice["status"], "open");
    assert_eq!(invoice["total"], 655000);
    assert_eq!(invoice["metadata"]["po_number"], "PO-2027-001");
    let id = invoice["id"].as_str().unwrap().to_string();

    // The customer pays 3,000.00 by bank transfer; Sync now brings it.
    let (status, _) = http_json(
        sim.addr(),
        "POST",
        &format!("/_sim/invoices/{id}/customer_payment"),
        &[("Content-Type", "application/json")],
        r#"{"amount": 300000, "method": "bank_transfer"}"#,
    )
    .await;
    assert_eq!(status, 200);
    app.click("sync-now").await;
    app.wait_for_attr("po-status", "data-status", "partially_paid").await;
    let balance = app.find("po-balance").await.prop("textContent").await.unwrap().unwrap_or_default();
    assert!(digits(&balance).contains("355000"), "balance after the card payment: {balance}");

    // A wire for the rest, recorded by hand, completes it.
    app.click("po-record-payment").await;
    app.type_into("[data-testid='payment-amount']", "3,550.00").await;
    app.type_into("[data-testid='payment-reference']", "WIRE-7781").await;
    app.click("payment-save").await;
    app.wait_for_attr("po-status", "data-status", "paid").await;
    app.screenshot("po-detail").await;

    let (_, paid) = http_json(sim.addr(), "GET", &format!("/v1/invoices/{id}"), &[("Authorization", &auth)], "").await;
    assert_eq!(paid["status"], "paid", "the Stripe invoice is paid too");
    assert_eq!(paid["amount_paid"], 655000);
    app.close().await;
}

/// The digits of a formatted amount ("€ 6,550.00" → "655000").
fn digits(text: &str) -> String {
    text.chars().filter(char::is_ascii_digit).collect()
}
