//! The journal on [`Billfold`]: start an operation, and resume unfinished ones at start-up.

use crate::error::Result;
use crate::Billfold;

use super::{IssueInvoice, IssuedInvoice, OperationKind};

impl Billfold {
    /// Issues an invoice as one journaled operation (see [`IssueInvoice`]); exactly one
    /// customer and one invoice whatever fails on the way.
    pub async fn issue_invoice(&self, account_id: &str, input: IssueInvoice) -> Result<IssuedInvoice> {
        input.validate()?;
        self.store().get_account(account_id)?;
        let gateway = self.gateway(account_id).await?;
        let input = serde_json::to_value(&input).map_err(|err| crate::Error::Internal(err.to_string()))?;
        let operation = super::begin(self.store(), account_id, OperationKind::IssueInvoice, input)?;
        let output = super::run(&self.shared_store(), &gateway, &operation.id).await?;
        serde_json::from_value(output).map_err(|err| crate::Error::Internal(err.to_string()))
    }

    /// Runs every unfinished operation to its end with the keys it used before; returns how
    /// many finished. One that fails again stays recorded (pending or failed) with its error.
    pub async fn resume_operations(&self) -> Result<usize> {
        let mut finished = 0;
        for operation in super::unfinished(self.store())? {
            let gateway = match self.gateway(&operation.account_id).await {
                Ok(gateway) => gateway,
                Err(err) => {
                    tracing::warn!(operation = %operation.id, %err, "cannot resume an operation yet");
                    continue;
                }
            };
            tracing::info!(operation = %operation.id, step = operation.step, "resuming operation");
            if super::run(&self.shared_store(), &gateway, &operation.id).await.is_ok() {
                finished += 1;
            }
        }
        Ok(finished)
    }
}
