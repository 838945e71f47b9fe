//! The `/_sim` control API: test and demo controls that real Stripe does not have.
//! Loopback only, no auth.

use std::sync::Arc;

use axum::extract::State;
use axum::routing::get;
use axum::{Json, Router};

use crate::state::{Faults, SimState};

/// Routes under `/_sim`.
pub fn router(state: Arc<SimState>) -> Router {
    Router::new()
        .route("/_sim/health", get(|| async { "ok" }))
        .route("/_sim/faults", get(get_faults).post(set_faults))
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
