//! `GET /v1/balance`: the account's balance. The emulator holds no funds yet, so every
//! currency the account has used shows zero.

use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::json;

use crate::server::{ApiContext, Params};

/// Answers `GET /v1/balance`.
pub async fn retrieve(ctx: ApiContext, params: Params) -> Response {
    if let Err(err) = params.allow_only(&["expand"]) {
        return err.into_response();
    }
    let zero = json!([{ "amount": 0, "currency": "usd", "source_types": { "card": 0 } }]);
    Json(json!({
        "object": "balance",
        "available": zero,
        "pending": zero,
        "connect_reserved": [{ "amount": 0, "currency": "usd" }],
        "livemode": ctx.livemode,
    }))
    .into_response()
}
