//! Lists and expansion, shared by every resource: newest first, `limit`,
//! `starting_after` / `ending_before`, and `expand[]` (dotted, `data.` prefix on lists).

use std::borrow::Cow;

use axum::http::header;
use axum::response::{IntoResponse, Response};
use serde::ser::{Serialize, SerializeMap, Serializer};
use serde_json::{json, Value};

use crate::data::AccountData;
use crate::errors::ApiError;

/// Pagination parameters every list endpoint takes.
pub const LIST_PARAMS: &[&str] = &["limit", "starting_after", "ending_before", "expand"];

/// One page of a list, ready to serialize as Stripe's list object. Items are borrowed from
/// the account unless something in them was expanded.
#[derive(Debug)]
pub struct Page<'a> {
    data: Vec<Cow<'a, Value>>,
    has_more: bool,
    url: String,
}

impl Serialize for Page<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(4))?;
        map.serialize_entry("object", "list")?;
        map.serialize_entry("data", &self.data)?;
        map.serialize_entry("has_more", &self.has_more)?;
        map.serialize_entry("url", &self.url)?;
        map.end()
    }
}

impl Page<'_> {
    /// The JSON answer, written from the account's already-serialized objects (big lists
    /// are read far more often than they change, so this copies no object and serializes
    /// each one only once per change).
    pub fn to_response(&self, data: &AccountData) -> Response {
        let mut body = Vec::with_capacity(1024 * (self.data.len() + 1));
        body.extend_from_slice(br#"{"object":"list","data":["#);
        for (index, item) in self.data.iter().enumerate() {
            if index > 0 {
                body.push(b',');
            }
            body.extend_from_slice(&data.rendered(item));
        }
        body.extend_from_slice(format!(r#"],"has_more":{},"url":{}}}"#, self.has_more, json!(self.url)).as_bytes());
        ([(header::CONTENT_TYPE, "application/json")], body).into_response()
    }
}

/// One page of `items` (given newest first) as a JSON value; see [`page_of`].
pub fn page<'a>(
    data: &AccountData,
    items: impl Iterator<Item = &'a Value>,
    params: &Value,
    url: &str,
) -> Result<Value, ApiError> {
    let page = page_of(data, items, params, url)?;
    Ok(json!({
        "object": "list",
        "data": page.data.into_iter().map(Cow::into_owned).collect::<Vec<Value>>(),
        "has_more": page.has_more,
        "url": page.url,
    }))
}

/// One page of `items` (given newest first): `limit`, `starting_after` / `ending_before`,
/// `expand[]=data.…`. Items whose ids are stored objects must be the stored values
/// themselves (from `AccountData::all`/`get`), not copies.
pub fn page_of<'a>(
    data: &AccountData,
    items: impl Iterator<Item = &'a Value>,
    params: &Value,
    url: &str,
) -> Result<Page<'a>, ApiError> {
    let limit = limit_param(params)?;
    let (after, before) = cursor_params(params)?;
    // A cursor that is a stored object is found by identity (the iterator yields the stored
    // values themselves, so no id lookup per item); others (events, invoice lines) by id.
    let (window, has_more) = window(items, cursor_matcher(data, after.or(before).unwrap_or("")), limit, after, before)?;
    let expand: Vec<String> = expand_paths(params)
        .into_iter()
        .filter_map(|path| path.strip_prefix("data.").map(str::to_string))
        .collect();
    let data_out: Vec<Cow<'a, Value>> = window
        .into_iter()
        .map(|item| if expand.is_empty() { Cow::Borrowed(item) } else { Cow::Owned(expanded(data, item, &expand)) })
        .collect();
    Ok(Page { data: data_out, has_more, url: url.to_string() })
}

/// `limit`: 1 to 100, 10 when absent.
pub fn limit_param(params: &Value) -> Result<usize, ApiError> {
    match params.get("limit").and_then(Value::as_str) {
        None => Ok(10),
        Some(raw) => match raw.parse::<usize>() {
            Ok(n) if (1..=100).contains(&n) => Ok(n),
            _ => Err(ApiError::invalid_request(
                Some("parameter_invalid_integer"),
                "Invalid integer: limit must be between 1 and 100",
                Some("limit"),
            )),
        },
    }
}

/// `starting_after` and `ending_before`; at most one of them.
pub fn cursor_params(params: &Value) -> Result<(Option<&str>, Option<&str>), ApiError> {
    let after = params.get("starting_after").and_then(Value::as_str);
    let before = params.get("ending_before").and_then(Value::as_str);
    if after.is_some() && before.is_some() {
        return Err(ApiError::invalid_request(
            None,
            "You may only specify one of these parameters: ending_before, starting_after.",
            Some("ending_before"),
        ));
    }
    Ok((after, before))
}

/// The page of `items` (newest first) that `limit` and a cursor select, and whether more
/// lie beyond it. Walks lazily, so nothing past the page is touched: after `starting_after`
/// the next `limit`; before `ending_before` the `limit` items right before the cursor (the
/// next newer ones). An unknown cursor is Stripe's `resource_missing`.
pub fn window<T>(
    items: impl Iterator<Item = T>,
    is_cursor: impl Fn(&T) -> bool,
    limit: usize,
    after: Option<&str>,
    before: Option<&str>,
) -> Result<(Vec<T>, bool), ApiError> {
    let mut items = items;
    let missing = |cursor: &str, param: &str| ApiError::no_such("object", cursor, param);
    match (after, before) {
        (Some(cursor), _) => {
            if !items.by_ref().any(|item| is_cursor(&item)) {
                return Err(missing(cursor, "starting_after"));
            }
            let mut window: Vec<T> = items.take(limit + 1).collect();
            let has_more = window.len() > limit;
            window.truncate(limit);
            Ok((window, has_more))
        }
        (_, Some(cursor)) => {
            let mut recent: std::collections::VecDeque<T> = std::collections::VecDeque::with_capacity(limit + 1);
            let mut found = false;
            for item in items {
                if is_cursor(&item) {
                    found = true;
                    break;
                }
                if recent.len() == limit + 1 {
                    recent.pop_front();
                }
                recent.push_back(item);
            }
            if !found {
                return Err(missing(cursor, "ending_before"));
            }
            let has_more = recent.len() > limit;
            if has_more {
                recent.pop_front();
            }
            Ok((recent.into_iter().collect(), has_more))
        }
        _ => {
            let mut window: Vec<T> = items.take(limit + 1).collect();
            let has_more = window.len() > limit;
            window.truncate(limit);
            Ok((window, has_more))
        }
    }
}

/// Whether an item is the cursor object (see [`page`] on identity).
fn cursor_matcher<'v>(data: &'v AccountData, cursor: &'v str) -> impl Fn(&&Value) -> bool + 'v {
    let stored = data.get(cursor);
    move |item: &&Value| match stored {
        Some(target) => std::ptr::eq(*item, target),
        None => item["id"] == cursor,
    }
}

/// The filters most list endpoints take: `created` and fields that must equal a parameter
/// (`customer`, `charge`, …). Checks the request's parameters as it is built.
pub struct ListFilter {
    equals: Vec<(&'static str, String)>,
    created: crate::resources::events::CreatedFilter,
}

impl ListFilter {
    /// Accepts the pagination parameters, `created`, the `fields` filtered on, and `other`
    /// parameters the endpoint takes but does not filter on; refuses anything else.
    pub fn parse(params: &Value, fields: &[&'static str], other: &[&str]) -> Result<Self, ApiError> {
        let mut allowed = LIST_PARAMS.to_vec();
        allowed.push("created");
        allowed.extend(fields);
        allowed.extend(other);
        crate::server::Params(params.clone()).allow_only(&allowed)?;
        let equals = fields
            .iter()
            .filter_map(|field| params.get(*field).and_then(Value::as_str).map(|value| (*field, value.to_string())))
            .collect();
        Ok(ListFilter { equals, created: crate::resources::events::CreatedFilter::parse(params)? })
    }

    /// Whether an object passes every filter.
    pub fn matches(&self, object: &Value) -> bool {
        self.equals.iter().all(|(field, value)| object[*field] == value.as_str())
            && self.created.matches(object["created"].as_i64().unwrap_or(0))
    }
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
    let mut out = crate::data::public_view(object).into_owned();
    for path in paths {
        let segments: Vec<&str> = path.split('.').take(4).collect();
        expand_in(data, &mut out, &segments);
    }
    out
}

fn expand_in(data: &AccountData, node: &mut Value, segments: &[&str]) {
    let Some((first, rest)) = segments.split_first() else { return };
    let Some(field) = node.get_mut(*first) else { return };
    // A list of ids (a subscription's `discounts`) expands each of them.
    let targets: Vec<&mut Value> = match field {
        Value::Array(items) => items.iter_mut().collect(),
        other => vec![other],
    };
    for target in targets {
        if let Some(object) = target.as_str().and_then(|id| data.get(id)) {
            *target = crate::data::public_view(object).into_owned();
        }
        if !rest.is_empty() {
            expand_in(data, target, rest);
        }
    }
}
