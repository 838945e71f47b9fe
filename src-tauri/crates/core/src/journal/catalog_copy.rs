//! The catalog copy as one operation: its input is the plan the user confirmed, and each of
//! the plan's actions is one step (`<operation>:<step>`), so a copy cut short resumes where it
//! stopped without making anything twice. A product or price made by an earlier step is
//! named by that step's position in the plan; its id comes from the step's saved answer.
//! Created objects carry `metadata[operation_id]`; every answer lands in the cache.

use serde_json::{json, Value};

use super::catalog::post;
use super::issue_invoice::{pairs, text};
use super::OperationRun;
use crate::catalog::{CopyPlan, CopyStep, ObjectRef};
use crate::error::{Error, Result};

/// The id `object` names: an existing one, or the one an earlier action made.
fn resolve(object: &ObjectRef, made: &[Option<String>]) -> Result<String> {
    match object {
        ObjectRef::Existing(id) => Ok(id.clone()),
        ObjectRef::Created(at) => made.get(*at as usize).cloned().flatten().ok_or_else(|| {
            Error::Internal(format!(
                "a catalog copy step names action {at}, which made nothing"
            ))
        }),
    }
}

pub(super) async fn run(run: &mut OperationRun, input: Value) -> Result<Value> {
    let plan: CopyPlan = serde_json::from_value(input).map_err(|err| {
        Error::Internal(format!(
            "a copy_catalog operation has unreadable input: {err}"
        ))
    })?;
    let operation_id = run.id().to_string();
    let marker = || ("metadata[operation_id]".to_string(), operation_id.clone());
    let mut made: Vec<Option<String>> = vec![None; plan.actions.len()];
    for (at, action) in plan.actions.iter().enumerate() {
        match &action.step {
            CopyStep::CreateProduct { form } => {
                let mut form = form.clone();
                form.push(marker());
                let product = post(
                    run,
                    "create product",
                    "/v1/products".into(),
                    form,
                    "products",
                )
                .await?;
                made[at] = Some(text(&product, "id")?);
            }
            CopyStep::UpdateProduct { product, form } => {
                let path = format!("/v1/products/{}", resolve(product, &made)?);
                post(run, "update product", path, form.clone(), "products").await?;
            }
            CopyStep::CreatePrice { product, form } => {
                let mut full = pairs(&[("product", &resolve(product, &made)?)]);
                full.extend(form.iter().cloned());
                full.push(marker());
                let price = post(run, "create price", "/v1/prices".into(), full, "prices").await?;
                made[at] = Some(text(&price, "id")?);
            }
            CopyStep::UpdatePrice { price_id, form } => {
                let path = format!("/v1/prices/{price_id}");
                post(run, "update price", path, form.clone(), "prices").await?;
            }
            CopyStep::SetDefaultPrice { product, price } => {
                let path = format!("/v1/products/{}", resolve(product, &made)?);
                let price = match price {
                    Some(price) => resolve(price, &made)?,
                    None => String::new(),
                };
                post(
                    run,
                    "set default price",
                    path,
                    pairs(&[("default_price", &price)]),
                    "products",
                )
                .await?;
            }
        }
    }
    let created: Vec<String> = made.into_iter().flatten().collect();
    Ok(json!({ "counts": plan.counts, "created": created }))
}
