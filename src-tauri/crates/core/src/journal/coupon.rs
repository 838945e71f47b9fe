//! The `create_coupon` operation: one `POST /v1/coupons` (carrying `metadata[operation_id]`,
//! so a second desktop can tell which operation made it), its answer applied to the cache.
//! Answers `{coupon_id}`.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::catalog::post;
use super::issue_invoice::text;
use super::OperationRun;
use crate::error::{Error, Result};

/// Input of `create_coupon`, as recorded (already checked).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreateCoupon {
    /// The form of `POST /v1/coupons`.
    pub form: Vec<(String, String)>,
}

pub(super) async fn create(run: &mut OperationRun, input: Value) -> Result<Value> {
    let input: CreateCoupon = serde_json::from_value(input)
        .map_err(|err| Error::Internal(format!("a create_coupon operation has unreadable input: {err}")))?;
    let mut form = input.form;
    form.push(("metadata[operation_id]".into(), run.id().to_string()));
    let coupon = post(run, "create coupon", "/v1/coupons".into(), form, "coupons").await?;
    Ok(serde_json::json!({ "coupon_id": text(&coupon, "id")? }))
}
