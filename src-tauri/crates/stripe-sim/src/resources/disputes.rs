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
/// Evidence fields that name an uploaded file (purpose `dispute_evidence`) rather than hold text.
pub const FILE_FIELDS: &[&str] = &[
    "cancellation_policy", "customer_communication", "customer_signature", "duplicate_charge_documentation", "receipt",
    "refund_policy", "service_documentation", "shipping_documentation", "uncategorized_file",
];
/// Stripe's limit on the evidence text fields together, in characters.
pub const MAX_TEXT_CHARS: usize = 150_000;
/// Stripe's limit on the evidence files of one dispute together, in bytes.
pub const MAX_FILES_BYTES: i64 = 5 * 1024 * 1024;
/// Statuses in which the merchant can still respond.
pub const OPEN: &[&str] = &["needs_response", "warning_needs_response"];
/// The reasons a cardholder can give (Stripe's `reason` values).
pub const REASONS: &[&str] = &[
    "bank_cannot_process", "check_returned", "credit_not_processed", "customer_initiated", "debit_not_authorized", "duplicate",
    "fraudulent", "general", "incorrect_account_details", "insufficient_funds", "noncompliant", "product_not_received",
    "product_unacceptable", "subscription_canceled", "unrecognized",
];

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
    open_with(data, charge, "fraudulent", false, origin, now)
}

/// Opens a dispute of `reason` on a succeeded charge: a chargeback (funds withdrawn,
/// `needs_response`) or, for an `inquiry`, an inquiry (`warning_needs_response`, funds kept).
pub fn open_with(data: &mut AccountData, charge: &Value, reason: &str, inquiry: bool, origin: &Origin, now: i64) -> Value {
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
        "is_charge_refundable": inquiry,
        "livemode": charge["livemode"],
        "metadata": {},
        "payment_intent": charge["payment_intent"],
        "payment_method_details": { "type": "card", "card": { "brand": "visa", "case_type": if inquiry { "inquiry" } else { "chargeback" }, "network": "visa", "network_reason_code": "10.4" } },
        "reason": reason,
        "status": if inquiry { "warning_needs_response" } else { "needs_response" },
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
    if !inquiry {
        data.emit("charge.dispute.funds_withdrawn", &dispute, None, origin, now);
    }
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
            if FILE_FIELDS.contains(&field.as_str()) && !text.is_empty() {
                evidence_file(&data, field, text)?;
            }
            dispute["evidence"][field.as_str()] = if text.is_empty() { Value::Null } else { json!(text) };
        }
        check_totals(&data, &dispute["evidence"])?;
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

/// Checks that an evidence file field names an upload of purpose `dispute_evidence`.
fn evidence_file(data: &AccountData, field: &str, id: &str) -> Result<(), ApiError> {
    let param = format!("evidence[{field}]");
    let file = data.get_of("file", id).ok_or_else(|| ApiError::no_such("file", id, &param))?;
    if file["purpose"] != "dispute_evidence" {
        return Err(ApiError::invalid_param(
            &param,
            format!("The file {id} has a purpose of {}; dispute evidence must be uploaded with purpose `dispute_evidence`.", file["purpose"].as_str().unwrap_or("")),
        ));
    }
    Ok(())
}

/// Stripe's limits on the evidence as a whole: text fields together at most 150,000
/// characters, files together at most 5 MB.
fn check_totals(data: &AccountData, evidence: &Value) -> Result<(), ApiError> {
    let text: usize = EVIDENCE_FIELDS
        .iter()
        .filter(|field| !FILE_FIELDS.contains(field))
        .filter_map(|field| evidence[*field].as_str())
        .map(|text| text.chars().count())
        .sum();
    if text > MAX_TEXT_CHARS {
        return Err(ApiError::invalid_param(
            "evidence",
            format!("The evidence you provided is too long: the text fields together hold {text} characters, and at most {MAX_TEXT_CHARS} are allowed."),
        ));
    }
    let bytes: i64 = FILE_FIELDS
        .iter()
        .filter_map(|field| evidence[*field].as_str())
        .filter_map(|id| data.get_of("file", id))
        .filter_map(|file| file["size"].as_i64())
        .sum();
    if bytes > MAX_FILES_BYTES {
        return Err(ApiError::invalid_param(
            "evidence",
            "The files attached to this dispute as evidence exceed the limit for a dispute's total size (5 MB). Use smaller files as evidence, e.g. images in a lower resolution.",
        ));
    }
    Ok(())
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
    // An inquiry is not a chargeback: whatever the bank decides, it closes as a warning.
    let outcome = if status.starts_with("warning_") { "warning_closed" } else { outcome };
    Ok(finish(data, &old, outcome, &Origin::default(), now))
}

/// Disputes still awaiting a response whose deadline is at or before `until`, as
/// `(due_by, id)`: the clock closes them when it passes their deadline.
pub fn falling_due(data: &AccountData, until: i64) -> Vec<(i64, String)> {
    data.all(KIND)
        .filter(|dispute| OPEN.contains(&dispute["status"].as_str().unwrap_or("")))
        .filter_map(|dispute| Some((dispute["evidence_details"]["due_by"].as_i64()?, dispute["id"].as_str()?.to_string())))
        .filter(|(due_by, _)| *due_by <= until)
        .collect()
}

/// The deadline passed without a response: a chargeback is lost, an inquiry closes as a
/// warning (`charge.dispute.closed` either way).
pub fn expire(data: &mut AccountData, id: &str, now: i64) {
    let Some(old) = data.get_of(KIND, id).cloned() else { return };
    match old["status"].as_str() {
        Some("needs_response") => {
            finish(data, &old, "lost", &Origin::default(), now);
        }
        Some("warning_needs_response") => {
            finish(data, &old, "warning_closed", &Origin::default(), now);
        }
        _ => {}
    }
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
