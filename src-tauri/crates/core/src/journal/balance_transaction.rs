//! The `add_customer_balance_transaction` operation: one request that credits (negative
//! amount) or debits a customer's balance, then the answer applied to the cache: the new
//! ledger row and the customer's balance after it.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::issue_invoice::pairs;
use super::OperationRun;
use crate::error::{Error, Result};

/// Input of the operation, as recorded in the journal (already validated).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AddBalanceTransaction {
    /// The Stripe customer whose balance moves.
    pub customer_id: String,
    /// The change in minor units; negative is a credit.
    pub amount: i64,
    /// Lowercase ISO currency.
    pub currency: String,
    /// What it is for, shown on the customer's ledger.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

pub(super) async fn run(run: &mut OperationRun, input: Value) -> Result<Value> {
    let input: AddBalanceTransaction = serde_json::from_value(input).map_err(|err| {
        Error::Internal(format!(
            "an add_customer_balance_transaction operation has unreadable input: {err}"
        ))
    })?;
    let gateway = run.gateway().clone();
    let path = format!("/v1/customers/{}/balance_transactions", input.customer_id);
    let mut form = pairs(&[
        ("amount", &input.amount.to_string()),
        ("currency", &input.currency),
    ]);
    if let Some(description) = &input.description {
        form.push(("description".into(), description.clone()));
    }
    form.push(("metadata[operation_id]".into(), run.id().to_string()));
    let answer = run
        .step("create balance transaction", |key| async move {
            gateway.post_form(&path, &form, Some(&key)).await
        })
        .await?;

    // Applied here rather than after the operation: on a resume the saved answer comes back
    // without a request and is applied again, which changes nothing the second time.
    let account_id = run.operation.account_id.clone();
    let customer_id = input.customer_id.clone();
    let (row, _changed) = run.store.cache_write(&account_id, |tx| {
        let row = tx.put_balance_transaction(&customer_id, &answer)?;
        tx.set_customer_balance(&customer_id, row.ending_balance)?;
        Ok(row)
    })?;
    tracing::info!(
        operation = %run.id(),
        account = %account_id,
        customer = %customer_id,
        transaction = %row.id,
        amount = row.amount,
        currency = %row.currency,
        "customer balance transaction added"
    );
    serde_json::to_value(row).map_err(|err| Error::Internal(err.to_string()))
}
