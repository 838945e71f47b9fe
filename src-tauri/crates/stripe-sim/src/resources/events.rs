//! `GET /v1/events`: the polling feed. Newest first, `created[gt|gte|lt|lte]`, `type`
//! (with `*` wildcards) or `types[]` (at most 20), and the usual pagination; only events
//! within the retention window are listed.

use axum::extract::Path;
use axum::Json;
use serde_json::Value;

use super::integer;
use crate::errors::ApiError;
use crate::list::{cursor_params, expand_paths, expanded, limit_param, window, LIST_PARAMS};
use crate::server::{ApiContext, Params};

/// `created` as an exact value or a `gt/gte/lt/lte` range.
#[derive(Debug, Default, Clone, Copy)]
pub struct CreatedFilter {
    gt: Option<i64>,
    gte: Option<i64>,
    lt: Option<i64>,
    lte: Option<i64>,
}

impl CreatedFilter {
    /// Reads `created` or `created[...]`.
    pub fn parse(params: &Value) -> Result<Self, ApiError> {
        Self::parse_field(params, "created")
    }

    /// Reads a timestamp filter on another field (`due_date`, …), exact or a range.
    pub fn parse_field(params: &Value, field: &str) -> Result<Self, ApiError> {
        let mut filter = CreatedFilter::default();
        match params.get(field) {
            None => {}
            Some(Value::String(_)) => {
                let exact = integer(params, field)?;
                filter.gte = exact;
                filter.lte = exact;
            }
            Some(Value::Object(range)) => {
                for (op, _) in range {
                    let value = integer(&params[field], op)?;
                    match op.as_str() {
                        "gt" => filter.gt = value,
                        "gte" => filter.gte = value,
                        "lt" => filter.lt = value,
                        "lte" => filter.lte = value,
                        other => return Err(ApiError::unknown_parameter(&format!("{field}[{other}]"))),
                    }
                }
            }
            Some(_) => return Err(ApiError::invalid_param(field, format!("Invalid {field} filter"))),
        }
        Ok(filter)
    }

    /// Whether a timestamp passes.
    pub fn matches(&self, created: i64) -> bool {
        self.gt.is_none_or(|v| created > v)
            && self.gte.is_none_or(|v| created >= v)
            && self.lt.is_none_or(|v| created < v)
            && self.lte.is_none_or(|v| created <= v)
    }
}

/// Whether an event type matches a pattern with `*` wildcards (`invoice.*`).
fn type_matches(pattern: &str, event_type: &str) -> bool {
    fn glob(pattern: &[u8], text: &[u8]) -> bool {
        match pattern.split_first() {
            None => text.is_empty(),
            Some((b'*', rest)) => (0..=text.len()).any(|skip| glob(rest, &text[skip..])),
            Some((c, rest)) => text.first() == Some(c) && glob(rest, &text[1..]),
        }
    }
    glob(pattern.as_bytes(), event_type.as_bytes())
}

/// `GET /v1/events`
pub async fn list(ctx: ApiContext, Params(params): Params) -> Answer {
    let mut allowed = LIST_PARAMS.to_vec();
    allowed.extend(["created", "type", "types", "delivery_success"]);
    Params(params.clone()).allow_only(&allowed)?;
    if params.get("type").is_some() && params.get("types").is_some() {
        return Err(ApiError::invalid_request(None, "You may only specify one of these parameters: type, types.", Some("types")));
    }
    let patterns: Vec<String> = match (params.get("type"), params.get("types")) {
        (Some(Value::String(single)), _) => vec![single.clone()],
        (_, Some(Value::Array(many))) => {
            if many.len() > 20 {
                return Err(ApiError::invalid_param("types", "You can filter by at most 20 types."));
            }
            many.iter().filter_map(Value::as_str).map(str::to_string).collect()
        }
        _ => Vec::new(),
    };
    let created = CreatedFilter::parse(&params)?;
    let oldest = ctx.now() - ctx.event_retention_secs();
    let limit = limit_param(&params)?;
    let (after, before) = cursor_params(&params)?;
    let expand: Vec<String> = expand_paths(&params)
        .into_iter()
        .filter_map(|path| path.strip_prefix("data.").map(str::to_string))
        .collect();
    let data = ctx.data();
    let items = data
        .events()
        .iter()
        .rev()
        .filter(|event| event.created >= oldest && created.matches(event.created))
        .filter(|event| patterns.is_empty() || patterns.iter().any(|pattern| type_matches(pattern, &event.event_type)));
    let cursor = after.or(before).unwrap_or("");
    let (window, has_more) = window(items, |event| event.id == cursor, limit, after, before)?;
    let events: Vec<Value> = window
        .into_iter()
        .map(|event| {
            let event = event.to_value();
            if expand.is_empty() { event } else { expanded(&data, &event, &expand) }
        })
        .collect();
    Ok(Json(serde_json::json!({ "object": "list", "data": events, "has_more": has_more, "url": "/v1/events" })))
}

/// `GET /v1/events/{id}`
pub async fn retrieve(ctx: ApiContext, Path(id): Path<String>) -> Answer {
    let data = ctx.data();
    data.events()
        .iter()
        .find(|event| event.id == id)
        .map(|event| Json(event.to_value()))
        .ok_or_else(|| ApiError::no_such("event", &id, "id"))
}

type Answer = Result<Json<Value>, ApiError>;

#[cfg(test)]
mod tests {
    use super::type_matches;

    #[test]
    fn wildcards() {
        assert!(type_matches("invoice.paid", "invoice.paid"));
        assert!(type_matches("invoice.*", "invoice.paid"));
        assert!(type_matches("*", "customer.created"));
        assert!(type_matches("customer.subscription.*", "customer.subscription.updated"));
        assert!(!type_matches("invoice.*", "invoiceitem.created"));
        assert!(!type_matches("invoice.paid", "invoice.payment_failed"));
    }
}
