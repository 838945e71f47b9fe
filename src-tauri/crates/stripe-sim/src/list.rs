//! Lists and expansion, shared by every resource: newest first, `limit`,
//! `starting_after` / `ending_before`, and `expand[]` (dotted, `data.` prefix on lists).

use serde_json::{json, Value};

use crate::data::AccountData;
use crate::errors::ApiError;

/// Pagination parameters every list endpoint takes.
pub const LIST_PARAMS: &[&str] = &["limit", "starting_after", "ending_before", "expand"];

/// One page of `items` (given newest first), shaped as Stripe's list object.
pub fn page<'a>(
    data: &AccountData,
    items: impl Iterator<Item = &'a Value>,
    params: &Value,
    url: &str,
) -> Result<Value, ApiError> {
    let limit = match params.get("limit").and_then(Value::as_str) {
        None => 10,
        Some(raw) => match raw.parse::<usize>() {
            Ok(n) if (1..=100).contains(&n) => n,
            _ => {
                return Err(ApiError::invalid_request(
                    Some("parameter_invalid_integer"),
                    "Invalid integer: limit must be between 1 and 100",
                    Some("limit"),
                ))
            }
        },
    };
    let after = params.get("starting_after").and_then(Value::as_str);
    let before = params.get("ending_before").and_then(Value::as_str);
    if after.is_some() && before.is_some() {
        return Err(ApiError::invalid_request(
            None,
            "You may only specify one of these parameters: ending_before, starting_after.",
            Some("ending_before"),
        ));
    }
    let items: Vec<&Value> = items.collect();
    let position = |cursor: &str, param: &str| {
        items
            .iter()
            .position(|item| item["id"] == cursor)
            .ok_or_else(|| ApiError::no_such("object", cursor, param))
    };
    let (window, has_more): (Vec<&Value>, bool) = match (after, before) {
        (Some(cursor), _) => {
            let start = position(cursor, "starting_after")? + 1;
            let rest = &items[start..];
            (rest.iter().take(limit).copied().collect(), rest.len() > limit)
        }
        (_, Some(cursor)) => {
            let end = position(cursor, "ending_before")?;
            let start = end.saturating_sub(limit);
            (items[start..end].to_vec(), start > 0)
        }
        _ => (items.iter().take(limit).copied().collect(), items.len() > limit),
    };
    let expand: Vec<String> = expand_paths(params)
        .into_iter()
        .filter_map(|path| path.strip_prefix("data.").map(str::to_string))
        .collect();
    let data_out: Vec<Value> = window.into_iter().map(|item| expanded(data, item, &expand)).collect();
    Ok(json!({ "object": "list", "data": data_out, "has_more": has_more, "url": url }))
}

/// The `expand[]` paths of a request.
pub fn expand_paths(params: &Value) -> Vec<String> {
    match params.get("expand") {
        Some(Value::Array(paths)) => paths.iter().filter_map(Value::as_str).map(str::to_string).collect(),
        Some(Value::String(path)) => vec![path.clone()],
        _ => Vec::new(),
    }
}

/// A copy of `object` with each dotted path's id replaced by the object it names.
pub fn expanded(data: &AccountData, object: &Value, paths: &[String]) -> Value {
    let mut out = object.clone();
    for path in paths {
        let segments: Vec<&str> = path.split('.').take(4).collect();
        expand_in(data, &mut out, &segments);
    }
    out
}

fn expand_in(data: &AccountData, node: &mut Value, segments: &[&str]) {
    let Some((first, rest)) = segments.split_first() else { return };
    let Some(field) = node.get_mut(*first) else { return };
    if let Some(id) = field.as_str() {
        if let Some(target) = data.get(id) {
            *field = target.clone();
        }
    }
    if !rest.is_empty() {
        expand_in(data, field, rest);
    }
}
