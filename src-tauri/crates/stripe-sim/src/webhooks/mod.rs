//! Webhook endpoints (`/v1/webhook_endpoints`: create, retrieve, update, delete, list) and
//! the delivery of events to them (see [`delivery`]).

mod delivery;

pub use delivery::{start_delivery, Delivery};

use axum::extract::Path;
use axum::Json;
use serde_json::{json, Value};

use crate::data::AccountData;
use crate::errors::ApiError;
use crate::list::{page, LIST_PARAMS};
use crate::resources::{boolean, metadata, optional_string, required};
use crate::server::{ApiContext, Params};

/// The kind webhook endpoints are stored under.
pub const KIND: &str = "webhook_endpoint";

type Answer = Result<Json<Value>, ApiError>;

/// Whether an endpoint is enabled and listens for an event type (`*` means all).
pub fn wants(endpoint: &Value, event_type: &str) -> bool {
    endpoint["status"] == "enabled"
        && endpoint["enabled_events"]
            .as_array()
            .is_some_and(|events| events.iter().any(|wanted| wanted == "*" || wanted == event_type))
}

/// `url`: an absolute http(s) URL.
fn url(params: &Value) -> Result<Option<String>, ApiError> {
    let Some(raw) = params.get("url") else { return Ok(None) };
    let text = raw.as_str().unwrap_or_default();
    let host = text.strip_prefix("https://").or_else(|| text.strip_prefix("http://"));
    match host {
        Some(rest) if !rest.is_empty() && !rest.starts_with('/') => Ok(Some(text.to_string())),
        _ => Err(ApiError::invalid_param("url", format!("Invalid URL: {text}. URLs must begin with http:// or https://"))),
    }
}

/// `enabled_events[]`: `*` or event types such as `invoice.paid`.
fn enabled_events(params: &Value) -> Result<Option<Value>, ApiError> {
    let events: Vec<&Value> = match params.get("enabled_events") {
        None => return Ok(None),
        Some(Value::Array(events)) => events.iter().collect(),
        Some(Value::Object(indexed)) => indexed.values().collect(),
        Some(single @ Value::String(_)) => vec![single],
        Some(_) => return Err(ApiError::invalid_param("enabled_events", "Invalid array")),
    };
    if events.is_empty() {
        return Err(ApiError::missing_param("enabled_events"));
    }
    for (index, event) in events.iter().enumerate() {
        let name = event.as_str().unwrap_or_default();
        let well_formed = name == "*"
            || (name.contains('.')
                && !name.starts_with('.')
                && !name.ends_with('.')
                && name.chars().all(|c| c.is_ascii_lowercase() || c == '_' || c == '.'));
        if !well_formed {
            return Err(ApiError::invalid_param(
                &format!("enabled_events[{index}]"),
                format!("Invalid enabled_events[{index}]: must be one of the event types Stripe sends, or *"),
            ));
        }
    }
    Ok(Some(Value::Array(events.into_iter().cloned().collect())))
}

fn find<'a>(data: &'a AccountData, id: &str) -> Result<&'a Value, ApiError> {
    data.get_of(KIND, id).ok_or_else(|| ApiError::no_such("webhook_endpoint", id, "id"))
}

/// `POST /v1/webhook_endpoints`: the only answer that shows the `secret`.
pub async fn create(ctx: ApiContext, Params(params): Params) -> Answer {
    Params(params.clone()).allow_only(&["url", "enabled_events", "description", "metadata", "api_version", "connect", "expand"])?;
    required(&params, "url")?;
    let url = url(&params)?;
    let events = enabled_events(&params)?.ok_or_else(|| ApiError::missing_param("enabled_events"))?;
    let endpoint = json!({
        "id": AccountData::new_id("we"),
        "object": "webhook_endpoint",
        "api_version": optional_string(&params, "api_version").unwrap_or(Value::Null),
        "application": null,
        "created": ctx.now(),
        "description": optional_string(&params, "description").unwrap_or(Value::Null),
        "enabled_events": events,
        "livemode": ctx.livemode,
        "metadata": metadata(&params, None)?,
        "status": "enabled",
        "url": url,
    });
    let secret = format!("whsec_{}{}", crate::state::short_id(), crate::state::short_id());
    let mut data = ctx.data();
    data.webhook_secrets.insert(endpoint["id"].as_str().unwrap_or_default().to_string(), secret.clone());
    data.insert(KIND, endpoint.clone());
    let mut answer = endpoint;
    answer["secret"] = json!(secret);
    Ok(Json(answer))
}

/// `GET /v1/webhook_endpoints/{id}`
pub async fn retrieve(ctx: ApiContext, Path(id): Path<String>, Params(params): Params) -> Answer {
    Params(params.clone()).allow_only(&["expand"])?;
    Ok(Json(find(&ctx.data(), &id)?.clone()))
}

/// `POST /v1/webhook_endpoints/{id}`: url, enabled_events, description, metadata, disabled.
pub async fn update(ctx: ApiContext, Path(id): Path<String>, Params(params): Params) -> Answer {
    Params(params.clone()).allow_only(&["url", "enabled_events", "description", "metadata", "disabled", "expand"])?;
    let mut data = ctx.data();
    let mut endpoint = find(&data, &id)?.clone();
    if let Some(url) = url(&params)? {
        endpoint["url"] = json!(url);
    }
    if let Some(events) = enabled_events(&params)? {
        endpoint["enabled_events"] = events;
    }
    if let Some(description) = optional_string(&params, "description") {
        endpoint["description"] = description;
    }
    endpoint["metadata"] = metadata(&params, endpoint.get("metadata"))?;
    if let Some(disabled) = boolean(&params, "disabled")? {
        endpoint["status"] = json!(if disabled { "disabled" } else { "enabled" });
    }
    data.put(endpoint.clone());
    Ok(Json(endpoint))
}

/// `DELETE /v1/webhook_endpoints/{id}`
pub async fn delete(ctx: ApiContext, Path(id): Path<String>) -> Answer {
    let mut data = ctx.data();
    find(&data, &id)?;
    data.remove(KIND, &id);
    data.webhook_secrets.remove(&id);
    Ok(Json(json!({ "id": id, "object": "webhook_endpoint", "deleted": true })))
}

/// `GET /v1/webhook_endpoints`, newest first.
pub async fn list(ctx: ApiContext, Params(params): Params) -> Answer {
    Params(params.clone()).allow_only(LIST_PARAMS)?;
    let data = ctx.data();
    let items = data.all(KIND).rev();
    Ok(Json(page(&data, items, &params, "/v1/webhook_endpoints")?))
}
