//! Idempotent requests, as Stripe keeps them: the first answer to a key is stored and
//! replayed for 24 hours with `Idempotent-Replayed: true`; the same key with other
//! parameters is an `idempotency_error`; a key still in flight is a 409.

use std::collections::HashMap;
use std::sync::Mutex;

use axum::body::Bytes;
use axum::http::StatusCode;

use crate::state::lock;

/// How long an answer is replayed.
pub const RETENTION_SECS: i64 = 24 * 60 * 60;

/// A stored answer.
#[derive(Debug, Clone)]
pub struct StoredAnswer {
    /// HTTP status of the first answer.
    pub status: StatusCode,
    /// Its body.
    pub body: Bytes,
    /// Its `Request-Id`.
    pub request_id: String,
}

#[derive(Debug)]
enum Slot {
    InFlight { fingerprint: String },
    Done { fingerprint: String, answer: StoredAnswer, at: i64 },
}

/// What to do with an incoming request that carries a key.
#[derive(Debug)]
pub enum Admission {
    /// Run it; the caller must then `finish` or `abandon` the key.
    Run,
    /// Replay this answer.
    Replay(StoredAnswer),
    /// Same key, other parameters.
    Mismatch,
    /// The first request with this key is still running.
    InFlight,
}

/// The keys of one account.
#[derive(Debug, Default)]
pub struct IdempotencyStore {
    slots: Mutex<HashMap<String, Slot>>,
}

impl IdempotencyStore {
    /// Claims a key for a request with the given parameter fingerprint.
    pub fn admit(&self, key: &str, fingerprint: &str, now: i64) -> Admission {
        let mut slots = lock(&self.slots);
        match slots.get(key) {
            Some(Slot::Done { fingerprint: first, answer, at }) if now - at < RETENTION_SECS => {
                if first == fingerprint {
                    Admission::Replay(answer.clone())
                } else {
                    Admission::Mismatch
                }
            }
            Some(Slot::InFlight { fingerprint: first }) => {
                if first == fingerprint {
                    Admission::InFlight
                } else {
                    Admission::Mismatch
                }
            }
            _ => {
                slots.insert(key.to_string(), Slot::InFlight { fingerprint: fingerprint.to_string() });
                Admission::Run
            }
        }
    }

    /// Stores the answer of a request that ran.
    pub fn finish(&self, key: &str, answer: StoredAnswer, now: i64) {
        let mut slots = lock(&self.slots);
        if let Some(Slot::InFlight { fingerprint }) = slots.remove(key) {
            slots.insert(key.to_string(), Slot::Done { fingerprint, answer, at: now });
        }
    }

    /// Frees a key whose request is not to be stored (parameter errors).
    pub fn abandon(&self, key: &str) {
        lock(&self.slots).remove(key);
    }
}
