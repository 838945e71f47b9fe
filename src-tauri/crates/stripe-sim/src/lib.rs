//! `stripe-sim`: a loopback Stripe API emulator for Billfold's tests and demo mode.
//!
//! It speaks Stripe's wire format (form-encoded requests, Bearer auth, Stripe's error JSON,
//! a `Request-Id` on every answer) and keeps each secret key's data in its own isolated
//! account. Start it from code with [`Simulator::start`] or from a shell with
//! `stripe-sim --port N`.

#![recursion_limit = "256"]

mod auth;
mod clock;
mod control;
mod data;
pub mod demo;
mod errors;
mod form;
mod generate;
mod idempotency;
mod list;
mod money;
mod pending_items;
mod resources;
mod server;
mod simulate;
mod state;
mod webhooks;

pub use errors::ApiError;
pub use generate::Generated;
pub use resources::subscriptions::retries::{AfterLastFailure, RetrySchedule};
pub use state::{Faults, SimConfig};

use std::net::SocketAddr;
use std::sync::Arc;

use axum::serve::ListenerExt;
use tokio::net::TcpListener;
use tokio::sync::oneshot;

/// A running emulator. Dropping it stops the server.
pub struct Simulator {
    base_url: String,
    addr: SocketAddr,
    state: Arc<state::SimState>,
    shutdown: Option<oneshot::Sender<()>>,
}

impl Simulator {
    /// Starts on a free loopback port in the current tokio runtime.
    pub async fn start(config: SimConfig) -> std::io::Result<Simulator> {
        Self::start_on(SocketAddr::from(([127, 0, 0, 1], 0)), config).await
    }

    /// Starts on the given address (port 0 picks a free one).
    pub async fn start_on(addr: SocketAddr, config: SimConfig) -> std::io::Result<Simulator> {
        let listener = TcpListener::bind(addr).await?;
        let addr = listener.local_addr()?;
        let state = Arc::new(state::SimState::new(config));
        state.set_base_url(format!("http://{addr}/"));
        let (shutdown, stopped) = oneshot::channel::<()>();
        let app = server::router(state.clone());
        tokio::spawn(async move {
            // Without TCP_NODELAY a response written in two parts waits for the client's
            // delayed ACK (~40 ms) on keep-alive connections.
            let listener = listener.tap_io(|tcp| {
                if let Err(err) = tcp.set_nodelay(true) {
                    tracing::debug!(%err, "cannot set TCP_NODELAY");
                }
            });
            let served = axum::serve(listener, app)
                .with_graceful_shutdown(async {
                    let _ = stopped.await;
                })
                .await;
            if let Err(err) = served {
                tracing::error!(%err, "stripe-sim stopped with an error");
            }
        });
        Ok(Simulator {
            base_url: format!("http://{addr}/"),
            addr,
            state,
            shutdown: Some(shutdown),
        })
    }

    /// The API base to give a Stripe client, ending in `/` (e.g. `http://127.0.0.1:41234/`).
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// The socket address the emulator listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Replaces the fault settings (the library form of `POST /_sim/faults`).
    pub fn set_faults(&self, faults: Faults) {
        self.state.set_faults(faults);
    }

    /// Moves the simulated clock forward (the library form of `POST /_sim/clock/advance`)
    /// and runs what fell due meanwhile: trial ends, renewals, payment retries.
    pub fn advance_clock(&self, seconds: i64) {
        self.state.advance_clock(seconds);
    }

    /// The simulated clock's time, Unix seconds (the library form of `GET /_sim/clock`).
    pub fn now(&self) -> i64 {
        self.state.now()
    }

    /// Moves the simulated clock forward to Unix time `at` (not back: an earlier time leaves
    /// it where it is) and runs what fell due meanwhile, as [`Simulator::advance_clock`] does.
    /// Scripts that must land on calendar dates use it.
    pub fn advance_clock_to(&self, at: i64) {
        let seconds = at - self.state.now();
        if seconds > 0 {
            self.state.advance_clock(seconds);
        }
    }

    /// The customer pays an invoice by `card` or `bank_transfer`, `amount` minor units or
    /// all that remains when `None` (the library form of `POST /_sim/invoices/{id}/customer_payment`).
    pub fn customer_payment(&self, invoice_id: &str, amount: Option<i64>, method: &str) -> Result<serde_json::Value, ApiError> {
        simulate::customer_payment(&self.state, invoice_id, amount, method)
    }

    /// The subscription's card starts declining and it renews now, so it turns `past_due`
    /// (the library form of `POST /_sim/subscriptions/{id}/fail_renewal`).
    pub fn fail_renewal(&self, subscription_id: &str) -> Result<serde_json::Value, ApiError> {
        simulate::fail_renewal(&self.state, subscription_id)
    }

    /// The customer puts a working card on file, its default and its subscriptions' (the
    /// library form of `POST /_sim/customers/{id}/update_card`); nothing is paid yet.
    pub fn update_card(&self, customer_id: &str) -> Result<serde_json::Value, ApiError> {
        simulate::update_card(&self.state, customer_id)
    }

    /// The retry schedule of the account of secret key `key` (the library form of
    /// `GET /_sim/accounts/{key}/retry_schedule`).
    pub fn retry_schedule(&self, key: &str) -> Result<RetrySchedule, ApiError> {
        control::retry_schedule(&self.state, key)
    }

    /// Sets when failed renewals of the account of `key` are retried and how dunning ends
    /// (the library form of `POST /_sim/accounts/{key}/retry_schedule`).
    pub fn set_retry_schedule(&self, key: &str, schedule: RetrySchedule) -> Result<RetrySchedule, ApiError> {
        control::set_schedule(&self.state, key, schedule)
    }

    /// The card network decides a dispute, `won` or `lost` (the library form of
    /// `POST /_sim/disputes/{id}/resolve`).
    pub fn resolve_dispute(&self, dispute_id: &str, outcome: &str) -> Result<serde_json::Value, ApiError> {
        simulate::resolve_dispute(&self.state, dispute_id, outcome)
    }

    /// Starts the clock of an emulator that holds nothing yet `seconds_ago` in the past (the
    /// library form of `POST /_sim/clock/start`); answers whether it was set.
    pub fn start_clock_in_past(&self, seconds_ago: i64) -> bool {
        self.state.start_clock_in_past(seconds_ago)
    }

    /// The cardholder disputes a charge (`ch_…`) or a payment intent's charge (`pi_…`)
    /// (the library form of `POST /_sim/charges/{id}/dispute`).
    pub fn open_dispute(&self, charge_or_intent_id: &str) -> Result<serde_json::Value, ApiError> {
        simulate::open_dispute(&self.state, charge_or_intent_id, "fraudulent", false)
    }

    /// The cardholder disputes a charge with a `reason`, as a chargeback or, with
    /// `inquiry`, an inquiry (the library form of `POST /_sim/charges/{id}/dispute` with a body).
    pub fn open_dispute_for(&self, charge_or_intent_id: &str, reason: &str, inquiry: bool) -> Result<serde_json::Value, ApiError> {
        simulate::open_dispute(&self.state, charge_or_intent_id, reason, inquiry)
    }

    /// The bank settles a refund under way as `succeeded` or `failed` (the library form of
    /// `POST /_sim/refunds/{id}/settle`).
    pub fn settle_refund(&self, refund_id: &str, outcome: &str) -> Result<serde_json::Value, ApiError> {
        simulate::settle_refund(&self.state, refund_id, outcome)
    }

    /// A number that grows whenever the emulator's data changes (every change emits an event)
    /// or its clock moves: compare two readings to know whether a snapshot is out of date.
    pub fn revision(&self) -> u64 {
        self.state.revision()
    }

    /// Seeds the two demo conferences' accounts ([`demo::DEMO_ACCOUNTS`]) through the API.
    /// Moves the simulated clock two weeks forward.
    pub async fn seed_demo(&self) -> Result<(), demo::SeedError> {
        demo::seed(self.addr).await
    }

    /// Fills the account of `key` with `customers` customers and `invoices` invoices in every
    /// state, the same for the same `seed` (the library form of `POST /_sim/generate`).
    pub async fn generate(&self, key: &str, customers: usize, invoices: usize, seed: u64) -> Result<Generated, ApiError> {
        generate::generate(&self.state, key, customers, invoices, seed).await
    }

    /// Adds `count` subscriptions (some trialing, the rest active) to the existing customers
    /// of `key`'s account, the same for the same `seed`.
    pub async fn generate_subscriptions(&self, key: &str, count: usize, seed: u64) -> Result<Generated, ApiError> {
        generate::generate_subscriptions(&self.state, key, count, seed).await
    }

    /// Adds `count` succeeded card payments (one in ten refunded by half) to the existing
    /// customers of `key`'s account, the same for the same `seed`.
    pub async fn generate_payments(&self, key: &str, count: usize, seed: u64) -> Result<Generated, ApiError> {
        generate::generate_payments(&self.state, key, count, seed).await
    }

    /// Writes every account and the clock to `path` (atomically: a temporary file renamed
    /// over it), so a later [`Simulator::load_snapshot`] carries on where this one stopped.
    pub fn save_snapshot(&self, path: &std::path::Path) -> std::io::Result<()> {
        let json = serde_json::to_vec(&self.state.snapshot()).map_err(std::io::Error::other)?;
        let partial = path.with_extension("partial");
        std::fs::write(&partial, json)?;
        std::fs::rename(&partial, path)
    }

    /// Loads a snapshot written by [`Simulator::save_snapshot`].
    pub fn load_snapshot(&self, path: &std::path::Path) -> std::io::Result<()> {
        let bytes = std::fs::read(path)?;
        let snapshot = serde_json::from_slice(&bytes).map_err(std::io::Error::other)?;
        self.state.restore(snapshot);
        Ok(())
    }

    /// How many API requests (not control calls) the emulator has answered.
    pub fn request_count(&self) -> u64 {
        self.state.request_count()
    }
}

impl Drop for Simulator {
    fn drop(&mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
    }
}
