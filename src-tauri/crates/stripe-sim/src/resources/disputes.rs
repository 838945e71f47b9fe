//! Disputes: opened when a `pm_card_createDispute` charge succeeds; evidence updates,
//! submission, closing (accepting the loss), and the outcome the control API decides.

use axum::extract::Path;
use axum::Json;
use serde_json::{json, Map, Value};

use super::{boolean, charges, metadata};
use crate::data::{changed_fields, AccountData, Origin};
use crate::errors::ApiError;
use crate::list::{expand_paths, expanded, page, ListFilter};
use crate::server::{ApiContext, Params};

const KIND: &str = "dispute";
/// Stripe gives the merchant about a week to respond.
const RESPONSE_WINDOW_SECS: i64 = 7 * 86_400;
/// Evidence fields Stripe takes (text, or file ids for the documentation fields).
const EVIDENCE_FIELDS: &[&str] = &[
    "access_activity_log", "billing_address", "cancellation_policy", "cancellation_policy_disclosure", "cancellation_rebuttal",
    "customer_communication", "customer_email_address", "customer_name", "customer_purchase_ip", "customer_signature",
    "duplicate_charge_documentation", "duplicate_charge_explanation", "duplicate_charge_id", "product_description", "receipt",
    "refund_policy", "refund_policy_disclosure", "refund_refusal_explanation", "service_date", "service_documentation",
    "shipping_address", "shipping_carrier", "shipping_date", "shipping_documentation", "shipping_tracking_number",
    "uncategorized_file", "uncategorized_text",
];
/// Statuses in which the merchant can still respond.
const OPEN: &[&str] = &["needs_response", "warning_needs_response"];

type Answer = Result<Json<Value>, ApiError>;

fn find<'a>(data: &'a AccountData, id: &str) -> Result<&'a Value, ApiError> {
    data.get_of(KIND, id).ok_or_else(|| ApiError::no_such("dispute", id, "dispute"))
}

/// The dispute as of `now`: `evidence_details.past_due` follows the simulated clock, so it
/// is worked out when read rather than stored.
fn as_of(dispute: &Value, now: i64) -> Value {
    let mut out = dispute.clone();
    let due_by = dispute["evidence_details"]["due_by"].as_i64().unwrap_or(i64::MAX);
    let open = OPEN.contains(&dispute["status"].as_str().unwrap_or(""));
    out["evidence_details"]["past_due"] = json!(open && now > due_by);
    out
}

/// Opens a fraud dispute on a charge that just succeeded and withdraws its funds; answers
/// the dispute.
pub fn open_for(data: &mut AccountData, charge: &Value, origin: &Origin, now: i64) -> Value {
    let mut evidence: Map<String, Value> = EVIDENCE_FIELDS.iter().map(|field| (field.to_string(), Value::Null)).collect();
    evidence.insert("enhanced_evidence".into(), json!({}));
    let dispute = json!({
        "id": AccountData::new_id("dp"),
        "object": "dispute",
        "amount": charge["amount"],
        "balance_transactions": [],
        "charge": charge["id"],
        "created": now,
        "currency": charge["currency"],
        "enhanced_eligibility_types": [],
        "evidence": evidence,
        "evidence_details": { "due_by": now + RESPONSE_WINDOW_SECS, "enhanced_eligibility": {}, "has_evidence": false, "past_due": false, "submission_count": 0 },
        "is_charge_refundable": false,
        "livemode": charge["livemode"],
        "metadata": {},
        "payment_intent": charge["payment_intent"],
        "payment_method_details": { "type": "card", "card": { "brand": "visa", "case_type": "chargeback", "network": "visa", "network_reason_code": "10.4" } },
        "reason": "fraudulent",
        "status": "needs_response",
    });
    let mut dispute = dispute;
    dispute["balance_transactions"] = json!([super::ledger::for_dispute(data, &dispute, true, now)]);
    data.insert(KIND, dispute.clone());
    let charge_id = charge["id"].as_str().unwrap_or("");
    if let Some(old) = data.get_of("charge", charge_id).cloned() {
        let mut disputed = old.clone();
        disputed["disputed"] = json!(true);
        charges::save(data, &old, &disputed, origin, now);
    }
    data.emit("charge.dispute.created", &dispute, None, origin, now);
    data.emit("charge.dispute.funds_withdrawn", &dispute, None, origin, now);
    dispute
}

/// `GET /v1/disputes/{id}`
pub async fn retrieve(ctx: ApiContext, Path(id): Path<String>, Params(params): Params) -> Answer {
    Params(params.clone()).allow_only(&["expand"])?;
    let data = ctx.data();
    Ok(Json(expanded(&data, &as_of(find(&data, &id)?, ctx.now()), &expand_paths(&params))))
}

/// `POST /v1/disputes/{id}`: evidence and metadata while the dispute awaits a response;
/// `submit=true` sends the evidence to the bank (under review).
pub async fn update(ctx: ApiContext, Path(id): Path<String>, Params(params): Params) -> Answer {
    Params(params.clone()).allow_only(&["evidence", "expand", "metadata", "submit"])?;
    let submit = boolean(&params, "submit")?.unwrap_or(false);
    let now = ctx.now();
    let mut data = ctx.data();
    let old = find(&data, &id)?.clone();
    let status = old["status"].as_str().unwrap_or("").to_string();
    let mut dispute = old.clone();
    if (params.get("evidence").is_some() || submit) && as_of(&old, now)["evidence_details"]["past_due"] == true {
        return Err(ApiError::wrong_state(
            None,
            format!("The evidence for this dispute was due by {}; it can no longer be updated or submitted.", old["evidence_details"]["due_by"]),
        ));
    }
    if let Some(evidence) = params.get("evidence") {
        if !OPEN.contains(&status.as_str()) {
            return Err(ApiError::wrong_state(
                None,
                format!("This dispute has a status of {status}, so its evidence can no longer be updated. Evidence can only be updated while a dispute needs a response."),
            ));
        }
        let Some(fields) = evidence.as_object() else {
            return Err(ApiError::invalid_param("evidence", "Invalid hash"));
        };
        for (field, value) in fields {
            if field == "enhanced_evidence" {
                dispute["evidence"]["enhanced_evidence"] = value.clone();
                continue;
            }
            if !EVIDENCE_FIELDS.contains(&field.as_str()) {
                return Err(ApiError::unknown_parameter(&format!("evidence[{field}]")));
            }
            let Some(text) = value.as_str() else {
                return Err(ApiError::invalid_param(&format!("evidence[{field}]"), "Invalid string"));
            };
            dispute["evidence"][field.as_str()] = if text.is_empty() { Value::Null } else { json!(text) };
        }
        let has_evidence = EVIDENCE_FIELDS.iter().any(|field| !dispute["evidence"][*field].is_null());
        dispute["evidence_details"]["has_evidence"] = json!(has_evidence);
    }
    dispute["metadata"] = metadata(&params, dispute.get("metadata"))?;
    if submit {
        if !OPEN.contains(&status.as_str()) {
            return Err(ApiError::wrong_state(None, format!("This dispute has a status of {status} and can no longer be submitted.")));
        }
        dispute["status"] = json!(if status == "warning_needs_response" { "warning_under_review" } else { "under_review" });
        let count = dispute["evidence_details"]["submission_count"].as_i64().unwrap_or(0);
        dispute["evidence_details"]["submission_count"] = json!(count + 1);
    }
    data.put(dispute.clone());
    if let Some(previous) = changed_fields(&old, &dispute) {
        data.emit("charge.dispute.updated", &dispute, Some(previous), &ctx.origin, now);
    }
    Ok(Json(expanded(&data, &as_of(&dispute, now), &expand_paths(&params))))
}

/// `POST /v1/disputes/{id}/close`: the merchant accepts the dispute; it is lost, final.
pub async fn close(ctx: ApiContext, Path(id): Path<String>, Params(params): Params) -> Answer {
    Params(params.clone()).allow_only(&["expand"])?;
    let now = ctx.now();
    let mut data = ctx.data();
    let old = find(&data, &id)?.clone();
    if !OPEN.contains(&old["status"].as_str().unwrap_or("")) {
        return Err(ApiError::wrong_state(None, format!("This dispute is already closed or under review (status {}); it can no longer be accepted.", old["status"].as_str().unwrap_or(""))));
    }
    let dispute = finish(&mut data, &old, "lost", &ctx.origin, now);
    Ok(Json(expanded(&data, &dispute, &expand_paths(&params))))
}

/// Decides a dispute as the bank would (control API): `won` reinstates the funds.
pub fn resolve(data: &mut AccountData, id: &str, outcome: &str, now: i64) -> Result<Value, ApiError> {
    if !matches!(outcome, "won" | "lost") {
        return Err(ApiError::invalid_param("outcome", "outcome must be won or lost"));
    }
    let old = find(data, id)?.clone();
    let status = old["status"].as_str().unwrap_or("");
    if matches!(status, "won" | "lost" | "warning_closed") {
        return Err(ApiError::wrong_state(None, format!("This dispute is already closed (status {status}).")));
    }
    Ok(finish(data, &old, outcome, &Origin::default(), now))
}

/// Closes a dispute with its outcome and emits `charge.dispute.closed` (and
/// `charge.dispute.funds_reinstated` for a win).
fn finish(data: &mut AccountData, old: &Value, outcome: &str, origin: &Origin, now: i64) -> Value {
    let mut dispute = old.clone();
    dispute["status"] = json!(outcome);
    if outcome == "won" {
        let reinstated = super::ledger::for_dispute(data, &dispute, false, now);
        if let Some(transactions) = dispute["balance_transactions"].as_array_mut() {
            transactions.push(reinstated);
        }
    }
    data.put(dispute.clone());
    let previous = changed_fields(old, &dispute);
    data.emit("charge.dispute.closed", &dispute, previous, origin, now);
    if outcome == "won" {
        data.emit("charge.dispute.funds_reinstated", &dispute, None, origin, now);
    }
    dispute
}

/// `GET /v1/disputes`
pub async fn list(ctx: ApiContext, Params(params): Params) -> Answer {
    let filter = ListFilter::parse(&params, &["charge", "payment_intent"], &[])?;
    let now = ctx.now();
    let data = ctx.data();
    let items: Vec<Value> = data.all(KIND).rev().filter(|dispute| filter.matches(dispute)).map(|dispute| as_of(dispute, now)).collect();
    Ok(Json(page(&data, items.iter(), &params, "/v1/disputes")?))
}
