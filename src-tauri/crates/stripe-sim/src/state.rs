//! The emulator's shared state: configuration, the simulated clock, fault settings, and
//! one isolated account per secret key.

use std::collections::HashMap;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, OnceLock};
use std::time::{Instant, SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};

use crate::data::AccountData;
use crate::idempotency::IdempotencyStore;
use crate::webhooks;

/// How the emulator is set up at start.
#[derive(Debug, Clone)]
pub struct SimConfig {
    /// Requests per second allowed per key (Stripe's test mode allows 25); `None` turns the
    /// limit off, for benchmarks.
    pub rate_limit_per_sec: Option<u32>,
    /// Waits between webhook delivery attempts, in milliseconds: one retry per entry after
    /// the first attempt (Stripe retries for days; the emulator keeps it short).
    pub webhook_retry_delays_ms: Vec<u64>,
    /// How long events stay listable, in seconds (Stripe keeps 30 days).
    pub event_retention_secs: i64,
}

impl Default for SimConfig {
    fn default() -> Self {
        SimConfig {
            rate_limit_per_sec: Some(25),
            webhook_retry_delays_ms: vec![1_000, 5_000, 30_000],
            event_retention_secs: 30 * 24 * 60 * 60,
        }
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
    /// Share of API requests (0.0–1.0) that run and commit, after which the connection is
    /// closed without an answer (a retry with the same idempotency key gets the stored one).
    pub drop_after_commit_rate: f64,
}

/// The emulator's state as saved to a file.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SimSnapshot {
    clock_offset: i64,
    accounts: std::collections::BTreeMap<String, crate::data::AccountSnapshot>,
}

/// One emulated Stripe account, opened the first time its key is used.
pub struct Account {
    /// Its objects and events.
    pub data: Arc<Mutex<AccountData>>,
    /// Stored answers of idempotent requests.
    pub idempotency: Arc<IdempotencyStore>,
    bucket: Mutex<TokenBucket>,
}

struct TokenBucket {
    tokens: f64,
    refilled_at: Instant,
}

/// Everything the server shares between requests.
pub struct SimState {
    config: SimConfig,
    faults: Mutex<Faults>,
    accounts: Mutex<HashMap<String, Arc<Account>>>,
    requests: AtomicU64,
    fault_draws: AtomicU64,
    clock_offset: AtomicI64,
    base_url: OnceLock<String>,
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
            clock_offset: AtomicI64::new(0),
            base_url: OnceLock::new(),
        }
    }

    /// Records the address the server answers on (for hosted invoice links).
    pub fn set_base_url(&self, base_url: String) {
        let _ = self.base_url.set(base_url);
    }

    /// The server's base URL, ending in `/`.
    pub fn base_url(&self) -> &str {
        self.base_url.get().map(String::as_str).unwrap_or("http://127.0.0.1/")
    }

    /// The account that holds an object id, for control calls that name only the object.
    pub fn account_holding(&self, id: &str) -> Option<Arc<Account>> {
        lock(&self.accounts).values().find(|account| lock(&account.data).get(id).is_some()).cloned()
    }

    /// How long events stay listable, in seconds.
    pub fn event_retention_secs(&self) -> i64 {
        self.config.event_retention_secs
    }

    /// Simulated now, in Unix seconds: real time plus however far the clock was advanced.
    pub fn now(&self) -> i64 {
        let real = SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs() as i64).unwrap_or(0);
        real + self.clock_offset.load(Ordering::Relaxed)
    }

    /// Sets the simulated clock `seconds_ago` into the past, so that history can be written
    /// and then caught up to the present with [`SimState::advance_clock`] (the demo does).
    /// Only while no account holds anything: turning back a clock with data behind it would
    /// let objects come before their own events. Returns whether it was set.
    pub fn start_clock_in_past(&self, seconds_ago: i64) -> bool {
        let accounts: Vec<Arc<Account>> = lock(&self.accounts).values().cloned().collect();
        if seconds_ago < 0 || accounts.iter().any(|account| !lock(&account.data).is_empty()) {
            return false;
        }
        self.clock_offset.store(-seconds_ago, Ordering::Relaxed);
        true
    }

    /// Moves the simulated clock forward and runs, in every account, what fell due
    /// (renewals, trial ends, payment retries; see [`crate::clock`]).
    pub fn advance_clock(&self, seconds: i64) {
        let since = self.now();
        self.clock_offset.fetch_add(seconds.max(0), Ordering::Relaxed);
        let until = self.now();
        let accounts: Vec<Arc<Account>> = lock(&self.accounts).values().cloned().collect();
        for account in accounts {
            crate::clock::run_due(&mut lock(&account.data), since, until, self.base_url());
        }
    }

    /// Events emitted in every account plus seconds the clock moved: both only grow, so the
    /// sum changes exactly when the data or the clock did.
    pub fn revision(&self) -> u64 {
        let accounts: Vec<Arc<Account>> = lock(&self.accounts).values().cloned().collect();
        let events: usize = accounts.iter().map(|account| lock(&account.data).events().len()).sum();
        (events as u64).wrapping_add(self.clock_offset.load(Ordering::Relaxed).max(0) as u64)
    }

    /// Replaces the fault settings.
    pub fn set_faults(&self, faults: Faults) {
        *lock(&self.faults) = faults;
    }

    /// The current fault settings.
    pub fn faults(&self) -> Faults {
        lock(&self.faults).clone()
    }

    /// Counts one API request.
    pub fn count_request(&self) {
        self.requests.fetch_add(1, Ordering::Relaxed);
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

    /// The account of a key, opened on first use.
    pub fn account(&self, key: &str, livemode: bool) -> Arc<Account> {
        let rate = self.config.rate_limit_per_sec.map(|rate| f64::from(rate.max(1)));
        lock(&self.accounts)
            .entry(key.to_string())
            .or_insert_with(|| {
                let data = Arc::new(Mutex::new(AccountData::new(livemode)));
                webhooks::start_delivery(&data, self.config.webhook_retry_delays_ms.clone());
                Arc::new(Account {
                    data,
                    idempotency: Arc::new(IdempotencyStore::default()),
                    // A new key starts with a full bucket, as a burst allowance.
                    bucket: Mutex::new(TokenBucket { tokens: rate.unwrap_or(0.0), refilled_at: Instant::now() }),
                })
            })
            .clone()
    }

    /// All accounts' data and the clock, for a snapshot file. Idempotency keys and rate-limit
    /// buckets are not kept: a restart is a fresh day for them.
    pub fn snapshot(&self) -> SimSnapshot {
        let accounts = lock(&self.accounts)
            .iter()
            .map(|(key, account)| (key.clone(), lock(&account.data).to_snapshot()))
            .collect();
        SimSnapshot { clock_offset: self.clock_offset.load(Ordering::Relaxed), accounts }
    }

    /// Loads a snapshot: its accounts replace any of the same key, and the clock moves to
    /// where it was.
    pub fn restore(&self, snapshot: SimSnapshot) {
        self.clock_offset.store(snapshot.clock_offset, Ordering::Relaxed);
        for (key, data) in snapshot.accounts {
            let account = self.account(&key, false);
            lock(&account.data).restore(data);
        }
    }

    /// Takes one rate-limit token for the account; `false` when it is over its limit.
    pub fn admit(&self, account: &Account) -> bool {
        let Some(rate) = self.config.rate_limit_per_sec.map(|rate| f64::from(rate.max(1))) else {
            return true;
        };
        let now = Instant::now();
        let mut bucket = lock(&account.bucket);
        let refill = now.duration_since(bucket.refilled_at).as_secs_f64() * rate;
        bucket.tokens = (bucket.tokens + refill).min(rate);
        bucket.refilled_at = now;
        if bucket.tokens < 1.0 {
            return false;
        }
        bucket.tokens -= 1.0;
        true
    }
}

/// A random 24-character id body, like Stripe's.
pub fn short_id() -> String {
    uuid::Uuid::new_v4().simple().to_string()[..24].to_string()
}

/// Locks a mutex; a panic while holding it leaves plain data behind, so keep serving.
pub fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}
