use super::*;
use crate::mrr::month_start;

const JAN: (i32, u32) = (2026, 1);

fn at(month: u32, day: i64) -> i64 {
    month_start((2026, month)) + (day - 1) * 86_400 + 3600
}

fn state(sub: &str, customer: &str, currency: &str, when: i64, mrr: i64, counted: bool) -> State {
    State {
        account_id: "acct".into(),
        subscription_id: sub.into(),
        customer_id: customer.into(),
        currency: currency.into(),
        at: when,
        mrr,
        counted,
    }
}

/// Sorted as the loader sorts: by account, subscription, time.
fn sorted(mut states: Vec<State>) -> Vec<State> {
    states.sort_by(|a, b| (&a.account_id, &a.subscription_id, a.at).cmp(&(&b.account_id, &b.subscription_id, b.at)));
    states
}

#[test]
fn changes_are_classified_by_before_and_after() {
    assert_eq!(classify(0, 500, false), Some(Movement::New));
    assert_eq!(classify(0, 500, true), Some(Movement::Reactivation));
    assert_eq!(classify(500, 0, true), Some(Movement::Churn));
    assert_eq!(classify(500, 800, true), Some(Movement::Expansion));
    assert_eq!(classify(800, 500, true), Some(Movement::Contraction));
    assert_eq!(classify(500, 500, true), None);
    assert_eq!(classify(0, 0, true), None);
}

#[test]
fn a_customer_moving_between_subscriptions_in_one_second_is_one_movement() {
    // C swaps a 5000 plan for an 8000 one in the same second (cancel one, start another):
    // netted, that is an expansion of 3000, neither a churn nor a new customer.
    let states = sorted(vec![
        state("s1", "c", "eur", at(1, 5), 5000, true),
        state("s1", "c", "eur", at(2, 10), 0, false),
        state("s2", "c", "eur", at(2, 10), 8000, true),
    ]);
    let report = report(&states, &[JAN, (2026, 2)]);
    let feb = &report[0].months[1];
    assert_eq!((feb.expansion, feb.churn, feb.new, feb.reactivation), (3000, 0, 0, 0));
    assert_eq!((feb.mrr, feb.customers, feb.subscriptions), (8000, 1, 1));
}

#[test]
fn months_add_up_and_a_returning_customer_is_a_reactivation() {
    let states = sorted(vec![
        // Before the range: A pays 1000 since December.
        state("a", "A", "eur", month_start((2025, 12)) + 10, 1000, true),
        // January: B new 2000; A up to 1500.
        state("b", "B", "eur", at(1, 3), 2000, true),
        state("a", "A", "eur", at(1, 20), 1500, true),
        // February: B churns; A down to 1200.
        state("b", "B", "eur", at(2, 2), 0, false),
        state("a", "A", "eur", at(2, 9), 1200, true),
        // March: B back with 700; a free plan counted as a subscription but no customer.
        state("b2", "B", "eur", at(3, 4), 700, true),
        state("f", "F", "eur", at(3, 5), 0, true),
        // A USD customer stays in its own currency.
        state("u", "U", "usd", at(2, 1), 999, true),
    ]);
    let report = report(&states, &[JAN, (2026, 2), (2026, 3)]);
    assert_eq!(report.iter().map(|c| c.currency.as_str()).collect::<Vec<_>>(), ["eur", "usd"]);
    let eur = &report[0].months;
    // Jan: start 1000; + B new 2000 + A expansion 500 = 3500.
    assert_eq!((eur[0].mrr_at_start, eur[0].new, eur[0].expansion, eur[0].mrr), (1000, 2000, 500, 3500));
    // Feb: − B churn 2000 − A contraction 300 = 1200.
    assert_eq!((eur[1].churn, eur[1].contraction, eur[1].mrr), (2000, 300, 1200));
    // Mar: B reactivation 700 → 1900; subscriptions a, b2, f = 3; paying A, B = 2.
    assert_eq!((eur[2].reactivation, eur[2].new, eur[2].mrr, eur[2].subscriptions, eur[2].customers), (700, 0, 1900, 3, 2));
    // ARPA: 1900 / 2 = 950.
    assert_eq!(eur[2].arpa, Some(950));
    // Feb churn rate: 1 churned ÷ (2 at start + 0 new) = 5000 bp; gross (2000 + 300) ÷ 3500 =
    // 0.65714… → 6571 bp; net likewise (nothing grew).
    assert_eq!(eur[1].churn_rate.basis_points, Some(5000));
    assert_eq!(eur[1].gross_mrr_churn.basis_points, Some(6571));
    // Mar net MRR churn: (0 − 700) ÷ 1200 = −0.58333… → −5833 bp (half away from zero).
    assert_eq!(eur[2].net_mrr_churn.basis_points, Some(-5833));
    for month in eur {
        assert_eq!(month.net, month.mrr - month.mrr_at_start, "{}", month.month);
    }
    let usd = &report[1].months;
    assert_eq!((usd[0].mrr, usd[1].new, usd[1].mrr, usd[2].mrr), (0, 999, 999, 999));
    // No paying customer, no MRR at start: no rate, no ARPA.
    assert_eq!((usd[0].arpa, usd[0].churn_rate.basis_points, usd[0].gross_mrr_churn.basis_points), (None, None, None));
}

#[test]
fn rates_round_half_away_from_zero() {
    assert_eq!(Rate::of(1, 8).basis_points, Some(1250));
    // 1 / 3 = 3333.33… ; 2 / 3 = 6666.66…
    assert_eq!(Rate::of(1, 3).basis_points, Some(3333));
    assert_eq!(Rate::of(2, 3).basis_points, Some(6667));
    assert_eq!(Rate::of(-2, 3).basis_points, Some(-6667));
    // 1 / 20000 = 0.5 bp → 1; −0.5 → −1.
    assert_eq!(Rate::of(1, 20_000).basis_points, Some(1));
    assert_eq!(Rate::of(-1, 20_000).basis_points, Some(-1));
    assert_eq!(Rate::of(5, 0).basis_points, None);
}
