//! The catalog copy on [`Billfold`]: the dry run from an account or a file into a target
//! account, applying it exactly once (recomputed first and refused when it is no longer what
//! the user saw), and a catalog exported as a file.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::copy::CatalogSnapshot;
use super::copy_files::{self, FileFormat};
use super::copy_plan::{self, CopyCounts, CopyPlan};
use crate::error::{Error, Result};
use crate::journal::{self, OperationKind};
use crate::service::Billfold;

/// Where a copy reads the catalog from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum CopySource {
    /// Another account's cache (never written to).
    Account(String),
    /// A file exported earlier (or written by hand).
    File {
        /// JSON or CSV.
        format: FileFormat,
        /// Its text.
        contents: String,
    },
}

/// What an applied copy did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct CopyResult {
    /// The journaled operation; `None` when there was nothing to do (and nothing was sent).
    pub operation_id: Option<String>,
    /// What it did: the plan's counts.
    pub counts: CopyCounts,
}

impl Billfold {
    /// The source's catalog, checked with the catalog's rules.
    fn copy_source(&self, target_account_id: &str, source: &CopySource) -> Result<CatalogSnapshot> {
        match source {
            CopySource::Account(account_id) => {
                if account_id == target_account_id {
                    return Err(Error::Validation(
                        "Choose another account to copy the catalog from.".into(),
                    ));
                }
                self.store().get_account(account_id)?;
                let mut snapshot = self.store().catalog_snapshot(account_id)?;
                copy_files::check_snapshot(&mut snapshot)?;
                Ok(snapshot)
            }
            CopySource::File { format, contents } => copy_files::import(*format, contents),
        }
    }

    /// The dry run (no request): every action copying `source` into the target's catalog
    /// would take, from both caches.
    pub fn plan_catalog_copy(
        &self,
        target_account_id: &str,
        source: &CopySource,
    ) -> Result<CopyPlan> {
        self.store().get_account(target_account_id)?;
        let snapshot = self.copy_source(target_account_id, source)?;
        let targets = self.store().catalog_targets(target_account_id)?;
        copy_plan::plan(&snapshot, &targets)
    }

    /// Applies the copy the user saw as the plan with `expected_digest`: the plan is computed
    /// again and refused (`plan_changed`) when it differs, so nothing but what was shown is
    /// done; then it runs as one journaled operation. A plan with nothing to do sends nothing.
    pub async fn apply_catalog_copy(
        &self,
        target_account_id: &str,
        source: &CopySource,
        expected_digest: &str,
    ) -> Result<CopyResult> {
        let plan = self.plan_catalog_copy(target_account_id, source)?;
        if plan.digest != expected_digest {
            return Err(Error::PlanChanged(
                "The catalogs changed since this dry run: look at the new one before applying it."
                    .into(),
            ));
        }
        let counts = plan.counts.clone();
        if plan.actions.is_empty() {
            return Ok(CopyResult {
                operation_id: None,
                counts,
            });
        }
        let gateway = self.gateway(target_account_id).await?;
        let input = serde_json::to_value(&plan).map_err(|err| Error::Internal(err.to_string()))?;
        let operation = journal::begin(
            self.store(),
            target_account_id,
            OperationKind::CopyCatalog,
            input,
        )?;
        let output = journal::run(&self.shared_store(), &gateway, &operation.id).await;
        // Even a copy that stopped half-way has written its first objects to the cache.
        self.written_to_stripe(target_account_id, ["products", "prices"]);
        output?;
        Ok(CopyResult {
            operation_id: Some(operation.id),
            counts,
        })
    }

    /// The account's cached catalog as a JSON or CSV file's text (no request).
    pub fn export_catalog(&self, account_id: &str, format: FileFormat) -> Result<String> {
        self.store().get_account(account_id)?;
        copy_files::export(&self.store().catalog_snapshot(account_id)?, format)
    }
}
