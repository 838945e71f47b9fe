//! The reminder a day before a dispute's evidence is due, checked after each successful sync
//! pass: once per dispute (remembered in `dispute_notices`), only while it still awaits a
//! response, behind the account's dispute notification switch. The notice that a dispute
//! opened comes with the other event notices (`sync::notices`).

use rusqlite::params;

use crate::error::Result;
use crate::store::Store;
use crate::sync::{Notice, SyncObserver};

/// How long before the deadline the reminder comes.
pub const DUE_SOON_SECS: i64 = 24 * 3600;

impl Store {
    /// Tells `observer` about the account's open disputes due within a day of `now` that have
    /// had no reminder yet, and remembers them. A failure is logged: a notice is never worth
    /// failing a sync over.
    pub(crate) fn tell_dispute_deadlines(&self, observer: &dyn SyncObserver, account_id: &str, now: i64) {
        match self.dispute_deadline_notices(account_id, now) {
            Ok(notices) if !notices.is_empty() => observer.notices(&notices),
            Ok(_) => {}
            Err(err) => tracing::warn!(account = %account_id, %err, "could not prepare dispute reminders"),
        }
    }

    fn dispute_deadline_notices(&self, account_id: &str, now: i64) -> Result<Vec<Notice>> {
        if !self.notification_settings(account_id)?.disputes {
            return Ok(Vec::new());
        }
        let account = self.get_account(account_id)?;
        let conn = self.conn()?;
        let mut statement = conn.prepare(
            "SELECT d.id, d.amount, d.currency, d.due_by FROM cache_disputes d
             WHERE d.account_id = ?1 AND d.deleted = 0 AND d.status IN ('needs_response', 'warning_needs_response')
               AND d.due_by > ?2 AND d.due_by <= ?3
               AND NOT EXISTS (SELECT 1 FROM dispute_notices n WHERE n.account_id = d.account_id AND n.dispute_id = d.id AND n.kind = 'due_soon')
             ORDER BY d.due_by, d.id",
        )?;
        let due: Vec<(String, Option<i64>, Option<String>, i64)> = statement
            .query_map(params![account_id, now, now + DUE_SOON_SECS], |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?)))?
            .collect::<rusqlite::Result<_>>()?;
        let mut notices = Vec::new();
        for (id, amount, currency, due_by) in due {
            conn.execute(
                "INSERT OR IGNORE INTO dispute_notices (account_id, dispute_id, kind) VALUES (?1, ?2, 'due_soon')",
                params![account_id, id],
            )?;
            let hours = ((due_by - now) as f64 / 3600.0).ceil() as i64;
            let amount = crate::money::format_amount(amount.unwrap_or(0), &crate::money::Currency::parse(currency.as_deref().unwrap_or("usd"))?);
            let currency = currency.unwrap_or_default().to_uppercase();
            notices.push(Notice {
                account_id: account_id.to_string(),
                event_id: id.clone(),
                title: format!("Dispute evidence due in {hours} h"),
                body: format!("{amount} {currency}, dispute {id} ({})", account.name),
            });
        }
        Ok(notices)
    }
}
