//! The HTTP server: routes, the API middleware (request id, auth, rate limit, faults,
//! idempotency) and the extractors handlers use.

use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::extract::{FromRequest, FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderValue, Method};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::Router;
use serde_json::Value;

use crate::data::{AccountData, Origin};
use crate::errors::{ApiError, NotStored};
use crate::idempotency::{Admission, StoredAnswer};
use crate::state::{lock, short_id, Account, Faults, SimState};
use crate::{auth, control, form, resources};

/// Largest request body accepted: the largest file upload with its multipart framing.
const MAX_BODY: usize = resources::files::MAX_UPLOAD + resources::MULTIPART_OVERHEAD;

/// The `Request-Id` of the request being served.
#[derive(Debug, Clone)]
struct RequestId(String);

/// Who is calling and on which account: set by the API middleware for every `/v1` handler.
#[derive(Clone)]
pub struct ApiContext {
    data: Arc<Mutex<AccountData>>,
    state: Arc<SimState>,
    /// Whether the key is a live one.
    pub livemode: bool,
    /// The request id and idempotency key, for events.
    pub origin: Origin,
}

impl ApiContext {
    /// The account's data, locked for this request's change.
    pub fn data(&self) -> MutexGuard<'_, AccountData> {
        lock(&self.data)
    }

    /// How long events stay listable, in seconds.
    pub fn event_retention_secs(&self) -> i64 {
        self.state.event_retention_secs()
    }

    /// The emulator's base URL, ending in `/`.
    pub fn base_url(&self) -> &str {
        self.state.base_url()
    }

    /// Simulated now (Unix seconds).
    pub fn now(&self) -> i64 {
        self.state.now()
    }

    /// A context for changes the emulator makes on its own (bulk generation): no request
    /// and no idempotency key behind them.
    pub fn internal(account: &Account, state: Arc<SimState>, livemode: bool) -> Self {
        ApiContext { data: account.data.clone(), state, livemode, origin: Origin::default() }
    }
}

impl<S: Send + Sync> FromRequestParts<S> for ApiContext {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        parts.extensions.get::<ApiContext>().cloned().ok_or_else(ApiError::missing_key)
    }
}

/// Request parameters, form-decoded from the query string and, for POST and DELETE, the body,
/// as a JSON tree (see [`form`]).
#[derive(Debug, Clone, Default)]
pub struct Params(pub Value);

impl Params {
    /// Refuses any parameter whose top-level name is not in `allowed`, as Stripe does.
    pub fn allow_only(&self, allowed: &[&str]) -> Result<(), ApiError> {
        if let Some(map) = self.0.as_object() {
            if let Some(unknown) = map.keys().find(|name| !allowed.contains(&name.as_str())) {
                return Err(ApiError::unknown_parameter(unknown));
            }
        }
        Ok(())
    }
}

/// `(name, value)` pairs of a form-encoded text; the empty pair clients send for an empty
/// query (`?=`) is dropped.
fn pairs(text: &[u8]) -> Vec<(String, String)> {
    form_urlencoded::parse(text)
        .map(|(name, value)| (name.into_owned(), value.into_owned()))
        .filter(|(name, value)| !(name.is_empty() && value.is_empty()))
        .collect()
}

impl<S: Send + Sync> FromRequest<S> for Params {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let query = req.uri().query().unwrap_or("").to_string();
        let method = req.method().clone();
        let body = Bytes::from_request(req, state).await.unwrap_or_default();
        let mut all = pairs(query.as_bytes());
        // async-stripe sends DELETE parameters (e.g. `invoice_now`) as a form body too.
        if method == Method::POST || method == Method::DELETE {
            all.extend(pairs(&body));
        }
        Ok(Params(form::decode(&all)?))
    }
}

/// All routes: the Stripe API under `/v1` and the control API under `/_sim`.
pub fn router(state: Arc<SimState>) -> Router {
    let api = resources::routes()
        .fallback(unrecognized)
        .layer(middleware::from_fn_with_state(state.clone(), api_gate));
    Router::new()
        .merge(control::router(state.clone()))
        .merge(api)
        .layer(middleware::from_fn(request_id))
}

/// Every answer carries a `Request-Id`, as Stripe's do (a replay keeps the first one's).
async fn request_id(mut req: Request, next: Next) -> Response {
    let id = format!("req_{}", &short_id()[..14]);
    req.extensions_mut().insert(RequestId(id.clone()));
    let mut response = next.run(req).await;
    if !response.headers().contains_key("Request-Id") {
        if let Ok(value) = HeaderValue::from_str(&id) {
            response.headers_mut().insert("Request-Id", value);
        }
    }
    response
}

/// Auth, the per-key rate limit, injected faults and idempotency, for every API request.
/// Like Stripe, a request that arrived runs to the end even if the client hangs up: it runs
/// in its own task, so a disconnect cannot leave a write half done or its idempotency key
/// forever in flight.
async fn api_gate(State(state): State<Arc<SimState>>, req: Request, next: Next) -> Response {
    tokio::spawn(gate(state, req, next))
        .await
        .unwrap_or_else(|_| ApiError::server_error().into_response())
}

async fn gate(state: Arc<SimState>, req: Request, next: Next) -> Response {
    let key = match auth::authenticate(req.headers()) {
        Ok(key) => key,
        Err(err) => return err.into_response(),
    };
    state.count_request();
    let account = state.account(&key.key, key.livemode);
    if !state.admit(&account) {
        return ApiError::rate_limited().into_response();
    }
    let faults = state.faults();
    if faults.rate_limit_rate > 0.0 && state.next_fault_draw() < faults.rate_limit_rate {
        return ApiError::rate_limited().into_response();
    }
    if faults.error_rate > 0.0 && state.next_fault_draw() < faults.error_rate {
        return ApiError::server_error().into_response();
    }

    let request_id = req.extensions().get::<RequestId>().map(|id| id.0.clone());
    let idempotency_key = (req.method() == Method::POST)
        .then(|| req.headers().get("Idempotency-Key").and_then(|v| v.to_str().ok()).map(str::to_string))
        .flatten();
    let context = ApiContext {
        data: account.data.clone(),
        state: state.clone(),
        livemode: key.livemode,
        origin: Origin { request_id: request_id.clone(), idempotency_key: idempotency_key.clone() },
    };

    let Some(idem_key) = idempotency_key else {
        let mut req = req;
        req.extensions_mut().insert(context);
        let response = run(req, next, &faults).await;
        return drop_or_answer(&state, &faults, response);
    };
    if idem_key.len() > 255 {
        return ApiError::invalid_request(None, "Idempotency-Key must be at most 255 characters long.", None)
            .into_response();
    }

    // Buffer the body: it is both the fingerprint and the handler's input.
    let (parts, body) = req.into_parts();
    let Ok(body) = axum::body::to_bytes(body, MAX_BODY).await else {
        return ApiError::invalid_request(None, "The request body is too large.", None).into_response();
    };
    let fingerprint = fingerprint(&parts, &body);
    match account.idempotency.admit(&idem_key, &fingerprint, state.now()) {
        Admission::Replay(answer) => return replay(answer),
        Admission::Mismatch => return ApiError::idempotency_mismatch(&idem_key).into_response(),
        Admission::InFlight => return ApiError::idempotency_in_flight().into_response(),
        Admission::Run => {}
    }
    let mut req = Request::from_parts(parts, Body::from(body));
    req.extensions_mut().insert(context);
    let response = run(req, next, &faults).await;
    if response.extensions().get::<NotStored>().is_some() {
        account.idempotency.abandon(&idem_key);
        return response;
    }
    let (parts, body) = response.into_parts();
    let body = axum::body::to_bytes(body, usize::MAX).await.unwrap_or_default();
    account.idempotency.finish(
        &idem_key,
        StoredAnswer { status: parts.status, body: body.clone(), request_id: request_id.unwrap_or_default() },
        state.now(),
    );
    drop_or_answer(&state, &faults, Response::from_parts(parts, Body::from(body)))
}

/// What an idempotent replay must match: the form pairs in any order, or for a multipart
/// upload a digest of its bytes without the boundary (clients draw a new one per attempt,
/// so a retried upload differs from the first only there).
fn fingerprint(parts: &Parts, body: &[u8]) -> String {
    let boundary = parts
        .headers
        .get("Content-Type")
        .and_then(|v| v.to_str().ok())
        .filter(|v| v.starts_with("multipart/form-data"))
        .and_then(|v| v.split(';').find_map(|part| part.trim().strip_prefix("boundary=")))
        .map(|b| b.trim_matches('"').to_string());
    if let Some(boundary) = boundary {
        use sha2::Digest;
        let mut digest = sha2::Sha256::new();
        for piece in split_on(body, format!("--{boundary}").as_bytes()) {
            digest.update(piece);
        }
        return format!("{} {} multipart {}", parts.method, parts.uri.path(), hex::encode(digest.finalize()));
    }
    let mut fingerprint_pairs = pairs(body);
    fingerprint_pairs.sort();
    format!("{} {} {:?}", parts.method, parts.uri.path(), fingerprint_pairs)
}

/// `body` cut at every occurrence of `separator` (which is dropped).
fn split_on<'a>(body: &'a [u8], separator: &[u8]) -> Vec<&'a [u8]> {
    let mut pieces = Vec::new();
    let mut start = 0;
    let mut at = 0;
    while at + separator.len() <= body.len() {
        if body[at] == separator[0] && body[at..].starts_with(separator) {
            pieces.push(&body[start..at]);
            at += separator.len();
            start = at;
        } else {
            at += 1;
        }
    }
    pieces.push(&body[start..]);
    pieces
}

/// Runs the handler after the injected latency. The wait comes after idempotency admission,
/// so a slow request holds its key and a concurrent retry sees it in flight.
async fn run(req: Request, next: Next, faults: &Faults) -> Response {
    if faults.latency_ms > 0 {
        tokio::time::sleep(Duration::from_millis(faults.latency_ms)).await;
    }
    next.run(req).await
}

/// The answer of a request that ran, unless the `drop_after_commit_rate` fault hits: then
/// the change stays committed but the client gets no answer. The body stream fails at once,
/// which makes hyper abort the connection instead of finishing the response.
fn drop_or_answer(state: &SimState, faults: &Faults, response: Response) -> Response {
    if faults.drop_after_commit_rate > 0.0 && state.next_fault_draw() < faults.drop_after_commit_rate {
        let failing = futures_util::stream::once(async {
            Err::<Bytes, _>(std::io::Error::new(std::io::ErrorKind::ConnectionAborted, "dropped after commit (fault)"))
        });
        let (parts, _) = response.into_parts();
        return Response::from_parts(parts, Body::from_stream(failing));
    }
    response
}

fn replay(answer: StoredAnswer) -> Response {
    let mut response = (answer.status, answer.body).into_response();
    let headers = response.headers_mut();
    headers.insert("Content-Type", HeaderValue::from_static("application/json"));
    headers.insert("Idempotent-Replayed", HeaderValue::from_static("true"));
    if let Ok(value) = HeaderValue::from_str(&answer.request_id) {
        headers.insert("Request-Id", value);
    }
    response
}

async fn unrecognized(req: Request) -> Response {
    ApiError::unrecognized_url(req.method().as_str(), req.uri().path()).into_response()
}
