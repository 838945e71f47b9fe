//! Invoice items, the objects behind invoice lines: checking a line's pricing (`amount`,
//! `price_data`, `pricing`, `unit_amount_decimal`) and creating or rewriting the item.
//! Shared by `add_lines`, `update_lines`, `/v1/invoiceitems` and subscription prorations.

use serde_json::{json, Value};

use crate::data::{AccountData, Origin};
use crate::errors::ApiError;
use crate::money::MAX_AMOUNT;
use crate::resources::{integer, metadata};

/// A checked line, ready to become (or rewrite) an invoice item.
pub struct PlannedLine {
    amount: i64,
    quantity: i64,
    description: Option<String>,
    metadata: Value,
    period: Option<(i64, i64)>,
    price: Option<PriceRef>,
}

enum PriceRef {
    Existing { price: String, product: String, unit_amount: i64 },
    Inline { product: ProductRef, unit_amount: i64 },
}

/// The product of an inline price: an existing one, or one to create from `product_data`.
enum ProductRef {
    Existing(String),
    New(String),
}

impl PlannedLine {
    /// A line of `quantity` of an existing (possibly recurring) price for a computed `amount`,
    /// such as a subscription's proration; not checked like a requested line.
    pub fn of_price(price: &Value, quantity: i64, amount: i64, description: String, period: (i64, i64)) -> PlannedLine {
        PlannedLine {
            amount,
            quantity,
            description: Some(description),
            metadata: json!({}),
            period: Some(period),
            price: Some(PriceRef::Existing {
                price: price["id"].as_str().unwrap_or("").to_string(),
                product: price["product"].as_str().unwrap_or("").to_string(),
                unit_amount: price["unit_amount"].as_i64().unwrap_or(0),
            }),
        }
    }
}

/// How a parameter of the line is named in errors: `lines[0][amount]` or plain `amount`.
pub struct Naming<'a>(pub Option<&'a str>);

impl Naming<'_> {
    fn param(&self, name: &str) -> String {
        match self.0 {
            Some(prefix) => format!("{prefix}[{name}]"),
            None => name.to_string(),
        }
    }
}

/// Checks a line's fields against the currency of the invoice (or pending item).
pub fn plan_line(data: &AccountData, line: &Value, naming: &Naming, currency: &str) -> Result<PlannedLine, ApiError> {
    let param = |name: &str| naming.param(name);
    let quantity = integer(line, "quantity").map_err(|_| ApiError::invalid_param(&param("quantity"), "Invalid integer"))?.unwrap_or(1);
    if quantity < 0 {
        return Err(ApiError::invalid_param(&param("quantity"), "Quantity must be zero or more."));
    }
    let price = match (line.get("amount"), line.get("price_data"), line.get("pricing"), line.get("unit_amount_decimal")) {
        (Some(_), None, None, None) => None,
        (None, None, None, Some(decimal)) => {
            let unit_amount = decimal.as_str().and_then(|raw| raw.parse::<f64>().ok()).map(|d| d.round() as i64);
            let unit_amount = unit_amount.ok_or_else(|| ApiError::invalid_param(&param("unit_amount_decimal"), "Invalid decimal"))?;
            return finish(line, &param, quantity, unit_amount * quantity, None);
        }
        (None, Some(price_data), None, None) => {
            let line_currency = price_data["currency"].as_str().ok_or_else(|| ApiError::missing_param(&param("price_data][currency")))?;
            if !line_currency.eq_ignore_ascii_case(currency) {
                return Err(ApiError::invalid_param(&param("price_data][currency"), format!("The price's currency ({line_currency}) must match the invoice's currency ({currency}).")));
            }
            let product = match (price_data["product"].as_str(), price_data["product_data"]["name"].as_str()) {
                (Some(product), None) => {
                    data.get_of("product", product).ok_or_else(|| ApiError::no_such("product", product, &param("price_data][product")))?;
                    ProductRef::Existing(product.to_string())
                }
                (None, Some(name)) if !name.is_empty() => ProductRef::New(name.to_string()),
                _ => return Err(ApiError::missing_param(&param("price_data][product"))),
            };
            let unit_amount = unit_amount(price_data).ok_or_else(|| ApiError::missing_param(&param("price_data][unit_amount")))?;
            Some(PriceRef::Inline { product, unit_amount })
        }
        (None, None, Some(pricing), None) => {
            let price_id = pricing["price"].as_str().ok_or_else(|| ApiError::missing_param(&param("pricing][price")))?;
            let price = data.get_of("price", price_id).ok_or_else(|| ApiError::no_such("price", price_id, &param("pricing][price")))?;
            if price["currency"] != currency {
                return Err(ApiError::invalid_param(&param("pricing][price"), "The price's currency must match the invoice's currency."));
            }
            if price["active"] == false {
                return Err(ApiError::invalid_param(&param("pricing][price"), "The price specified is inactive. This field only accepts active prices."));
            }
            if price["type"] == "recurring" {
                return Err(ApiError::invalid_param(&param("pricing][price"), "The price specified is set to `type=recurring` but this field only accepts prices with `type=one_time`."));
            }
            Some(PriceRef::Existing {
                price: price_id.to_string(),
                product: price["product"].as_str().unwrap_or("").to_string(),
                unit_amount: price["unit_amount"].as_i64().unwrap_or(0),
            })
        }
        (None, None, None, None) => return Err(ApiError::missing_param(&param("amount"))),
        _ => {
            return Err(ApiError::invalid_request(
                None,
                "You may only specify one of these parameters: amount, price_data, pricing, unit_amount_decimal.",
                Some(&param("amount")),
            ))
        }
    };
    let amount = match &price {
        None => integer(line, "amount").map_err(|_| ApiError::invalid_param(&param("amount"), "Invalid integer"))?.unwrap_or(0),
        Some(PriceRef::Existing { unit_amount, .. } | PriceRef::Inline { unit_amount, .. }) => unit_amount * quantity,
    };
    finish(line, &param, quantity, amount, price)
}

fn finish(line: &Value, param: &dyn Fn(&str) -> String, quantity: i64, amount: i64, price: Option<PriceRef>) -> Result<PlannedLine, ApiError> {
    if amount.abs() > MAX_AMOUNT {
        return Err(ApiError::invalid_param(&param("amount"), "Amount must be no more than 99999999 (8 digits)."));
    }
    let period = match line.get("period") {
        Some(period) => {
            let start = integer(period, "start")?.ok_or_else(|| ApiError::missing_param(&param("period][start")))?;
            let end = integer(period, "end")?.ok_or_else(|| ApiError::missing_param(&param("period][end")))?;
            if end < start {
                return Err(ApiError::invalid_param(&param("period][end"), "The period end must be on or after its start."));
            }
            Some((start, end))
        }
        None => None,
    };
    Ok(PlannedLine {
        amount,
        quantity,
        description: line["description"].as_str().map(str::to_string),
        metadata: metadata(line, None)?,
        period,
        price,
    })
}

fn unit_amount(price_data: &Value) -> Option<i64> {
    if let Some(raw) = price_data["unit_amount"].as_str() {
        return raw.parse().ok();
    }
    price_data["unit_amount_decimal"].as_str().and_then(|raw| raw.parse::<f64>().ok()).map(|d| d.round() as i64)
}

/// Where a new invoice item goes and whose it is.
pub struct ItemOwner<'a> {
    /// `cus_…`
    pub customer: &'a str,
    /// The draft invoice, or `None` for a pending item.
    pub invoice: Option<&'a str>,
    /// The item's currency (the invoice's when there is one).
    pub currency: &'a str,
}

/// Creates the invoice item (and the inline price of `price_data`) of a planned line and
/// emits `invoiceitem.created`.
pub fn new_invoice_item(data: &mut AccountData, plan: &PlannedLine, owner: &ItemOwner, now: i64, origin: &Origin) -> Value {
    new_invoice_item_with(data, plan, owner, json!({}), now, origin)
}

/// `new_invoice_item` with the fields of `extra` laid over the item before it is stored
/// and announced (a subscription's proration sets `parent`, `proration`, `discountable`).
pub fn new_invoice_item_with(data: &mut AccountData, plan: &PlannedLine, owner: &ItemOwner, extra: Value, now: i64, origin: &Origin) -> Value {
    let livemode = data.livemode;
    let mut item = json!({
        "id": AccountData::new_id("ii"),
        "object": "invoiceitem",
        "amount": 0,
        "currency": owner.currency,
        "customer": owner.customer,
        "date": now,
        "description": null,
        "discountable": true,
        "discounts": [],
        "invoice": owner.invoice,
        "livemode": livemode,
        "metadata": {},
        "net_amount": 0,
        "parent": null,
        "period": { "start": now, "end": now },
        "pricing": null,
        "proration": false,
        "quantity": 1,
        "tax_rates": [],
        "test_clock": null,
    });
    apply_plan(data, &mut item, plan, now);
    for (field, value) in extra.as_object().into_iter().flatten() {
        item[field] = value.clone();
    }
    data.insert("invoiceitem", item.clone());
    data.emit("invoiceitem.created", &item, None, origin, now);
    item
}

/// Writes a planned line into an item: amounts and pricing always, the description,
/// metadata and period when the plan gives them.
pub fn apply_plan(data: &mut AccountData, item: &mut Value, plan: &PlannedLine, now: i64) {
    let currency = item["currency"].as_str().unwrap_or("usd").to_string();
    item["pricing"] = pricing_for(data, plan, &currency, now);
    item["amount"] = json!(plan.amount);
    item["net_amount"] = json!(plan.amount);
    item["quantity"] = json!(plan.quantity);
    item["quantity_decimal"] = json!(plan.quantity.to_string());
    if let Some(description) = &plan.description {
        item["description"] = json!(description);
    }
    if let Some((start, end)) = plan.period {
        item["period"] = json!({ "start": start, "end": end });
    }
    let mut merged = item["metadata"].as_object().cloned().unwrap_or_default();
    merged.extend(plan.metadata.as_object().cloned().unwrap_or_default());
    item["metadata"] = Value::Object(merged);
}

/// The item's `pricing`, creating the product and price of `price_data` first.
fn pricing_for(data: &mut AccountData, plan: &PlannedLine, currency: &str, now: i64) -> Value {
    let livemode = data.livemode;
    match &plan.price {
        None => Value::Null,
        Some(PriceRef::Existing { price, product, unit_amount }) => pricing_json(price, product, *unit_amount),
        Some(PriceRef::Inline { product, unit_amount }) => {
            let product = match product {
                ProductRef::Existing(id) => id.clone(),
                ProductRef::New(name) => {
                    let id = AccountData::new_id("prod");
                    let product = json!({
                        "id": id, "object": "product", "active": false, "created": now, "default_price": null,
                        "description": null, "images": [], "livemode": livemode, "marketing_features": [], "metadata": {},
                        "name": name, "package_dimensions": null, "shippable": null, "statement_descriptor": null,
                        "tax_code": null, "type": "service", "unit_label": null, "updated": now, "url": null,
                    });
                    data.insert("product", product);
                    id
                }
            };
            let price = json!({
                "id": AccountData::new_id("price"), "object": "price", "active": false, "billing_scheme": "per_unit",
                "created": now, "currency": currency, "custom_unit_amount": null, "livemode": livemode, "lookup_key": null,
                "metadata": {}, "nickname": null, "product": product, "recurring": null, "tax_behavior": "unspecified",
                "tiers_mode": null, "transform_quantity": null, "type": "one_time", "unit_amount": unit_amount,
                "unit_amount_decimal": unit_amount.to_string(),
            });
            let id = price["id"].as_str().unwrap_or("").to_string();
            data.insert("price", price);
            pricing_json(&id, &product, *unit_amount)
        }
    }
}

/// An item's (or line's) `pricing` for a price of `unit_amount`.
pub fn pricing_json(price: &str, product: &str, unit_amount: i64) -> Value {
    json!({ "type": "price_details", "price_details": { "price": price, "product": product }, "unit_amount_decimal": unit_amount.to_string() })
}

/// The line spec of an existing item with `changes` laid over it, so an update is checked
/// exactly like a new line: a new `amount`, `price_data` or `pricing` replaces the old
/// pricing; a new `quantity` alone re-prices a priced item; the quantity carries over.
pub fn merged_spec(item: &Value, changes: &Value) -> Value {
    let mut spec = json!({});
    let repriced = ["amount", "price_data", "pricing", "unit_amount_decimal"].iter().any(|field| changes.get(*field).is_some());
    if !repriced {
        match item["pricing"]["price_details"]["price"].as_str() {
            Some(price) => spec["pricing"] = json!({ "price": price }),
            None => spec["amount"] = json!(item["amount"].as_i64().unwrap_or(0).to_string()),
        }
    }
    spec["quantity"] = json!(item["quantity"].as_i64().unwrap_or(1).to_string());
    if let (Some(spec_map), Some(change_map)) = (spec.as_object_mut(), changes.as_object()) {
        for (key, value) in change_map {
            spec_map.insert(key.clone(), value.clone());
        }
    }
    spec
}
