//! Account rows, the active-account setting and each account's sync status row.

use rusqlite::{params, OptionalExtension, Row};
use serde::Serialize;
use ts_rs::TS;

use super::Store;
use crate::accounts::{Account, Mode};
use crate::error::{Error, Result};
use crate::money::Currency;
use super::sync_state::{poll_interval_secs, SyncState};

const ACTIVE_ACCOUNT_KEY: &str = "active_account_id";

const ACCOUNT_COLUMNS: &str =
    "id, name, slug, default_currency, mode, api_base, key_hint, has_webhook_secret, created_at, is_demo";

/// The last sync of one account, as the UI shows it ("Synced 2 min ago").
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct SyncStatus {
    /// The account.
    pub account_id: String,
    /// When a sync last started (RFC 3339), if ever.
    pub last_attempt_at: Option<String>,
    /// When a sync last finished without error (RFC 3339), if ever.
    pub last_success_at: Option<String>,
    /// The last error in plain words, if the last attempt failed.
    pub last_error: Option<String>,
    /// How many objects the cache holds for this account.
    pub objects_synced: i64,
    /// What the sync of this account is doing now.
    pub state: SyncState,
    /// Seconds between background polls.
    pub poll_interval_secs: i64,
    /// When the next background poll is due (RFC 3339), if one is scheduled.
    pub next_poll_at: Option<String>,
    /// Counts every change of this status: of two copies, the higher revision is the newer.
    pub revision: i64,
}

fn account_from_row(row: &Row<'_>) -> rusqlite::Result<Account> {
    let currency: String = row.get(3)?;
    let mode: String = row.get(4)?;
    let bad_column = |index: usize, err: Error| {
        rusqlite::Error::FromSqlConversionFailure(index, rusqlite::types::Type::Text, Box::new(err))
    };
    Ok(Account {
        id: row.get(0)?,
        name: row.get(1)?,
        slug: row.get(2)?,
        default_currency: Currency::parse(&currency).map_err(|err| bad_column(3, err))?,
        mode: Mode::from_stored(&mode).map_err(|err| bad_column(4, err))?,
        api_base: row.get(5)?,
        key_hint: row.get(6)?,
        has_webhook_secret: row.get(7)?,
        created_at: row.get(8)?,
        is_demo: row.get(9)?,
    })
}

impl Store {
    /// Inserts an account and its empty sync status row in one transaction.
    /// A taken slug is a `conflict`.
    pub fn insert_account(&self, account: &Account) -> Result<()> {
        let mut conn = self.conn()?;
        let tx = conn.transaction()?;
        let inserted = tx.execute(
            &format!("INSERT INTO accounts ({ACCOUNT_COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)"),
            params![
                account.id,
                account.name,
                account.slug,
                account.default_currency.code(),
                account.mode.as_str(),
                account.api_base,
                account.key_hint,
                account.has_webhook_secret,
                account.created_at,
                account.is_demo,
            ],
        );
        match inserted {
            Err(rusqlite::Error::SqliteFailure(err, _))
                if err.code == rusqlite::ErrorCode::ConstraintViolation =>
            {
                return Err(Error::Conflict(format!(
                    "An account with the short name '{}' already exists.",
                    account.slug
                )));
            }
            other => other?,
        };
        tx.execute("INSERT INTO sync_status (account_id) VALUES (?1)", params![account.id])?;
        tx.commit()?;
        Ok(())
    }

    /// All accounts, by name.
    pub fn list_accounts(&self) -> Result<Vec<Account>> {
        let conn = self.conn()?;
        let mut stmt = conn.prepare(&format!(
            "SELECT {ACCOUNT_COLUMNS} FROM accounts ORDER BY name COLLATE NOCASE, created_at"
        ))?;
        let rows = stmt.query_map([], account_from_row)?.collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows)
    }

    /// One account, or `not_found`.
    pub fn get_account(&self, id: &str) -> Result<Account> {
        let conn = self.conn()?;
        let row = conn
            .query_row(
                &format!("SELECT {ACCOUNT_COLUMNS} FROM accounts WHERE id = ?1"),
                params![id],
                account_from_row,
            )
            .optional()?;
        row.ok_or_else(|| Error::NotFound("That account does not exist (any more).".into()))
    }

    /// Whether a slug is taken.
    pub fn slug_exists(&self, slug: &str) -> Result<bool> {
        let conn = self.conn()?;
        Ok(conn
            .query_row("SELECT 1 FROM accounts WHERE slug = ?1", params![slug], |_| Ok(()))
            .optional()?
            .is_some())
    }

    /// The id of the account with this slug, if any.
    pub fn account_id_by_slug(&self, slug: &str) -> Result<Option<String>> {
        let conn = self.conn()?;
        Ok(conn
            .query_row("SELECT id FROM accounts WHERE slug = ?1", params![slug], |row| row.get(0))
            .optional()?)
    }

    /// Records whether the keychain holds a webhook signing secret for the account.
    pub fn set_has_webhook_secret(&self, id: &str, has_secret: bool) -> Result<()> {
        let changed = self.conn()?.execute(
            "UPDATE accounts SET has_webhook_secret = ?2 WHERE id = ?1",
            params![id, has_secret],
        )?;
        if changed == 0 {
            return Err(Error::NotFound("That account does not exist (any more).".into()));
        }
        Ok(())
    }

    /// Points an account at another API base (the demo emulator listens on a new port after
    /// each start).
    pub fn set_api_base(&self, id: &str, api_base: &str) -> Result<()> {
        let changed = self
            .conn()?
            .execute("UPDATE accounts SET api_base = ?2 WHERE id = ?1", params![id, api_base])?;
        if changed == 0 {
            return Err(Error::NotFound("That account does not exist (any more).".into()));
        }
        Ok(())
    }

    /// Renames an account (the slug stays, so webhook URLs keep working).
    pub fn rename_account(&self, id: &str, name: &str) -> Result<()> {
        let changed = self
            .conn()?
            .execute("UPDATE accounts SET name = ?2 WHERE id = ?1", params![id, name])?;
        if changed == 0 {
            return Err(Error::NotFound("That account does not exist (any more).".into()));
        }
        Ok(())
    }

    /// Deletes an account and, through foreign keys, everything cached for it; clears the
    /// active-account setting if it pointed there.
    pub fn delete_account(&self, id: &str) -> Result<()> {
        let mut conn = self.conn()?;
        let tx = conn.transaction()?;
        let changed = tx.execute("DELETE FROM accounts WHERE id = ?1", params![id])?;
        if changed == 0 {
            return Err(Error::NotFound("That account does not exist (any more).".into()));
        }
        tx.execute(
            "DELETE FROM settings WHERE key = ?1 AND value = ?2",
            params![ACTIVE_ACCOUNT_KEY, id],
        )?;
        tx.commit()?;
        Ok(())
    }

    /// The id of the account the app shows, if one is set and still exists.
    pub fn active_account_id(&self) -> Result<Option<String>> {
        let conn = self.conn()?;
        Ok(conn
            .query_row(
                "SELECT s.value FROM settings s JOIN accounts a ON a.id = s.value WHERE s.key = ?1",
                params![ACTIVE_ACCOUNT_KEY],
                |row| row.get(0),
            )
            .optional()?)
    }

    /// Makes an existing account the active one.
    pub fn set_active_account(&self, id: &str) -> Result<()> {
        self.get_account(id)?;
        self.conn()?.execute(
            "INSERT INTO settings (key, value) VALUES (?1, ?2)
             ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            params![ACTIVE_ACCOUNT_KEY, id],
        )?;
        Ok(())
    }

    /// The sync status row of an account, read through the list reader (never behind a
    /// sync's write; it sees every committed change).
    pub fn sync_status(&self, account_id: &str) -> Result<SyncStatus> {
        let conn = self.read_conn()?;
        conn.query_row(
            "SELECT account_id, last_attempt_at, last_success_at, last_error, objects_synced, state, next_poll_at,
                    revision
             FROM sync_status WHERE account_id = ?1",
            params![account_id],
            |row| {
                Ok(SyncStatus {
                    account_id: row.get(0)?,
                    last_attempt_at: row.get(1)?,
                    last_success_at: row.get(2)?,
                    last_error: row.get(3)?,
                    objects_synced: row.get(4)?,
                    state: SyncState::from_stored(&row.get::<_, String>(5)?),
                    poll_interval_secs: 0,
                    next_poll_at: row.get(6)?,
                    revision: row.get(7)?,
                })
            },
        )
        .optional()?
        .map(|status| SyncStatus { poll_interval_secs: poll_interval_secs(&conn), ..status })
        .ok_or_else(|| Error::NotFound("That account has no sync status.".into()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::DATABASE_FILE;

    fn account(id: &str, name: &str, slug: &str) -> Account {
        Account {
            id: id.into(),
            name: name.into(),
            slug: slug.into(),
            default_currency: Currency::parse("eur").unwrap(),
            mode: Mode::Live,
            api_base: "https://api.stripe.com/".into(),
            key_hint: "sk_live_…abcd".into(),
            has_webhook_secret: true,
            created_at: "2026-11-23T10:00:00Z".into(),
            is_demo: false,
        }
    }

    fn open() -> (tempfile::TempDir, Store) {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join(DATABASE_FILE)).unwrap();
        (dir, store)
    }

    #[test]
    fn accounts_round_trip_with_an_empty_sync_status() {
        let (_dir, store) = open();
        let a = account("a1", "Berlin", "berlin");
        store.insert_account(&a).unwrap();
        assert_eq!(store.get_account("a1").unwrap(), a);
        assert_eq!(store.list_accounts().unwrap(), vec![a]);
        let status = store.sync_status("a1").unwrap();
        assert_eq!(status.last_attempt_at, None);
        assert_eq!(status.objects_synced, 0);
    }

    #[test]
    fn every_change_of_a_sync_status_counts_up_its_revision() {
        let (_dir, store) = open();
        store.insert_account(&account("a1", "Berlin", "berlin")).unwrap();
        store.insert_account(&account("a2", "Lisbon", "lisbon")).unwrap();
        let mut seen = vec![store.sync_status("a1").unwrap().revision];
        store.record_sync_attempt("a1", SyncState::Backfilling).unwrap();
        seen.push(store.sync_status("a1").unwrap().revision);
        store.record_sync_success("a1").unwrap();
        seen.push(store.sync_status("a1").unwrap().revision);
        store.set_sync_schedule("a1", SyncState::Idle, Some("2026-11-30T10:00:00Z")).unwrap();
        seen.push(store.sync_status("a1").unwrap().revision);
        assert!(seen.windows(2).all(|pair| pair[0] < pair[1]), "{seen:?}");
        // Reading does not count, and other accounts count on their own.
        assert_eq!(store.sync_status("a1").unwrap().revision, seen[3]);
        assert_eq!(store.sync_status("a2").unwrap().revision, 0);
    }

    #[test]
    fn a_duplicate_slug_is_a_conflict_and_adds_nothing() {
        let (_dir, store) = open();
        store.insert_account(&account("a1", "Berlin", "berlin")).unwrap();
        let err = store.insert_account(&account("a2", "Berlin again", "berlin")).unwrap_err();
        assert_eq!(err.code(), crate::ErrorCode::Conflict);
        assert_eq!(store.list_accounts().unwrap().len(), 1);
        assert!(store.sync_status("a2").is_err());
    }

    #[test]
    fn active_account_survives_reopen_and_clears_on_delete() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(DATABASE_FILE);
        {
            let store = Store::open(&path).unwrap();
            store.insert_account(&account("a1", "Berlin", "berlin")).unwrap();
            store.insert_account(&account("a2", "Lisbon", "lisbon")).unwrap();
            store.set_active_account("a2").unwrap();
        }
        let store = Store::open(&path).unwrap();
        assert_eq!(store.active_account_id().unwrap().as_deref(), Some("a2"));
        store.delete_account("a2").unwrap();
        assert_eq!(store.active_account_id().unwrap(), None);
        assert!(store.sync_status("a2").is_err(), "sync status went with the account");
        assert_eq!(store.set_active_account("nope").unwrap_err().code(), crate::ErrorCode::NotFound);
    }

    #[test]
    fn rename_and_delete_of_missing_accounts_are_not_found() {
        let (_dir, store) = open();
        assert_eq!(store.rename_account("x", "y").unwrap_err().code(), crate::ErrorCode::NotFound);
        assert_eq!(store.delete_account("x").unwrap_err().code(), crate::ErrorCode::NotFound);
    }
}
