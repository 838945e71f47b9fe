//! The optional webhook listener: Stripe (through `stripe listen --forward-to` or a tunnel)
//! posts events to `POST /webhooks/<account-slug>`; each is checked against that account's
//! signing secret and handed to a [`WebhookTarget`], which applies it exactly as polling would.
//!
//! Off by default and bound to loopback unless the user chooses otherwise. The listener knows
//! nothing of the store: the target looks up secrets and applies events, so tests can use an
//! in-memory one.

mod billfold_target;
pub mod server;
pub mod signature;

use async_trait::async_trait;

use crate::error::Result;
use crate::secrets::Secret;

pub use server::{
    start, ListenerConfig, ListenerHandle, DEFAULT_MAX_BODY_BYTES, DEFAULT_PORT, SHUTDOWN_GRACE,
};
pub use signature::{SignatureError, TOLERANCE_SECS};

/// Where verified deliveries go: the accounts' signing secrets and the apply path.
#[async_trait]
pub trait WebhookTarget: Send + Sync {
    /// The account id and signing secret behind a slug; `Ok(None)` when there is no such
    /// account or it has no signing secret (both answered 404, so callers cannot tell which).
    async fn signing_secret(&self, slug: &str) -> Result<Option<(String, Secret)>>;

    /// Stores and applies one verified event of an account. `Ok(true)` when it was new,
    /// `Ok(false)` when it had been applied before (by an earlier delivery or by polling).
    /// Return only once the event is stored: the listener answers 2xx right after.
    async fn accept_event(&self, account_id: &str, event: serde_json::Value) -> Result<bool>;
}
