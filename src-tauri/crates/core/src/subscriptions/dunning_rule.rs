//! The dunning rule, one per account and off by default: "after N failed payments, cancel the
//! subscription / mark it for review". It is kept in the settings table (`dunning_rule.<account>`)
//! and applied after each sync pass of the account has applied its events: every cached
//! `past_due` or `unpaid` subscription whose open invoice Stripe has tried at least N times, and
//! whose metadata does not yet carry the rule's mark for that invoice, gets one journaled
//! `apply_dunning_rule` operation (see [`crate::journal::DunningRuleApplication`]).
//!
//! Exactly once: the mark is cached as soon as Stripe answers the first step, so the next pass
//! skips the subscription; a second desktop syncs the mark from Stripe and skips it too (if both
//! race, they write the same mark and a second cancel finds the goal reached). An operation
//! already recorded here for the same subscription and invoice is resumed when unfinished and
//! never started again, so a refusal is not retried on every sync.

use rusqlite::params;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::error::{Error, Result};
use crate::journal::{self, DunningRuleApplication, OperationKind};
use crate::service::Billfold;
use crate::store::Store;

/// The metadata key of the rule's mark (`canceled after 3 failed payments`, `review after …`).
pub const DUNNING_MARK_KEY: &str = "billfold_dunning";
/// The metadata key naming the invoice whose failed payments set the rule off.
pub const DUNNING_INVOICE_KEY: &str = "billfold_dunning_invoice";
/// The fewest failed payments a rule may wait for.
pub const MIN_FAILED_PAYMENTS: u32 = 1;
/// The most failed payments a rule may wait for.
pub const MAX_FAILED_PAYMENTS: u32 = 10;

/// What the rule does to a subscription.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum DunningAction {
    /// Cancel it at once (no final invoice, no proration).
    Cancel,
    /// Only mark it in its metadata, for someone to look at (the dunning queue flags it).
    Review,
}

/// An account's dunning rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct DunningRule {
    /// Whether it runs after each sync.
    pub enabled: bool,
    /// After how many failed payments of an open invoice it acts (1–10).
    pub failed_payments: u32,
    /// What it does then.
    pub action: DunningAction,
}

impl Default for DunningRule {
    /// Off; when turned on, the gentler action after Stripe's usual number of retries.
    fn default() -> Self {
        DunningRule { enabled: false, failed_payments: 3, action: DunningAction::Review }
    }
}

impl DunningRule {
    fn validate(&self) -> Result<()> {
        if !(MIN_FAILED_PAYMENTS..=MAX_FAILED_PAYMENTS).contains(&self.failed_payments) {
            return Err(Error::Validation(format!(
                "The rule acts after {MIN_FAILED_PAYMENTS} to {MAX_FAILED_PAYMENTS} failed payments."
            )));
        }
        Ok(())
    }
}

fn setting_key(account_id: &str) -> String {
    format!("dunning_rule.{account_id}")
}

/// A subscription the rule acts on, with the invoice that set it off.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Due {
    subscription_id: String,
    invoice_id: String,
}

impl Store {
    /// The account's dunning rule (the default, off, when never set or unreadable).
    pub fn dunning_rule(&self, account_id: &str) -> Result<DunningRule> {
        Ok(self
            .setting(&setting_key(account_id))?
            .and_then(|raw| serde_json::from_str(&raw).ok())
            .unwrap_or_default())
    }

    /// Checks and saves the account's dunning rule.
    pub fn set_dunning_rule(&self, account_id: &str, rule: &DunningRule) -> Result<DunningRule> {
        rule.validate()?;
        let raw = serde_json::to_string(rule).map_err(|err| Error::Internal(err.to_string()))?;
        self.set_setting(&setting_key(account_id), &raw)?;
        self.dunning_rule(account_id)
    }

    /// Cached `past_due`/`unpaid` subscriptions with an open invoice tried at least
    /// `failed_payments` times that is not yet marked, one per subscription (its most tried
    /// invoice), oldest subscription id first.
    pub(crate) fn dunning_rule_due(&self, account_id: &str, failed_payments: u32) -> Result<Vec<Due>> {
        let conn = self.read_conn()?;
        // The same join as the dunning queue: newer API versions name the subscription under
        // `parent` (the typed column), older ones at the top level of the invoice.
        let mut statement = conn.prepare_cached(&format!(
            "SELECT s.id, i.id FROM cache_subscriptions s
             JOIN cache_invoices i ON i.account_id = s.account_id AND i.deleted = 0 AND i.status = 'open'
                  AND (i.subscription_id = s.id
                       OR (i.subscription_id IS NULL AND json_extract(i.raw, '$.subscription') = s.id))
             WHERE s.account_id = ?1 AND s.deleted = 0 AND s.status IN ('past_due', 'unpaid')
               AND coalesce(json_extract(i.raw, '$.attempt_count'), 0) >= ?2
               AND coalesce(json_extract(s.raw, '$.metadata.{DUNNING_INVOICE_KEY}'), '') != i.id
             ORDER BY s.id, coalesce(json_extract(i.raw, '$.attempt_count'), 0) DESC, i.id"
        ))?;
        let rows = statement.query_map(params![account_id, failed_payments], |row| {
            Ok(Due { subscription_id: row.get(0)?, invoice_id: row.get(1)? })
        })?;
        let mut due: Vec<Due> = Vec::new();
        for row in rows {
            let row = row?;
            if due.last().is_none_or(|last| last.subscription_id != row.subscription_id) {
                due.push(row);
            }
        }
        Ok(due)
    }

    /// Whether an operation of the rule was recorded for this subscription and invoice.
    fn dunning_rule_recorded(&self, account_id: &str, due: &Due) -> Result<bool> {
        let conn = self.conn()?;
        let found: i64 = conn.query_row(
            "SELECT count(*) FROM operations
             WHERE account_id = ?1 AND kind = ?2 AND json_extract(input, '$.subscription_id') = ?3
               AND json_extract(input, '$.unpaid_invoice_id') = ?4",
            params![account_id, OperationKind::ApplyDunningRule.as_str(), due.subscription_id, due.invoice_id],
            |row| row.get(0),
        )?;
        Ok(found > 0)
    }
}

impl Billfold {
    /// The account's dunning rule.
    pub fn dunning_rule(&self, account_id: &str) -> Result<DunningRule> {
        self.store().get_account(account_id)?;
        self.store().dunning_rule(account_id)
    }

    /// Checks and saves the account's dunning rule; it applies from the account's next sync.
    pub fn set_dunning_rule(&self, account_id: &str, rule: &DunningRule) -> Result<DunningRule> {
        self.store().get_account(account_id)?;
        self.store().set_dunning_rule(account_id, rule)
    }

    /// Applies the account's dunning rule to the cache as it is now (after a sync pass): one
    /// operation per subscription due, run to its end; an unfinished one recorded earlier is
    /// resumed instead. Returns the operations that ran. One that fails stays in the journal
    /// (the audit log shows why); the others still run.
    pub async fn apply_dunning_rule(&self, account_id: &str) -> Result<Vec<String>> {
        // An application a crash or kill left half-done was decided already (its mark may be
        // cached, so it is no longer due): it finishes whatever the rule says now.
        let mut ran: Vec<String> = journal::unfinished(self.store())?
            .into_iter()
            .filter(|operation| operation.account_id == account_id && operation.kind == OperationKind::ApplyDunningRule)
            .map(|operation| operation.id)
            .collect();
        let rule = self.store().dunning_rule(account_id)?;
        let due = if rule.enabled { self.store().dunning_rule_due(account_id, rule.failed_payments)? } else { Vec::new() };
        if ran.is_empty() && due.is_empty() {
            return Ok(Vec::new());
        }
        let gateway = self.gateway(account_id).await?;
        for operation_id in &ran {
            if let Err(err) = journal::run(&self.shared_store(), &gateway, operation_id).await {
                tracing::warn!(account = %account_id, operation = %operation_id, %err, "the dunning rule could not be finished");
            }
        }
        for due in due {
            // Pending: resumed above (a transient failure leaves it for the next sync). Done
            // (someone took the mark off since) or refused: not again.
            if self.store().dunning_rule_recorded(account_id, &due)? {
                continue;
            }
            let input = DunningRuleApplication {
                subscription_id: due.subscription_id,
                unpaid_invoice_id: due.invoice_id,
                action: rule.action,
                failed_payments: rule.failed_payments,
            };
            let input = serde_json::to_value(&input).map_err(|err| Error::Internal(err.to_string()))?;
            let operation_id = journal::begin(self.store(), account_id, OperationKind::ApplyDunningRule, input)?.id;
            if let Err(err) = journal::run(&self.shared_store(), &gateway, &operation_id).await {
                tracing::warn!(account = %account_id, operation = %operation_id, %err, "the dunning rule could not be applied");
            }
            ran.push(operation_id);
        }
        if !ran.is_empty() {
            self.written_to_stripe(account_id, ["subscriptions", "invoices"]);
        }
        Ok(ran)
    }
}

#[cfg(test)]
#[path = "dunning_rule_tests.rs"]
mod tests;
