//! Receivables aging as of two dates against stripe-sim, worked by hand: invoices with due
//! dates, a partial payment, a pre-payment credit note, a voided invoice and a paid one, with
//! the drill-down to the invoices and top customers by open balance.
//!
//! The emulator's clock starts at 2026-03-02 09:00 UTC. Expected numbers are literals with
//! their arithmetic in comments.

mod po_support;

use billfold_core::reports::{AgingAmounts, AgingBucketName, AgingFilter, AgingPageQuery, AgingSort, TopBy};
use billfold_core::sync::NoObserver;
use billfold_core::Billfold;
use po_support::{customer_pays, open_with_account, sim, unique_key};
use serde_json::Value;
use stripe_sim::Simulator;

/// 2026-03-02T09:00:00Z.
const START: i64 = 1_772_442_000;
const DAY: i64 = 86_400;

fn start_clock(sim: &Simulator) {
    let real_now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() as i64;
    assert!(sim.start_clock_in_past(real_now - START));
}

async fn post(app: &Billfold, account: &str, path: &str, pairs: &[(&str, &str)]) -> Value {
    let form: Vec<(String, String)> = pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
    app.gateway(account).await.unwrap().post_form(path, &form, None).await.unwrap()
}

/// A finalized `send_invoice` invoice of one line of `amount` euro cents, due `due_in_days`
/// days after [`START`]; answers its id.
async fn invoice(app: &Billfold, account: &str, customer: &str, amount: i64, due_in_days: i64) -> String {
    let due = (START + due_in_days * DAY).to_string();
    let draft = post(
        app,
        account,
        "/v1/invoices",
        &[("customer", customer), ("collection_method", "send_invoice"), ("due_date", &due), ("currency", "eur"), ("auto_advance", "false")],
    )
    .await;
    let id = draft["id"].as_str().unwrap().to_string();
    post(app, account, "/v1/invoiceitems", &[("customer", customer), ("invoice", &id), ("amount", &amount.to_string()), ("currency", "eur"), ("description", "Tickets")]).await;
    let open = post(app, account, &format!("/v1/invoices/{id}/finalize"), &[]).await;
    assert_eq!(open["amount_due"], amount, "{open}");
    id
}

fn amounts(current: i64, days_1_30: i64, days_31_60: i64, total: i64, invoices: i64) -> AgingAmounts {
    AgingAmounts { current, days_1_30, days_31_60, days_61_90: 0, over_90: 0, total, invoices }
}

/// A page of up to 500 drill-down rows from `offset`.
fn page(sort: Option<AgingSort>, descending: bool, offset: i64) -> AgingPageQuery {
    AgingPageQuery { sort, descending, offset, limit: 500 }
}

#[tokio::test]
async fn aging_as_of_two_dates_worked_by_hand() {
    let sim = sim().await;
    start_clock(&sim);
    let dir = tempfile::tempdir().unwrap();
    let (app, a) = open_with_account(dir.path(), &sim, &unique_key()).await;
    let mut customers = Vec::new();
    for name in ["Acme", "Beta", "Cora"] {
        let customer = post(&app, &a, "/v1/customers", &[("name", name), ("email", &format!("{}@example.test", name.to_lowercase()))]).await;
        customers.push(customer["id"].as_str().unwrap().to_string());
    }
    let (acme, beta, cora) = (&customers[0], &customers[1], &customers[2]);

    // 2026-03-02: five invoices finalized.
    let inv1 = invoice(&app, &a, acme, 100_000, 30).await; // due 04-01
    let inv2 = invoice(&app, &a, beta, 50_000, 10).await; // due 03-12
    let inv3 = invoice(&app, &a, acme, 20_000, 5).await; // due 03-07
    let inv4 = invoice(&app, &a, beta, 30_000, 15).await; // due 03-17
    let inv5 = invoice(&app, &a, cora, 8_000, 20).await; // due 03-22
    // 03-10: a credit note of 100.00 lowers invoice 4 before it is paid.
    sim.advance_clock(8 * DAY);
    let note = post(&app, &a, "/v1/credit_notes", &[("invoice", &inv4), ("amount", "10000")]).await;
    assert_eq!(note["type"], "pre_payment");
    // 03-12: Acme pays 400.00 of invoice 1.
    sim.advance_clock(2 * DAY);
    customer_pays(&sim, &inv1, 40_000, "bank_transfer").await;
    // 03-20: invoice 3 is voided.
    sim.advance_clock(8 * DAY);
    post(&app, &a, &format!("/v1/invoices/{inv3}/void"), &[]).await;
    // 03-25: Cora pays invoice 5 in full.
    sim.advance_clock(5 * DAY);
    customer_pays(&sim, &inv5, 8_000, "bank_transfer").await;
    // 2026-04-25: everything synced.
    sim.advance_clock(31 * DAY);
    app.sync_once(&a, &NoObserver).await.unwrap();

    // As of 2026-03-15 every invoice was open:
    // inv1 100,000 − 40,000 paid = 60,000, due 04-01: current;
    // inv2 50,000, due 03-12: 3 days late, 1–30;
    // inv3 20,000 (voided only on 03-20), due 03-07: 8 days late, 1–30;
    // inv4 30,000 − 10,000 credited = 20,000, due 03-17: current;
    // inv5 8,000 (paid only on 03-25), due 03-22: current.
    let march = app.aging_report(Some(&a), "2026-03-15", 0).unwrap();
    assert_eq!(march.currencies.len(), 1);
    assert_eq!(march.currencies[0].currency, "eur");
    // current 60,000 + 20,000 + 8,000 = 88,000; 1–30 50,000 + 20,000 = 70,000; total 158,000.
    assert_eq!(march.currencies[0].total, amounts(88_000, 70_000, 0, 158_000, 5));
    let by_customer: Vec<(Option<String>, AgingAmounts)> =
        march.currencies[0].customers.iter().map(|c| (c.name.clone(), c.amounts.clone())).collect();
    assert_eq!(
        by_customer,
        vec![
            // Acme: inv1 60,000 current + inv3 20,000 late = 80,000.
            (Some("Acme".into()), amounts(60_000, 20_000, 0, 80_000, 2)),
            // Beta: inv4 20,000 current + inv2 50,000 late = 70,000.
            (Some("Beta".into()), amounts(20_000, 50_000, 0, 70_000, 2)),
            (Some("Cora".into()), amounts(8_000, 0, 0, 8_000, 1)),
        ]
    );

    // As of 2026-04-20: inv3 voided and inv5 paid are gone;
    // inv1 60,000, 19 days late (04-01 → 04-20): 1–30;
    // inv2 50,000, 39 days late (03-12 → 04-12 is 31, + 8): 31–60;
    // inv4 20,000, 34 days late (03-17 → 04-17 is 31, + 3): 31–60.
    let april = app.aging_report(Some(&a), "2026-04-20", 0).unwrap();
    // 1–30 60,000; 31–60 50,000 + 20,000 = 70,000; total 130,000.
    assert_eq!(april.currencies[0].total, amounts(0, 60_000, 70_000, 130_000, 3));

    // Drill-down: the 31–60 bucket on 04-20 is inv2 (39 days) then inv4 (34 days).
    let bucket = AgingFilter { currency: Some("eur"), customer_id: None, bucket: Some(AgingBucketName::Days31To60) };
    let listed: Vec<(String, i64, i64)> = app
        .aging_invoices(Some(&a), "2026-04-20", 0, &bucket, page(None, false, 0))
        .unwrap()
        .rows
        .into_iter()
        .map(|invoice| (invoice.invoice_id, invoice.days_past_due, invoice.owed))
        .collect();
    assert_eq!(listed, vec![(inv2.clone(), 39, 50_000), (inv4.clone(), 34, 20_000)]);
    // Acme's invoices on 03-15: inv3 8 days late, then inv1 not due for 17 days (03-15 → 04-01).
    let acme_filter = AgingFilter { currency: Some("eur"), customer_id: Some(acme), bucket: None };
    let listed: Vec<(String, i64, AgingBucketName, i64)> = app
        .aging_invoices(Some(&a), "2026-03-15", 0, &acme_filter, page(None, false, 0))
        .unwrap()
        .rows
        .into_iter()
        .map(|invoice| (invoice.invoice_id, invoice.days_past_due, invoice.bucket, invoice.owed))
        .collect();
    assert_eq!(
        listed,
        vec![(inv3.clone(), 8, AgingBucketName::Days1To30, 20_000), (inv1.clone(), -17, AgingBucketName::Current, 60_000)]
    );

    // Every invoice open on 04-20, a page of two at a time: the default order is most days
    // past due first (inv2 39, inv4 34, inv1 19); by amount owed, smallest first, it is inv4
    // 20,000, inv2 50,000, inv1 60,000; by due date, newest first, inv1, inv4, inv2.
    let everything = AgingFilter::default();
    let ids = |sort: Option<AgingSort>, descending: bool, offset: i64| -> (i64, Vec<String>) {
        let answer = app.aging_invoices(Some(&a), "2026-04-20", 0, &everything, AgingPageQuery { limit: 2, ..page(sort, descending, offset) }).unwrap();
        (answer.total, answer.rows.into_iter().map(|invoice| invoice.invoice_id).collect())
    };
    assert_eq!(ids(None, false, 0), (3, vec![inv2.clone(), inv4.clone()]));
    assert_eq!(ids(None, false, 2), (3, vec![inv1.clone()]));
    assert_eq!(ids(Some(AgingSort::Owed), false, 0), (3, vec![inv4.clone(), inv2.clone()]));
    assert_eq!(ids(Some(AgingSort::Owed), false, 2), (3, vec![inv1.clone()]));
    assert_eq!(ids(Some(AgingSort::DueDate), true, 0), (3, vec![inv1.clone(), inv4.clone()]));
    // All accounts lists this account's invoices too.
    let all = app.aging_invoices(None, "2026-04-20", 0, &everything, page(None, false, 0)).unwrap();
    assert_eq!(all.total, 3);

    // Top customers by open balance on 04-20: Beta 70,000 (all overdue), Acme 60,000 (all overdue).
    let top = app.top_customers(Some(&a), "2026-04-01", "2026-04-20", TopBy::OpenBalance, 10, 0).unwrap();
    let ranked: Vec<(Option<String>, i64, i64)> =
        top.currencies[0].customers.iter().map(|c| (c.name.clone(), c.amount, c.overdue)).collect();
    assert_eq!(ranked, vec![(Some("Beta".into()), 70_000, 70_000), (Some("Acme".into()), 60_000, 60_000)]);

    // Before anything was finalized nothing was owed; all accounts shows this one's.
    assert!(app.aging_report(Some(&a), "2026-03-01", 0).unwrap().currencies.is_empty());
    assert_eq!(app.aging_report(None, "2026-04-20", 0).unwrap().currencies[0].total.total, 130_000);

    // The dashboard on 2026-04-20 (12:00 UTC): open now are inv1 60,000, inv2 50,000 and inv4
    // 20,000 = 130,000, all three past due; nothing is a draft.
    let noon = START + 49 * DAY + 3 * 3_600;
    let dashboard = app.dashboard_figures(Some(&a), "2026-04-01", "2026-04-30", 0, noon).unwrap();
    assert_eq!((dashboard.previous_from.as_str(), dashboard.previous_to.as_str()), ("2026-03-01", "2026-03-31"));
    let eur = dashboard.money.iter().find(|money| money.currency == "eur").unwrap();
    assert_eq!((eur.open_receivables, eur.overdue, eur.mrr), (130_000, 130_000, 0));
    assert_eq!((dashboard.counts[0].overdue_invoices, dashboard.counts[0].draft_invoices), (3, 0));

    // Input is checked.
    assert!(app.aging_report(Some(&a), "2026-04-31", 0).is_err());
    let bad = AgingFilter { currency: Some("xx1"), customer_id: None, bucket: None };
    assert!(app.aging_invoices(Some(&a), "2026-04-20", 0, &bad, page(None, false, 0)).is_err());
    let everything = AgingFilter::default();
    assert!(app.aging_invoices(Some(&a), "2026-04-20", 0, &everything, AgingPageQuery { limit: 0, ..page(None, false, 0) }).is_err());
    assert!(app.aging_invoices(Some(&a), "2026-04-20", 0, &everything, page(None, false, -1)).is_err());
}
