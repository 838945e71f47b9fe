//! What moving the simulated clock sets off: everything that fell due in every account,
//! run in time order, one step at a time, so a three-month jump renews three times; a
//! dispute left without a response past its deadline closes on the way; then the daily
//! payouts of the days crossed.

use std::collections::{HashMap, HashSet};

use serde_json::Value;

use crate::data::{AccountData, Origin};
use crate::resources::disputes;
use crate::resources::subscriptions::billing::At;
use crate::resources::subscriptions::lifecycle::{self, Due};

/// A bound on steps per advance, so a mistake can never hang the server.
const MAX_STEPS: usize = 1_000_000;

/// Runs what is due in `data` up to `until`; `since` is the time before the clock moved
/// (warnings such as `trial_will_end` fire only when the clock crosses them).
pub fn run_due(data: &mut AccountData, since: i64, until: i64, base_url: &str) {
    // Changes the clock makes have no request behind them, as Stripe's automatic ones.
    let origin = Origin::default();
    // What happens to a subscription only changes its own dates, so each one's list is
    // computed once and refreshed after each of its steps: a long jump stays linear.
    let mut invoices_of: HashMap<String, Vec<String>> = HashMap::new();
    for invoice in data.all("invoice") {
        if let (Some(subscription), Some(id)) = (invoice["parent"]["subscription_details"]["subscription"].as_str(), invoice["id"].as_str()) {
            invoices_of.entry(subscription.to_string()).or_default().push(id.to_string());
        }
    }
    let ids: Vec<String> = data.all("subscription").filter_map(|s| s["id"].as_str().map(str::to_string)).collect();
    let mut pending: HashMap<String, Vec<(i64, Due)>> = ids.into_iter().map(|id| {
        let due = due_of(data, &id, &invoices_of, since);
        (id, due)
    }).collect();
    let mut warned: HashSet<String> = HashSet::new();
    // Deadlines only ever close disputes, so they are known up front; latest last, taken
    // from the front as the clock reaches them.
    let mut deadlines = disputes::falling_due(data, until);
    deadlines.sort();
    deadlines.reverse();
    for _ in 0..MAX_STEPS {
        let next = pending
            .iter()
            .flat_map(|(id, list)| list.iter().map(move |(time, what)| (*time, id, what)))
            .filter(|(time, id, what)| *time <= until && !(**what == Due::TrialWillEnd && warned.contains(*id)))
            // Ties go by id, so runs are repeatable.
            .min_by(|a, b| (a.0, a.1).cmp(&(b.0, b.1)))
            .map(|(time, id, what)| (time, id.clone(), what.clone()));
        if let Some((due_by, dispute)) = deadlines.last() {
            if next.as_ref().is_none_or(|(time, _, _)| due_by <= time) {
                disputes::expire(data, dispute, *due_by);
                deadlines.pop();
                continue;
            }
        }
        let Some((time, id, what)) = next else { break };
        if what == Due::TrialWillEnd {
            warned.insert(id.clone());
        }
        lifecycle::run(data, &id, &what, &At { origin: &origin, base_url, now: time });
        if let Some(latest) = data.get_of("subscription", &id).and_then(|s| s["latest_invoice"].as_str()) {
            let known = invoices_of.entry(id.clone()).or_default();
            if !known.iter().any(|known| known == latest) {
                known.push(latest.to_string());
            }
        }
        let due = due_of(data, &id, &invoices_of, since);
        pending.insert(id, due);
    }
    // Payouts only take funds already available, which the steps above never add to a day
    // already past (a charge's funds wait two days), so they can run after them.
    crate::resources::payouts::run_due(data, since, until);
}

/// What is due for one subscription, given the ids of its invoices.
fn due_of(data: &AccountData, id: &str, invoices_of: &HashMap<String, Vec<String>>, since: i64) -> Vec<(i64, Due)> {
    let Some(subscription) = data.get_of("subscription", id) else { return Vec::new() };
    let open: Vec<&Value> = invoices_of
        .get(id)
        .into_iter()
        .flatten()
        .filter_map(|invoice| data.get_of("invoice", invoice))
        .filter(|invoice| invoice["status"] == "open")
        .collect();
    lifecycle::due(subscription, &open, since)
}
