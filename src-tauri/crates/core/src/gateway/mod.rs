//! The Stripe gateway: every request Billfold makes to Stripe for an account goes through
//! one [`Gateway`], which rate-limits it (token bucket), retries what may be retried
//! (exponential backoff with jitter, honouring `Stripe-Should-Retry`), bounds each attempt
//! with a timeout and writes every attempt to the request log.
//!
//! Typed async-stripe requests use it as their client (`request.send(&gateway)`); sync reads
//! raw JSON pages with [`Gateway::get_json`] so the cache keeps objects exactly as Stripe sent them.

mod multipart;
mod rate_limit;
pub mod request_log;
mod retry;
mod transport;

use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::Bytes;
use chrono::{SecondsFormat, Utc};
use http_body_util::Full;
use hyper::header::{HeaderValue, AUTHORIZATION, CONTENT_TYPE, USER_AGENT};
use hyper::Request;
use stripe_client_core::{CustomizedStripeRequest, StripeClient, StripeMethod};

use crate::accounts::Mode;
use crate::error::{Error, Result};
use crate::secrets::Secret;
use crate::store::Store;

pub use rate_limit::TokenBucket;
pub use request_log::{RequestLogEntry, REQUEST_LOG_CAPACITY};
pub use retry::{AttemptResult, RetryPolicy};

use request_log::NewLogEntry;
use transport::{RawResponse, Transport};

/// Limits for one account's requests.
#[derive(Debug, Clone, Copy)]
pub struct GatewayConfig {
    /// Requests per second on average; 0 turns the client-side limit off.
    pub requests_per_second: u32,
    /// How many requests may go at once after a quiet spell.
    pub burst: u32,
    /// When and how often to retry.
    pub retry: RetryPolicy,
    /// How long one attempt may take.
    pub attempt_timeout: Duration,
}

impl GatewayConfig {
    /// Stripe's documented limits with some headroom: 25 requests/s in test mode, 100 in live.
    pub fn for_mode(mode: Mode) -> Self {
        let requests_per_second = match mode {
            Mode::Test => 25,
            Mode::Live => 100,
        };
        GatewayConfig {
            requests_per_second,
            burst: requests_per_second,
            retry: RetryPolicy::default(),
            attempt_timeout: Duration::from_secs(30),
        }
    }
}

/// HTTP methods Stripe's API uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    Get,
    Post,
    Delete,
}

impl Method {
    fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
            Method::Delete => "DELETE",
        }
    }
}

/// One account's way to Stripe. Cheap to clone; clones share the rate limit.
#[derive(Clone)]
pub struct Gateway {
    inner: Arc<Inner>,
}

struct Inner {
    account_id: String,
    api_base: String,
    authorization: HeaderValue,
    transport: Transport,
    bucket: TokenBucket,
    config: GatewayConfig,
    store: Arc<Store>,
}

impl std::fmt::Debug for Gateway {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Gateway")
            .field("account_id", &self.inner.account_id)
            .field("api_base", &self.inner.api_base)
            .finish_non_exhaustive()
    }
}

impl Gateway {
    /// A gateway for `account_id`'s key at `api_base` (which ends in `/`), logging to `store`.
    pub fn new(store: Arc<Store>, account_id: &str, api_base: &str, key: &Secret, config: GatewayConfig) -> Result<Self> {
        let mut authorization = HeaderValue::from_str(&format!("Bearer {}", key.expose()))
            .map_err(|_| Error::Validation("The API key contains characters Stripe never uses.".into()))?;
        authorization.set_sensitive(true);
        Ok(Gateway {
            inner: Arc::new(Inner {
                account_id: account_id.to_string(),
                api_base: api_base.trim_end_matches('/').to_string(),
                authorization,
                transport: Transport::new(),
                bucket: TokenBucket::new(config.requests_per_second, config.burst),
                config,
                store,
            }),
        })
    }

    /// The account this gateway speaks for.
    pub fn account_id(&self) -> &str {
        &self.inner.account_id
    }

    /// GETs `path` (e.g. `/v1/customers`) with query pairs and returns the JSON body.
    pub async fn get_json(&self, path: &str, query: &[(String, String)]) -> Result<serde_json::Value> {
        let query = (!query.is_empty()).then(|| encode(query));
        let body = self.execute(Method::Get, path, query, None, None).await?;
        parse_json(&body)
    }

    /// POSTs form pairs to `path` and returns the JSON body. Writes pass the idempotency key
    /// their journaled operation gives them.
    pub async fn post_form(
        &self,
        path: &str,
        form: &[(String, String)],
        idempotency_key: Option<&str>,
    ) -> Result<serde_json::Value> {
        let body = self.execute(Method::Post, path, None, Some(encode(form)), idempotency_key).await?;
        parse_json(&body)
    }

    /// Uploads a file (`POST /v1/files`, multipart/form-data) with its `purpose` and returns
    /// the file object. Real Stripe takes uploads on files.stripe.com; any other API base
    /// (the emulator) takes them itself.
    pub async fn upload_file(
        &self,
        purpose: &str,
        filename: &str,
        bytes: &[u8],
        idempotency_key: Option<&str>,
    ) -> Result<serde_json::Value> {
        let (content_type, body) = multipart::form(&[("purpose", purpose)], ("file", filename, bytes));
        let base = files_base(&self.inner.api_base);
        let body = self.send(Method::Post, &base, "/v1/files", None, Some((Bytes::from(body), content_type)), idempotency_key).await?;
        parse_json(&body)
    }

    /// Sends one request with rate limiting, retries and logging; returns the body of the
    /// successful answer or the error Stripe (or the network) gave last.
    pub async fn execute(
        &self,
        method: Method,
        path: &str,
        query: Option<String>,
        body: Option<String>,
        idempotency_key: Option<&str>,
    ) -> Result<Bytes> {
        let form = body.map(|body| (Bytes::from(body), "application/x-www-form-urlencoded".to_string()));
        let base = self.inner.api_base.clone();
        self.send(method, &base, path, query, form, idempotency_key).await
    }

    /// [`Gateway::execute`] at `base` with a body of the given content type.
    async fn send(
        &self,
        method: Method,
        base: &str,
        path: &str,
        query: Option<String>,
        body: Option<(Bytes, String)>,
        idempotency_key: Option<&str>,
    ) -> Result<Bytes> {
        let inner = &self.inner;
        let target = match &query {
            Some(query) => format!("{path}?{query}"),
            None => path.to_string(),
        };
        let url = format!("{base}{target}");
        // A GET or DELETE can be repeated harmlessly; a POST only under an idempotency key.
        let repeat_is_safe = method != Method::Post || idempotency_key.is_some();
        let (body, content_type) = body.unwrap_or_else(|| (Bytes::new(), "application/x-www-form-urlencoded".to_string()));
        let mut attempt = 0;
        loop {
            attempt += 1;
            inner.bucket.acquire().await;
            let request = self.build_request(method, &url, &body, &content_type, idempotency_key)?;
            let at = Utc::now().to_rfc3339_opts(SecondsFormat::Millis, true);
            let started = Instant::now();
            let outcome = inner.transport.send(request, inner.config.attempt_timeout).await;
            let duration_ms = started.elapsed().as_millis() as i64;

            let (result, error) = match &outcome {
                Ok(response) => (
                    AttemptResult::Answered { status: response.status, should_retry: response.should_retry },
                    (response.status >= 400).then(|| stripe_error_message(response)),
                ),
                Err(reason) => (AttemptResult::NoAnswer, Some(reason.clone())),
            };
            self.log(NewLogEntry {
                at,
                account_id: &inner.account_id,
                method: method.as_str(),
                path: &truncate(&target, 500),
                status: outcome.as_ref().ok().map(|response| response.status),
                request_id: outcome.as_ref().ok().and_then(|response| response.request_id.as_deref()),
                duration_ms,
                idempotency_key,
                attempt,
                error: error.as_deref(),
            });

            if inner.config.retry.should_retry(attempt, result, repeat_is_safe) {
                tokio::time::sleep(inner.config.retry.delay_after(attempt)).await;
                continue;
            }
            return match outcome {
                Ok(response) if (200..300).contains(&response.status) => Ok(response.body),
                Ok(response) => Err(stripe_error(&response)),
                Err(reason) => Err(Error::StripeUnreachable { base: format!("{base}/"), reason }),
            };
        }
    }

    fn build_request(
        &self,
        method: Method,
        url: &str,
        body: &Bytes,
        content_type: &str,
        idempotency_key: Option<&str>,
    ) -> Result<Request<Full<Bytes>>> {
        let mut builder = Request::builder()
            .method(method.as_str())
            .uri(url)
            .header(AUTHORIZATION, self.inner.authorization.clone())
            .header(USER_AGENT, concat!("Billfold/", env!("CARGO_PKG_VERSION")))
            .header("stripe-version", stripe_client_core::VERSION.as_str());
        if method == Method::Post {
            builder = builder.header(CONTENT_TYPE, content_type);
        }
        if let Some(key) = idempotency_key {
            builder = builder.header("idempotency-key", key);
        }
        builder
            .body(Full::new(body.clone()))
            .map_err(|err| Error::Validation(format!("The request to Stripe could not be built: {err}")))
    }

    fn log(&self, entry: NewLogEntry<'_>) {
        if let Err(err) = self.inner.store.append_request_log(&entry) {
            tracing::warn!(%err, "could not write the request log");
        }
        tracing::debug!(
            account = %entry.account_id,
            method = entry.method,
            path = entry.path,
            status = ?entry.status,
            request_id = ?entry.request_id,
            duration_ms = entry.duration_ms,
            attempt = entry.attempt,
            "stripe request"
        );
    }
}

impl StripeClient for Gateway {
    type Err = Error;

    fn execute(&self, request: CustomizedStripeRequest) -> impl std::future::Future<Output = Result<Bytes>> + Send {
        let gateway = self.clone();
        async move {
            let (request, config) = request.into_pieces();
            let method = match request.method {
                StripeMethod::Get => Method::Get,
                StripeMethod::Post => Method::Post,
                StripeMethod::Delete => Method::Delete,
            };
            // Only an explicit key counts: generated keys would differ between a crash and its
            // resume; journaled operations give their own.
            let key = config.request_strategy.and_then(|strategy| match strategy {
                stripe_client_core::RequestStrategy::Idempotent(key) => Some(key.into_inner()),
                _ => None,
            });
            let path = format!("/v1{}", request.path);
            let query = request.query.filter(|query| !query.is_empty());
            Gateway::execute(&gateway, method, &path, query, request.body, key.as_deref()).await
        }
    }
}

/// Where uploads go: files.stripe.com for Stripe's own API, else the API base itself.
fn files_base(api_base: &str) -> String {
    if api_base == "https://api.stripe.com" {
        "https://files.stripe.com".to_string()
    } else {
        api_base.to_string()
    }
}

fn encode(pairs: &[(String, String)]) -> String {
    let mut serializer = url::form_urlencoded::Serializer::new(String::new());
    for (name, value) in pairs {
        serializer.append_pair(name, value);
    }
    serializer.finish()
}

fn parse_json(body: &[u8]) -> Result<serde_json::Value> {
    serde_json::from_slice(body).map_err(|err| Error::StripeResponse(format!("not JSON ({err})")))
}

fn truncate(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text.to_string(),
    }
}

/// Stripe's `error` object fields we use.
fn error_fields(response: &RawResponse) -> (Option<String>, Option<String>) {
    let json: serde_json::Value = serde_json::from_slice(&response.body).unwrap_or_default();
    let error = &json["error"];
    let text = |field: &str| error[field].as_str().map(str::to_string);
    (text("code"), text("message"))
}

fn stripe_error_message(response: &RawResponse) -> String {
    let (code, message) = error_fields(response);
    match (code, message) {
        (Some(code), Some(message)) => format!("{code}: {message}"),
        (None, Some(message)) => message,
        (Some(code), None) => code,
        (None, None) => format!("HTTP {}", response.status),
    }
}

fn stripe_error(response: &RawResponse) -> Error {
    let (code, message) = error_fields(response);
    let message = message.unwrap_or_else(|| format!("HTTP {} without an error message", response.status));
    match response.status {
        401 => Error::StripeAuth(message),
        402 => Error::StripeCard(message),
        429 => Error::StripeRateLimited,
        status => Error::Stripe { status, code, message },
    }
}
