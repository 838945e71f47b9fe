//! The demo in the real app, with no Stripe account and no emulator of the test's own: first
//! run → Try the demo account → the invoice list opened while the first sync runs fills with
//! both conferences' seeded invoices → switch conference → the Simulate menu's customer pays →
//! Sync now → paid on screen → Settings → About's diagnostics, with nothing private. Saves
//! screenshots (`tests/artifacts/demo-*.png`) and prints (and writes to
//! `tests/artifacts/demo-timing.txt`) how long first start to a populated list took.
//!
//! Nothing here waits on the app being slow: a release build may finish the first sync before
//! its progress bar can be seen, so the sync is checked by what it recorded (objects cached).

use std::time::Instant;

use billfold_e2e::AppSession;
use fantoccini::Locator;

#[tokio::test(flavor = "multi_thread")]
async fn the_demo_account_runs_the_whole_app_on_this_computer() {
    let data = tempfile::tempdir().unwrap();
    let launched = Instant::now();
    let app = AppSession::launch(data.path()).await;

    app.find("first-run").await;
    let clicked = Instant::now();
    app.click("try-demo").await;

    // Straight to the invoices, while the first sync may still be running: the list shows
    // the rows as the sync commits them.
    app.click("nav-invoices").await;
    app.find("invoices-row").await;
    let populated = Instant::now();
    let timing = format!(
        "demo: first start to populated invoice list {:.1} s (of which Try the demo account to populated list {:.2} s)\n",
        (populated - launched).as_secs_f64(),
        (populated - clicked).as_secs_f64()
    );
    print!("{timing}");

    let banner = app
        .wait_for_text("demo-banner", "nothing leaves this computer")
        .await;
    assert!(
        banner.contains("Reset") && banner.contains("Remove"),
        "{banner}"
    );
    app.find("simulate-menu").await;
    let status = app.wait_for_text("sync-status", "Synced").await;
    assert!(!status.contains("failed"), "{status}");
    let details = app
        .find("sync-status")
        .await
        .attr("title")
        .await
        .unwrap()
        .unwrap_or_default();
    let cached: u64 = details
        .split(", ")
        .find_map(|part| part.strip_suffix(" objects cached"))
        .map(|count| count.replace(',', ""))
        .and_then(|count| count.parse().ok())
        .unwrap_or_else(|| panic!("the sync status says how many objects it cached: {details:?}"));
    assert!(cached >= 8, "the first sync cached {cached} objects");

    // The first conference's seeded invoices (euros), from the cache.
    let list = app.wait_for_text("view-invoices", "€").await;
    // The list is virtualized: only the rows in view are in the page.
    let organizations = [
        "Acme GmbH",
        "Globex Corporation",
        "Initech",
        "Umbrella Events",
        "Hooli",
        "Stark Industries",
        "Wayne Foundation",
        "Tyrell Systems",
    ];
    let shown = organizations
        .iter()
        .filter(|name| list.contains(*name))
        .count();
    assert!(
        shown >= 3,
        "only {shown} seeded organizations on screen: {list}"
    );
    let rows = app
        .client
        .find_all(Locator::Css("[data-testid='invoices-row']"))
        .await
        .unwrap();
    assert!(rows.len() >= 8, "{} invoice rows", rows.len());
    let shot = app.screenshot("demo-invoices").await;
    std::fs::write(shot.with_file_name("demo-timing.txt"), &timing).expect("write the timing");

    // Its purchase orders were rebuilt from the invoices' metadata, and the dashboard shows
    // what they still owe by age.
    app.click("nav-purchase-orders").await;
    let pos = app.wait_for_text("po-list-row", "PO-").await;
    assert!(!pos.trim().is_empty(), "{pos}");
    app.click("nav-dashboard").await;
    let aging = app.wait_for_text("aging-eur", "€").await;
    assert!(aging.chars().any(|c| c.is_ascii_digit()), "{aging}");
    app.screenshot("demo-dashboard").await;
    app.click("nav-invoices").await;

    // Switch to the second conference: its own invoices, in dollars.
    let switcher = app.find("account-switcher").await;
    switcher
        .select_by_label("FinOps Summit 2027")
        .await
        .expect("switch conference");
    let list = app.wait_for_text("view-invoices", "$").await;
    assert!(
        !list.contains("€"),
        "the second conference shows only its own data: {list}"
    );
    app.wait_for_text("sync-status", "Synced").await;

    // The customer pays an open invoice, chosen in the Simulate menu.
    app.click("simulate-menu").await;
    let picker = app.find("simulate-invoice").await;
    let chosen = picker
        .find(Locator::Css("option:checked"))
        .await
        .expect("an open invoice is offered")
        .prop("textContent")
        .await
        .unwrap()
        .unwrap_or_default();
    let number = chosen.split(" · ").next().unwrap().trim().to_string();
    assert!(!number.is_empty(), "{chosen}");
    app.type_into("[data-testid='invoices-search']", &number)
        .await;
    let row = app.wait_for_text("invoices-row", &number).await;
    assert!(row.contains("open") && !row.contains("paid"), "{row}");

    app.click("simulate-pay-full").await;
    app.wait_for_text("simulate-result", "paid").await;
    app.click("simulate-menu").await;
    app.click("sync-now").await;
    let row = app.wait_for_text("invoices-row", "paid").await;
    assert!(row.contains(&number) && !row.contains("open"), "{row}");
    app.screenshot("demo-after-payment").await;

    // Settings → About: what a user hands over when asking for help, with nothing private.
    app.click("nav-settings").await;
    let version = app.wait_for_text("about-version", "0.").await;
    assert!(version.contains(env!("CARGO_PKG_VERSION")), "{version}");
    let data_dir = app.find("about-data-dir").await.prop("textContent").await.unwrap().unwrap_or_default();
    assert!(data_dir.contains(&data.path().display().to_string()), "{data_dir}");
    app.click("toggle-diagnostics-preview").await;
    let report = app.wait_for_text("diagnostics-preview", "rustconf").await;
    for private in ["sk_test_", "Acme GmbH", "RustConf Europe 2027", "@"] {
        assert!(!report.contains(private), "the diagnostics show {private:?}:\n{report}");
    }
    assert!(report.contains("test") && report.contains("demo"), "{report}");
    app.client
        .execute("document.querySelector(\"[data-testid='diagnostics-preview']\").scrollIntoView();", vec![])
        .await
        .expect("scroll to the report");
    let shot = app.screenshot("demo-about").await;
    std::fs::write(shot.with_file_name("demo-diagnostics.txt"), &report).expect("write the report");
    app.close().await;
}
