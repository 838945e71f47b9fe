//! Balance and payouts against a real stripe-sim: card payments and a refund, the clock moved
//! past the daily payout, a sync: the payout is listed from the cache, its transactions are
//! fetched once and add up to it, its CSV has a row for each, the balance equals Stripe's,
//! and all of it reads back with the emulator gone. The events list filters the cached events
//! by type with wildcards and pages through them.

use billfold_core::events_list::EventQuery;
use billfold_core::store::ListQuery;
use billfold_core::sync::NoObserver;
use billfold_core::{Billfold, ErrorCode};
use serde_json::Value;

#[path = "support/sim_account.rs"]
mod sim_account;

use sim_account::sim;

const DAY: i64 = 86_400;

fn unique_key() -> String {
    format!("sk_test_51Payout{}", uuid::Uuid::new_v4().simple())
}

fn form(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs.iter().map(|(name, value)| (name.to_string(), value.to_string())).collect()
}

/// A customer named `name` pays `amount` US cents by card; answers the customer and charge ids.
async fn card_payment(app: &Billfold, account: &str, name: &str, amount: i64) -> (String, String) {
    let gateway = app.gateway(account).await.unwrap();
    let customer = gateway.post_form("/v1/customers", &form(&[("name", name)]), None).await.unwrap();
    let customer = customer["id"].as_str().unwrap().to_string();
    let intent = gateway
        .post_form(
            "/v1/payment_intents",
            &form(&[
                ("amount", &amount.to_string()),
                ("currency", "usd"),
                ("customer", &customer),
                ("payment_method", "pm_card_visa"),
                ("confirm", "true"),
            ]),
            None,
        )
        .await
        .unwrap();
    assert_eq!(intent["status"], "succeeded");
    (customer, intent["latest_charge"].as_str().unwrap().to_string())
}

#[tokio::test]
async fn a_payout_adds_up_exports_and_reads_back_offline_with_the_balance() {
    let sim = sim().await;
    let dir = tempfile::tempdir().unwrap();
    let (app, account) = sim_account::open_with_account(dir.path(), &sim, &unique_key(), "Payouts").await;
    let (acme, acme_charge) = card_payment(&app, &account, "Acme GmbH", 10_000).await;
    let (_, globex_charge) = card_payment(&app, &account, "=Globex", 2_550).await;
    let gateway = app.gateway(&account).await.unwrap();
    let refund = gateway.post_form("/v1/refunds", &form(&[("charge", &acme_charge), ("amount", "1000")]), None).await.unwrap();
    let refund = refund["id"].as_str().unwrap().to_string();
    // The funds are available two days on; the next midnight pays them out.
    sim.advance_clock(3 * DAY);
    app.sync_once(&account, &NoObserver).await.unwrap();

    let page = app.list_payouts(&account, &ListQuery { limit: 50, ..ListQuery::default() }).unwrap();
    assert_eq!(page.total, 1);
    let payout = page.rows[0].clone();
    assert_eq!((payout.status.as_str(), payout.currency.as_str(), payout.automatic), ("in_transit", "usd", true));
    assert_eq!(payout.amount, (10_000 - 320) + (2_550 - 104) - 1_000);
    let searched = app.list_payouts(&account, &ListQuery { limit: 50, search: Some(payout.id[3..12].to_string()), ..ListQuery::default() }).unwrap();
    assert_eq!(searched.rows.len(), 1, "found by id");
    let paid_only = app.list_payouts(&account, &ListQuery { limit: 50, status: Some("paid".into()), ..ListQuery::default() }).unwrap();
    assert_eq!(paid_only.total, 0);
    let bad = app.list_payouts(&account, &ListQuery { limit: 50, status: Some("lost".into()), ..ListQuery::default() }).unwrap_err();
    assert_eq!(bad.payload().code, ErrorCode::Validation);

    let before = sim.request_count();
    let detail = app.payout_detail(&account, &payout.id).await.unwrap();
    assert_eq!(sim.request_count() - before, 1, "one page of transactions");
    assert_eq!(detail.transactions.len(), 3);
    assert_eq!(detail.sums.net, payout.amount, "the transactions add up to the payout");
    assert!(detail.sums.matches_payout);
    assert_eq!((detail.sums.amount, detail.sums.fee), (10_000 + 2_550 - 1_000, 320 + 104));
    let of_source = |source: &str| detail.transactions.iter().find(|t| t.source_id.as_deref() == Some(source)).unwrap();
    assert_eq!(of_source(&acme_charge).customer_id.as_deref(), Some(acme.as_str()));
    assert_eq!(of_source(&acme_charge).customer_name.as_deref(), Some("Acme GmbH"));
    let refund_row = of_source(&refund);
    assert_eq!((refund_row.transaction_type.as_str(), refund_row.net), ("refund", -1_000));
    assert_eq!(refund_row.charge_id.as_deref(), Some(acme_charge.as_str()));
    assert_eq!(refund_row.customer_id.as_deref(), Some(acme.as_str()), "a refund's customer is its charge's, from the cache");
    assert_eq!(of_source(&globex_charge).fee, 104);
    let again = app.payout_detail(&account, &payout.id).await.unwrap();
    assert_eq!(sim.request_count() - before, 1, "the second opening reads the cache");
    assert_eq!(again, detail);

    let csv = app.export_payout_csv(&account, &payout.id).await.unwrap();
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines.len(), 4, "{csv}");
    assert!(lines[0].starts_with("payout_id,transaction_id,type"));
    assert!(lines.iter().any(|line| line.contains(",'=Globex,") && line.ends_with(",USD,25.50,1.04,24.46")), "{csv}");
    assert!(lines.iter().any(|line| line.ends_with(",USD,-10.00,0.00,-10.00")), "{csv}");

    let balance = app.account_balance(&account).await.unwrap();
    assert!(!balance.stale);
    let stripe: Value = gateway.get_json("/v1/balance", &[]).await.unwrap();
    let usd = balance.amounts.iter().find(|amount| amount.currency == "usd").unwrap();
    assert_eq!(usd.available, stripe["available"][0]["amount"].as_i64().unwrap());
    assert_eq!(usd.pending, stripe["pending"][0]["amount"].as_i64().unwrap());
    assert_eq!((usd.available, usd.pending), (0, 0), "everything available was paid out");

    // Two days later the payout arrives; its events keep the cached row.
    sim.advance_clock(2 * DAY);
    app.sync_once(&account, &NoObserver).await.unwrap();
    let paid = app.list_payouts(&account, &ListQuery { limit: 50, status: Some("paid".into()), ..ListQuery::default() }).unwrap();
    assert_eq!(paid.rows.iter().map(|row| row.id.as_str()).collect::<Vec<_>>(), vec![payout.id.as_str()]);

    drop(sim);
    let offline = app.payout_detail(&account, &payout.id).await.unwrap();
    assert_eq!(offline.transactions, detail.transactions, "read from the cache without Stripe");
    assert_eq!(offline.payout.status, "paid");
    let kept = app.account_balance(&account).await.unwrap();
    assert!(kept.stale, "shown as of when it was read");
    assert_eq!(kept.as_of, balance.as_of);
    assert_eq!(kept.amounts, balance.amounts);
    assert_eq!(app.list_payouts(&account, &ListQuery { limit: 50, ..ListQuery::default() }).unwrap().total, 1);
}

#[tokio::test]
async fn the_events_list_filters_by_type_with_wildcards_and_pages() {
    let sim = sim().await;
    let dir = tempfile::tempdir().unwrap();
    let (app, account) = sim_account::open_with_account(dir.path(), &sim, &unique_key(), "Events").await;
    // The first sync is the backfill (objects, not events); what follows arrives as events.
    app.sync_once(&account, &NoObserver).await.unwrap();
    card_payment(&app, &account, "Initech", 4_000).await;
    card_payment(&app, &account, "Umbrella", 5_000).await;
    app.sync_once(&account, &NoObserver).await.unwrap();
    sim.advance_clock(3 * DAY);
    app.sync_once(&account, &NoObserver).await.unwrap();

    let all = app.list_events(&account, &EventQuery { limit: 500, ..EventQuery::default() }).unwrap();
    assert!(all.total >= 8, "{}", all.total);
    assert!(all.rows.windows(2).all(|pair| (pair[0].created, &pair[0].id) >= (pair[1].created, &pair[1].id)), "newest first");
    assert!(all.rows.iter().all(|row| row.source == "poll" && row.applied_at.is_some()));

    let payouts = app.list_events(&account, &EventQuery { event_type: Some("payout.*".into()), limit: 500, ..EventQuery::default() }).unwrap();
    assert_eq!(payouts.rows.iter().map(|row| row.event_type.as_str()).collect::<Vec<_>>(), vec!["payout.created"]);
    assert_eq!(payouts.rows[0].object_type.as_deref(), Some("payout"));
    let charges = app.list_events(&account, &EventQuery { event_type: Some("*.succeeded".into()), limit: 500, ..EventQuery::default() }).unwrap();
    assert_eq!(charges.total, 4, "charge.succeeded and payment_intent.succeeded, twice");
    assert!(charges.rows.iter().all(|row| row.event_type.ends_with(".succeeded")));
    let exact = app.list_events(&account, &EventQuery { event_type: Some("customer.created".into()), limit: 500, ..EventQuery::default() }).unwrap();
    assert_eq!(exact.total, 2);
    let customer = exact.rows[0].object_id.clone().unwrap();
    let about = app.list_events(&account, &EventQuery { object_id: Some(customer.clone()), limit: 500, ..EventQuery::default() }).unwrap();
    assert!(about.rows.iter().all(|row| row.object_id.as_deref() == Some(customer.as_str())));
    let refused = app.list_events(&account, &EventQuery { event_type: Some("invoice.[a-z]".into()), limit: 10, ..EventQuery::default() }).unwrap_err();
    assert_eq!(refused.payload().code, ErrorCode::Validation);

    let mut paged = Vec::new();
    let mut after = None;
    loop {
        let page = app.list_events(&account, &EventQuery { limit: 3, after: after.clone(), ..EventQuery::default() }).unwrap();
        assert_eq!(page.total, all.total);
        paged.extend(page.rows);
        match page.next {
            Some(next) => after = Some(next),
            None => break,
        }
    }
    assert_eq!(paged, all.rows, "pages of three walk the same list");

    let detail = app.event_detail(&account, &payouts.rows[0].id).unwrap();
    let json: Value = serde_json::from_str(&detail.json).unwrap();
    assert_eq!(json["type"], "payout.created");
    assert_eq!(json["data"]["object"]["object"], "payout");
    assert_eq!(app.event_detail(&account, "evt_missing").unwrap_err().payload().code, ErrorCode::NotFound);
}
