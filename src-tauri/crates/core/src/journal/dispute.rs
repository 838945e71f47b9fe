//! Answering a dispute: `save_dispute_evidence` (stage, `submit=false`) and
//! `submit_dispute_evidence` (`submit=true`, once) upload each new evidence file as a step of
//! its own (so a kill mid-save never uploads twice), then send one `POST /v1/disputes/{id}`
//! naming the files and the text; `accept_dispute` is one `POST /v1/disputes/{id}/close`.
//! Answers are applied to the cache before the operation ends. Answers `{dispute_id}`.
//!
//! The file bytes are never in the operation's input: that input is shown in the operation
//! log, and evidence can run to megabytes of customer data. They wait in a spool file next to
//! the database (named in the input) until the operation ends, and are deleted then.

use std::path::PathBuf;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::catalog::post;
use super::issue_invoice::text;
use super::{OperationKind, OperationRun};
use crate::error::{Error, Result};
use crate::store::Store;

/// The folder, next to the database, where evidence files wait for their upload.
pub(crate) fn spool_dir(store: &Store) -> PathBuf {
    store.path().parent().map(|dir| dir.join("evidence-spool")).unwrap_or_else(|| PathBuf::from("evidence-spool"))
}

/// An evidence file waiting for its upload step.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SpooledFile {
    /// The evidence field it answers.
    pub field: String,
    /// The name it is uploaded under.
    pub filename: String,
    /// The spool file's name inside [`spool_dir`].
    pub spool: String,
}

/// Input of `save_dispute_evidence` and `submit_dispute_evidence`, as recorded (checked).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DisputeEvidenceWrite {
    /// `dp_…`
    pub dispute_id: String,
    /// Text fields to set (`""` clears one).
    pub text: Vec<(String, String)>,
    /// Files to upload, in order.
    pub files: Vec<SpooledFile>,
}

/// Input of `accept_dispute`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AcceptDispute {
    /// `dp_…`
    pub dispute_id: String,
}

pub(super) async fn run(run: &mut OperationRun, kind: OperationKind, input: Value) -> Result<Value> {
    let unreadable = |err: serde_json::Error| Error::Internal(format!("a {} operation has unreadable input: {err}", kind.as_str()));
    if kind == OperationKind::AcceptDispute {
        let input: AcceptDispute = serde_json::from_value(input).map_err(unreadable)?;
        let path = format!("/v1/disputes/{}/close", input.dispute_id);
        let dispute = post(run, "accept dispute", path, Vec::new(), "disputes").await?;
        return Ok(serde_json::json!({ "dispute_id": text(&dispute, "id")? }));
    }
    let input: DisputeEvidenceWrite = serde_json::from_value(input).map_err(unreadable)?;
    let spool = spool_dir(&run.store);
    let mut form: Vec<(String, String)> = Vec::new();
    for file in &input.files {
        let gateway = run.gateway().clone();
        let (path, filename) = (spool.join(&file.spool), file.filename.clone());
        let uploaded = run
            .step(&format!("upload {}", file.field), |key| async move {
                let bytes = std::fs::read(&path)
                    .map_err(|err| Error::Internal(format!("the evidence file {filename} waiting for upload cannot be read: {err}")))?;
                gateway.upload_file("dispute_evidence", &filename, &bytes, Some(&key)).await
            })
            .await?;
        run.store.record_dispute_file(&run.operation.account_id, &uploaded)?;
        form.push((format!("evidence[{}]", file.field), text(&uploaded, "id")?));
    }
    form.extend(input.text.iter().map(|(field, value)| (format!("evidence[{field}]"), value.clone())));
    let submit = kind == OperationKind::SubmitDisputeEvidence;
    form.push(("submit".into(), submit.to_string()));
    let name = if submit { "submit evidence" } else { "save evidence" };
    let dispute = post(run, name, format!("/v1/disputes/{}", input.dispute_id), form, "disputes").await?;
    discard_spool(&run.store, &input);
    Ok(serde_json::json!({ "dispute_id": text(&dispute, "id")? }))
}

/// Deletes an operation's spooled evidence files (done, or refused for good). A file already
/// gone is fine: a resume after the deletion finds its upload answered.
pub(crate) fn discard_spool(store: &Store, input: &DisputeEvidenceWrite) {
    let spool = spool_dir(store);
    for file in &input.files {
        if let Err(err) = std::fs::remove_file(spool.join(&file.spool)) {
            if err.kind() != std::io::ErrorKind::NotFound {
                tracing::warn!(%err, "could not delete a spooled evidence file");
            }
        }
    }
}
