//! The `/_sim` control API: test and demo controls that real Stripe does not have.
//! Loopback only, no auth.

use std::sync::Arc;

use axum::extract::State;
use axum::routing::{get, post};
use serde::Deserialize;
use serde_json::{json, Value};
use axum::{Json, Router};

use crate::state::{Faults, SimState};

/// Routes under `/_sim`.
pub fn router(state: Arc<SimState>) -> Router {
    Router::new()
        .route("/_sim/health", get(|| async { "ok" }))
        .route("/_sim/faults", get(get_faults).post(set_faults))
        .route("/_sim/clock", get(get_clock))
        .route("/_sim/clock/advance", post(advance_clock))
        .with_state(state)
}

async fn get_faults(State(state): State<Arc<SimState>>) -> Json<Faults> {
    Json(state.faults())
}

/// Replaces the fault settings with the JSON body (missing fields are off).
async fn set_faults(State(state): State<Arc<SimState>>, Json(faults): Json<Faults>) -> Json<Faults> {
    state.set_faults(faults);
    Json(state.faults())
}

async fn get_clock(State(state): State<Arc<SimState>>) -> Json<Value> {
    Json(json!({ "now": state.now() }))
}

/// How far to move the simulated clock.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Advance {
    seconds: i64,
}

/// Moves the simulated clock forward by `{"seconds": N}` and answers the new time.
async fn advance_clock(State(state): State<Arc<SimState>>, Json(advance): Json<Advance>) -> Json<Value> {
    state.advance_clock(advance.seconds);
    Json(json!({ "now": state.now() }))
}
