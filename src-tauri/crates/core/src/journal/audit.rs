//! The journal read as an audit trail: every write Billfold made (or is still making) to an
//! account's Stripe, newest first, with what it acted on and how it ended.

use rusqlite::params;
use serde::Serialize;
use serde_json::Value;
use ts_rs::TS;

use crate::error::Result;
use crate::service::Billfold;
use crate::store::Store;

/// One operation as the audit trail shows it. Inputs are not repeated: they may hold
/// customer details the list has no need to show.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct OperationEntry {
    /// Position in the journal, for paging (`before` of the next page).
    pub seq: i64,
    /// The operation id; every request it sent carries `Idempotency-Key: <id>:<step>`.
    pub id: String,
    /// What it does (`issue_invoice`, `void_invoice`, …).
    pub kind: String,
    /// `pending`, `done` or `failed`.
    pub status: String,
    /// The Stripe object it acted on or made, when known (`in_…`, `cus_…`, `cn_…`).
    pub target: Option<String>,
    /// The purchase order it was for, if any.
    pub po_id: Option<String>,
    /// Steps whose answers are saved.
    pub steps_done: u32,
    /// Why it failed or is waiting, in Stripe's or the network's words.
    pub error: Option<String>,
    /// When it was recorded (RFC 3339, UTC).
    pub created_at: String,
    /// When it last moved.
    pub updated_at: String,
}

/// The Stripe id an operation is about: what it made (its output) or what it was given.
fn target_of(input: &Value, state: &Value) -> Option<String> {
    let output = &state["output"];
    [
        &output["invoice_id"],
        &input["invoice_id"],
        &input["credit_note_id"],
        &output["id"],
        &input["subscription_id"],
        &input["customer_id"],
        &output["customer_id"],
        &input["price_id"],
        &output["product_id"],
        &input["subscription_id"],
        &output["subscription_id"],
        &output["coupon_id"],
        &input["payment_intent_id"],
        &output["payment_intent_id"],
        &input["dispute_id"],
    ]
    .into_iter()
    .find_map(|field| field.as_str().map(str::to_string))
}

impl Store {
    /// An account's operations, newest first, at most `limit` (≤ 500), older than `before`.
    pub fn operation_log(&self, account_id: &str, limit: u32, before: Option<i64>) -> Result<Vec<OperationEntry>> {
        let conn = self.conn()?;
        let mut statement = conn.prepare_cached(
            "SELECT rowid, id, kind, status, input, state, step, error, created_at, updated_at
             FROM operations WHERE account_id = ?1 AND rowid < ?2
             ORDER BY rowid DESC LIMIT ?3",
        )?;
        let rows = statement.query_map(params![account_id, before.unwrap_or(i64::MAX), limit.min(500)], |row| {
            let input: String = row.get(4)?;
            let state: String = row.get(5)?;
            Ok((row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?, input, state, row.get(6)?, row.get(7)?, row.get(8)?, row.get(9)?))
        })?;
        let mut entries = Vec::new();
        for row in rows {
            let (seq, id, kind, status, input, state, steps_done, error, created_at, updated_at) = row?;
            let input: Value = serde_json::from_str(&input).unwrap_or(Value::Null);
            let state: Value = serde_json::from_str(&state).unwrap_or(Value::Null);
            entries.push(OperationEntry {
                seq,
                id,
                kind,
                status,
                target: target_of(&input, &state),
                po_id: input["po_id"].as_str().map(str::to_string),
                steps_done,
                error,
                created_at,
                updated_at,
            });
        }
        Ok(entries)
    }
}

impl Billfold {
    /// The account's audit trail of writes to Stripe, newest first (see [`OperationEntry`]).
    pub fn operation_log(&self, account_id: &str, limit: u32, before: Option<i64>) -> Result<Vec<OperationEntry>> {
        self.store().get_account(account_id)?;
        self.store().operation_log(account_id, limit, before)
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::target_of;

    #[test]
    fn the_target_is_what_was_made_before_what_was_given() {
        let made = json!({ "output": { "invoice_id": "in_new", "customer_id": "cus_1" } });
        assert_eq!(target_of(&json!({ "customer_email": "a@b.test" }), &made).as_deref(), Some("in_new"));
        assert_eq!(target_of(&json!({ "invoice_id": "in_1" }), &json!({})).as_deref(), Some("in_1"));
        let credited = json!({ "output": { "id": "cbtxn_1" } });
        assert_eq!(target_of(&json!({ "customer_id": "cus_1" }), &credited).as_deref(), Some("cbtxn_1"));
        assert_eq!(target_of(&json!({ "customer_id": "cus_1" }), &json!({})).as_deref(), Some("cus_1"));
        let product = json!({ "output": { "product_id": "prod_1" } });
        assert_eq!(target_of(&json!({ "price_id": "price_1" }), &product).as_deref(), Some("price_1"));
        assert_eq!(target_of(&json!({ "product_id": "prod_1" }), &product).as_deref(), Some("prod_1"));
        let subscription = json!({ "output": { "subscription_id": "sub_1" } });
        assert_eq!(target_of(&json!({ "customer": {} }), &subscription).as_deref(), Some("sub_1"));
        assert_eq!(target_of(&json!({ "form": [] }), &json!({ "output": { "coupon_id": "SPRING" } })).as_deref(), Some("SPRING"));
        assert_eq!(target_of(&json!({}), &json!({})), None);
    }
}
