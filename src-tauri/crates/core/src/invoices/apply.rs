//! Stripe's answer to an invoice write, applied to the cache at once so the detail shown next
//! is Stripe's own state, not a guess; events that arrive later carry the same or newer data.

use std::collections::BTreeSet;

use serde_json::Value;

use crate::error::{Error, Result};
use crate::store::cache::{kinds, FetchedChildren};
use crate::store::Store;

/// Stores `answer` (an invoice, or `{id, deleted: true}` for a deleted draft, which becomes a
/// tombstone) in `account_id`'s cache; answers the resources it changed. Applying the same
/// answer twice changes nothing more.
pub(crate) fn apply_invoice(store: &Store, account_id: &str, answer: &Value) -> Result<BTreeSet<&'static str>> {
    let kind = kinds::by_resource("invoices").ok_or_else(|| Error::Internal("invoices are not cached".into()))?;
    let deleted = answer["deleted"] == Value::Bool(true);
    let ((), changed) = store.cache_write(account_id, |tx| {
        let version = tx.newest_version()?;
        tx.upsert(kind, answer, version, deleted, &FetchedChildren::new())?;
        Ok(())
    })?;
    Ok(changed)
}
