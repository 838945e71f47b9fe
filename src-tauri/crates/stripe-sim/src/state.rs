//! The emulator's in-memory state: configuration, fault settings and one isolated
//! account per secret key.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::Instant;

use serde::{Deserialize, Serialize};

/// How the emulator is set up at start.
#[derive(Debug, Clone)]
pub struct SimConfig {
    /// Requests per second allowed per key (Stripe's test mode allows 25); `None` turns the
    /// limit off, for benchmarks.
    pub rate_limit_per_sec: Option<u32>,
}

impl Default for SimConfig {
    fn default() -> Self {
        SimConfig { rate_limit_per_sec: Some(25) }
    }
}

/// Injected failures, for testing how clients cope. All off by default.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Faults {
    /// Share of API requests (0.0–1.0) answered with a 500 `api_error`.
    pub error_rate: f64,
    /// Share of API requests (0.0–1.0) answered with a 429 `rate_limit`.
    pub rate_limit_rate: f64,
    /// Delay added before every API answer, in milliseconds.
    pub latency_ms: u64,
}

/// One emulated Stripe account, created the first time its key is used.
#[derive(Debug)]
pub struct Account {
    /// Whether the key was a live one.
    pub livemode: bool,
    /// Token bucket for the per-key rate limit.
    bucket: TokenBucket,
}

#[derive(Debug)]
struct TokenBucket {
    tokens: f64,
    refilled_at: Instant,
}

/// Everything the server shares between requests.
pub struct SimState {
    config: SimConfig,
    faults: Mutex<Faults>,
    accounts: Mutex<HashMap<String, Account>>,
    requests: AtomicU64,
    fault_draws: AtomicU64,
}

impl SimState {
    /// Fresh state with no accounts.
    pub fn new(config: SimConfig) -> Self {
        SimState {
            config,
            faults: Mutex::new(Faults::default()),
            accounts: Mutex::new(HashMap::new()),
            requests: AtomicU64::new(0),
            fault_draws: AtomicU64::new(0),
        }
    }

    /// Replaces the fault settings.
    pub fn set_faults(&self, faults: Faults) {
        *lock(&self.faults) = faults;
    }

    /// The current fault settings.
    pub fn faults(&self) -> Faults {
        lock(&self.faults).clone()
    }

    /// Counts one API request and returns the new total.
    pub fn count_request(&self) -> u64 {
        self.requests.fetch_add(1, Ordering::Relaxed) + 1
    }

    /// API requests answered so far.
    pub fn request_count(&self) -> u64 {
        self.requests.load(Ordering::Relaxed)
    }

    /// A deterministic draw in [0, 1) for fault injection (a fixed low-discrepancy sequence,
    /// so a rate of 0.5 fails every other request and tests are repeatable).
    pub fn next_fault_draw(&self) -> f64 {
        let n = self.fault_draws.fetch_add(1, Ordering::Relaxed) + 1;
        (n as f64 * 0.618_033_988_749_895).fract()
    }

    /// Looks up (or opens) the account of a key and takes one rate-limit token.
    /// Returns the account's livemode, or `None` when the key is over its limit.
    pub fn admit(&self, key: &str, livemode: bool) -> Option<bool> {
        let rate = self.config.rate_limit_per_sec.map(|rate| f64::from(rate.max(1)));
        let now = Instant::now();
        let mut accounts = lock(&self.accounts);
        let account = accounts.entry(key.to_string()).or_insert_with(|| Account {
            livemode,
            // A new key starts with a full bucket, as a burst allowance.
            bucket: TokenBucket { tokens: rate.unwrap_or(0.0), refilled_at: now },
        });
        if let Some(rate) = rate {
            let bucket = &mut account.bucket;
            let refill = now.duration_since(bucket.refilled_at).as_secs_f64() * rate;
            bucket.tokens = (bucket.tokens + refill).min(rate);
            bucket.refilled_at = now;
            if bucket.tokens < 1.0 {
                return None;
            }
            bucket.tokens -= 1.0;
        }
        Some(account.livemode)
    }
}

/// A random 24-character id body, like Stripe's.
pub fn short_id() -> String {
    uuid::Uuid::new_v4().simple().to_string()[..24].to_string()
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    // A panic while holding the lock leaves plain data behind; keep serving.
    mutex.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}
