//! MRR worked out by hand: a scripted account in stripe-sim, the simulated clock moved month by
//! month (calendar months, UTC) with a sync after each step, and every month's MRR, movements,
//! counts, churn rates and ARPA compared with numbers worked out by hand below (never by the
//! code under test). A second desktop's first sync (a backfill) then agrees on MRR now.

use billfold_core::gateway::Method;
use billfold_core::mrr::{MrrMonth, MrrReport};
use billfold_core::sync::NoObserver;
use billfold_core::Billfold;
use chrono::{Datelike, TimeZone, Utc};
use serde_json::Value;
use stripe_sim::{AfterLastFailure, RetrySchedule, Simulator};

#[path = "support/sim_account.rs"]
mod sim_account;

const HOUR: i64 = 3600;

fn form(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs.iter().map(|(name, value)| (name.to_string(), value.to_string())).collect()
}

fn id(object: &Value) -> String {
    object["id"].as_str().unwrap_or_else(|| panic!("no id in {object}")).to_string()
}

struct Script {
    sim: Simulator,
    _dir: tempfile::TempDir,
    app: Billfold,
    account: String,
    key: String,
    /// The first scripted month as (year, month).
    first: (i32, u32),
}

impl Script {
    async fn post(&self, path: &str, pairs: &[(&str, &str)]) -> Value {
        let gateway = self.app.gateway(&self.account).await.unwrap();
        gateway.post_form(path, &form(pairs), None).await.unwrap_or_else(|err| panic!("POST {path}: {err}"))
    }

    async fn delete(&self, path: &str) -> Value {
        let gateway = self.app.gateway(&self.account).await.unwrap();
        let body = gateway.execute(Method::Delete, path, None, None, None).await.unwrap();
        serde_json::from_slice(&body).unwrap()
    }

    async fn sync(&self) {
        self.app.sync_once(&self.account, &NoObserver).await.unwrap();
    }

    /// Month `k` of the script (1 = the first) as (year, month).
    fn month(&self, k: i64) -> (i32, u32) {
        let index = i64::from(self.first.0) * 12 + i64::from(self.first.1) - 1 + k - 1;
        (index.div_euclid(12) as i32, (index.rem_euclid(12) + 1) as u32)
    }

    fn label(&self, k: i64) -> String {
        let (year, month) = self.month(k);
        format!("{year:04}-{month:02}")
    }

    /// Moves the clock to day `day` of month `k`, `hour` o'clock UTC, and syncs.
    async fn go_to(&self, k: i64, day: u32, hour: i64) {
        let (year, month) = self.month(k);
        let at = Utc.with_ymd_and_hms(year, month, day, 0, 0, 0).unwrap().timestamp() + hour * HOUR;
        self.sim.advance_clock_to(at);
        self.sync().await;
    }

    /// A customer, paying by `pm_card_visa` when `card`; answers its id.
    async fn customer(&self, name: &str, card: bool) -> String {
        let customer = id(&self.post("/v1/customers", &[("name", name), ("email", &format!("{name}@example.test"))]).await);
        if card {
            let pm = id(&self.post("/v1/payment_methods/pm_card_visa/attach", &[("customer", &customer)]).await);
            self.post(&format!("/v1/customers/{customer}"), &[("invoice_settings[default_payment_method]", &pm)]).await;
        }
        customer
    }

    async fn price(&self, product: &str, amount: &str, interval: &str) -> String {
        id(&self
            .post(
                "/v1/prices",
                &[("product", product), ("currency", "eur"), ("unit_amount", amount), ("recurring[interval]", interval)],
            )
            .await)
    }

    async fn subscribe(&self, customer: &str, price: &str, extra: &[(&str, &str)]) -> Value {
        let mut pairs = vec![("customer", customer), ("items[0][price]", price)];
        pairs.extend_from_slice(extra);
        self.post("/v1/subscriptions", &pairs).await
    }

    /// Moves the subscription's one item to `price` × `quantity`, without prorations.
    async fn change(&self, subscription: &Value, price: &str, quantity: &str) {
        let sub = id(subscription);
        let item = subscription["items"]["data"][0]["id"].as_str().unwrap().to_string();
        self.post(
            &format!("/v1/subscriptions/{sub}"),
            &[("items[0][id]", &item), ("items[0][price]", price), ("items[0][quantity]", quantity), ("proration_behavior", "none")],
        )
        .await;
    }

    /// Gives the subscription a card that declines, so its next renewal fails.
    async fn declining_card(&self, subscription: &Value) {
        let customer = subscription["customer"].as_str().unwrap();
        let pm = id(&self.post("/v1/payment_methods/pm_card_chargeDeclined/attach", &[("customer", customer)]).await);
        self.post(&format!("/v1/subscriptions/{}", id(subscription)), &[("default_payment_method", &pm)]).await;
    }

    async fn status(&self, subscription: &Value) -> String {
        let gateway = self.app.gateway(&self.account).await.unwrap();
        let now = gateway.get_json(&format!("/v1/subscriptions/{}", id(subscription)), &[]).await.unwrap();
        now["status"].as_str().unwrap().to_string()
    }
}

/// The month's figures in one tuple: (MRR at end, new, expansion, contraction, churn,
/// reactivation, net, subscriptions, paying customers).
fn figures(m: &MrrMonth) -> (i64, i64, i64, i64, i64, i64, i64, i64, i64) {
    (m.mrr, m.new, m.expansion, m.contraction, m.churn, m.reactivation, m.net, m.subscriptions, m.customers)
}

fn eur(report: &MrrReport) -> &[MrrMonth] {
    assert_eq!(report.currencies.len(), 1, "one currency: {report:?}");
    assert_eq!(report.currencies[0].currency, "eur");
    &report.currencies[0].months
}

#[tokio::test]
async fn mrr_month_by_month_equals_the_numbers_worked_by_hand() {
    let sim = sim_account::sim().await;
    let key = format!("sk_test_51MrrByHand{}", uuid::Uuid::new_v4().simple());
    let dir = tempfile::tempdir().unwrap();
    let (app, account) = sim_account::open_with_account(dir.path(), &sim, &key, "Conference").await;
    let now = Utc.timestamp_opt(sim.now(), 0).unwrap();
    // The script starts in the next calendar month, so every step lies ahead of the clock.
    let first = if now.month() == 12 { (now.year() + 1, 1) } else { (now.year(), now.month() + 1) };
    let s = Script { sim, _dir: dir, app, account, key, first };
    // Three retries 3, 10 and 33 days after a renewal fails, then `unpaid`: a renewal failing on
    // the 15th is retried on the 18th and 25th, and last on the 17th–20th of the next month.
    s.sim
        .set_retry_schedule(&s.key, RetrySchedule { days: vec![3, 10, 33], after_last_failure: AfterLastFailure::Unpaid })
        .unwrap();

    let product = id(&s.post("/v1/products", &[("name", "Membership")]).await);
    let basic = s.price(&product, "5000", "month").await; // 50.00 a month
    let pro = s.price(&product, "8000", "month").await; // 80.00 a month
    let yearly = s.price(&product, "120000", "year").await; // 1,200.00 a year = 100.00 a month
    let seat = s.price(&product, "1000", "month").await; // 10.00 a seat a month
    let free = s.price(&product, "0", "month").await;
    s.post("/v1/coupons", &[("id", "FOREVER20"), ("percent_off", "20"), ("duration", "forever")]).await;
    s.post("/v1/coupons", &[("id", "ONCE50"), ("percent_off", "50"), ("duration", "once")]).await;
    let names = ["A", "B", "C", "E", "F", "G", "H", "R", "P", "U"];
    let mut customers = std::collections::HashMap::new();
    for name in names {
        customers.insert(name, s.customer(name, true).await);
    }
    let d = s.customer("D", false).await;
    s.sync().await;

    // Steps act on the 15th at hour k of month k, so renewals of what earlier steps made (on
    // the 15th at an earlier hour) have run when a step acts.
    // Month 1.
    s.go_to(1, 15, 1).await;
    let a = s.subscribe(&customers["A"], &basic, &[]).await;
    s.subscribe(&customers["B"], &yearly, &[]).await;
    s.subscribe(&customers["C"], &pro, &[("trial_period_days", "7")]).await;
    let trial_lost = s
        .subscribe(&d, &pro, &[("trial_period_days", "7"), ("trial_settings[end_behavior][missing_payment_method]", "cancel")])
        .await;
    let e = s.subscribe(&customers["E"], &seat, &[("items[0][quantity]", "2"), ("discounts[0][coupon]", "FOREVER20")]).await;
    let f = s.subscribe(&customers["F"], &basic, &[("discounts[0][coupon]", "ONCE50")]).await;
    s.subscribe(&customers["H"], &free, &[]).await;
    let r = s.subscribe(&customers["R"], &basic, &[]).await;
    let p = s.subscribe(&customers["P"], &seat, &[("items[0][quantity]", "3")]).await;
    let u = s.subscribe(&customers["U"], &pro, &[]).await;
    s.sync().await;
    // The 22nd: C's trial converts (it has a card), D's is canceled (none).
    s.go_to(1, 28, 0).await;
    assert_eq!(s.status(&trial_lost).await, "canceled");

    // Month 2: A upgrades, E goes from 2 to 5 seats, F downgrades, R cancels, G is new; P's and
    // U's cards start to decline (their renewals on the 15th of month 3 fail).
    s.go_to(2, 15, 2).await;
    s.change(&a, &pro, "1").await;
    s.change(&e, &seat, "5").await;
    s.change(&f, &seat, "3").await;
    s.delete(&format!("/v1/subscriptions/{}", id(&r))).await;
    s.subscribe(&customers["G"], &basic, &[]).await;
    s.declining_card(&p).await;
    s.declining_card(&u).await;
    s.sync().await;
    s.go_to(2, 28, 0).await;

    // Month 3: P and U failed to renew (past due, still counted); P's customer fixes the card
    // (the retry on the 18th pays); C cancels at the end of its period (the 22nd); R returns.
    s.go_to(3, 15, 3).await;
    assert_eq!((s.status(&p).await, s.status(&u).await), ("past_due".to_string(), "past_due".to_string()));
    s.sim.update_card(&customers["P"]).unwrap();
    let c_sub = s.app.store().cached_objects(&s.account, "subscriptions").unwrap();
    let c_sub = c_sub.iter().find(|sub| sub["customer"] == customers["C"].as_str()).unwrap().clone();
    s.post(&format!("/v1/subscriptions/{}", id(&c_sub)), &[("cancel_at_period_end", "true")]).await;
    s.subscribe(&customers["R"], &basic, &[]).await;
    s.sync().await;
    s.go_to(3, 28, 0).await;
    assert_eq!(s.status(&p).await, "active", "the retry with the fixed card paid");
    assert_eq!(s.status(&u).await, "past_due");

    // Month 4: U's last retry (17th–20th) fails: unpaid.
    s.go_to(4, 15, 4).await;
    s.go_to(4, 28, 0).await;
    assert_eq!(s.status(&u).await, "unpaid");
    s.go_to(5, 2, 0).await;

    let report = s.app.mrr_report(Some(&s.account), &s.label(0), &s.label(4)).unwrap();
    let months = eur(&report);
    let labels: Vec<&str> = months.iter().map(|m| m.month.as_str()).collect();
    assert_eq!(labels, [s.label(0), s.label(1), s.label(2), s.label(3), s.label(4)]);

    // Worked by hand, in minor units (EUR cents), per customer:
    //   A basic 5000 → pro 8000 (month 2); B yearly 120000 / 12 = 10000; C pro 8000 after a
    //   7-day trial, canceled at period end in month 3; D trial without a card, canceled, never
    //   counts; E 2 seats × 1000 = 2000 − 20 % forever = 1600, then 5 seats 5000 − 20 % = 4000;
    //   F basic 5000 (the once coupon does not lower MRR) → 3 seats 3000; G basic 5000 from
    //   month 2; H free plan 0 (a subscription, not a paying customer); R basic 5000, canceled
    //   in month 2, back in month 3; P 3 seats 3000 (past due then paid in month 3); U pro 8000
    //   (past due from month 3, unpaid in month 4).
    //
    //            MRR at end                                   new    exp   contr  churn  react   net  subs cust
    // Month 0:   0                                              0      0      0      0      0      0    0    0
    // Month 1:   A5000+B10000+C8000+E1600+F5000+R5000+P3000+U8000 = 45600 (all new)
    //                                                       45600      0      0      0      0  45600    9    8
    //            (subscriptions: A B C E F H R P U = 9; paying: the same without H = 8)
    // Month 2:   45600 + G5000 + (A 3000 + E 2400) − F2000 − R5000 = 49000
    //                                                        5000   5400   2000   5000      0   3400    9    8
    //            (subscriptions: A B C E F G H P U; paying: A B C E F G P U)
    // Month 3:   49000 + R5000 − C8000 = 46000
    //                                                           0      0      0   8000   5000  -3000    9    8
    //            (subscriptions: A B E F G H P U R; paying: A B E F G P U R)
    // Month 4:   46000 − U8000 = 38000
    //                                                           0      0      0   8000      0  -8000    8    7
    let expected = [
        (0, 0, 0, 0, 0, 0, 0, 0, 0),
        (45_600, 45_600, 0, 0, 0, 0, 45_600, 9, 8),
        (49_000, 5_000, 5_400, 2_000, 5_000, 0, 3_400, 9, 8),
        (46_000, 0, 0, 0, 8_000, 5_000, -3_000, 9, 8),
        (38_000, 0, 0, 0, 8_000, 0, -8_000, 8, 7),
    ];
    for (month, want) in months.iter().zip(expected) {
        assert_eq!(figures(month), want, "{}", month.month);
        assert_eq!(month.net, month.mrr - month.mrr_at_start, "net change is end − start in {}", month.month);
    }
    // ARPA = MRR ÷ paying customers, half up: month 1 45600 / 8 = 5700; month 2 49000 / 8 =
    // 6125; month 3 46000 / 8 = 5750; month 4 38000 / 7 = 5428.57… → 5429.
    let arpa: Vec<Option<i64>> = months.iter().map(|m| m.arpa).collect();
    assert_eq!(arpa, [None, Some(5700), Some(6125), Some(5750), Some(5429)]);

    // Churn, month 2: 1 churned (R) ÷ (8 paying at start + 1 new, G) = 0.1111… → 1111 bp;
    // gross MRR churn (5000 + 2000) ÷ 45600 = 0.153508… → 1535 bp; net (5000 + 2000 − 5400 − 0)
    // ÷ 45600 = 0.035087… → 351 bp.
    let m2 = &months[2];
    assert_eq!((m2.churn_rate.numerator, m2.churn_rate.denominator, m2.churn_rate.basis_points), (1, 9, Some(1111)));
    assert_eq!((m2.gross_mrr_churn.numerator, m2.gross_mrr_churn.denominator), (7_000, 45_600));
    assert_eq!(m2.gross_mrr_churn.basis_points, Some(1535));
    assert_eq!((m2.net_mrr_churn.numerator, m2.net_mrr_churn.basis_points), (1_600, Some(351)));
    // Month 3: 1 churned (C) ÷ (8 + 0) = 1250 bp; gross 8000 ÷ 49000 = 0.163265… → 1633 bp;
    // net (8000 − 5000 reactivation) ÷ 49000 = 0.061224… → 612 bp.
    let m3 = &months[3];
    assert_eq!((m3.churn_rate.numerator, m3.churn_rate.denominator, m3.churn_rate.basis_points), (1, 8, Some(1250)));
    assert_eq!((m3.gross_mrr_churn.numerator, m3.gross_mrr_churn.basis_points), (8_000, Some(1633)));
    assert_eq!((m3.net_mrr_churn.numerator, m3.net_mrr_churn.basis_points), (3_000, Some(612)));
    // Month 1 starts from nothing: no rate, not a division by zero.
    assert_eq!((months[1].gross_mrr_churn.basis_points, months[1].churn_rate.basis_points), (None, Some(0)));

    // All accounts: the only account, the same numbers.
    let all = s.app.mrr_report(None, &s.label(0), &s.label(4)).unwrap();
    assert_eq!(eur(&all), months);

    // Now (the 2nd of month 5): 38000, unchanged since the end of month 4.
    let now = s.app.mrr_now_at(Some(&s.account), s.sim.now()).unwrap();
    assert_eq!(now.len(), 1);
    assert_eq!((now[0].mrr, now[0].last_month_end, now[0].change, now[0].active_subscriptions, now[0].paying_customers), (38_000, 38_000, 0, 8, 7));

    // A second desktop's first sync is a backfill: its made-up history agrees on MRR now.
    let dir = tempfile::tempdir().unwrap();
    let (second, other) = sim_account::open_with_account(dir.path(), &s.sim, &s.key, "Second desk").await;
    second.sync_once(&other, &NoObserver).await.unwrap();
    let then = second.mrr_now_at(Some(&other), s.sim.now()).unwrap();
    assert_eq!((then[0].mrr, then[0].active_subscriptions, then[0].paying_customers), (38_000, 8, 7));
}
