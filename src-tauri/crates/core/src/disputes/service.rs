//! Disputes on [`Billfold`]: the queue, a dispute's detail, and answering one (save or
//! submit evidence, accept) as one journaled operation each, checked first so that nothing
//! Stripe would refuse is sent or recorded.

use std::collections::BTreeMap;

use serde_json::Value;

use super::evidence::{check, EvidenceInput, FILE_FIELDS, TEXT_FIELDS};
use super::{DisputeDetail, DisputePage, DisputeRow};
use crate::error::{Error, Result};
use crate::journal::{self, AcceptDispute, DisputeEvidenceWrite, OperationKind, SpooledFile};
use crate::service::Billfold;
use crate::store::ListQuery;

impl Billfold {
    /// A page of the account's dispute queue (see [`crate::store::Store::list_disputes`]).
    pub fn list_disputes(&self, account_id: &str, query: &ListQuery) -> Result<DisputePage> {
        self.store().get_account(account_id)?;
        self.store().list_disputes(account_id, query)
    }

    /// A dispute with its customer, staged evidence and deadline.
    pub fn dispute_detail(&self, account_id: &str, dispute_id: &str) -> Result<DisputeDetail> {
        self.store().get_account(account_id)?;
        let dispute = self.store().cached_dispute(account_id, dispute_id)?;
        let row = self.store().dispute_row(account_id, &dispute)?;
        let evidence = &dispute["evidence"];
        let text = TEXT_FIELDS
            .iter()
            .filter_map(|field| evidence[*field].as_str().filter(|v| !v.is_empty()).map(|v| (field.to_string(), v.to_string())))
            .collect();
        let files = FILE_FIELDS
            .iter()
            .filter_map(|field| evidence[*field].as_str().map(|id| (*field, id)))
            .map(|(field, id)| self.store().evidence_file(account_id, field, id))
            .collect::<Result<_>>()?;
        let details = &dispute["evidence_details"];
        let mode = if dispute["livemode"] == true { "" } else { "test/" };
        let payment_link = row.payment_intent_id.as_ref().map(|pi| format!("https://dashboard.stripe.com/{mode}payments/{pi}"));
        Ok(DisputeDetail {
            row,
            text,
            files,
            has_evidence: details["has_evidence"] == true,
            submission_count: details["submission_count"].as_i64().unwrap_or(0),
            past_due: details["past_due"] == true,
            payment_link,
        })
    }

    /// Stages evidence on an open dispute (new files uploaded first); answers the detail.
    pub async fn save_dispute_evidence(&self, account_id: &str, dispute_id: &str, input: EvidenceInput) -> Result<DisputeDetail> {
        self.write_evidence(account_id, dispute_id, input, OperationKind::SaveDisputeEvidence).await
    }

    /// Sends the evidence (with any last changes) to the bank: possible once, while the
    /// dispute is open and before its deadline. Answers the detail.
    pub async fn submit_dispute_evidence(&self, account_id: &str, dispute_id: &str, input: EvidenceInput) -> Result<DisputeDetail> {
        self.write_evidence(account_id, dispute_id, input, OperationKind::SubmitDisputeEvidence).await
    }

    /// Accepts an open dispute: it closes as lost, for good. Answers the detail.
    pub async fn accept_dispute(&self, account_id: &str, dispute_id: &str) -> Result<DisputeDetail> {
        self.store().get_account(account_id)?;
        let dispute = self.store().cached_dispute(account_id, dispute_id)?;
        let row = DisputeRow::from_stripe(&dispute);
        if !row.is_open() {
            return Err(Error::Validation(format!(
                "This dispute is {}; only a dispute awaiting a response can be accepted.",
                row.status.replace('_', " ")
            )));
        }
        let gateway = self.gateway(account_id).await?;
        let input = to_value(&AcceptDispute { dispute_id: dispute_id.to_string() })?;
        let operation = journal::begin(self.store(), account_id, OperationKind::AcceptDispute, input)?;
        let output = journal::run(&self.shared_store(), &gateway, &operation.id).await;
        self.written_to_stripe(account_id, ["disputes"]);
        output?;
        self.dispute_detail(account_id, dispute_id)
    }

    async fn write_evidence(&self, account_id: &str, dispute_id: &str, input: EvidenceInput, kind: OperationKind) -> Result<DisputeDetail> {
        self.store().get_account(account_id)?;
        let dispute = self.store().cached_dispute(account_id, dispute_id)?;
        let row = DisputeRow::from_stripe(&dispute);
        let submit = kind == OperationKind::SubmitDisputeEvidence;
        if !row.is_open() {
            let what = if submit { "submitted" } else { "changed" };
            return Err(Error::Validation(format!(
                "This dispute is {}; its evidence can no longer be {what}.",
                row.status.replace('_', " ")
            )));
        }
        if row.due_by.is_some_and(|due_by| due_by < chrono::Utc::now().timestamp()) {
            return Err(Error::Validation("The deadline for this dispute's evidence has passed.".into()));
        }
        let evidence = &dispute["evidence"];
        let staged: BTreeMap<String, String> = TEXT_FIELDS
            .iter()
            .filter_map(|field| evidence[*field].as_str().map(|v| (field.to_string(), v.to_string())))
            .collect();
        let replaced: Vec<&str> = input.files.iter().map(|file| file.field.as_str()).collect();
        let mut kept_bytes = 0;
        for field in FILE_FIELDS.iter().filter(|field| !replaced.contains(field)) {
            if let Some(id) = evidence[*field].as_str() {
                kept_bytes += self.store().evidence_file(account_id, field, id)?.size.unwrap_or(0);
            }
        }
        check(&input, &staged, kept_bytes)?;
        if !submit && input.text.is_empty() && input.files.is_empty() {
            return Err(Error::Validation("There is no evidence to save.".into()));
        }
        let gateway = self.gateway(account_id).await?;
        let write = DisputeEvidenceWrite {
            dispute_id: dispute_id.to_string(),
            text: input.text.into_iter().collect(),
            files: spool(self, &input.files)?,
        };
        let operation = journal::begin(self.store(), account_id, kind, to_value(&write)?)?;
        let output = journal::run(&self.shared_store(), &gateway, &operation.id).await;
        self.written_to_stripe(account_id, ["disputes"]);
        if let Err(err) = &output {
            if !journal::is_transient(err) {
                journal::discard_spool(self.store(), &write);
            }
        }
        output?;
        self.dispute_detail(account_id, dispute_id)
    }
}

/// Writes each new file to the spool folder, for its upload step to read (see
/// `journal::dispute`).
fn spool(app: &Billfold, files: &[super::EvidenceFileInput]) -> Result<Vec<SpooledFile>> {
    let dir = journal::spool_dir(app.store());
    std::fs::create_dir_all(&dir).map_err(|err| Error::Store(format!("cannot create the evidence spool folder: {err}")))?;
    files
        .iter()
        .map(|file| {
            let spool = format!("{}.bin", uuid::Uuid::new_v4().simple());
            std::fs::write(dir.join(&spool), &file.bytes)
                .map_err(|err| Error::Store(format!("cannot keep {} for its upload: {err}", file.filename)))?;
            Ok(SpooledFile { field: file.field.clone(), filename: file.filename.clone(), spool })
        })
        .collect()
}

fn to_value<T: serde::Serialize>(input: &T) -> Result<Value> {
    serde_json::to_value(input).map_err(|err| Error::Internal(err.to_string()))
}
