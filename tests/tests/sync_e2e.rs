//! The real app syncing a generated stripe-sim account: the first sync shows its progress
//! bar and ends "Synced …", the invoice list fills from the cache, and a payment the
//! customer makes in the emulator shows after "Sync now".

use billfold_e2e::{http_json, AppSession};
use stripe_sim::{Faults, SimConfig, Simulator};

const KEY: &str = "sk_test_51EndToEndSyncBillfoldKey000000000000a1b2";

#[tokio::test(flavor = "multi_thread")]
async fn first_sync_shows_progress_and_sync_now_brings_a_payment() {
    // Stripe answers a list page in a few hundred milliseconds; with that latency the first
    // sync of 1,500 invoices takes seconds in any build, long enough to see its progress bar
    // (without it a release build can finish before the bar is drawn).
    let sim = Simulator::start(SimConfig::default()).await.unwrap();
    sim.generate(KEY, 100, 1500, 42).await.unwrap();
    sim.set_faults(Faults { latency_ms: 250, ..Faults::default() });
    let data = tempfile::tempdir().unwrap();

    let app = AppSession::launch(data.path()).await;
    app.find("first-run").await;
    app.add_account("PyCon Billing", KEY, "usd", sim.base_url()).await;

    let progress = app.find("sync-progress").await;
    let shown = progress.text().await.unwrap_or_default();
    assert!(!shown.trim().is_empty(), "the progress bar names what it syncs");
    app.screenshot("sync-progress").await;
    let status = app.wait_for_text("sync-status", "Synced").await;
    assert!(!status.contains("error"), "{status}");
    sim.set_faults(Faults::default());

    // The invoice list comes from the cache.
    app.click("nav-invoices").await;
    app.find("invoices-row").await;

    // An open invoice, as the emulator has it; the customer pays it.
    let auth = format!("Bearer {KEY}");
    let (status, open) =
        http_json(sim.addr(), "GET", "/v1/invoices?status=open&limit=1", &[("Authorization", &auth)], "").await;
    assert_eq!(status, 200);
    let invoice = &open["data"][0];
    let (id, number) = (invoice["id"].as_str().unwrap(), invoice["number"].as_str().unwrap());
    app.type_into("[data-testid='invoices-search']", number).await;
    // The row itself (the filter chips above it also say "open" and "paid").
    let row = app.wait_for_text("invoices-row", number).await;
    assert!(row.contains("open") && !row.contains("paid"), "{row}");

    let (status, _) = http_json(
        sim.addr(),
        "POST",
        &format!("/_sim/invoices/{id}/customer_payment"),
        &[("Content-Type", "application/json")],
        "{}",
    )
    .await;
    assert_eq!(status, 200);
    app.click("sync-now").await;
    let row = app.wait_for_text("invoices-row", "paid").await;
    assert!(row.contains(number) && !row.contains("open"), "{row}");
    app.screenshot("invoices-after-sync").await;
    app.close().await;
}
