//! What moving the simulated clock sets off: everything that fell due in every account,
//! run in time order, one step at a time, so a three-month jump renews three times.

use std::collections::HashSet;

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
        let next = data
            .all("subscription")
            .flat_map(|subscription| {
                let id = subscription["id"].as_str().unwrap_or("").to_string();
                lifecycle::due(data, subscription, since).into_iter().map(move |(time, what)| (time, id.clone(), what))
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
