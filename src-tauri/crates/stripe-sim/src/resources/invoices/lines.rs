//! Invoice lines: `add_lines` (all lines in one request) and pending invoice items.

use axum::extract::Path;
use axum::Json;
use serde_json::{json, Value};

use super::{amounts, find, save};
use crate::data::{AccountData, Origin};
use crate::errors::ApiError;
use crate::list::{expand_paths, expanded};
use crate::money::MAX_AMOUNT;
use crate::resources::{integer, metadata};
use crate::server::{ApiContext, Params};

/// Most lines an invoice may have.
const MAX_LINES: usize = 250;
const LINE_PARAMS: &[&str] = &["amount", "description", "discountable", "metadata", "period", "price_data", "pricing", "quantity", "tax_rates"];

/// `POST /v1/invoices/{id}/add_lines`
pub async fn add_lines(ctx: ApiContext, Path(id): Path<String>, Params(params): Params) -> Result<Json<Value>, ApiError> {
    Params(params.clone()).allow_only(&["expand", "invoice_metadata", "lines"])?;
    let Some(Value::Array(requested)) = params.get("lines") else {
        return Err(ApiError::missing_param("lines"));
    };
    let now = ctx.now();
    let mut data = ctx.data();
    let old = find(&data, &id)?.clone();
    if old["status"] != "draft" {
        return Err(ApiError::wrong_state(
            Some("invoice_not_editable"),
            format!("You can only add lines to a draft invoice. This invoice is {}.", old["status"].as_str().unwrap_or("")),
        ));
    }
    let existing = old["lines"]["data"].as_array().map_or(0, Vec::len);
    if existing + requested.len() > MAX_LINES {
        return Err(ApiError::invalid_param("lines", format!("An invoice can have at most {MAX_LINES} lines.")));
    }
    let currency = old["currency"].as_str().unwrap_or("usd").to_string();
    let customer = old["customer"].as_str().unwrap_or("").to_string();
    // Validate every line before creating anything: the request adds all or nothing.
    let mut planned = Vec::new();
    for (index, line) in requested.iter().enumerate() {
        planned.push(plan_line(&data, line, index, &currency)?);
    }
    let mut invoice = old.clone();
    for plan in planned {
        let item = new_invoice_item(&mut data, &plan, &customer, &id, &currency, ctx.livemode, now, &ctx.origin);
        push_line(&mut invoice, &item);
    }
    if params.get("invoice_metadata").is_some() {
        let mut wrapped = json!({});
        wrapped["metadata"] = params["invoice_metadata"].clone();
        invoice["metadata"] = metadata(&wrapped, invoice.get("metadata"))?;
    }
    amounts::recompute(&data, &mut invoice);
    save(&mut data, &old, &invoice, &[], &ctx.origin, now);
    Ok(Json(expanded(&data, &invoice, &expand_paths(&params))))
}

/// A checked line, ready to become an invoice item.
struct PlannedLine {
    amount: i64,
    quantity: i64,
    description: Option<String>,
    metadata: Value,
    period: Option<(i64, i64)>,
    /// `(price id, product id)` when priced; a new inline price is created for `price_data`.
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

fn plan_line(data: &AccountData, line: &Value, index: usize, currency: &str) -> Result<PlannedLine, ApiError> {
    let param = |name: &str| format!("lines[{index}][{name}]");
    if let Some(unknown) = line.as_object().and_then(|map| map.keys().find(|k| !LINE_PARAMS.contains(&k.as_str()))) {
        return Err(ApiError::unknown_parameter(&param(unknown)));
    }
    let quantity = integer(line, "quantity").map_err(|_| ApiError::invalid_param(&param("quantity"), "Invalid integer"))?.unwrap_or(1);
    if quantity < 0 {
        return Err(ApiError::invalid_param(&param("quantity"), "Quantity must be zero or more."));
    }
    let price = match (line.get("amount"), line.get("price_data"), line.get("pricing")) {
        (Some(_), None, None) => None,
        (None, Some(price_data), None) => {
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
        (None, None, Some(pricing)) => {
            let price_id = pricing["price"].as_str().ok_or_else(|| ApiError::missing_param(&param("pricing][price")))?;
            let price = data.get_of("price", price_id).ok_or_else(|| ApiError::no_such("price", price_id, &param("pricing][price")))?;
            if price["currency"] != currency {
                return Err(ApiError::invalid_param(&param("pricing][price"), "The price's currency must match the invoice's currency."));
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
        (None, None, None) => return Err(ApiError::missing_param(&param("amount"))),
        _ => return Err(ApiError::invalid_request(None, "You may only specify one of these parameters: amount, price_data, pricing.", Some(&param("amount")))),
    };
    let amount = match &price {
        None => integer(line, "amount").map_err(|_| ApiError::invalid_param(&param("amount"), "Invalid integer"))?.unwrap_or(0),
        Some(PriceRef::Existing { unit_amount, .. } | PriceRef::Inline { unit_amount, .. }) => unit_amount * quantity,
    };
    if amount.abs() > MAX_AMOUNT {
        return Err(ApiError::invalid_param(&param("amount"), "Amount must be no more than 99999999 (8 digits)."));
    }
    let period = match line.get("period") {
        Some(period) => {
            let start = integer(period, "start")?.ok_or_else(|| ApiError::missing_param(&param("period][start")))?;
            let end = integer(period, "end")?.ok_or_else(|| ApiError::missing_param(&param("period][end")))?;
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

/// Creates the invoice item (and the inline price of `price_data`) behind a line.
#[allow(clippy::too_many_arguments)]
fn new_invoice_item(data: &mut AccountData, plan: &PlannedLine, customer: &str, invoice: &str, currency: &str, livemode: bool, now: i64, origin: &Origin) -> Value {
    let pricing = match &plan.price {
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
            let product = &product;
            let price = json!({
                "id": AccountData::new_id("price"), "object": "price", "active": false, "billing_scheme": "per_unit",
                "created": now, "currency": currency, "custom_unit_amount": null, "livemode": livemode, "lookup_key": null,
                "metadata": {}, "nickname": null, "product": product, "recurring": null, "tax_behavior": "unspecified",
                "tiers_mode": null, "transform_quantity": null, "type": "one_time", "unit_amount": unit_amount,
                "unit_amount_decimal": unit_amount.to_string(),
            });
            let id = price["id"].as_str().unwrap_or("").to_string();
            data.insert("price", price);
            pricing_json(&id, product, *unit_amount)
        }
    };
    let (start, end) = plan.period.unwrap_or((now, now));
    let item = json!({
        "id": AccountData::new_id("ii"),
        "object": "invoiceitem",
        "amount": plan.amount,
        "currency": currency,
        "customer": customer,
        "date": now,
        "description": plan.description,
        "discountable": true,
        "discounts": [],
        "invoice": invoice,
        "livemode": livemode,
        "metadata": plan.metadata,
        "net_amount": plan.amount,
        "parent": null,
        "period": { "start": start, "end": end },
        "pricing": pricing,
        "proration": false,
        "quantity": plan.quantity,
        "quantity_decimal": plan.quantity.to_string(),
        "tax_rates": [],
        "test_clock": null,
    });
    data.insert("invoiceitem", item.clone());
    data.emit("invoiceitem.created", &item, None, origin, now);
    item
}

fn pricing_json(price: &str, product: &str, unit_amount: i64) -> Value {
    json!({ "type": "price_details", "price_details": { "price": price, "product": product }, "unit_amount_decimal": unit_amount.to_string() })
}

/// Appends the invoice line that shows an invoice item.
pub fn push_line(invoice: &mut Value, item: &Value) {
    let subscription = item["parent"]["subscription_details"]["subscription"].clone();
    let line = json!({
        "id": AccountData::new_id("il"),
        "object": "line_item",
        "amount": item["amount"],
        "currency": item["currency"],
        "description": item["description"],
        "discount_amounts": [],
        "discountable": true,
        "discounts": [],
        "invoice": invoice["id"],
        "livemode": item["livemode"],
        "metadata": item["metadata"],
        "parent": {
            "type": "invoice_item_details",
            "invoice_item_details": { "invoice_item": item["id"], "proration": item["proration"], "proration_details": { "credited_items": null }, "subscription": subscription },
            "subscription_item_details": null,
        },
        "period": item["period"],
        "pretax_credit_amounts": [],
        "pricing": item["pricing"],
        "quantity": item["quantity"],
        "subscription": subscription,
        "subtotal": item["amount"],
        "taxes": [],
    });
    append(invoice, line);
}

/// Appends the invoice line of a subscription item for `period`.
pub fn push_subscription_line(invoice: &mut Value, subscription: &str, item: &Value, period: (i64, i64), description: String) {
    let price = &item["price"];
    let quantity = item["quantity"].as_i64().unwrap_or(1);
    let amount = price["unit_amount"].as_i64().unwrap_or(0) * quantity;
    let line = json!({
        "id": AccountData::new_id("il"),
        "object": "line_item",
        "amount": amount,
        "currency": price["currency"],
        "description": description,
        "discount_amounts": [],
        "discountable": true,
        "discounts": [],
        "invoice": invoice["id"],
        "livemode": invoice["livemode"],
        "metadata": item["metadata"],
        "parent": {
            "type": "subscription_item_details",
            "invoice_item_details": null,
            "subscription_item_details": {
                "invoice_item": null, "proration": false, "proration_details": { "credited_items": null },
                "subscription": subscription, "subscription_item": item["id"],
            },
        },
        "period": { "start": period.0, "end": period.1 },
        "pretax_credit_amounts": [],
        "pricing": pricing_json(price["id"].as_str().unwrap_or(""), price["product"].as_str().unwrap_or(""), price["unit_amount"].as_i64().unwrap_or(0)),
        "quantity": quantity,
        "subscription": subscription,
        "subtotal": amount,
        "taxes": [],
    });
    append(invoice, line);
}

fn append(invoice: &mut Value, line: Value) {
    if let Some(lines) = invoice["lines"]["data"].as_array_mut() {
        lines.push(line);
    }
    let count = invoice["lines"]["data"].as_array().map_or(0, Vec::len);
    invoice["lines"]["has_more"] = json!(count > 10);
}

/// `pending_invoice_items_behavior=include`: pulls the customer's pending items in.
pub fn attach_pending_items(data: &mut AccountData, invoice: &mut Value, customer: &str, origin: &Origin, now: i64) {
    let currency = invoice["currency"].clone();
    let pending: Vec<Value> = data
        .all("invoiceitem")
        .filter(|item| item["customer"] == customer && item["invoice"].is_null() && item["currency"] == currency)
        .cloned()
        .collect();
    for mut item in pending {
        item["invoice"] = invoice["id"].clone();
        data.put(item.clone());
        data.emit("invoiceitem.updated", &item, Some(json!({ "invoice": null })), origin, now);
        push_line(invoice, &item);
    }
}
