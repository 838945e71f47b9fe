//! Revenue and top customers by revenue against stripe-sim, worked by hand: a scripted
//! account (payments, a partial and a full refund, a lost and a won dispute, fees from the
//! emulator's ledger at 2.9 % + 30, a dispute fee of 15.00) and a second account in JPY and
//! EUR for the All-accounts view. Also: the balance ledger arrives on the first sync and on a
//! later pass, without duplicates, and a poll with nothing new still costs one request.
//!
//! The emulator's clock starts at 2026-03-02 09:00 UTC (a Monday), so every object has a
//! known day. Expected numbers are literals with their arithmetic in comments.

mod po_support;

use std::collections::BTreeSet;

use billfold_core::accounts::NewAccount;
use billfold_core::reports::{Granularity, RevenueCurrency, RevenueRow, TopBy};
use billfold_core::secrets::Secret;
use billfold_core::store::DATABASE_FILE;
use billfold_core::sync::NoObserver;
use billfold_core::Billfold;
use po_support::{open_with_account, sim, unique_key};
use serde_json::Value;
use stripe_sim::Simulator;

/// 2026-03-02T09:00:00Z.
const START: i64 = 1_772_442_000;
const DAY: i64 = 86_400;

/// Starts an empty emulator's clock at [`START`].
fn start_clock(sim: &Simulator) {
    let real_now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() as i64;
    assert!(sim.start_clock_in_past(real_now - START));
}

async fn post(app: &Billfold, account: &str, path: &str, pairs: &[(&str, &str)]) -> Value {
    let form: Vec<(String, String)> = pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
    app.gateway(account).await.unwrap().post_form(path, &form, None).await.unwrap()
}

async fn get(app: &Billfold, account: &str, path: &str) -> Value {
    app.gateway(account).await.unwrap().get_json(path, &[]).await.unwrap()
}

/// A customer with a working card saved as their default; answers its id.
async fn customer(app: &Billfold, account: &str, name: &str) -> String {
    let customer = post(app, account, "/v1/customers", &[("name", name), ("email", &format!("{}@example.test", name.to_lowercase()))]).await;
    let id = customer["id"].as_str().unwrap().to_string();
    let pm = post(app, account, "/v1/payment_methods/pm_card_visa/attach", &[("customer", &id)]).await;
    post(app, account, &format!("/v1/customers/{id}"), &[("invoice_settings[default_payment_method]", pm["id"].as_str().unwrap())]).await;
    id
}

/// A confirmed payment of `amount` by `customer` with `card`; answers the payment intent id.
async fn pay(app: &Billfold, account: &str, customer: &str, amount: i64, currency: &str, card: &str) -> String {
    let pm = if card == "pm_card_visa" {
        let pm = post(app, account, "/v1/payment_methods/pm_card_visa/attach", &[("customer", customer)]).await;
        pm["id"].as_str().unwrap().to_string()
    } else {
        card.to_string()
    };
    let intent = post(
        app,
        account,
        "/v1/payment_intents",
        &[("amount", &amount.to_string()), ("currency", currency), ("customer", customer), ("payment_method", &pm), ("confirm", "true")],
    )
    .await;
    assert_eq!(intent["status"], "succeeded", "{intent}");
    intent["id"].as_str().unwrap().to_string()
}

async fn dispute_of(app: &Billfold, account: &str, intent: &str) -> String {
    let disputes = get(app, account, &format!("/v1/disputes?payment_intent={intent}")).await;
    disputes["data"][0]["id"].as_str().unwrap().to_string()
}

/// Every balance transaction id Stripe lists for the account (all pages).
async fn stripe_ledger(app: &Billfold, account: &str) -> BTreeSet<String> {
    let gateway = app.gateway(account).await.unwrap();
    let mut ids = BTreeSet::new();
    let mut after: Option<String> = None;
    loop {
        let mut query = vec![("limit".to_string(), "100".to_string())];
        if let Some(after) = &after {
            query.push(("starting_after".into(), after.clone()));
        }
        let page = gateway.get_json("/v1/balance_transactions", &query).await.unwrap();
        let data = page["data"].as_array().unwrap();
        ids.extend(data.iter().map(|t| t["id"].as_str().unwrap().to_string()));
        after = data.last().map(|t| t["id"].as_str().unwrap().to_string());
        if page["has_more"] != true {
            return ids;
        }
    }
}

/// The cached ledger's ids and its row count (which would exceed the ids if any repeated).
fn cached_ledger(dir: &std::path::Path, account: &str) -> (BTreeSet<String>, i64) {
    let conn = rusqlite::Connection::open(dir.join(DATABASE_FILE)).unwrap();
    let mut stmt = conn.prepare("SELECT id FROM cache_balance_transactions WHERE account_id = ?1").unwrap();
    let ids: Vec<String> = stmt.query_map([account], |row| row.get(0)).unwrap().map(Result::unwrap).collect();
    let count = ids.len() as i64;
    (ids.into_iter().collect(), count)
}

/// Cached ledger rows that are not payouts.
fn ledger_rows_but_payouts(dir: &std::path::Path, account: &str) -> i64 {
    let conn = rusqlite::Connection::open(dir.join(DATABASE_FILE)).unwrap();
    conn.query_row(
        "SELECT count(*) FROM cache_balance_transactions WHERE account_id = ?1 AND type <> 'payout'",
        [account],
        |row| row.get(0),
    )
    .unwrap()
}

fn row(period: &str, gross: i64, refunds: i64, disputes_lost: i64, fees: i64, net: i64) -> RevenueRow {
    RevenueRow { period: period.into(), gross, refunds, disputes_lost, other: 0, fees, net }
}

fn currency<'a>(currencies: &'a [RevenueCurrency], code: &str) -> &'a RevenueCurrency {
    currencies.iter().find(|c| c.currency == code).unwrap_or_else(|| panic!("no {code} in {currencies:?}"))
}

#[tokio::test]
async fn revenue_and_top_customers_by_revenue_worked_by_hand() {
    let sim = sim().await;
    start_clock(&sim);
    let dir = tempfile::tempdir().unwrap();
    let (app, a) = open_with_account(dir.path(), &sim, &unique_key()).await;

    // Monday 2026-03-02 (ISO week 10): three payments by Acme, a partial and a full refund.
    let acme = customer(&app, &a, "Acme").await;
    pay(&app, &a, &acme, 10_000, "eur", "pm_card_visa").await;
    let p2 = pay(&app, &a, &acme, 5_000, "eur", "pm_card_visa").await;
    let p3 = pay(&app, &a, &acme, 3_000, "eur", "pm_card_visa").await;
    post(&app, &a, "/v1/refunds", &[("payment_intent", &p2), ("amount", "2000")]).await;
    post(&app, &a, "/v1/refunds", &[("payment_intent", &p3)]).await;

    // First sync: the ledger's backfill brings the 3 charges and 2 refunds.
    app.sync_once(&a, &NoObserver).await.unwrap();
    let (cached, rows) = cached_ledger(dir.path(), &a);
    assert_eq!(rows, 5, "3 charges + 2 refunds");
    assert_eq!(cached, stripe_ledger(&app, &a).await);

    // Thursday 2026-03-12 (week 11): Beta pays twice with a card that is disputed; the first
    // dispute is lost, the second won.
    sim.advance_clock(10 * DAY);
    let beta = customer(&app, &a, "Beta").await;
    let p4 = pay(&app, &a, &beta, 4_200, "eur", "pm_card_createDispute").await;
    let p5 = pay(&app, &a, &beta, 2_000, "eur", "pm_card_createDispute").await;
    app.sync_once(&a, &NoObserver).await.unwrap();
    sim.resolve_dispute(&dispute_of(&app, &a, &p4).await, "lost").unwrap();
    sim.resolve_dispute(&dispute_of(&app, &a, &p5).await, "won").unwrap();

    // Monday 2026-04-06: one more payment by Acme.
    sim.advance_clock(25 * DAY);
    pay(&app, &a, &acme, 1_000, "eur", "pm_card_visa").await;

    // A later pass lists only what is new (with a small overlap) and repeats nothing.
    app.sync_once(&a, &NoObserver).await.unwrap();
    let (cached, rows) = cached_ledger(dir.path(), &a);
    let on_stripe = stripe_ledger(&app, &a).await;
    assert_eq!(cached, on_stripe);
    assert_eq!(rows, on_stripe.len() as i64, "no transaction twice");
    // 5 before + 2 charges + 2 dispute withdrawals + 1 reversal + 1 charge, and the
    // automatic payouts the emulator made while the clock moved on.
    assert_eq!(ledger_rows_but_payouts(dir.path(), &a), 11);
    let quiet = app.sync_once(&a, &NoObserver).await.unwrap();
    assert_eq!(quiet.requests, 1, "nothing new: only the events request");
    assert_eq!(cached_ledger(dir.path(), &a).1, rows);

    // Fees (2.9 % rounded half up, + 30): 10,000 → 290 + 30 = 320; 5,000 → 145 + 30 = 175;
    // 3,000 → 87 + 30 = 117; 4,200 → 121.8 ≈ 122 + 30 = 152; 2,000 → 58 + 30 = 88;
    // 1,000 → 29 + 30 = 59. Each dispute withdrawal carries a 1,500 dispute fee.
    let march = app.revenue_report(Some(&a), "2026-03-01", "2026-03-31", Granularity::Month, 0).unwrap();
    assert_eq!(march.periods, ["2026-03"]);
    assert_eq!(march.currencies.len(), 1);
    // gross 10,000 + 5,000 + 3,000 + 4,200 + 2,000 = 24,200; refunds 2,000 + 3,000 = 5,000;
    // disputes lost 4,200 + 2,000 − 2,000 (won back) = 4,200;
    // fees 320 + 175 + 117 + 152 + 88 + 1,500 + 1,500 = 3,852;
    // net 24,200 − 5,000 − 4,200 − 3,852 = 11,148.
    assert_eq!(march.currencies[0].rows, vec![row("2026-03", 24_200, 5_000, 4_200, 3_852, 11_148)]);

    let weeks = app.revenue_report(Some(&a), "2026-03-02", "2026-03-15", Granularity::Week, 0).unwrap();
    assert_eq!(weeks.periods, ["2026-W10", "2026-W11"]);
    assert_eq!(
        weeks.currencies[0].rows,
        vec![
            // 18,000 gross; 5,000 refunded; fees 320 + 175 + 117 = 612; net 18,000 − 5,000 − 612 = 12,388.
            row("2026-W10", 18_000, 5_000, 0, 612, 12_388),
            // 6,200 gross; 4,200 lost; fees 152 + 88 + 1,500 + 1,500 = 3,240; net 6,200 − 4,200 − 3,240 = −1,240.
            row("2026-W11", 6_200, 0, 4_200, 3_240, -1_240),
        ]
    );
    // The total row: 12,388 − 1,240 = 11,148, as the month.
    assert_eq!(weeks.currencies[0].total, row("total", 24_200, 5_000, 4_200, 3_852, 11_148));

    let days = app.revenue_report(Some(&a), "2026-04-05", "2026-04-07", Granularity::Day, 0).unwrap();
    // 1,000 − 59 = 941 on the 6th, nothing on the 5th and 7th.
    assert_eq!(
        days.currencies[0].rows,
        vec![row("2026-04-05", 0, 0, 0, 0, 0), row("2026-04-06", 1_000, 0, 0, 59, 941), row("2026-04-07", 0, 0, 0, 0, 0)]
    );
    // Ten hours west of UTC, 09:00 UTC on 04-06 is still 23:00 on 04-05.
    let west = app.revenue_report(Some(&a), "2026-04-05", "2026-04-06", Granularity::Day, -10 * 60).unwrap();
    assert_eq!(west.currencies[0].rows[0], row("2026-04-05", 1_000, 0, 0, 59, 941));

    // Top customers by revenue in March (net of refunds and lost disputes, before fees):
    // Acme 18,000 − 5,000 = 13,000; Beta 6,200 − 4,200 = 2,000.
    let top = app.top_customers(Some(&a), "2026-03-01", "2026-03-31", TopBy::Revenue, 10, 0).unwrap();
    let ranked: Vec<(Option<String>, i64, i64, i64)> =
        top.currencies[0].customers.iter().map(|c| (c.name.clone(), c.amount, c.gross, c.refunded)).collect();
    assert_eq!(ranked, vec![(Some("Acme".into()), 13_000, 18_000, 5_000), (Some("Beta".into()), 2_000, 6_200, 4_200)]);
    let top_one = app.top_customers(Some(&a), "2026-03-01", "2026-03-31", TopBy::Revenue, 1, 0).unwrap();
    assert_eq!(top_one.currencies[0].customers.len(), 1);

    // A second account: a Japanese customer pays ¥5,000 and a German one €20.00, in March.
    let b = app
        .add_account(NewAccount {
            name: "Second Conf".into(),
            secret_key: Secret::new(unique_key()),
            default_currency: "jpy".into(),
            api_base: Some(sim.base_url().into()),
            webhook_secret: None,
        })
        .await
        .unwrap()
        .id;
    let kobe = customer(&app, &b, "Kobe").await;
    // The clock is at 2026-04-06; these land in April.
    pay(&app, &b, &kobe, 5_000, "jpy", "pm_card_visa").await;
    let berlin = customer(&app, &b, "Berlin").await;
    pay(&app, &b, &berlin, 2_000, "eur", "pm_card_visa").await;
    app.sync_once(&b, &NoObserver).await.unwrap();

    let april_all = app.revenue_report(None, "2026-04-01", "2026-04-30", Granularity::Month, 0).unwrap();
    assert_eq!(april_all.currencies.len(), 2, "never converted: one per currency");
    // JPY has no minor unit; the emulator's default fee is 2.9 % + 30: 145 + 30 = 175; net 4,825.
    assert_eq!(currency(&april_all.currencies, "jpy").rows, vec![row("2026-04", 5_000, 0, 0, 175, 4_825)]);
    // EUR of both accounts: 1,000 (fee 59) + 2,000 (fee 58 + 30 = 88): gross 3,000, fees 147, net 2,853.
    assert_eq!(currency(&april_all.currencies, "eur").rows, vec![row("2026-04", 3_000, 0, 0, 147, 2_853)]);
    // One account only sees its own.
    let april_b = app.revenue_report(Some(&b), "2026-04-01", "2026-04-30", Granularity::Month, 0).unwrap();
    assert_eq!(currency(&april_b.currencies, "eur").rows, vec![row("2026-04", 2_000, 0, 0, 88, 1_912)]);

    // All accounts' top customers in April, per currency: EUR Berlin 2,000 then Acme 1,000; JPY Kobe 5,000.
    let top_all = app.top_customers(None, "2026-04-01", "2026-04-30", TopBy::Revenue, 10, 0).unwrap();
    let eur: Vec<(Option<String>, i64)> =
        top_all.currencies.iter().find(|c| c.currency == "eur").unwrap().customers.iter().map(|c| (c.name.clone(), c.amount)).collect();
    assert_eq!(eur, vec![(Some("Berlin".into()), 2_000), (Some("Acme".into()), 1_000)]);
    let jpy = &top_all.currencies.iter().find(|c| c.currency == "jpy").unwrap().customers;
    assert_eq!((jpy[0].name.as_deref(), jpy[0].amount, jpy[0].account_id.as_str()), (Some("Kobe"), 5_000, b.as_str()));

    // Input is checked.
    assert!(app.revenue_report(Some(&a), "2026-03-31", "2026-03-01", Granularity::Month, 0).is_err());
    assert!(app.revenue_report(Some(&a), "2025-01-01", "2026-03-01", Granularity::Day, 0).is_err(), "a day report covers a year at most");
    assert!(app.revenue_report(Some("acct_nope"), "2026-03-01", "2026-03-31", Granularity::Month, 0).is_err());
    assert!(app.top_customers(None, "2026-03-01", "2026-03-31", TopBy::Revenue, 0, 0).is_err());
}
