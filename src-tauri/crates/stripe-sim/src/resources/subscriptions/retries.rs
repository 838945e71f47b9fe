//! An account's retry schedule for failed subscription payments, which Stripe lets merchants
//! set (Billing → Revenue recovery → Retries): the days after the first failed attempt on
//! which the invoice is charged again, and what becomes of the subscription when the last
//! retry fails too. Set through the control API (`/_sim/accounts/{key}/retry_schedule`).

use serde::{Deserialize, Serialize};

use crate::errors::ApiError;

const DAY: i64 = 86_400;
/// The most retries a schedule may have, as Stripe allows.
pub const MAX_RETRIES: usize = 8;
/// The latest day a retry may fall on (a bound that keeps timestamps sane).
pub const MAX_DAY: i64 = 365;

/// What happens to the subscription once its invoice's last retry fails.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AfterLastFailure {
    /// It stays `past_due`; its invoice stays open and is no longer retried.
    PastDue,
    /// It becomes `unpaid`: later renewal invoices stay drafts until an invoice is paid.
    #[default]
    Unpaid,
    /// It is canceled (`cancellation_details.reason = payment_failed`).
    Canceled,
}

/// When a failed renewal is retried, and how dunning ends.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RetrySchedule {
    /// Days after the first failed attempt, one per retry, each later than the one before.
    pub days: Vec<i64>,
    /// What the last failure does to the subscription.
    pub after_last_failure: AfterLastFailure,
}

impl Default for RetrySchedule {
    /// Three retries three days apart, then `unpaid`.
    fn default() -> Self {
        RetrySchedule { days: vec![3, 6, 9], after_last_failure: AfterLastFailure::Unpaid }
    }
}

impl RetrySchedule {
    /// Refuses a schedule Stripe would not take: no retries, more than [`MAX_RETRIES`], a day
    /// outside 1..=[`MAX_DAY`] or not after the one before.
    pub fn check(&self) -> Result<(), ApiError> {
        if self.days.is_empty() || self.days.len() > MAX_RETRIES {
            return Err(ApiError::invalid_param("days", format!("A retry schedule has 1 to {MAX_RETRIES} retries.")));
        }
        if self.days.iter().any(|day| !(1..=MAX_DAY).contains(day)) {
            return Err(ApiError::invalid_param("days", format!("Each retry falls 1 to {MAX_DAY} days after the first failed attempt.")));
        }
        if self.days.windows(2).any(|pair| pair[1] <= pair[0]) {
            return Err(ApiError::invalid_param("days", "Each retry must come on a later day than the one before."));
        }
        Ok(())
    }

    /// The first retry later than `now` of an invoice whose first attempt failed at
    /// `first_failure`; `None` when the schedule has none left.
    pub fn next_after(&self, first_failure: i64, now: i64) -> Option<i64> {
        self.days.iter().map(|day| first_failure + day * DAY).find(|at| *at > now)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retries_follow_the_first_failure_and_run_out() {
        let schedule = RetrySchedule { days: vec![3, 5, 7], after_last_failure: AfterLastFailure::Canceled };
        assert!(schedule.check().is_ok());
        let first = 1_000_000;
        assert_eq!(schedule.next_after(first, first), Some(first + 3 * DAY));
        assert_eq!(schedule.next_after(first, first + 3 * DAY), Some(first + 5 * DAY));
        assert_eq!(schedule.next_after(first, first + 4 * DAY), Some(first + 5 * DAY));
        assert_eq!(schedule.next_after(first, first + 7 * DAY), None);
        assert_eq!(RetrySchedule::default().next_after(first, first + 6 * DAY), Some(first + 9 * DAY));
    }

    #[test]
    fn schedules_stripe_would_refuse_are_refused() {
        for days in [vec![], vec![3, 3], vec![5, 4], vec![0, 2], vec![1, 2, 3, 4, 5, 6, 7, 8, 9], vec![400]] {
            let schedule = RetrySchedule { days: days.clone(), after_last_failure: AfterLastFailure::Unpaid };
            assert!(schedule.check().is_err(), "{days:?}");
        }
        assert!(RetrySchedule::default().check().is_ok());
    }
}
