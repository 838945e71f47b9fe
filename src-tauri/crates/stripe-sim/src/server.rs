//! The HTTP server: routes, the API middleware (request id, auth, rate limit, faults) and
//! the extractors handlers use.

use std::sync::Arc;
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderValue, Method};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;

use crate::errors::ApiError;
use crate::state::{short_id, SimState};
use crate::{auth, control, resources};

/// Who is calling: set by the API middleware for every `/v1` handler.
#[derive(Debug, Clone)]
pub struct ApiContext {
    /// Whether the key is a live one.
    pub livemode: bool,
}

impl<S: Send + Sync> FromRequestParts<S> for ApiContext {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        parts
            .extensions
            .get::<ApiContext>()
            .cloned()
            .ok_or_else(|| ApiError::missing_key())
    }
}

/// Request parameters, form-decoded from the query string (GET/DELETE) or the body (POST),
/// in order, with Rack-style names kept as sent (`metadata[po]`, `expand[]`).
#[derive(Debug, Clone, Default)]
pub struct Params(pub Vec<(String, String)>);

impl Params {
    /// Parses `application/x-www-form-urlencoded` text. The empty pair that clients send for
    /// an empty query (`?=`) is dropped.
    pub fn parse(text: &str) -> Params {
        Params(
            form_urlencoded::parse(text.as_bytes())
                .map(|(name, value)| (name.into_owned(), value.into_owned()))
                .filter(|(name, value)| !(name.is_empty() && value.is_empty()))
                .collect(),
        )
    }

    /// Refuses any parameter whose top-level name is not in `allowed`, as Stripe does.
    pub fn allow_only(&self, allowed: &[&str]) -> Result<(), ApiError> {
        for (name, _) in &self.0 {
            let top = name.split('[').next().unwrap_or(name);
            if !allowed.contains(&top) {
                return Err(ApiError::unknown_parameter(top));
            }
        }
        Ok(())
    }
}

impl<S: Send + Sync> FromRequest<S> for Params {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let query = req.uri().query().unwrap_or("").to_string();
        let method = req.method().clone();
        let body = Bytes::from_request(req, state).await.unwrap_or_default();
        let mut params = Params::parse(&query);
        if method == Method::POST {
            params.0.extend(Params::parse(&String::from_utf8_lossy(&body)).0);
        }
        Ok(params)
    }
}

/// All routes: the Stripe API under `/v1` and the control API under `/_sim`.
pub fn router(state: Arc<SimState>) -> Router {
    let api = Router::new()
        .route("/v1/balance", get(resources::balance::retrieve))
        .fallback(unrecognized)
        .layer(middleware::from_fn_with_state(state.clone(), api_gate));
    Router::new()
        .merge(control::router(state.clone()))
        .merge(api)
        .layer(middleware::from_fn(request_id))
}

/// Every answer carries a fresh `Request-Id`, as Stripe's do.
async fn request_id(req: Request, next: Next) -> Response {
    let mut response = next.run(req).await;
    if let Ok(value) = HeaderValue::from_str(&format!("req_{}", &short_id()[..14])) {
        response.headers_mut().insert("Request-Id", value);
    }
    response
}

/// Auth, then the per-key rate limit, then injected faults, for every API request.
async fn api_gate(State(state): State<Arc<SimState>>, mut req: Request, next: Next) -> Response {
    let key = match auth::authenticate(req.headers()) {
        Ok(key) => key,
        Err(err) => return err.into_response(),
    };
    state.count_request();
    let Some(livemode) = state.admit(&key.key, key.livemode) else {
        return ApiError::rate_limited().into_response();
    };
    let faults = state.faults();
    if faults.latency_ms > 0 {
        tokio::time::sleep(Duration::from_millis(faults.latency_ms)).await;
    }
    if faults.rate_limit_rate > 0.0 && state.next_fault_draw() < faults.rate_limit_rate {
        return ApiError::rate_limited().into_response();
    }
    if faults.error_rate > 0.0 && state.next_fault_draw() < faults.error_rate {
        return ApiError::server_error().into_response();
    }
    req.extensions_mut().insert(ApiContext { livemode });
    next.run(req).await
}

async fn unrecognized(req: Request) -> Response {
    ApiError::unrecognized_url(req.method().as_str(), req.uri().path()).into_response()
}
