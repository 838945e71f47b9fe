//! From subscription states to months: each customer's MRR is a step function of time (the
//! sum of its subscriptions'), each change of it at one second (changes of the same second
//! netted) is one movement, and the months add them up. One pass over rows loaded at once.

use std::collections::BTreeMap;

use super::months::{add, label, month_start};
use super::{CurrencyMrr, MrrMonth, Rate};

/// What a change of a customer's MRR is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Movement {
    /// 0 → b, the first time the customer has MRR in this currency.
    New,
    /// 0 → b for a customer who had MRR before.
    Reactivation,
    /// a → b, b > a > 0.
    Expansion,
    /// a → b, a > b > 0.
    Contraction,
    /// a → 0.
    Churn,
}

/// Classifies a change of a customer's MRR from `before` to `after`; `had_before` tells whether
/// the customer ever had MRR in this currency before. `None` when nothing changed.
pub fn classify(before: i64, after: i64, had_before: bool) -> Option<Movement> {
    match (before, after) {
        (a, b) if a == b => None,
        (0, _) if had_before => Some(Movement::Reactivation),
        (0, _) => Some(Movement::New),
        (_, 0) => Some(Movement::Churn),
        (a, b) if b > a => Some(Movement::Expansion),
        _ => Some(Movement::Contraction),
    }
}

/// One state of one subscription from one time on, its MRR already worked out.
#[derive(Debug, Clone)]
pub(crate) struct State {
    pub account_id: String,
    pub subscription_id: String,
    pub customer_id: String,
    pub currency: String,
    pub at: i64,
    /// Its MRR from `at` on (0 unless counted).
    pub mrr: i64,
    /// Whether it is `active` or `past_due` from `at` on.
    pub counted: bool,
}

/// What happened in one month of one currency.
#[derive(Debug, Default, Clone)]
struct Tally {
    new: i64,
    expansion: i64,
    contraction: i64,
    churn: i64,
    reactivation: i64,
    churned_customers: i64,
    new_customers: i64,
    customers_delta: i64,
    subscriptions_delta: i64,
}

/// Sums before the first month and per month of one currency.
struct Ledger {
    bounds: Vec<i64>,
    start_mrr: i64,
    start_customers: i64,
    start_subscriptions: i64,
    months: Vec<Tally>,
}

enum Slot {
    Before,
    Month(usize),
    After,
}

impl Ledger {
    fn new(bounds: &[i64]) -> Ledger {
        Ledger {
            bounds: bounds.to_vec(),
            start_mrr: 0,
            start_customers: 0,
            start_subscriptions: 0,
            months: vec![Tally::default(); bounds.len() - 1],
        }
    }

    fn slot(&self, at: i64) -> Slot {
        let after = self.bounds.partition_point(|bound| *bound <= at);
        match after {
            0 => Slot::Before,
            k if k >= self.bounds.len() => Slot::After,
            k => Slot::Month(k - 1),
        }
    }
}

/// A customer in one currency: (currency, account, customer).
type CustomerKey<'a> = (&'a str, &'a str, &'a str);

/// The months `months` (consecutive, oldest first) of every currency in `states`, which are
/// sorted by account, subscription, then time (rows of one second in the order written).
pub(crate) fn report(states: &[State], months: &[(i32, u32)]) -> Vec<CurrencyMrr> {
    let Some(first) = months.first() else { return Vec::new() };
    let bounds: Vec<i64> = (0..=months.len() as i64).map(|k| month_start(add(*first, k))).collect();
    // Per (currency, account, customer): the changes of its MRR; per currency: of its count
    // of subscriptions.
    let mut changes: BTreeMap<CustomerKey<'_>, Vec<(i64, i64)>> = BTreeMap::new();
    let mut ledgers: BTreeMap<&str, Ledger> = BTreeMap::new();
    let mut previous: Option<&State> = None;
    for state in states {
        let same = previous.filter(|p| p.account_id == state.account_id && p.subscription_id == state.subscription_id);
        let (mrr_before, counted_before) = same.map_or((0, false), |p| (p.mrr, p.counted));
        if state.mrr != mrr_before {
            changes
                .entry((&state.currency, &state.account_id, &state.customer_id))
                .or_default()
                .push((state.at, state.mrr - mrr_before));
        }
        let ledger = ledgers.entry(&state.currency).or_insert_with(|| Ledger::new(&bounds));
        if state.counted != counted_before {
            let delta = if state.counted { 1 } else { -1 };
            match ledger.slot(state.at) {
                Slot::Before => ledger.start_subscriptions += delta,
                Slot::Month(k) => ledger.months[k].subscriptions_delta += delta,
                Slot::After => {}
            }
        }
        previous = Some(state);
    }
    for ((currency, _, _), mut list) in changes {
        let Some(ledger) = ledgers.get_mut(currency) else { continue };
        list.sort_by_key(|(at, _)| *at);
        let (mut value, mut had) = (0_i64, false);
        let mut index = 0;
        while index < list.len() {
            let at = list[index].0;
            let mut delta = 0;
            while index < list.len() && list[index].0 == at {
                delta += list[index].1;
                index += 1;
            }
            let after = value + delta;
            if let Some(movement) = classify(value, after, had) {
                record(ledger, at, value, after, movement);
            }
            had |= after > 0;
            value = after;
        }
    }
    ledgers
        .into_iter()
        .map(|(currency, ledger)| CurrencyMrr { currency: currency.to_string(), months: month_rows(&ledger, months) })
        .collect()
}

fn record(ledger: &mut Ledger, at: i64, before: i64, after: i64, movement: Movement) {
    let customers_delta = match (before > 0, after > 0) {
        (false, true) => 1,
        (true, false) => -1,
        _ => 0,
    };
    let k = match ledger.slot(at) {
        Slot::Before => {
            ledger.start_mrr += after - before;
            ledger.start_customers += customers_delta;
            return;
        }
        Slot::After => return,
        Slot::Month(k) => k,
    };
    let tally = &mut ledger.months[k];
    tally.customers_delta += customers_delta;
    match movement {
        Movement::New => {
            tally.new += after;
            tally.new_customers += 1;
        }
        Movement::Reactivation => tally.reactivation += after,
        Movement::Expansion => tally.expansion += after - before,
        Movement::Contraction => tally.contraction += before - after,
        Movement::Churn => {
            tally.churn += before;
            tally.churned_customers += 1;
        }
    }
}

fn month_rows(ledger: &Ledger, months: &[(i32, u32)]) -> Vec<MrrMonth> {
    let (mut mrr, mut customers, mut subscriptions) = (ledger.start_mrr, ledger.start_customers, ledger.start_subscriptions);
    months
        .iter()
        .zip(&ledger.months)
        .map(|(month, t)| {
            let net = t.new + t.expansion + t.reactivation - t.contraction - t.churn;
            let (mrr_at_start, customers_at_start) = (mrr, customers);
            mrr += net;
            customers += t.customers_delta;
            subscriptions += t.subscriptions_delta;
            let arpa = (customers > 0).then(|| (2 * mrr + customers) / (2 * customers));
            MrrMonth {
                month: label(*month),
                mrr_at_start,
                mrr,
                new: t.new,
                expansion: t.expansion,
                contraction: t.contraction,
                churn: t.churn,
                reactivation: t.reactivation,
                net,
                subscriptions,
                customers,
                customers_at_start,
                churned_customers: t.churned_customers,
                new_customers: t.new_customers,
                arpa,
                churn_rate: Rate::of(t.churned_customers, customers_at_start + t.new_customers),
                gross_mrr_churn: Rate::of(t.churn + t.contraction, mrr_at_start),
                net_mrr_churn: Rate::of(t.churn + t.contraction - t.expansion - t.reactivation, mrr_at_start),
            }
        })
        .collect()
}

#[cfg(test)]
#[path = "movements_tests.rs"]
mod tests;
