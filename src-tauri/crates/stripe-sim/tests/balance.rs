//! The balance ledger through async-stripe: a balance transaction for every charge (with
//! its fee), refund, dispute and payout; the balance added up from them; automatic daily
//! payouts on the simulated clock whose transactions add up to the payout.

mod common;

use std::time::{SystemTime, UNIX_EPOCH};

use stripe_core::balance::RetrieveForMyAccountBalance;
use stripe_core::balance_transaction::{ListBalanceTransaction, RetrieveBalanceTransaction};
use stripe_core::charge::RetrieveCharge;
use stripe_core::payment_intent::{CapturePaymentIntent, CreatePaymentIntent};
use stripe_core::payout::{ListPayout, RetrievePayout};
use stripe_core::refund::CreateRefund;
use stripe_shared::{BalanceTransaction, BalanceTransactionType, Charge, PaymentIntentCaptureMethod};
use stripe_sim::Simulator;
use stripe_types::{Currency, Expandable};

const DAY: i64 = 86_400;
const HOUR: i64 = 3_600;

/// A fresh emulator whose clock reads 06:00 UTC of some day, so that which midnights a test
/// crosses does not depend on when it runs; and a client of a fresh account and its key.
async fn start_at_six() -> (Simulator, stripe::Client, String) {
    let (sim, _) = common::start().await;
    let real = SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_secs() as i64;
    let seconds_ago = real.rem_euclid(DAY) - 6 * HOUR + DAY;
    let started = common::raw_json_post(&sim, "/_sim/clock/start", &format!(r#"{{"seconds_ago":{seconds_ago}}}"#)).await;
    assert_eq!(started["now"].as_i64().unwrap().rem_euclid(DAY) / HOUR, 6, "{started}");
    let key = format!("sk_test_balance{:020}", real.rem_euclid(1 << 40));
    let client = common::client(&sim, &key);
    (sim, client, key)
}

async fn pay(client: &stripe::Client, amount: i64, currency: Currency) -> Charge {
    let intent = CreatePaymentIntent::new(amount, currency).payment_method("pm_card_visa").confirm(true).send(client).await.unwrap();
    let charge = intent.latest_charge.unwrap().id().clone();
    RetrieveCharge::new(charge).expand(["balance_transaction".to_string()]).send(client).await.unwrap()
}

fn expanded_transaction(charge: &Charge) -> &BalanceTransaction {
    match charge.balance_transaction.as_ref().expect("a captured charge has a balance transaction") {
        Expandable::Object(transaction) => transaction,
        Expandable::Id(id) => panic!("{id} was not expanded"),
    }
}

/// (available, pending) of a currency in `GET /v1/balance`.
async fn balance(client: &stripe::Client, currency: Currency) -> (i64, i64) {
    let balance = RetrieveForMyAccountBalance::new().send(client).await.unwrap();
    let of = |side: &[stripe_core::BalanceAmount]| side.iter().find(|amount| amount.currency == currency).map_or(0, |amount| amount.amount);
    (of(&balance.available), of(&balance.pending))
}

async fn transactions_of_payout(client: &stripe::Client, payout: &str) -> Vec<BalanceTransaction> {
    ListBalanceTransaction::new().payout(payout).limit(100).send(client).await.unwrap().data
}

#[tokio::test]
async fn a_charge_pays_the_card_fee_and_becomes_available_two_days_later() {
    let (sim, client, _) = start_at_six().await;
    let charge = pay(&client, 10_000, Currency::USD).await;
    let transaction = expanded_transaction(&charge);
    assert_eq!(transaction.type_, BalanceTransactionType::Charge);
    assert_eq!(transaction.amount, 10_000);
    assert_eq!(transaction.fee, 320, "2.9 % + 30");
    assert_eq!(transaction.net, 9_680);
    assert_eq!(transaction.fee_details.len(), 1);
    assert_eq!(transaction.fee_details[0].amount, 320);
    assert_eq!(transaction.status, "pending");
    assert_eq!(transaction.available_on - transaction.created, 2 * DAY);
    assert_eq!(transaction.source.as_ref().unwrap().id().as_str(), charge.id.as_str());
    assert_eq!(balance(&client, Currency::USD).await, (0, 9_680));

    sim.advance_clock(2 * DAY + HOUR);
    let later = RetrieveBalanceTransaction::new(transaction.id.clone()).send(&client).await.unwrap();
    assert_eq!(later.status, "available", "the clock made it available");
    assert_eq!(balance(&client, Currency::USD).await, (9_680, 0));
    assert!(ListPayout::new().send(&client).await.unwrap().data.is_empty(), "no midnight has passed since it became available");
}

#[tokio::test]
async fn refunds_and_disputes_move_the_balance() {
    let (sim, client, key) = start_at_six().await;
    let charge = pay(&client, 5_000, Currency::USD).await;
    let refund = CreateRefund::new().charge(charge.id.as_str()).amount(2_000).send(&client).await.unwrap();
    let refund_txn = RetrieveBalanceTransaction::new(refund.balance_transaction.unwrap().id().clone()).send(&client).await.unwrap();
    assert_eq!((refund_txn.type_.clone(), refund_txn.amount, refund_txn.fee, refund_txn.net), (BalanceTransactionType::Refund, -2_000, 0, -2_000));
    assert_eq!(refund_txn.source.unwrap().id().as_str(), refund.id.as_str());

    let disputed = CreatePaymentIntent::new(4_200, Currency::USD).payment_method("pm_card_createDispute").confirm(true).send(&client).await.unwrap();
    let disputes = common::http(&sim, "GET", "/v1/disputes", &[("Authorization", &format!("Bearer {key}"))], "").await.2;
    let dispute = &disputes["data"][0];
    assert_eq!(dispute["payment_intent"], disputed.id.as_str());
    let withdrawal = &dispute["balance_transactions"][0];
    assert_eq!(withdrawal["type"], "adjustment");
    assert_eq!(withdrawal["reporting_category"], "dispute");
    assert_eq!(withdrawal["amount"], -4_200);
    assert_eq!(withdrawal["fee"], 1_500);
    assert_eq!(withdrawal["net"], -5_700);
    let won = common::raw_json_post(&sim, &format!("/_sim/disputes/{}/resolve", dispute["id"].as_str().unwrap()), r#"{"outcome":"won"}"#).await;
    assert_eq!(won["balance_transactions"][1]["amount"], 4_200, "a won dispute reinstates the funds");

    let listed = ListBalanceTransaction::new().type_("adjustment").send(&client).await.unwrap().data;
    assert_eq!(listed.len(), 2);
    // 5000 - 175 fee, 2000 refunded; 4200 - 152 fee, withdrawn with 1500, reinstated.
    let expected_pending = 5_000 - 175 + 4_200 - 152;
    let expected_available = -2_000 - 5_700 + 4_200;
    assert_eq!(balance(&client, Currency::USD).await, (expected_available, expected_pending));
}

#[tokio::test]
async fn a_daily_payout_takes_the_available_funds_and_its_transactions_add_up() {
    let (sim, client, _) = start_at_six().await;
    let first = pay(&client, 10_000, Currency::USD).await;
    let second = pay(&client, 2_550, Currency::USD).await;
    CreateRefund::new().charge(first.id.as_str()).amount(1_000).send(&client).await.unwrap();
    let euros = pay(&client, 3_000, Currency::EUR).await;
    // Two days and a midnight: the charges' funds are available at 06:00 on day 2 and the
    // payout is made at the midnight after.
    sim.advance_clock(2 * DAY + 19 * HOUR);
    let payouts = ListPayout::new().send(&client).await.unwrap().data;
    assert_eq!(payouts.len(), 2, "one payout per currency");
    let usd = payouts.iter().find(|payout| payout.currency == Currency::USD).unwrap();
    assert_eq!(usd.status, "in_transit");
    assert!(usd.automatic);
    assert_eq!(usd.created.rem_euclid(DAY), 0, "made at a midnight");
    assert_eq!(usd.arrival_date - usd.created, 2 * DAY);
    let expected = (10_000 - 320) + (2_550 - 104) - 1_000;
    assert_eq!(usd.amount, expected);
    let included = transactions_of_payout(&client, usd.id.as_str()).await;
    assert_eq!(included.len(), 3);
    assert_eq!(included.iter().map(|transaction| transaction.net).sum::<i64>(), usd.amount, "the transactions add up to the payout");
    assert!(included.iter().any(|transaction| transaction.source.as_ref().unwrap().id().as_str() == second.id.as_str()));
    let eur = payouts.iter().find(|payout| payout.currency == Currency::EUR).unwrap();
    let euro_txns = transactions_of_payout(&client, eur.id.as_str()).await;
    assert_eq!(euro_txns.len(), 1);
    assert_eq!(euro_txns[0].source.as_ref().unwrap().id().as_str(), euros.id.as_str());
    assert_eq!(euro_txns[0].net, eur.amount);

    let payout_txn = RetrieveBalanceTransaction::new(usd.balance_transaction.as_ref().unwrap().id().clone()).send(&client).await.unwrap();
    assert_eq!((payout_txn.type_, payout_txn.amount), (BalanceTransactionType::Payout, -expected));
    assert_eq!(balance(&client, Currency::USD).await, (0, 0), "everything was paid out");

    // A new charge is not in the payout already made, and the next midnights pay nothing
    // until its funds are available (at 01:00, two days on).
    pay(&client, 700, Currency::USD).await;
    sim.advance_clock(DAY);
    assert_eq!(ListPayout::new().status("in_transit").send(&client).await.unwrap().data.len(), 2);
    sim.advance_clock(DAY);
    assert_eq!(ListPayout::new().send(&client).await.unwrap().data.len(), 2);
    sim.advance_clock(DAY);
    let paid = ListPayout::new().status("paid").send(&client).await.unwrap().data;
    assert_eq!(paid.len(), 2, "the first payouts arrived");
    assert_eq!(RetrievePayout::new(usd.id.clone()).send(&client).await.unwrap().status, "paid");
    let arriving = ListPayout::new().arrival_date(stripe_types::RangeQueryTs::gt(usd.arrival_date)).send(&client).await.unwrap().data;
    assert_eq!(arriving.len(), 1, "the payout of the 7.00 charge");
    assert_eq!(arriving[0].amount, 700 - 50);
    let events = stripe_core::event::ListEvent::new().type_("payout.*").limit(100).send(&client).await.unwrap().data;
    let types: Vec<String> = events.iter().map(|event| event.type_.to_string()).collect();
    assert_eq!(types.iter().filter(|t| *t == "payout.created").count(), 3, "{types:?}");
    assert_eq!(types.iter().filter(|t| *t == "payout.paid").count(), 2, "{types:?}");
}

#[tokio::test]
async fn only_a_capture_moves_funds() {
    let (_sim, client, _) = start_at_six().await;
    let intent = CreatePaymentIntent::new(8_000, Currency::USD)
        .payment_method("pm_card_visa")
        .capture_method(PaymentIntentCaptureMethod::Manual)
        .confirm(true)
        .send(&client)
        .await
        .unwrap();
    let charge = intent.latest_charge.clone().unwrap().id().clone();
    assert!(RetrieveCharge::new(charge.clone()).send(&client).await.unwrap().balance_transaction.is_none());
    assert_eq!(balance(&client, Currency::USD).await, (0, 0));
    CapturePaymentIntent::new(intent.id.clone()).amount_to_capture(6_000).send(&client).await.unwrap();
    let captured = RetrieveCharge::new(charge).expand(["balance_transaction".to_string()]).send(&client).await.unwrap();
    let transaction = expanded_transaction(&captured);
    assert_eq!((transaction.amount, transaction.fee), (6_000, 204));
    assert_eq!(balance(&client, Currency::USD).await, (0, 5_796));
}

#[tokio::test]
async fn the_fee_table_is_set_per_currency() {
    let (sim, client, key) = start_at_six().await;
    let table = common::raw_json_post(&sim, &format!("/_sim/accounts/{key}/fees"), r#"{"eur":{"percent_bps":150,"fixed":25}}"#).await;
    assert_eq!(table["eur"]["percent_bps"], 150);
    assert_eq!(table["eur"]["dispute"], 1_500, "the dispute fee defaults to Stripe's");
    let euros = pay(&client, 1_000, Currency::EUR).await;
    assert_eq!(expanded_transaction(&euros).fee, 15 + 25);
    let dollars = pay(&client, 1_000, Currency::USD).await;
    assert_eq!(expanded_transaction(&dollars).fee, 29 + 30, "other currencies keep the standard fee");
    let refused = common::raw_json_post(&sim, &format!("/_sim/accounts/{key}/fees"), r#"{"xyz":{"percent_bps":1,"fixed":1}}"#).await;
    assert_eq!(refused["error"]["type"], "invalid_request_error");
    assert_eq!(common::raw_json_get(&sim, &format!("/_sim/accounts/{key}/fees")).await, table);
}

/// What the sync's later listings send: `created[gte]` with pages; Stripe's other `created`
/// operators work too, and a parameter Stripe does not take is refused as Stripe refuses it.
#[tokio::test]
async fn the_ledger_lists_from_a_time_on_and_refuses_unknown_parameters() {
    let (sim, client, key) = start_at_six().await;
    let first = pay(&client, 1_000, Currency::USD).await;
    sim.advance_clock(HOUR);
    let second = pay(&client, 2_000, Currency::USD).await;
    let third = pay(&client, 3_000, Currency::USD).await;
    let since = expanded_transaction(&second).created;
    let auth = format!("Bearer {key}");
    let list = |query: String| {
        let (sim, auth) = (&sim, auth.clone());
        async move { common::http(sim, "GET", &format!("/v1/balance_transactions?{query}"), &[("Authorization", &auth)], "").await }
    };
    let (status, _, page) = list(format!("created[gte]={since}&limit=1")).await;
    assert_eq!(status, 200);
    assert_eq!(page["data"][0]["id"], expanded_transaction(&third).id.as_str(), "newest first");
    assert_eq!(page["has_more"], true);
    let after = page["data"][0]["id"].as_str().unwrap().to_string();
    let (_, _, next) = list(format!("created[gte]={since}&limit=1&starting_after={after}")).await;
    assert_eq!(next["data"][0]["id"], expanded_transaction(&second).id.as_str());
    assert_eq!(next["has_more"], false, "the first charge is older than created[gte]");
    let (_, _, older) = list(format!("created[lt]={since}")).await;
    let ids: Vec<&str> = older["data"].as_array().unwrap().iter().map(|t| t["id"].as_str().unwrap()).collect();
    assert_eq!(ids, [expanded_transaction(&first).id.as_str()]);
    let (status, _, refused) = list("created[since]=1".into()).await;
    assert_eq!(status, 400);
    assert_eq!(refused["error"]["param"], "created[since]");
    let (status, _, _) = list("customer=cus_1".into()).await;
    assert_eq!(status, 400, "the ledger is not filtered by customer");
}
