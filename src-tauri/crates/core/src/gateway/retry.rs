//! When to try a Stripe request again, and how long to wait first.
//!
//! Stripe's `Stripe-Should-Retry` header wins when present. Without it: 429 and 5xx are
//! transient, a plain 4xx is final (the request itself is wrong), and a network failure is
//! retried only when repeating the request is safe (a GET, or a write with an idempotency key).

use std::hash::{BuildHasher, Hasher};
use std::time::Duration;

/// What one attempt ended with, as far as retrying is concerned.
#[derive(Debug, Clone, Copy)]
pub enum AttemptResult {
    /// Stripe answered with this status and, maybe, a `Stripe-Should-Retry` header.
    Answered { status: u16, should_retry: Option<bool> },
    /// No answer: connection refused or dropped, or the attempt timed out.
    NoAnswer,
}

/// Retry limits and backoff for one account's requests.
#[derive(Debug, Clone, Copy)]
pub struct RetryPolicy {
    /// Attempts in all, the first one included.
    pub max_attempts: u32,
    /// Wait before the second attempt; doubles each time.
    pub base_delay: Duration,
    /// The longest wait between two attempts.
    pub max_delay: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 5,
            base_delay: Duration::from_millis(250),
            max_delay: Duration::from_secs(8),
        }
    }
}

impl RetryPolicy {
    /// Whether attempt number `attempt` (1-based) should be followed by another one.
    /// `repeat_is_safe` says whether sending the same request twice cannot make two objects.
    pub fn should_retry(&self, attempt: u32, result: AttemptResult, repeat_is_safe: bool) -> bool {
        if attempt >= self.max_attempts {
            return false;
        }
        match result {
            AttemptResult::Answered { status, .. } if (200..300).contains(&status) => false,
            AttemptResult::Answered { should_retry: Some(false), .. } => false,
            // Stripe says so explicitly (e.g. an idempotent request still in flight); an
            // unkeyed write is still not repeated unless it was rate limited, which means unprocessed.
            AttemptResult::Answered { status, should_retry: Some(true) } => repeat_is_safe || status == 429,
            // Rate limited: the request was not processed, so repeating it is always safe.
            AttemptResult::Answered { status: 429, .. } => true,
            AttemptResult::Answered { status, .. } if status >= 500 => repeat_is_safe,
            AttemptResult::Answered { .. } => false,
            AttemptResult::NoAnswer => repeat_is_safe,
        }
    }

    /// How long to wait after attempt number `attempt` (1-based): exponential with "full
    /// jitter" between half and all of the step, so clients that failed together spread out.
    pub fn delay_after(&self, attempt: u32) -> Duration {
        let exponent = attempt.saturating_sub(1).min(16);
        let step = self.base_delay.saturating_mul(1 << exponent).min(self.max_delay);
        let half = step / 2;
        half + half.mul_f64(random_fraction())
    }
}

/// A number in [0, 1) from the standard library's per-process random hasher keys; jitter
/// needs spread, not cryptographic quality.
fn random_fraction() -> f64 {
    let bits = std::collections::hash_map::RandomState::new().build_hasher().finish();
    (bits >> 11) as f64 / (1u64 << 53) as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answered(status: u16, should_retry: Option<bool>) -> AttemptResult {
        AttemptResult::Answered { status, should_retry }
    }

    #[test]
    fn stripe_should_retry_wins_over_the_status() {
        let policy = RetryPolicy::default();
        assert!(policy.should_retry(1, answered(409, Some(true)), true));
        assert!(!policy.should_retry(1, answered(500, Some(true)), false), "unkeyed writes stay single");
        assert!(policy.should_retry(1, answered(429, Some(true)), false));
        assert!(!policy.should_retry(1, answered(500, Some(false)), true));
        assert!(!policy.should_retry(1, answered(429, Some(false)), true));
    }

    #[test]
    fn a_plain_4xx_is_never_retried_and_429_always_is() {
        let policy = RetryPolicy::default();
        for status in [400, 401, 402, 403, 404, 409] {
            assert!(!policy.should_retry(1, answered(status, None), true), "{status}");
        }
        assert!(policy.should_retry(1, answered(429, None), false));
    }

    #[test]
    fn server_errors_and_lost_answers_are_retried_only_when_repeating_is_safe() {
        let policy = RetryPolicy::default();
        assert!(policy.should_retry(1, answered(503, None), true));
        assert!(!policy.should_retry(1, answered(503, None), false));
        assert!(policy.should_retry(1, AttemptResult::NoAnswer, true));
        assert!(!policy.should_retry(1, AttemptResult::NoAnswer, false));
    }

    #[test]
    fn attempts_stop_at_the_limit_and_success_is_final() {
        let policy = RetryPolicy { max_attempts: 3, ..RetryPolicy::default() };
        assert!(policy.should_retry(2, answered(500, None), true));
        assert!(!policy.should_retry(3, answered(500, None), true));
        assert!(!policy.should_retry(1, answered(200, None), true));
    }

    #[test]
    fn delays_grow_exponentially_with_jitter_and_a_ceiling() {
        let policy = RetryPolicy {
            max_attempts: 10,
            base_delay: Duration::from_millis(100),
            max_delay: Duration::from_millis(1000),
        };
        for _ in 0..50 {
            let first = policy.delay_after(1);
            assert!(first >= Duration::from_millis(50) && first <= Duration::from_millis(100));
            let third = policy.delay_after(3);
            assert!(third >= Duration::from_millis(200) && third <= Duration::from_millis(400));
            let late = policy.delay_after(9);
            assert!(late >= Duration::from_millis(500) && late <= Duration::from_millis(1000));
        }
        let spread: std::collections::HashSet<_> = (0..20).map(|_| policy.delay_after(2)).collect();
        assert!(spread.len() > 1, "jitter spreads the delays");
    }
}
