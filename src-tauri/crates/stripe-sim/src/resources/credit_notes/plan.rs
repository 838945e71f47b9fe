//! Working out a credit note from its request: the lines (`invoice_line_item` or
//! `custom_line_item`) or a bare `amount`, how much the invoice still allows, and for a
//! paid invoice how the credit is settled (customer balance, linked refunds, out of band).

use serde_json::{json, Value};

use crate::data::AccountData;
use crate::errors::ApiError;
use crate::money;
use crate::resources::{integer, metadata};

const REASONS: &[&str] = &["duplicate", "fraudulent", "order_change", "product_unsatisfactory"];

/// A checked credit note, not yet stored: `object` is the full credit note.
pub struct Planned {
    /// The credit note as it will be stored.
    pub object: Value,
    /// What goes to the customer's balance (post-payment only).
    pub credit_amount: i64,
    /// `refund_amount`: the charge of the invoice's card payment to refund, and how much.
    pub refund: Option<(String, i64)>,
}

/// Checks a create or preview request against the invoice and builds the credit note.
pub fn plan(data: &AccountData, params: &Value, invoice: &Value, now: i64) -> Result<Planned, ApiError> {
    let invoice_id = invoice["id"].as_str().unwrap_or("");
    let status = invoice["status"].as_str().unwrap_or("");
    if !matches!(status, "open" | "paid" | "uncollectible") {
        return Err(ApiError::wrong_state(
            None,
            format!("Credit notes can only be issued for invoices that are open, paid or uncollectible, and invoice {invoice_id} is {status}."),
        ));
    }
    let currency = invoice["currency"].as_str().unwrap_or("usd").to_string();
    let reason = params.get("reason").and_then(Value::as_str);
    if let Some(reason) = reason.filter(|r| !REASONS.contains(r)) {
        return Err(ApiError::invalid_param("reason", format!("Invalid reason: must be one of duplicate, fraudulent, order_change, or product_unsatisfactory (got {reason})")));
    }
    let livemode = data.livemode;
    let lines = match params.get("lines") {
        Some(Value::Array(requested)) => requested.iter().enumerate().map(|(i, line)| plan_line(invoice, line, i, livemode)).collect::<Result<Vec<_>, _>>()?,
        Some(_) => return Err(ApiError::invalid_param("lines", "Invalid array")),
        None => Vec::new(),
    };
    let lines_total: i64 = lines.iter().map(|line| line["amount"].as_i64().unwrap_or(0)).sum();
    let total = match (integer(params, "amount")?, lines.is_empty()) {
        (Some(amount), true) => amount,
        (Some(amount), false) if amount != lines_total => {
            return Err(ApiError::invalid_param("amount", format!("The amount ({amount}) must equal the sum of the lines ({lines_total}).")));
        }
        (_, false) => lines_total,
        (None, true) => return Err(ApiError::invalid_request(Some("parameter_missing"), "You must pass either `amount` or `lines`.", Some("lines"))),
    };
    if total <= 0 {
        return Err(ApiError::invalid_param("amount", "The credit note amount must be greater than 0."));
    }
    let post_payment = status == "paid";
    let creditable = if post_payment {
        // What the balance paid counts like a payment, so an invoice settled from credit
        // can still be credited.
        invoice["amount_paid"].as_i64().unwrap_or(0) + crate::resources::invoices::credit_applied(invoice)
            - invoice["post_payment_credit_notes_amount"].as_i64().unwrap_or(0)
    } else {
        invoice["amount_remaining"].as_i64().unwrap_or(0)
    };
    if total > creditable {
        return Err(ApiError::invalid_request(
            None,
            format!(
                "The credit note amount ({}) is greater than what invoice {invoice_id} can still be credited ({}).",
                money::display(total, &currency),
                money::display(creditable.max(0), &currency)
            ),
            Some("amount"),
        ));
    }
    for name in ["refund_amount", "credit_amount", "out_of_band_amount"] {
        let amount = integer(params, name)?;
        if amount.is_some_and(|amount| amount < 0) {
            return Err(ApiError::invalid_param(name, format!("The {name} can't be negative.")));
        }
        // A pre-payment note lowers what is due; there is nothing paid to refund or credit.
        if !post_payment && amount.is_some_and(|amount| amount > 0) {
            return Err(ApiError::invalid_param(
                name,
                format!("The {name} can only be used on a credit note for a paid invoice, and invoice {invoice_id} is {status}."),
            ));
        }
    }
    let settlement = if post_payment { settle(data, params, invoice, total)? } else { Settlement::default() };
    let id = AccountData::new_id("cn");
    let sequence = data.all("credit_note").filter(|note| note["invoice"] == invoice_id).count() + 1;
    let object = json!({
        "id": id,
        "object": "credit_note",
        "amount": total,
        "amount_shipping": 0,
        "created": now,
        "currency": currency,
        "customer": invoice["customer"],
        "customer_balance_transaction": null,
        "discount_amount": 0,
        "discount_amounts": [],
        "effective_at": now,
        "invoice": invoice_id,
        "lines": { "object": "list", "data": lines, "has_more": false, "url": format!("/v1/credit_notes/{id}/lines") },
        "livemode": livemode,
        "memo": params.get("memo").and_then(Value::as_str),
        "metadata": metadata(params, None)?,
        "number": format!("{}-CN-{sequence:02}", invoice["number"].as_str().unwrap_or("DRAFT")),
        "out_of_band_amount": settlement.out_of_band,
        // Filled in by the handler, which knows the emulator's base URL.
        "pdf": null,
        "post_payment_amount": if post_payment { total } else { 0 },
        "pre_payment_amount": if post_payment { 0 } else { total },
        "pretax_credit_amounts": [],
        "reason": reason,
        "refunds": settlement.linked_refunds,
        "shipping_cost": null,
        "status": "issued",
        "subtotal": total,
        "subtotal_excluding_tax": total,
        "total": total,
        "total_excluding_tax": total,
        "total_taxes": [],
        "type": if post_payment { "post_payment" } else { "pre_payment" },
        "voided_at": null,
    });
    Ok(Planned { object, credit_amount: settlement.credit, refund: settlement.refund })
}

/// How a post-payment credit note is settled.
#[derive(Default)]
struct Settlement {
    credit: i64,
    out_of_band: Option<i64>,
    linked_refunds: Vec<Value>,
    refund: Option<(String, i64)>,
}

/// A post-payment credit note's settlement: `credit_amount` (to the customer's balance),
/// `refund_amount` (refunded from the invoice's card charge), `refunds[]` (existing
/// refunds linked to it) and `out_of_band_amount` must add up to the total; with none
/// given, the whole amount is credited to the balance.
fn settle(data: &AccountData, params: &Value, invoice: &Value, total: i64) -> Result<Settlement, ApiError> {
    let mut linked_refunds = Vec::new();
    if let Some(Value::Array(requested)) = params.get("refunds") {
        for (index, entry) in requested.iter().enumerate() {
            let param = format!("refunds[{index}][refund]");
            let refund_id = entry["refund"].as_str().ok_or_else(|| ApiError::missing_param(&param))?;
            let refund = data.get_of("refund", refund_id).ok_or_else(|| ApiError::no_such("refund", refund_id, &param))?;
            let amount = integer(entry, "amount_refunded")?.unwrap_or_else(|| refund["amount"].as_i64().unwrap_or(0));
            linked_refunds.push(json!({ "amount_refunded": amount, "refund": refund_id, "type": "refund", "payment_record_refund": null }));
        }
    }
    let linked: i64 = linked_refunds.iter().map(|r| r["amount_refunded"].as_i64().unwrap_or(0)).sum();
    let refund = match integer(params, "refund_amount")? {
        Some(amount) if amount > 0 => Some((refundable_charge(data, invoice, amount)?, amount)),
        _ => None,
    };
    let refunded = refund.as_ref().map_or(0, |(_, amount)| *amount);
    let out_of_band = integer(params, "out_of_band_amount")?;
    let credit = match (integer(params, "credit_amount")?, out_of_band, refunded + linked) {
        (None, None, 0) => total,
        (credit, _, _) => credit.unwrap_or(0),
    };
    let settled = credit + refunded + linked + out_of_band.unwrap_or(0);
    if settled != total {
        return Err(ApiError::invalid_request(
            None,
            format!("The sum of credit amount, refund amount and out of band amount ({settled}) must equal the credit note amount ({total})."),
            None,
        ));
    }
    Ok(Settlement { credit, out_of_band, linked_refunds, refund })
}

/// The charge of the invoice's card payment that can still refund `amount`.
fn refundable_charge(data: &AccountData, invoice: &Value, amount: i64) -> Result<String, ApiError> {
    let charges = invoice["payments"]["data"]
        .as_array()
        .into_iter()
        .flatten()
        // Open or canceled payments are attempts that never paid.
        .filter(|payment| payment["status"] == "paid")
        .filter_map(|payment| payment["payment"]["payment_intent"].as_str())
        .filter_map(|intent| data.get_of("payment_intent", intent))
        .filter_map(|intent| intent["latest_charge"].as_str())
        .filter_map(|charge| data.get_of("charge", charge));
    for charge in charges {
        let remaining = charge["amount"].as_i64().unwrap_or(0) - charge["amount_refunded"].as_i64().unwrap_or(0);
        if remaining >= amount && charge["disputed"] != true {
            return Ok(charge["id"].as_str().unwrap_or("").to_string());
        }
    }
    Err(ApiError::invalid_param(
        "refund_amount",
        format!("The refund_amount ({amount}) is more than any card payment of invoice {} can refund.", invoice["id"].as_str().unwrap_or("")),
    ))
}

/// One requested line as a `credit_note_line_item`.
fn plan_line(invoice: &Value, line: &Value, index: usize, livemode: bool) -> Result<Value, ApiError> {
    let param = |name: &str| format!("lines[{index}][{name}]");
    let quantity = integer(line, "quantity")?;
    let mut item = json!({
        "id": AccountData::new_id("cnli"),
        "object": "credit_note_line_item",
        "discount_amount": 0,
        "discount_amounts": [],
        "livemode": livemode,
        "metadata": metadata(line, None)?,
        "pretax_credit_amounts": [],
        "tax_rates": [],
        "taxes": [],
    });
    match line["type"].as_str() {
        Some("invoice_line_item") => {
            let line_id = line["invoice_line_item"].as_str().ok_or_else(|| ApiError::missing_param(&param("invoice_line_item")))?;
            let invoice_line = invoice["lines"]["data"]
                .as_array()
                .into_iter()
                .flatten()
                .find(|candidate| candidate["id"] == line_id)
                .ok_or_else(|| ApiError::no_such("invoice line item", line_id, &param("invoice_line_item")))?;
            let line_amount = invoice_line["amount"].as_i64().unwrap_or(0);
            let line_quantity = invoice_line["quantity"].as_i64().unwrap_or(1).max(1);
            if quantity.is_some_and(|quantity| quantity < 1) {
                return Err(ApiError::invalid_param(&param("quantity"), "The quantity must be a positive integer."));
            }
            let amount = match (integer(line, "amount")?, quantity) {
                (Some(amount), _) => amount,
                (None, Some(quantity)) if quantity > line_quantity => {
                    return Err(ApiError::invalid_param(&param("quantity"), format!("The quantity ({quantity}) can't exceed the invoice line's quantity ({line_quantity}).")));
                }
                (None, Some(quantity)) => line_amount / line_quantity * quantity,
                (None, None) => line_amount,
            };
            if amount > line_amount {
                return Err(ApiError::invalid_param(&param("amount"), format!("The amount ({amount}) can't exceed the invoice line's amount ({line_amount}).")));
            }
            item["type"] = json!("invoice_line_item");
            item["invoice_line_item"] = json!(line_id);
            item["amount"] = json!(amount);
            item["description"] = invoice_line["description"].clone();
            item["quantity"] = json!(quantity.unwrap_or(line_quantity));
            item["unit_amount"] = Value::Null;
            item["unit_amount_decimal"] = Value::Null;
        }
        Some("custom_line_item") => {
            let description = line["description"].as_str().filter(|d| !d.is_empty()).ok_or_else(|| ApiError::missing_param(&param("description")))?;
            let unit_amount = match integer(line, "unit_amount")? {
                Some(unit) => unit,
                None => line["unit_amount_decimal"]
                    .as_str()
                    .and_then(|raw| raw.parse::<f64>().ok())
                    .map(|d| d.round() as i64)
                    .ok_or_else(|| ApiError::missing_param(&param("unit_amount")))?,
            };
            let quantity = quantity.unwrap_or(1);
            item["type"] = json!("custom_line_item");
            item["amount"] = json!(unit_amount * quantity);
            item["description"] = json!(description);
            item["quantity"] = json!(quantity);
            item["unit_amount"] = json!(unit_amount);
            item["unit_amount_decimal"] = json!(unit_amount.to_string());
        }
        Some(other) => return Err(ApiError::invalid_param(&param("type"), format!("Invalid type: must be one of invoice_line_item or custom_line_item (got {other})"))),
        None => return Err(ApiError::missing_param(&param("type"))),
    }
    if item["amount"].as_i64().unwrap_or(0) < 0 {
        return Err(ApiError::invalid_param(&param("amount"), "Credit note line amounts can't be negative."));
    }
    Ok(item)
}
