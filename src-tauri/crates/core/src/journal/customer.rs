//! The `create_customer` and `update_customer` operations: one POST with the validated form
//! (a create also carries `metadata[operation_id]`), its answer applied to the cache.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::issue_invoice::text;
use super::{OperationKind, OperationRun};
use crate::error::{Error, Result};
use crate::store::cache::kinds;
use crate::store::FetchedChildren;

/// Input of `create_customer` and `update_customer`, as recorded (already validated).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WriteCustomer {
    /// The customer updated; `None` for a create.
    pub customer_id: Option<String>,
    /// The form sent, in order.
    pub form: Vec<(String, String)>,
}

pub(super) async fn run(run: &mut OperationRun, kind: OperationKind, input: Value) -> Result<Value> {
    let input: WriteCustomer = serde_json::from_value(input)
        .map_err(|err| Error::Internal(format!("a {} operation has unreadable input: {err}", kind.as_str())))?;
    let gateway = run.gateway().clone();
    let mut form = input.form;
    let (path, name) = match (kind, &input.customer_id) {
        (OperationKind::CreateCustomer, None) => {
            // A second desktop (or a late look-up) can tell which operation made the customer.
            form.push(("metadata[operation_id]".into(), run.id().to_string()));
            ("/v1/customers".to_string(), "create customer")
        }
        (OperationKind::UpdateCustomer, Some(id)) => (format!("/v1/customers/{id}"), "update customer"),
        _ => return Err(Error::Internal(format!("{} got the wrong input", kind.as_str()))),
    };
    let customer = run.step(name, |key| async move { gateway.post_form(&path, &form, Some(&key)).await }).await?;
    let customer_id = text(&customer, "id")?;
    let customers = kinds::by_resource("customers").ok_or_else(|| Error::Internal("no cached customers".into()))?;
    let account_id = run.operation.account_id.clone();
    run.store.cache_write(&account_id, |tx| {
        let version = tx.newest_version()?;
        tx.upsert(customers, &customer, version, false, &FetchedChildren::new())
    })?;
    Ok(serde_json::json!({ "customer_id": customer_id }))
}
