//! Coupons: create, retrieve, update (name and metadata), delete, list, and the checks a
//! coupon passes before it is redeemed as a discount (see [`super::discounts`]).
//!
//! A deleted coupon can no longer be retrieved or redeemed, but discounts made from it keep
//! their terms (as in Stripe), so its object is kept aside under [`DELETED_KIND`].

use axum::extract::Path;
use axum::Json;
use serde_json::{json, Value};

use super::{integer, metadata};
use crate::data::{changed_fields, AccountData};
use crate::errors::ApiError;
use crate::list::{expand_paths, expanded, page, LIST_PARAMS};
use crate::server::{ApiContext, Params};

const KIND: &str = "coupon";
/// Where deleted coupons are kept for the discounts made from them.
const DELETED_KIND: &str = "deleted_coupon";
const CREATE_PARAMS: &[&str] = &[
    "amount_off", "applies_to", "currency", "duration", "duration_in_months", "expand", "id", "max_redemptions", "metadata", "name",
    "percent_off", "redeem_by",
];
/// Hundredths of a percent in 100%: `percent_off` is kept as hundredths to compute in integers.
pub const WHOLE: i64 = 10_000;

type Answer = Result<Json<Value>, ApiError>;

/// `percent_off` as hundredths of a percent (`25.5` → 2550): 0 < x ≤ 100, at most two decimals.
fn parse_percent(raw: &str) -> Option<i64> {
    let (whole, fraction) = raw.split_once('.').unwrap_or((raw, ""));
    if whole.is_empty() || fraction.len() > 2 || !whole.chars().chain(fraction.chars()).all(|c| c.is_ascii_digit()) {
        return None;
    }
    let whole: i64 = whole.parse().ok()?;
    let fraction: i64 = format!("{fraction:0<2}").parse().ok()?;
    let hundredths = whole.checked_mul(100)?.checked_add(fraction)?;
    (1..=WHOLE).contains(&hundredths).then_some(hundredths)
}

/// A coupon's `percent_off` in hundredths of a percent, if it is a percentage coupon.
pub fn percent_hundredths(coupon: &Value) -> Option<i64> {
    // The JSON number came from at most two decimals, so rounding recovers it exactly.
    coupon["percent_off"].as_f64().map(|percent| (percent * 100.0).round() as i64)
}

/// The new coupon a create request describes.
fn new_coupon(ctx: &ApiContext, params: &Value, now: i64) -> Result<Value, ApiError> {
    let percent = match params.get("percent_off").and_then(Value::as_str) {
        Some(raw) => Some(parse_percent(raw).ok_or_else(|| {
            ApiError::invalid_param("percent_off", "Invalid percent_off: must be greater than 0 and at most 100, with at most two decimal places.")
        })?),
        None => None,
    };
    let amount_off = integer(params, "amount_off")?;
    let (amount_off, currency) = match (percent, amount_off) {
        (Some(_), Some(_)) => {
            return Err(ApiError::invalid_request(None, "You may only specify one of these parameters: amount_off, percent_off.", Some("amount_off")))
        }
        (None, None) => return Err(ApiError::invalid_request(None, "You must specify either percent_off or amount_off.", Some("percent_off"))),
        (None, Some(amount)) if amount <= 0 || amount > crate::money::MAX_AMOUNT => {
            return Err(ApiError::invalid_param("amount_off", "Invalid amount_off: must be a positive integer of at most 8 digits."))
        }
        (None, Some(amount)) => (Some(amount), Some(super::currency(params, "currency")?)),
        // A currency sent with a percentage has nothing to qualify; Stripe leaves it out.
        (Some(_), None) => (None, None),
    };
    let duration = params.get("duration").and_then(Value::as_str).unwrap_or("once");
    if !matches!(duration, "once" | "repeating" | "forever") {
        return Err(ApiError::invalid_param("duration", format!("Invalid duration: must be one of once, repeating, or forever (got {duration}).")));
    }
    let months = integer(params, "duration_in_months")?;
    match (duration, months) {
        ("repeating", None) => return Err(ApiError::missing_param("duration_in_months")),
        ("repeating", Some(months)) if !(1..=1_200).contains(&months) => {
            return Err(ApiError::invalid_param("duration_in_months", "duration_in_months must be a positive integer."))
        }
        ("once" | "forever", Some(_)) => {
            return Err(ApiError::invalid_param("duration_in_months", "You can only specify duration_in_months when duration is repeating."))
        }
        _ => {}
    }
    let max_redemptions = integer(params, "max_redemptions")?;
    if max_redemptions.is_some_and(|max| max < 1) {
        return Err(ApiError::invalid_param("max_redemptions", "max_redemptions must be a positive integer."));
    }
    let redeem_by = integer(params, "redeem_by")?;
    if redeem_by.is_some_and(|when| when <= now) {
        return Err(ApiError::invalid_param("redeem_by", "redeem_by must be in the future."));
    }
    let id = match params.get("id").and_then(Value::as_str) {
        Some("") => return Err(ApiError::invalid_param("id", "A coupon id cannot be empty.")),
        Some(id) => id.to_string(),
        // Stripe makes up an 8-character code such as `Z4OV52SU`.
        None => crate::state::short_id()[..8].to_ascii_uppercase(),
    };
    let mut coupon = json!({
        "id": id,
        "object": "coupon",
        "amount_off": amount_off,
        "created": now,
        "currency": currency,
        "duration": duration,
        "duration_in_months": months,
        "livemode": ctx.livemode,
        "max_redemptions": max_redemptions,
        "metadata": metadata(params, None)?,
        "name": null,
        "percent_off": percent.map(|hundredths| hundredths as f64 / 100.0),
        "redeem_by": redeem_by,
        "times_redeemed": 0,
        "valid": true,
    });
    if let Some(applies_to) = params.get("applies_to") {
        coupon["applies_to"] = json!({ "products": applies_to_products(ctx, applies_to)? });
    }
    apply_name(&mut coupon, params)?;
    Ok(coupon)
}

/// `applies_to[products][]`: existing products.
fn applies_to_products(ctx: &ApiContext, applies_to: &Value) -> Result<Vec<String>, ApiError> {
    if let Some(unknown) = applies_to.as_object().and_then(|map| map.keys().find(|key| *key != "products")) {
        return Err(ApiError::unknown_parameter(&format!("applies_to[{unknown}]")));
    }
    let Some(Value::Array(products)) = applies_to.get("products") else {
        return Err(ApiError::missing_param("applies_to[products]"));
    };
    let data = ctx.data();
    let mut out = Vec::new();
    for (index, product) in products.iter().enumerate() {
        let param = format!("applies_to[products][{index}]");
        let id = product.as_str().filter(|id| !id.is_empty()).ok_or_else(|| ApiError::invalid_param(&param, "Invalid product id"))?;
        data.get_of("product", id).ok_or_else(|| ApiError::no_such("product", id, &param))?;
        out.push(id.to_string());
    }
    if out.is_empty() {
        return Err(ApiError::missing_param("applies_to[products]"));
    }
    Ok(out)
}

/// `name`: at most 40 characters; `""` clears it.
fn apply_name(coupon: &mut Value, params: &Value) -> Result<(), ApiError> {
    if let Some(name) = params.get("name").and_then(Value::as_str) {
        if name.chars().count() > 40 {
            return Err(ApiError::invalid_param("name", "Coupon names can be at most 40 characters."));
        }
        coupon["name"] = if name.is_empty() { Value::Null } else { json!(name) };
    }
    Ok(())
}

/// Brings `valid` up to date: a coupon past its `redeem_by` or out of redemptions is no
/// longer valid. Run before coupons are shown or redeemed, as the clock may have moved.
fn refresh_validity(data: &mut AccountData, now: i64) {
    let stale: Vec<Value> = data.all(KIND).filter(|coupon| coupon["valid"] == true && !currently_valid(coupon, now)).cloned().collect();
    for mut coupon in stale {
        coupon["valid"] = json!(false);
        data.put(coupon);
    }
}

fn currently_valid(coupon: &Value, now: i64) -> bool {
    let expired = coupon["redeem_by"].as_i64().is_some_and(|when| when <= now);
    let used_up = coupon["max_redemptions"].as_i64().is_some_and(|max| coupon["times_redeemed"].as_i64().unwrap_or(0) >= max);
    !expired && !used_up
}

/// The coupon `id` if it can be redeemed now, else Stripe's refusal (`param` names the
/// parameter that asked for it).
pub fn redeemable(data: &AccountData, id: &str, param: &str, now: i64) -> Result<Value, ApiError> {
    let coupon = data.get_of(KIND, id).filter(|coupon| coupon["deleted"].is_null()).ok_or_else(|| ApiError::no_such("coupon", id, param))?;
    if !currently_valid(coupon, now) {
        return Err(ApiError::invalid_request(Some("coupon_expired"), format!("Coupon expired: {id}"), Some(param)));
    }
    Ok(coupon.clone())
}

/// The coupon a discount was made from, deleted or not, for its terms.
pub fn terms<'a>(data: &'a AccountData, id: &str) -> Option<&'a Value> {
    data.get_of(KIND, id)
}

/// Counts one redemption; a coupon that reaches `max_redemptions` stops being valid.
pub fn redeem(data: &mut AccountData, id: &str, now: i64) {
    let Some(mut coupon) = data.get_of(KIND, id).cloned() else { return };
    coupon["times_redeemed"] = json!(coupon["times_redeemed"].as_i64().unwrap_or(0) + 1);
    coupon["valid"] = json!(currently_valid(&coupon, now));
    data.put(coupon);
}

/// The coupon with this id (not deleted), or Stripe's 404.
fn find<'a>(data: &'a AccountData, id: &str) -> Result<&'a Value, ApiError> {
    data.get_of(KIND, id).filter(|coupon| coupon["deleted"].is_null()).ok_or_else(|| ApiError::no_such("coupon", id, "coupon"))
}

/// `POST /v1/coupons`
pub async fn create(ctx: ApiContext, Params(params): Params) -> Answer {
    Params(params.clone()).allow_only(CREATE_PARAMS)?;
    let now = ctx.now();
    let coupon = new_coupon(&ctx, &params, now)?;
    let mut data = ctx.data();
    if data.get(coupon["id"].as_str().unwrap_or_default()).is_some() {
        return Err(ApiError::invalid_request(Some("resource_already_exists"), "Coupon already exists.", Some("id")));
    }
    data.insert(KIND, coupon.clone());
    data.emit("coupon.created", &coupon, None, &ctx.origin, now);
    Ok(Json(expanded(&data, &coupon, &expand_paths(&params))))
}

/// `GET /v1/coupons/{id}`
pub async fn retrieve(ctx: ApiContext, Path(id): Path<String>, Params(params): Params) -> Answer {
    Params(params.clone()).allow_only(&["expand"])?;
    let mut data = ctx.data();
    refresh_validity(&mut data, ctx.now());
    let coupon = find(&data, &id)?;
    Ok(Json(expanded(&data, coupon, &expand_paths(&params))))
}

/// `POST /v1/coupons/{id}`: only the name and metadata change; the terms are fixed.
pub async fn update(ctx: ApiContext, Path(id): Path<String>, Params(params): Params) -> Answer {
    Params(params.clone()).allow_only(&["expand", "metadata", "name"])?;
    let now = ctx.now();
    let mut data = ctx.data();
    refresh_validity(&mut data, now);
    let old = find(&data, &id)?.clone();
    let mut coupon = old.clone();
    apply_name(&mut coupon, &params)?;
    coupon["metadata"] = metadata(&params, old.get("metadata"))?;
    if let Some(previous) = changed_fields(&old, &coupon) {
        data.put(coupon.clone());
        data.emit("coupon.updated", &coupon, Some(previous), &ctx.origin, now);
    }
    Ok(Json(expanded(&data, &coupon, &expand_paths(&params))))
}

/// `DELETE /v1/coupons/{id}`: no new redemptions; existing discounts keep applying.
pub async fn delete(ctx: ApiContext, Path(id): Path<String>) -> Answer {
    let now = ctx.now();
    let mut data = ctx.data();
    find(&data, &id)?;
    let mut coupon = data.remove(KIND, &id).unwrap_or_default();
    data.emit("coupon.deleted", &coupon, None, &ctx.origin, now);
    coupon["deleted"] = json!(true);
    data.insert(DELETED_KIND, coupon);
    Ok(Json(json!({ "id": id, "object": "coupon", "deleted": true })))
}

/// `GET /v1/coupons`
pub async fn list(ctx: ApiContext, Params(params): Params) -> Answer {
    let mut allowed = LIST_PARAMS.to_vec();
    allowed.push("created");
    Params(params.clone()).allow_only(&allowed)?;
    let created = super::events::CreatedFilter::parse(&params)?;
    let mut data = ctx.data();
    refresh_validity(&mut data, ctx.now());
    let items = data.all(KIND).rev().filter(|coupon| created.matches(coupon["created"].as_i64().unwrap_or(0)));
    Ok(Json(page(&data, items, &params, "/v1/coupons")?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentages_have_at_most_two_decimals_and_stay_within_a_hundred() {
        assert_eq!(parse_percent("25.5"), Some(2_550));
        assert_eq!(parse_percent("33.33"), Some(3_333));
        assert_eq!(parse_percent("100"), Some(WHOLE));
        assert_eq!(parse_percent("0.01"), Some(1));
        for refused in ["0", "0.00", "100.01", "101", "12.345", "-5", "abc", ".5", "1e2"] {
            assert_eq!(parse_percent(refused), None, "{refused}");
        }
        assert_eq!(percent_hundredths(&json!({ "percent_off": 33.33 })), Some(3_333));
    }
}
