//! Reports on the demo accounts, in the real app: the dashboard of one conference → All
//! accounts (euros and dollars side by side, never converted) → its MRR figure opens the MRR
//! report → Export CSV writes the table (the save dialog answered by `BILLFOLD_EXPORT_DIR`, as
//! WebDriver cannot drive a native dialog), read back and checked against the table on screen.
//! → the receivables aging, a customer's invoices behind it (a paged table Rust sorts) → one
//! of them opens its invoice. Screenshots of the dashboard, All accounts, the MRR report and
//! the aging drill-down land in `tests/artifacts/`.

use billfold_e2e::AppSession;
use fantoccini::elements::Element;
use fantoccini::Locator;

/// An element's textContent, spaces folded.
async fn text_of(element: &Element) -> String {
    let text = element.prop("textContent").await.ok().flatten().unwrap_or_default();
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The cells of every table row with this test id, in page order.
async fn rows_of(app: &AppSession, testid: &str) -> Vec<Vec<String>> {
    let mut rows = Vec::new();
    for row in app.client.find_all(Locator::Css(&format!("[data-testid='{testid}']"))).await.expect("find rows") {
        let mut cells = Vec::new();
        for cell in row.find_all(Locator::Css("th, td")).await.expect("find cells") {
            cells.push(text_of(&cell).await);
        }
        rows.push(cells);
    }
    rows
}

#[tokio::test(flavor = "multi_thread")]
async fn the_dashboard_leads_to_all_accounts_and_the_mrr_report_which_exports_as_csv() {
    let data = tempfile::tempdir().unwrap();
    let exports = tempfile::tempdir().unwrap();
    let app = AppSession::launch_with(data.path(), &[("BILLFOLD_EXPORT_DIR", exports.path())]).await;
    app.find("first-run").await;
    app.click("try-demo").await;
    app.wait_for_text("sync-status", "Synced").await;

    // One conference: its revenue, receivables and MRR in euros.
    app.click("nav-dashboard").await;
    let mrr = app.wait_for_text("dashboard-figure-mrr-eur", "€").await;
    assert!(mrr.contains("MRR"), "{mrr}");
    app.find("dashboard-figure-revenue-eur").await;
    app.screenshot("dashboard").await;

    // All accounts: both conferences, each currency on its own (dollars from the second).
    app.click("dashboard-scope-all").await;
    let dollars = app.wait_for_text("dashboard-figure-mrr-usd", "$").await;
    assert!(dollars.contains("MRR"), "{dollars}");
    app.find("dashboard-figure-mrr-eur").await;
    app.screenshot("dashboard-all-accounts").await;

    // The MRR figure opens the MRR report: six months of members joining, growing, leaving.
    app.click("dashboard-figure-mrr-eur").await;
    app.find("mrr-report").await;
    app.wait_for_text("mrr-table", "MRR").await;
    let rows = rows_of(&app, "mrr-row").await;
    assert_eq!(rows.len(), 12, "the last twelve months: {rows:?}");
    let paying = rows.iter().filter(|cells| cells[1].starts_with('€') && cells[1] != "€0.00").count();
    assert!(paying >= 5, "MRR in the months the members were there: {rows:?}");
    let help = text_of(&app.find("mrr-help").await).await;
    assert!(help.contains("How MRR is counted"), "{help}");
    app.client
        .execute("document.querySelector(\"[data-testid='mrr-report']\").scrollIntoView()", vec![])
        .await
        .expect("scroll to the top of the report");
    app.screenshot("mrr-report").await;

    // Export CSV: the table as it is on screen, in major units with the currency.
    app.click("export-table").await;
    let saved = app.wait_for_text("export-table-done", "Saved").await;
    let file = std::fs::read_dir(exports.path())
        .expect("the export folder")
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .find(|path| path.extension().is_some_and(|ext| ext == "csv"))
        .unwrap_or_else(|| panic!("no CSV written ({saved})"));
    assert!(saved.contains(&file.file_name().unwrap().to_string_lossy().to_string()), "{saved} names {file:?}");
    let csv = std::fs::read_to_string(&file).expect("read the CSV");
    let lines: Vec<&str> = csv.lines().collect();
    assert!(lines[0].starts_with("Month,MRR,New,Expansion,Contraction,Churn,Reactivation"), "{}", lines[0]);
    assert!(lines[0].ends_with(",currency"), "{}", lines[0]);
    assert_eq!(lines.len() - 1, rows.len(), "a line per month on screen");
    for (line, on_screen) in lines[1..].iter().zip(&rows) {
        let cells: Vec<&str> = line.split(',').collect();
        assert_eq!(cells.last(), Some(&"EUR"), "{line}");
        assert_eq!(cells[0], on_screen[0], "the same month");
        // Major units: the screen's "€1,150.00" is the file's 1150.00.
        assert_eq!(cells[1], on_screen[1].replace(['€', ','], ""), "MRR of {}", cells[0]);
    }

    // Receivables aging: a customer's open invoices, each opening its detail.
    app.click("reports-tab-aging").await;
    app.find("aging-report").await;
    let customer = text_of(&app.find("aging-customer").await).await;
    app.click("aging-customer").await;
    let drill = app.wait_for_text("aging-drill", &customer).await;
    assert!(drill.contains("invoices"), "{drill}");
    let first = app.wait_for_text("aging-invoices-row", "€").await;
    let number = text_of(&app.find("aging-invoice").await).await;
    assert!(!number.is_empty() && first.contains(&number), "{first}");
    app.client
        .execute("document.querySelector(\"[data-testid='aging-drill']\").scrollIntoView()", vec![])
        .await
        .expect("scroll to the drill-down");
    // The window paints the scrolled page on its next frame.
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    app.screenshot("aging-drill-down").await;
    app.click("aging-invoice").await;
    app.wait_for_text("invoice-number", &number).await;
    app.close().await;
}
