//! Payments and disputes on the demo account, in the real app: a disputed payment opened from
//! the queue → a PDF and text attached → Save (staged) → Submit (under review) → Simulate has
//! the bank decide it won → the detail says Won; then 40.00 of PO-2027-0205's card payment is
//! refunded → its invoice lists the refund and the PO owes 40.00 again. Screenshots of the
//! dispute detail and the payments list land in `tests/artifacts/`.

use billfold_e2e::AppSession;
use fantoccini::elements::Element;
use fantoccini::Locator;

/// An element's textContent, spaces folded.
async fn text_of(element: &Element) -> String {
    let text = element.prop("textContent").await.ok().flatten().unwrap_or_default();
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Types into an input and leaves it, so its `change` handler runs.
async fn type_and_leave(app: &AppSession, testid: &str, text: &str) {
    app.type_into(&format!("[data-testid='{testid}']"), text).await;
    app.find(testid).await.send_keys("\t").await.unwrap_or_else(|err| panic!("leave {testid}: {err}"));
}

/// The smallest PDF a bank would open: the header and trailer Stripe checks for.
const EVIDENCE_PDF: &[u8] = b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n";

#[tokio::test(flavor = "multi_thread")]
async fn a_dispute_is_answered_and_won_and_a_po_payment_is_refunded_in_part() {
    let data = tempfile::tempdir().unwrap();
    let app = AppSession::launch(data.path()).await;
    app.find("first-run").await;
    app.click("try-demo").await;
    app.wait_for_text("sync-status", "Synced").await;

    // The demo's open dispute heads the queue: the soonest deadline first.
    app.click("nav-disputes").await;
    app.wait_for_text("disputes", "Needs response").await;
    app.click("disputes-row").await;
    app.wait_for_text("dispute-status", "Needs response").await;

    // A receipt (PDF picked from disk) and a description, saved: staged, not sent to the bank.
    let receipt = data.path().join("receipt-ticket-sale.pdf");
    std::fs::write(&receipt, EVIDENCE_PDF).expect("write the receipt");
    type_and_leave(&app, "evidence-file-receipt", receipt.to_str().expect("a UTF-8 path")).await;
    app.wait_for_text("evidence-file-picked-receipt", "PDF").await;
    app.type_into(
        "[data-testid='evidence-product_description']",
        "Four conference tickets for RustConf Europe 2027, scanned at the door on day one.",
    )
    .await;
    app.click("dispute-save").await;
    app.wait_for_text("dispute-evidence-state", "Saved, not submitted").await;
    app.wait_for_text("evidence-file-current-receipt", "receipt-ticket-sale.pdf").await;
    app.wait_for_text("dispute-status", "Needs response").await;
    // The top of the detail (status, deadline, evidence state) in the picture, not the buttons.
    app.client
        .execute("document.querySelector(\"[data-testid='dispute-detail']\").scrollIntoView()", vec![])
        .await
        .expect("scroll to the top of the dispute");
    app.screenshot("dispute-detail").await;

    // Submit, after the confirmation that it can be done once: under review.
    app.click("dispute-submit").await;
    app.wait_for_text("dispute-confirm", "once").await;
    app.click("dispute-confirm-yes").await;
    app.wait_for_text("dispute-status", "Under review").await;
    app.wait_for_text("dispute-evidence-state", "Submitted").await;

    // The bank decides: won (Simulate, then the sync it runs brings the closed dispute).
    app.click("simulate-menu").await;
    app.client
        .wait()
        .for_element(Locator::Css("[data-testid='simulate-dispute'] option[value^='dp_']"))
        .await
        .expect("the submitted dispute is offered");
    app.click("simulate-dispute-won").await;
    let said = app.wait_for_text("simulate-result", "won").await;
    assert!(!said.to_lowercase().contains("refused"), "{said}");
    app.click("simulate-menu").await;
    app.wait_for_text("dispute-status", "Won").await;

    // PO-2027-0205 was paid by card (4 tickets, €2,396.00): refund 40.00 of it.
    app.click("nav-payments").await;
    app.type_into("[data-testid='payments-min']", "2396").await;
    app.type_into("[data-testid='payments-max']", "2396").await;
    app.wait_for_text("payments-row", "2,396.00").await;
    let rows = app.client.find_all(Locator::Css("[data-testid='payments-row']")).await.expect("rows");
    assert_eq!(rows.len(), 1, "one payment of €2,396.00");
    rows[0].click().await.expect("open the payment");
    app.wait_for_text("payment-po", "PO-2027-0205").await;
    app.click("payment-refund").await;
    app.wait_for_text("refund-left", "2,396.00").await;
    app.type_into("[data-testid='refund-amount']", "40.00").await;
    app.find("refund-reason").await.select_by_value("requested_by_customer").await.expect("a reason");
    app.type_into("[data-testid='refund-note']", "One ticket holder could not attend the workshop.").await;
    app.click("refund-next").await;
    app.wait_for_text("refund-confirm-text", "40.00").await;
    app.click("refund-confirm").await;
    app.wait_for_text("payment-refunded", "40.00").await;
    app.wait_for_text("payment-refundable", "2,356.00").await;

    // The invoice lists the refund.
    app.click("payment-invoice").await;
    let refunds = app.wait_for_text("invoice-refunds-row", "40.00").await;
    assert!(!refunds.contains("2,396.00"), "only the 40.00 was refunded: {refunds}");

    // The PO owes the 40.00 again.
    app.click("nav-purchase-orders").await;
    app.type_into("[data-testid='po-search']", "PO-2027-0205").await;
    app.wait_for_text("po-list-row", "PO-2027-0205").await;
    app.click("po-list-row").await;
    app.wait_for_text("po-refunded", "40.00").await;
    app.wait_for_text("po-balance", "€40.00").await;

    // The payments list, with the refunded payment's new status.
    // (The area opens with no filters: they were left behind with the PO list.)
    app.click("nav-payments").await;
    app.wait_for_text("payments-view", "refunded").await;
    let list = app.find("payments-view").await;
    let shown = text_of(&list).await;
    assert!(shown.contains("Partially refunded") || shown.contains("partially refunded"), "{shown}");
    app.screenshot("payments-list").await;

    app.close().await;
}
