//! Customer balance transactions: the ledger behind a customer's `balance` (API
//! adjustments, credit notes, invoices applying and returning balance), and its endpoints
//! under `/v1/customers/{id}/balance_transactions`.

use axum::extract::Path;
use axum::Json;
use serde_json::{json, Value};

use super::{integer, metadata};
use crate::data::{changed_fields, AccountData, Origin};
use crate::errors::ApiError;
use crate::list::{expand_paths, expanded, page, ListFilter};
use crate::server::{ApiContext, Params};

const KIND: &str = "customer_balance_transaction";
/// Stripe's longest `description`.
const MAX_DESCRIPTION: usize = 350;

type Answer = Result<Json<Value>, ApiError>;

/// One movement of a customer's balance, before it is recorded.
pub struct Entry<'a> {
    /// Stripe's `type`: `initial`, `adjustment`, `credit_note`, `applied_to_invoice`, `unapplied_from_invoice`.
    pub kind: &'static str,
    /// The change to the balance; negative is a credit to the customer.
    pub amount: i64,
    /// The balance's currency.
    pub currency: &'a str,
    /// The credit note that moved the balance, if any.
    pub credit_note: Option<&'a str>,
    /// The invoice that moved the balance, if any.
    pub invoice: Option<&'a str>,
    /// `description` (a string or null).
    pub description: Value,
    /// `metadata`.
    pub metadata: Value,
}

impl<'a> Entry<'a> {
    /// An entry with no description or metadata.
    pub fn new(kind: &'static str, amount: i64, currency: &'a str) -> Self {
        Entry { kind, amount, currency, credit_note: None, invoice: None, description: Value::Null, metadata: json!({}) }
    }
}

/// Moves the customer's balance by the entry's amount, stores the
/// `customer_balance_transaction` (its `ending_balance` the balance after it) and emits
/// `customer.updated`. A customer without a currency takes the entry's, as a balance is
/// kept in one currency. Answers the transaction, or `None` for an unknown customer.
pub fn record(data: &mut AccountData, customer_id: &str, entry: Entry, origin: &Origin, now: i64) -> Option<Value> {
    let old = data.get_of("customer", customer_id)?.clone();
    let mut customer = old.clone();
    let ending = old["balance"].as_i64().unwrap_or(0) + entry.amount;
    customer["balance"] = json!(ending);
    if customer["currency"].is_null() {
        customer["currency"] = json!(entry.currency);
    }
    let transaction = store(data, customer_id, entry, ending, now);
    data.put(customer.clone());
    if let Some(previous) = changed_fields(&old, &customer) {
        data.emit("customer.updated", &customer, Some(previous), origin, now);
    }
    Some(transaction)
}

/// Stores the transaction of a balance the customer already shows (`ending`), as when a
/// customer is created with a `balance`; the customer is not touched and no event is emitted.
pub fn store(data: &mut AccountData, customer_id: &str, entry: Entry, ending: i64, now: i64) -> Value {
    let transaction = json!({
        "id": AccountData::new_id("cbtxn"),
        "object": KIND,
        "amount": entry.amount,
        "checkout_session": null,
        "created": now,
        "credit_note": entry.credit_note,
        "currency": entry.currency,
        "customer": customer_id,
        "customer_account": null,
        "description": entry.description,
        "ending_balance": ending,
        "invoice": entry.invoice,
        "livemode": data.livemode,
        "metadata": entry.metadata,
        "type": entry.kind,
    });
    data.insert(KIND, transaction.clone());
    transaction
}

fn customer<'a>(data: &'a AccountData, id: &str) -> Result<&'a Value, ApiError> {
    data.get_of("customer", id).ok_or_else(|| ApiError::no_such("customer", id, "customer"))
}

/// The transaction `txn` of customer `customer_id`; another customer's is as unknown as a
/// missing one, as in Stripe.
fn find<'a>(data: &'a AccountData, customer_id: &str, txn: &str) -> Result<&'a Value, ApiError> {
    customer(data, customer_id)?;
    data.get_of(KIND, txn)
        .filter(|transaction| transaction["customer"] == customer_id)
        .ok_or_else(|| ApiError::no_such("customer balance transaction", txn, "id"))
}

/// `description`: a string of at most 350 characters; `""` unsets it.
fn description(params: &Value) -> Result<Option<Value>, ApiError> {
    match params.get("description") {
        None => Ok(None),
        Some(Value::String(text)) if text.is_empty() => Ok(Some(Value::Null)),
        Some(Value::String(text)) if text.chars().count() <= MAX_DESCRIPTION => Ok(Some(json!(text))),
        Some(Value::String(_)) => Err(ApiError::invalid_param("description", format!("Invalid string: must be at most {MAX_DESCRIPTION} characters"))),
        Some(_) => Err(ApiError::invalid_param("description", "Invalid string")),
    }
}

/// `POST /v1/customers/{id}/balance_transactions`: an `adjustment` of `amount` (negative
/// credits the customer) in the customer's currency.
pub async fn create(ctx: ApiContext, Path(customer_id): Path<String>, Params(params): Params) -> Answer {
    Params(params.clone()).allow_only(&["amount", "currency", "description", "expand", "metadata"])?;
    let amount = integer(&params, "amount")?.ok_or_else(|| ApiError::missing_param("amount"))?;
    let currency = super::currency(&params, "currency")?;
    if amount == 0 {
        return Err(ApiError::invalid_request(Some("parameter_invalid_integer"), "The amount must be a non-zero integer.", Some("amount")));
    }
    let description = description(&params)?.unwrap_or(Value::Null);
    let metadata = metadata(&params, None)?;
    let now = ctx.now();
    let mut data = ctx.data();
    let existing = customer(&data, &customer_id)?["currency"].as_str().map(str::to_string);
    if let Some(existing) = existing.filter(|existing| *existing != currency) {
        return Err(ApiError::invalid_param(
            "currency",
            format!("The currency of this balance transaction ({currency}) must match the customer's currency ({existing})."),
        ));
    }
    let entry = Entry { description, metadata, ..Entry::new("adjustment", amount, &currency) };
    let transaction = record(&mut data, &customer_id, entry, &ctx.origin, now).ok_or_else(|| ApiError::no_such("customer", &customer_id, "customer"))?;
    Ok(Json(expanded(&data, &transaction, &expand_paths(&params))))
}

/// `GET /v1/customers/{id}/balance_transactions`, newest first, optionally of one `invoice`.
pub async fn list(ctx: ApiContext, Path(customer_id): Path<String>, Params(params): Params) -> Answer {
    let filter = ListFilter::parse(&params, &["invoice"], &[])?;
    let data = ctx.data();
    customer(&data, &customer_id)?;
    let items = data.all(KIND).rev().filter(|txn| txn["customer"] == customer_id.as_str() && filter.matches(txn));
    Ok(Json(page(&data, items, &params, &format!("/v1/customers/{customer_id}/balance_transactions"))?))
}

/// `GET /v1/customers/{id}/balance_transactions/{txn}`
pub async fn retrieve(ctx: ApiContext, Path((customer_id, txn)): Path<(String, String)>, Params(params): Params) -> Answer {
    Params(params.clone()).allow_only(&["expand"])?;
    let data = ctx.data();
    Ok(Json(expanded(&data, find(&data, &customer_id, &txn)?, &expand_paths(&params))))
}

/// `POST /v1/customers/{id}/balance_transactions/{txn}`: only `description` and
/// `metadata`; the amount of a recorded transaction never changes.
pub async fn update(ctx: ApiContext, Path((customer_id, txn)): Path<(String, String)>, Params(params): Params) -> Answer {
    Params(params.clone()).allow_only(&["description", "expand", "metadata"])?;
    let mut data = ctx.data();
    let mut transaction = find(&data, &customer_id, &txn)?.clone();
    if let Some(description) = description(&params)? {
        transaction["description"] = description;
    }
    transaction["metadata"] = metadata(&params, transaction.get("metadata"))?;
    data.put(transaction.clone());
    Ok(Json(expanded(&data, &transaction, &expand_paths(&params))))
}
