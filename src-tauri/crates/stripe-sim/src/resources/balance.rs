//! `GET /v1/balance`: the account's balance. The emulator holds no funds yet, so it shows zero.

use axum::Json;
use serde_json::{json, Value};

use crate::errors::ApiError;
use crate::server::{ApiContext, Params};

/// Answers `GET /v1/balance`.
pub async fn retrieve(ctx: ApiContext, params: Params) -> Result<Json<Value>, ApiError> {
    params.allow_only(&["expand"])?;
    let zero = json!([{ "amount": 0, "currency": "usd", "source_types": { "card": 0 } }]);
    Ok(Json(json!({
        "object": "balance",
        "available": zero,
        "pending": zero,
        "connect_reserved": [{ "amount": 0, "currency": "usd" }],
        "livemode": ctx.livemode,
    })))
}
