//! Discounts: coupons redeemed on a subscription or an invoice through the `discounts`
//! parameter (`discounts[n][coupon]` redeems, `discounts[n][discount]` keeps one already
//! there, `discounts=""` removes them all), the `discount` objects and their
//! `customer.discount.created` / `customer.discount.deleted` events, and how a
//! subscription's discounts reach the invoices it produces: `once` until an invoice it
//! lowered, `repeating` until its `end`, `forever` always. The amounts are worked out in
//! [`super::invoices::discounts`].

use serde_json::{json, Value};

use super::coupons;
use super::subscriptions::billing::add_interval;
use crate::data::{AccountData, Origin};
use crate::errors::ApiError;

const KIND: &str = "discount";
/// Most discounts one subscription or invoice may carry, as Stripe allows.
const MAX_DISCOUNTS: usize = 20;

/// A request's `discounts`, checked against the object they go on; `None` inside when the
/// request has no `discounts`.
pub struct Checked(Option<Vec<Wanted>>);

/// One entry of a checked `discounts` list.
enum Wanted {
    /// A discount already on the object, kept as it is.
    Keep(String),
    /// A coupon to redeem as a new discount.
    Redeem(Value),
}

/// The products an object bills: a subscription's item prices' or an invoice's lines'.
fn products_of(object: &Value) -> Vec<String> {
    let product = |entry: &Value| -> Option<String> {
        let product = if object["object"] == "subscription" { &entry["price"]["product"] } else { &entry["pricing"]["price_details"]["product"] };
        product.as_str().map(str::to_string)
    };
    let list = if object["object"] == "subscription" { &object["items"]["data"] } else { &object["lines"]["data"] };
    list.as_array().into_iter().flatten().filter_map(product).collect()
}

/// The coupon behind a discount, deleted or not.
pub fn coupon_of<'a>(data: &'a AccountData, discount_id: &str) -> Option<&'a Value> {
    data.get_of(KIND, discount_id).and_then(|discount| coupons::terms(data, discount["source"]["coupon"].as_str()?))
}

/// The discount ids an object carries.
fn ids_of(object: &Value) -> Vec<String> {
    object["discounts"].as_array().into_iter().flatten().filter_map(Value::as_str).map(str::to_string).collect()
}

/// Checks the request's `discounts` against `object` (a subscription or invoice as the
/// request leaves it, with its currency and items or lines); stores nothing.
pub fn check(data: &AccountData, object: &Value, params: &Value, now: i64) -> Result<Checked, ApiError> {
    let requested = match params.get("discounts") {
        None => return Ok(Checked(None)),
        Some(Value::String(empty)) if empty.is_empty() => return Ok(Checked(Some(Vec::new()))),
        Some(Value::Array(requested)) => requested,
        Some(_) => return Err(ApiError::invalid_param("discounts", "Invalid array")),
    };
    if requested.len() > MAX_DISCOUNTS {
        return Err(ApiError::invalid_param("discounts", format!("You can apply at most {MAX_DISCOUNTS} discounts.")));
    }
    let kind = object["object"].as_str().unwrap_or("invoice");
    let currency = object["currency"].as_str().unwrap_or("usd");
    let products = products_of(object);
    let existing = ids_of(object);
    let mut wanted = Vec::new();
    let mut coupons_seen: Vec<String> = Vec::new();
    for (index, entry) in requested.iter().enumerate() {
        let param = |name: &str| format!("discounts[{index}][{name}]");
        if let Some(unknown) = entry.as_object().and_then(|map| map.keys().find(|key| !matches!(key.as_str(), "coupon" | "discount"))) {
            return Err(ApiError::unknown_parameter(&param(unknown)));
        }
        let (coupon_id, discount_id) = (entry["coupon"].as_str().filter(|id| !id.is_empty()), entry["discount"].as_str().filter(|id| !id.is_empty()));
        let (coupon, keep) = match (coupon_id, discount_id) {
            (Some(coupon_id), None) => {
                // A coupon already redeemed here keeps its discount rather than counting twice.
                let kept = existing.iter().find(|id| data.get_of(KIND, id).is_some_and(|d| d["source"]["coupon"] == coupon_id));
                match kept {
                    Some(id) => (coupon_of(data, id).cloned().unwrap_or_default(), Some(id.clone())),
                    None => (coupons::redeemable(data, coupon_id, &param("coupon"), now)?, None),
                }
            }
            (None, Some(discount_id)) => {
                if !existing.iter().any(|id| id == discount_id) {
                    return Err(ApiError::no_such("discount", discount_id, &param("discount")));
                }
                (coupon_of(data, discount_id).cloned().unwrap_or_default(), Some(discount_id.to_string()))
            }
            _ => return Err(ApiError::invalid_request(None, "You must specify exactly one of coupon or discount for each entry of discounts.", Some(&param("coupon")))),
        };
        let coupon_id = coupon["id"].as_str().unwrap_or("").to_string();
        if coupons_seen.contains(&coupon_id) {
            return Err(ApiError::invalid_param(&param("coupon"), format!("The coupon {coupon_id} is listed more than once.")));
        }
        coupons_seen.push(coupon_id.clone());
        if keep.is_none() {
            check_fits(&coupon, kind, currency, &products, &param("coupon"))?;
        }
        wanted.push(match keep {
            Some(id) => Wanted::Keep(id),
            None => Wanted::Redeem(coupon),
        });
    }
    Ok(Checked(Some(wanted)))
}

/// Refuses a coupon that cannot lower anything on the object: an amount off in another
/// currency, or products none of which the object bills.
fn check_fits(coupon: &Value, kind: &str, currency: &str, products: &[String], param: &str) -> Result<(), ApiError> {
    let id = coupon["id"].as_str().unwrap_or("");
    if let Some(coupon_currency) = coupon["currency"].as_str().filter(|_| coupon["amount_off"].is_i64()) {
        if coupon_currency != currency {
            return Err(ApiError::invalid_param(
                param,
                format!("The coupon {id} is for an amount in {coupon_currency}, but this {kind} is in {currency}; the currencies must match."),
            ));
        }
    }
    if let Some(applies) = coupon["applies_to"]["products"].as_array() {
        // An invoice with no lines yet has nothing to compare; its lines are checked when discounted.
        let any = products.is_empty() || applies.iter().filter_map(Value::as_str).any(|product| products.iter().any(|p| p == product));
        if !any {
            return Err(ApiError::invalid_param(param, format!("The coupon {id} applies only to products that are not on this {kind}.")));
        }
    }
    Ok(())
}

/// Applies the request's `discounts` to `object` (a subscription or invoice as it is about
/// to be stored, with its id, customer, currency and items or lines set): every coupon is
/// checked first, then new discounts are made (each one redemption of its coupon) and the
/// ones left out end. Does nothing when the request has no `discounts`.
pub fn apply_param(data: &mut AccountData, object: &mut Value, params: &Value, origin: &Origin, now: i64) -> Result<(), ApiError> {
    let checked = check(data, object, params, now)?;
    commit(data, object, checked, origin, now);
    Ok(())
}

/// Makes the discounts of a [`check`]ed request on `object` (its id and customer set): new
/// ones redeem their coupons, the ones left out end, and `object.discounts` lists the rest.
pub fn commit(data: &mut AccountData, object: &mut Value, checked: Checked, origin: &Origin, now: i64) {
    let Checked(Some(wanted)) = checked else { return };
    let before = ids_of(object);
    let mut ids = Vec::new();
    for entry in wanted {
        match entry {
            Wanted::Keep(id) => ids.push(id),
            Wanted::Redeem(coupon) => ids.push(redeem(data, object, &coupon, origin, now)),
        }
    }
    let dropped: Vec<String> = before.into_iter().filter(|id| !ids.contains(id)).collect();
    end(data, object, &dropped, origin, now);
    object["discounts"] = json!(ids);
}

/// Makes the discount of `coupon` on `object`; returns its id.
fn redeem(data: &mut AccountData, object: &Value, coupon: &Value, origin: &Origin, now: i64) -> String {
    let is_subscription = object["object"] == "subscription";
    let end = match (coupon["duration"].as_str(), coupon["duration_in_months"].as_i64()) {
        (Some("repeating"), Some(months)) => json!(add_interval(now, "month", months)),
        _ => Value::Null,
    };
    let discount = json!({
        "id": AccountData::new_id("di"),
        "object": "discount",
        "checkout_session": null,
        "customer": object["customer"],
        "customer_account": null,
        "end": end,
        "invoice": if is_subscription { Value::Null } else { object["id"].clone() },
        "invoice_item": null,
        "promotion_code": null,
        "source": { "coupon": coupon["id"], "type": "coupon" },
        "start": now,
        "subscription": if is_subscription { object["id"].clone() } else { Value::Null },
        "subscription_item": null,
    });
    coupons::redeem(data, coupon["id"].as_str().unwrap_or(""), now);
    data.insert(KIND, discount.clone());
    data.emit("customer.discount.created", &discount, None, origin, now);
    discount["id"].as_str().unwrap_or("").to_string()
}

/// Ends the discounts `ids` that belong to `object` (`customer.discount.deleted`). The
/// objects stay stored: invoices that were lowered by them still name them.
fn end(data: &mut AccountData, object: &Value, ids: &[String], origin: &Origin, now: i64) {
    let owner_field = if object["object"] == "subscription" { "subscription" } else { "invoice" };
    for id in ids {
        let Some(discount) = data.get_of(KIND, id).cloned() else { continue };
        // An invoice may list its subscription's discounts; dropping one there ends nothing.
        if discount[owner_field] == object["id"] {
            data.emit("customer.discount.deleted", &discount, None, origin, now);
        }
    }
}

/// Puts the subscription's discounts on an invoice it is producing and recomputes it, then
/// ends the discounts that are used up: a `once` discount that lowered this invoice and a
/// `repeating` one whose `end` has come (it no longer applies). The subscription is saved
/// with what remains (`customer.subscription.updated`). Called as the invoice is made,
/// before it is finalized.
pub fn onto_subscription_invoice(data: &mut AccountData, invoice: &mut Value, origin: &Origin, now: i64) {
    let Some(sub_id) = invoice["parent"]["subscription_details"]["subscription"].as_str() else { return };
    let Some(old) = data.get_of("subscription", sub_id).cloned() else { return };
    let ids = ids_of(&old);
    if ids.is_empty() {
        return;
    }
    let (current, expired): (Vec<String>, Vec<String>) =
        ids.into_iter().partition(|id| data.get_of(KIND, id).is_some_and(|d| d["end"].as_i64().is_none_or(|end| end > now)));
    invoice["discounts"] = json!(current);
    super::invoices::recompute(data, invoice);
    let lowered = |id: &str| invoice["total_discount_amounts"].as_array().into_iter().flatten().any(|a| a["discount"] == id && a["amount"].as_i64().unwrap_or(0) > 0);
    let used_up: Vec<String> = current
        .iter()
        .filter(|id| {
            coupon_of(data, id).is_some_and(|coupon| coupon["duration"] == "once") && lowered(id)
        })
        .cloned()
        .collect();
    let ending: Vec<String> = expired.into_iter().chain(used_up).collect();
    if ending.is_empty() {
        return;
    }
    end(data, &old, &ending, origin, now);
    let mut subscription = old.clone();
    subscription["discounts"] = json!(ids_of(&old).into_iter().filter(|id| !ending.contains(id)).collect::<Vec<_>>());
    super::subscriptions::save(data, &old, &subscription, &[], origin, now);
}
