//! A membership's life on the demo account, in the real app: a subscription with a 14-day trial
//! → Simulate moves the clock a month → active → Change plan to three seats, prorated now, with
//! Stripe's preview on screen → the invoice it brings equals the preview's "Charged now" → a
//! renewal fails (Simulate) → the subscription is past due and in the dunning queue → the
//! customer updates their card (Simulate) → Retry now → active again. Screenshots of the change
//! dialog with its preview and of the dunning queue land in `tests/artifacts/`.

use billfold_e2e::AppSession;
use fantoccini::elements::Element;
use fantoccini::Locator;

/// An element's textContent, spaces folded.
async fn text_of(element: &Element) -> String {
    let text = element.prop("textContent").await.ok().flatten().unwrap_or_default();
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The `<option>` of `select_testid` whose text contains `words`: its value.
async fn option_containing(app: &AppSession, select_testid: &str, words: &str) -> String {
    app.find(select_testid).await;
    let options = app
        .client
        .find_all(Locator::Css(&format!("[data-testid='{select_testid}'] option")))
        .await
        .expect("the options");
    for option in options {
        if text_of(&option).await.contains(words) {
            return option.attr("value").await.ok().flatten().unwrap_or_default();
        }
    }
    panic!("no option of {select_testid} mentions {words:?}");
}

/// Runs one Simulate action (the menu opened, `prepare` done, `button` clicked), waits for its
/// result to mention `result` and closes the menu again.
async fn simulate(app: &AppSession, select: Option<(&str, &str)>, button: &str, result: &str) {
    app.click("simulate-menu").await;
    if let Some((testid, value)) = select {
        // The menu asks Rust for its targets when it opens: wait for the option to be listed.
        let option = format!("[data-testid='{testid}'] option[value='{value}']");
        app.client.wait().for_element(Locator::Css(&option)).await.unwrap_or_else(|err| panic!("{value} is never offered in {testid}: {err}"));
        app.find(testid).await.select_by_value(value).await.unwrap_or_else(|err| panic!("choose {value} in {testid}: {err}"));
    }
    app.click(button).await;
    let said = app.wait_for_text("simulate-result", result).await;
    assert!(!said.to_lowercase().contains("refused"), "{said}");
    app.click("simulate-menu").await;
}

/// The dunning queue's row that mentions `customer`.
async fn dunning_row(app: &AppSession, customer: &str) -> Element {
    app.wait_for_text("dunning-table", customer).await;
    for row in app.client.find_all(Locator::Css("[data-testid='dunning-row']")).await.expect("rows") {
        if text_of(&row).await.contains(customer) {
            return row;
        }
    }
    panic!("no dunning row for {customer}");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_membership_trials_upgrades_fails_and_is_rescued() {
    let data = tempfile::tempdir().unwrap();
    let app = AppSession::launch(data.path()).await;
    app.find("first-run").await;
    app.click("try-demo").await;
    app.wait_for_text("sync-status", "Synced").await;

    // Acme subscribes to the community membership (25.00 a month) with a 14-day trial.
    app.click("nav-subscriptions").await;
    app.click("subscription-new").await;
    app.type_into("[data-testid='subscription-customer-search']", "Acme").await;
    app.click("subscription-customer-option").await;
    let membership = option_containing(&app, "subscription-add-price", "Community membership").await;
    app.find("subscription-add-price").await.select_by_value(&membership).await.expect("pick the membership");
    app.find("subscription-editor-item").await;
    app.click("trial-days-mode").await;
    app.type_into("[data-testid='trial-days']", "14").await;
    app.click("subscription-editor-save").await;
    app.wait_for_text("subscription-status", "trialing").await;
    let subscription = text_of(&app.find("subscription-id").await).await;
    assert!(subscription.starts_with("sub_"), "{subscription}");
    let raw = text_of(&app.find("subscription-raw").await).await;
    let customer = raw.split("\"customer\": \"").nth(1).and_then(|rest| rest.split('"').next()).unwrap_or_default().to_string();
    assert!(customer.starts_with("cus_"), "{raw}");

    // A month goes by: the trial ends and the card on file pays the first period.
    simulate(&app, None, "simulate-month", "month").await;
    app.wait_for_text("subscription-status", "active").await;

    // Three seats instead of one, prorated now: Stripe's preview says what is charged.
    app.click("subscription-change").await;
    app.type_into("[data-testid='change-quantity']", "3").await;
    app.click("change-proration-always_invoice").await;
    let due = app.wait_for_text("change-due-now", ".").await.trim().to_string();
    assert!(due.chars().any(|c| c.is_ascii_digit() && c != '0'), "something is charged now: {due}");
    let preview = text_of(&app.find("change-preview").await).await;
    assert!(preview.contains("3 ×") || preview.contains("3 x"), "the preview bills three seats: {preview}");
    app.screenshot("subscription-change-preview").await;
    app.click("change-confirm").await;
    app.wait_for_text("subscription-notice", "changed").await;
    let items = text_of(&app.find("subscription-item").await).await;
    assert!(items.ends_with('3'), "three seats: {items}");
    // The invoice the change brought, newest first, is what the preview said.
    let newest = text_of(&app.find("subscription-invoice").await).await;
    assert!(newest.contains(&due) && newest.contains("paid"), "the invoice {newest:?} equals the preview's {due:?}");

    // The next renewal fails: past due, and in the dunning queue.
    simulate(&app, Some(("simulate-subscription", &subscription)), "simulate-fail-renewal", "declined").await;
    app.wait_for_text("subscription-status", "past due").await;
    app.click("subscription-back").await;
    app.click("tab-dunning").await;
    let row = text_of(&dunning_row(&app, "Acme GmbH").await).await;
    assert!(row.contains("declined") || row.contains("Declined"), "the decline's reason is shown: {row}");
    app.screenshot("dunning-queue").await;

    // The customer puts a working card on file; Retry now collects the renewal.
    simulate(&app, Some(("simulate-customer", &customer)), "simulate-update-card", "card").await;
    let row = dunning_row(&app, "Acme GmbH").await;
    row.find(Locator::Css("[data-testid='dunning-pay']")).await.expect("Retry now").click().await.expect("retry");
    app.click("dunning-confirm-go").await;
    app.wait_for_text("dunning-done", "").await;

    // Back to the subscription: active again.
    app.click("tab-subscriptions").await;
    app.type_into("[data-testid='subscriptions-search']", &subscription).await;
    app.wait_for_text("subscriptions-row", "active").await;
    app.click("subscriptions-row").await;
    app.wait_for_text("subscription-status", "active").await;
    app.close().await;
}
