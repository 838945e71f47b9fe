//! Stripe's error answers: `{"error": {type, code, message, param, doc_url}}` with the
//! status Stripe uses and `Stripe-Should-Retry` where Stripe sends it.

use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::json;

/// An error answer in Stripe's shape.
#[derive(Debug, Clone, PartialEq)]
pub struct ApiError {
    /// HTTP status.
    pub status: StatusCode,
    /// `invalid_request_error`, `api_error`, `card_error` or `idempotency_error`.
    pub kind: &'static str,
    /// Machine code such as `resource_missing`, if any.
    pub code: Option<&'static str>,
    /// Human message, worded as Stripe words it.
    pub message: String,
    /// The parameter at fault, if any.
    pub param: Option<String>,
    /// Whether a retry could help (`Stripe-Should-Retry`), when Stripe says so.
    pub should_retry: Option<bool>,
    /// Further fields of the error object (`decline_code`, `charge`, `payment_intent`…).
    pub details: Option<serde_json::Map<String, serde_json::Value>>,
}

impl ApiError {
    /// 401: no key given.
    pub fn missing_key() -> Self {
        ApiError {
            status: StatusCode::UNAUTHORIZED,
            kind: "invalid_request_error",
            code: None,
            message: "You did not provide an API key. You need to provide your API key in the Authorization header, using Bearer auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY'). See https://stripe.com/docs/api#authentication for details, or we can help at https://support.stripe.com/.".into(),
            param: None,
            should_retry: Some(false),
            details: None,
        }
    }

    /// 401: a key that is not a valid secret or restricted key. Only its last four
    /// characters are echoed, as Stripe does.
    pub fn invalid_key(key: &str) -> Self {
        let tail: String = key.chars().rev().take(4).collect::<Vec<_>>().into_iter().rev().collect();
        let prefix = key.split('_').take(2).collect::<Vec<_>>().join("_");
        ApiError {
            status: StatusCode::UNAUTHORIZED,
            kind: "invalid_request_error",
            code: None,
            message: format!("Invalid API Key provided: {prefix}_********{tail}"),
            param: None,
            should_retry: Some(false),
            details: None,
        }
    }

    /// 429: over the per-key rate limit.
    pub fn rate_limited() -> Self {
        ApiError {
            status: StatusCode::TOO_MANY_REQUESTS,
            kind: "invalid_request_error",
            code: Some("rate_limit"),
            message: "Too many requests hit the API too quickly. We recommend an exponential backoff of your requests.".into(),
            param: None,
            should_retry: Some(true),
            details: None,
        }
    }

    /// 500: an injected server failure.
    pub fn server_error() -> Self {
        ApiError {
            status: StatusCode::INTERNAL_SERVER_ERROR,
            kind: "api_error",
            code: None,
            message: "An unknown error occurred".into(),
            param: None,
            should_retry: Some(true),
            details: None,
        }
    }

    /// 404 for an unknown path.
    pub fn unrecognized_url(method: &str, path: &str) -> Self {
        ApiError {
            status: StatusCode::NOT_FOUND,
            kind: "invalid_request_error",
            code: None,
            message: format!("Unrecognized request URL ({method}: {path}). Please see https://stripe.com/docs or we can help at https://support.stripe.com/."),
            param: None,
            should_retry: None,
            details: None,
        }
    }

    /// 400 `invalid_request_error` with an optional code and param.
    pub fn invalid_request(code: Option<&'static str>, message: impl Into<String>, param: Option<&str>) -> Self {
        ApiError {
            status: StatusCode::BAD_REQUEST,
            kind: "invalid_request_error",
            code,
            message: message.into(),
            param: param.map(str::to_string),
            should_retry: None,
            details: None,
        }
    }

    /// 400: a parameter with a bad value.
    pub fn invalid_param(param: &str, message: impl Into<String>) -> Self {
        Self::invalid_request(Some("parameter_invalid_string"), message, Some(param))
    }

    /// 400: a required parameter is missing.
    pub fn missing_param(param: &str) -> Self {
        Self::invalid_request(Some("parameter_missing"), format!("Missing required param: {param}."), Some(param))
    }

    /// 404: no object with this id (`kind` is Stripe's word, e.g. `invoice`).
    pub fn no_such(kind: &str, id: &str, param: &str) -> Self {
        ApiError {
            status: StatusCode::NOT_FOUND,
            kind: "invalid_request_error",
            code: Some("resource_missing"),
            message: format!("No such {kind}: '{id}'"),
            param: Some(param.to_string()),
            should_retry: None,
            details: None,
        }
    }

    /// 400: the object is in the wrong state for this call.
    pub fn wrong_state(code: Option<&'static str>, message: impl Into<String>) -> Self {
        Self::invalid_request(code, message, None)
    }

    /// 400: the same idempotency key was sent with other parameters.
    pub fn idempotency_mismatch(key: &str) -> Self {
        ApiError {
            status: StatusCode::BAD_REQUEST,
            kind: "idempotency_error",
            code: None,
            message: format!("Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '{key}' if you meant to execute a different request."),
            param: None,
            should_retry: Some(false),
            details: None,
        }
    }

    /// 409: a request with the same idempotency key is still running.
    pub fn idempotency_in_flight() -> Self {
        ApiError {
            status: StatusCode::CONFLICT,
            kind: "invalid_request_error",
            code: Some("idempotency_key_in_use"),
            message: "There is currently another in-progress request using this Idempotent Key (that probably means you submitted twice, and the other request is still going through): please retry in a few seconds.".into(),
            param: None,
            should_retry: Some(true),
            details: None,
        }
    }

    /// 402: a test card's decline (`decline_code` `generic_decline`); `details` adds the
    /// charge and payment intent as Stripe does.
    pub fn card_declined(details: serde_json::Map<String, serde_json::Value>) -> Self {
        let mut all = serde_json::Map::new();
        all.insert("decline_code".into(), json!("generic_decline"));
        all.extend(details);
        ApiError {
            status: StatusCode::PAYMENT_REQUIRED,
            kind: "card_error",
            code: Some("card_declined"),
            message: "Your card was declined.".into(),
            param: None,
            should_retry: Some(false),
            details: Some(all),
        }
    }

    /// 400: a parameter this endpoint does not take.
    pub fn unknown_parameter(param: &str) -> Self {
        ApiError {
            status: StatusCode::BAD_REQUEST,
            kind: "invalid_request_error",
            code: Some("parameter_unknown"),
            message: format!("Received unknown parameter: {param}"),
            param: Some(param.to_string()),
            should_retry: None,
            details: None,
        }
    }
}

/// Marks an answer that must not be stored for its idempotency key: Stripe does not keep
/// requests that failed parameter validation, so a corrected retry with the same key runs.
#[derive(Debug, Clone, Copy)]
pub struct NotStored;

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut error = json!({
            "type": self.kind,
            "message": self.message,
        });
        if let Some(code) = self.code {
            error["code"] = json!(code);
            error["doc_url"] = json!(format!("https://stripe.com/docs/error-codes/{}", code.replace('_', "-")));
        }
        if let Some(param) = &self.param {
            error["param"] = json!(param);
        }
        for (key, value) in self.details.into_iter().flatten() {
            error[key] = value;
        }
        let mut response = (self.status, axum::Json(json!({ "error": error }))).into_response();
        if self.code.is_some_and(|code| code.starts_with("parameter_")) {
            response.extensions_mut().insert(NotStored);
        }
        if let Some(retry) = self.should_retry {
            response.headers_mut().insert(
                "Stripe-Should-Retry",
                HeaderValue::from_static(if retry { "true" } else { "false" }),
            );
        }
        response
    }
}
