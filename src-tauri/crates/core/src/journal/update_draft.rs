//! The `update_draft_invoice` operation: the draft's terms (`POST /v1/invoices/{id}`), then
//! its new, changed and removed lines, one `add_lines`, `update_lines` and `remove_lines`
//! request each, sent only when there is something to send. Which steps run follows from
//! the recorded input alone, so a resume replays the same steps. The last answer is applied
//! to the cache.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::create_invoice::line_form;
use super::OperationRun;
use crate::error::{Error, Result};
use crate::invoices::{CollectionMethod, DraftChanges};

/// Input of the operation, as recorded in the journal (already checked).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UpdateDraft {
    /// The draft changed.
    pub invoice_id: String,
    /// Its currency (new ad hoc lines are priced in it).
    pub currency: String,
    /// What changes.
    pub changes: DraftChanges,
}

fn terms_form(changes: &DraftChanges) -> Vec<(String, String)> {
    let mut form = Vec::new();
    if let Some(method) = changes.collection_method {
        form.push(("collection_method".to_string(), method.as_str().to_string()));
    }
    if changes.collection_method != Some(CollectionMethod::ChargeAutomatically) {
        if let Some(days) = changes.days_until_due {
            form.push(("days_until_due".into(), days.to_string()));
        }
        if let Some(due) = changes.due_date {
            form.push(("due_date".into(), due.to_string()));
        }
    }
    if let Some(memo) = &changes.memo {
        form.push(("description".into(), memo.clone()));
    }
    if let Some(footer) = &changes.footer {
        form.push(("footer".into(), footer.clone()));
    }
    match changes.coupon_id.as_deref() {
        Some("") => form.push(("discounts".into(), String::new())),
        Some(coupon) => form.push(("discounts[0][coupon]".into(), coupon.to_string())),
        None => {}
    }
    form
}

fn update_form(input: &UpdateDraft) -> Vec<(String, String)> {
    let mut form = Vec::new();
    for (index, change) in input.changes.update_lines.iter().enumerate() {
        let prefix = format!("lines[{index}]");
        form.push((format!("{prefix}[id]"), change.line_id.clone()));
        if let Some(description) = &change.description {
            form.push((format!("{prefix}[description]"), description.clone()));
        }
        if let Some(quantity) = change.quantity {
            form.push((format!("{prefix}[quantity]"), quantity.to_string()));
        }
        if let Some(unit_amount) = change.unit_amount {
            form.push((format!("{prefix}[price_data][currency]"), input.currency.clone()));
            form.push((format!("{prefix}[price_data][unit_amount]"), unit_amount.to_string()));
            let name = change.description.clone().unwrap_or_else(|| "Invoice line".into());
            form.push((format!("{prefix}[price_data][product_data][name]"), name));
        }
    }
    form
}

/// One `POST` step on the draft.
async fn post(run: &mut OperationRun, name: &str, path: String, form: Vec<(String, String)>) -> Result<Value> {
    let gateway = run.gateway().clone();
    run.step(name, |key| async move { gateway.post_form(&path, &form, Some(&key)).await }).await
}

pub(super) async fn run(run: &mut OperationRun, input: Value) -> Result<Value> {
    let input: UpdateDraft = serde_json::from_value(input)
        .map_err(|err| Error::Internal(format!("an update_draft_invoice operation has unreadable input: {err}")))?;
    let base = format!("/v1/invoices/{}", input.invoice_id);
    let mut last = None;
    let terms = terms_form(&input.changes);
    if !terms.is_empty() {
        last = Some(post(run, "update terms", base.clone(), terms).await?);
    }
    if !input.changes.add_lines.is_empty() {
        let mut form = Vec::new();
        for (index, line) in input.changes.add_lines.iter().enumerate() {
            line_form(&mut form, index, line, &input.currency);
        }
        last = Some(post(run, "add lines", format!("{base}/add_lines"), form).await?);
    }
    if !input.changes.update_lines.is_empty() {
        last = Some(post(run, "update lines", format!("{base}/update_lines"), update_form(&input)).await?);
    }
    if !input.changes.remove_line_ids.is_empty() {
        let mut form = Vec::new();
        for (index, id) in input.changes.remove_line_ids.iter().enumerate() {
            form.push((format!("lines[{index}][id]"), id.clone()));
            form.push((format!("lines[{index}][behavior]"), "delete".to_string()));
        }
        last = Some(post(run, "remove lines", format!("{base}/remove_lines"), form).await?);
    }
    let invoice = last.ok_or_else(|| Error::Validation("There is nothing to change.".into()))?;
    run.apply_invoice(&invoice)?;
    Ok(invoice)
}
