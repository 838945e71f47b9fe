//! What moving the simulated clock sets off: everything that fell due in every account,
//! run in time order, one step at a time, so a three-month jump renews three times.

use std::collections::{HashMap, HashSet};

use serde_json::Value;

use crate::data::{AccountData, Origin};
use crate::resources::subscriptions::billing::At;
use crate::resources::subscriptions::lifecycle::{self, Due};

/// A bound on steps per advance, so a mistake can never hang the server.
const MAX_STEPS: usize = 100_000;

/// Runs what is due in `data` up to `until`; `since` is the time before the clock moved
/// (warnings such as `trial_will_end` fire only when the clock crosses them).
pub fn run_due(data: &mut AccountData, since: i64, until: i64, base_url: &str) {
    // Changes the clock makes have no request behind them, as Stripe's automatic ones.
    let origin = Origin::default();
    let mut warned: HashSet<String> = HashSet::new();
    for _ in 0..MAX_STEPS {
        // One pass over the invoices per step, so a long jump stays linear in the data.
        let mut open: HashMap<&str, Vec<&Value>> = HashMap::new();
        for invoice in data.all("invoice").filter(|invoice| invoice["status"] == "open") {
            if let Some(subscription) = invoice["parent"]["subscription_details"]["subscription"].as_str() {
                open.entry(subscription).or_default().push(invoice);
            }
        }
        let next = data
            .all("subscription")
            .flat_map(|subscription| {
                let id = subscription["id"].as_str().unwrap_or("").to_string();
                let invoices = open.get(id.as_str()).map(Vec::as_slice).unwrap_or_default();
                lifecycle::due(subscription, invoices, since).into_iter().map(move |(time, what)| (time, id.clone(), what))
            })
            .filter(|(time, id, what)| *time <= until && !(*what == Due::TrialWillEnd && warned.contains(id)))
            .min_by_key(|(time, _, _)| *time);
        let Some((time, id, what)) = next else { break };
        if what == Due::TrialWillEnd {
            warned.insert(id.clone());
        }
        lifecycle::run(data, &id, &what, &At { origin: &origin, base_url, now: time });
    }
}
