//! The local SQLite store: one file, WAL, foreign keys, embedded versioned migrations.
//!
//! SQLite is a cache of Stripe plus what Stripe has no home for. The schema version is
//! SQLite's `user_version`; a file with a newer version than this build knows is refused.

mod accounts;
pub mod cache;
pub(crate) mod listing;
mod settings;
mod sync_state;

use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

use rusqlite::{Connection, TransactionBehavior};

use crate::error::{Error, Result};

pub use accounts::SyncStatus;
pub use cache::{BalanceTransactionRow, CacheTx, CustomerPage, CustomerRow, FetchedChildren, InvoicePage, InvoiceRow, ListQuery};
pub use sync_state::{BackfillPosition, SyncCursor, SyncSettings, SyncState, DEFAULT_POLL_INTERVAL_SECS};

/// File name of the database inside the data directory.
pub const DATABASE_FILE: &str = "billfold.sqlite3";

/// Embedded migrations; entry `i` takes the schema from version `i` to `i + 1`.
const MIGRATIONS: &[&str] = &[
    include_str!("migrations/0001_accounts.sql"),
    include_str!("migrations/0002_gateway.sql"),
    include_str!("migrations/0003_cache.sql"),
    include_str!("migrations/0004_purchase_orders.sql"),
    include_str!("migrations/0005_demo.sql"),
    include_str!("migrations/0006_list_engine.sql"),
    include_str!("migrations/0007_page_only_sync.sql"),
    include_str!("migrations/0008_sync_status_revision.sql"),
    include_str!("migrations/0009_customer_balance_transactions.sql"),
    include_str!("migrations/0010_event_source.sql"),
    include_str!("migrations/0011_credit_notes_list.sql"),
    include_str!("migrations/0012_po_credited.sql"),
    include_str!("migrations/0013_subscriptions_list.sql"),
    include_str!("migrations/0014_coupons.sql"),
    include_str!("migrations/0015_payments.sql"),
    include_str!("migrations/0016_disputes.sql"),
    include_str!("migrations/0017_payouts.sql"),
    include_str!("migrations/0018_mrr_history.sql"),
    include_str!("migrations/0019_reports.sql"),
    include_str!("migrations/0020_report_indexes.sql"),
];

/// SQLite's page cache for the writing connection, in KiB.
const WRITER_CACHE_KIB: i64 = 48 * 1024;
/// SQLite's page cache for the list reader, in KiB.
const READER_CACHE_KIB: i64 = 16 * 1024;
/// WAL pages (4 KiB) written before SQLite copies them back into the database.
const WAL_CHECKPOINT_PAGES: i64 = 8_192;
/// The WAL file is cut back to this size after a checkpoint.
const WAL_SIZE_LIMIT_BYTES: i64 = 64 * 1024 * 1024;

/// The schema version this build writes.
pub const SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;

/// The database: a connection for writes (and reads inside them) and one for the lists, each
/// behind a mutex. In WAL mode the list reader sees the last committed state and never waits
/// for a sync page being written.
pub struct Store {
    conn: Mutex<Connection>,
    reader: Mutex<Connection>,
    path: PathBuf,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store").field("path", &self.path).finish()
    }
}

impl Store {
    /// Opens (creating if needed) the database file and brings its schema up to date.
    pub fn open(path: &Path) -> Result<Self> {
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|err| {
                Error::Store(format!("cannot create the data folder {}: {err}", parent.display()))
            })?;
        }
        let mut conn = Connection::open(path)?;
        configure(&conn)?;
        migrate(&mut conn)?;
        // A sync page touches a few pages of every list index, scattered over the index; a
        // large cache keeps them instead of reading them back for the next page, and a larger
        // WAL between checkpoints lets a page written many times be copied back once.
        conn.pragma_update(None, "cache_size", -WRITER_CACHE_KIB)?;
        conn.pragma_update(None, "wal_autocheckpoint", WAL_CHECKPOINT_PAGES)?;
        conn.pragma_update(None, "journal_size_limit", WAL_SIZE_LIMIT_BYTES)?;
        let reader = Connection::open(path)?;
        configure(&reader)?;
        reader.pragma_update(None, "query_only", "ON")?;
        // Lists walk indexes of a few MB per 100k rows; keep them in SQLite's own cache.
        reader.pragma_update(None, "cache_size", -READER_CACHE_KIB)?;
        Ok(Store { conn: Mutex::new(conn), reader: Mutex::new(reader), path: path.to_path_buf() })
    }

    /// Where the database file is.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The connection, for store code in other modules (request log, journal, cache).
    pub(crate) fn conn(&self) -> Result<MutexGuard<'_, Connection>> {
        self.conn.lock().map_err(|_| Error::Internal("the database lock was poisoned".into()))
    }

    /// The list reader: for queries that read committed data only.
    pub(crate) fn read_conn(&self) -> Result<MutexGuard<'_, Connection>> {
        self.reader.lock().map_err(|_| Error::Internal("the database lock was poisoned".into()))
    }
}

/// A test-mode account row that points nowhere, for the store's own tests.
#[cfg(test)]
pub(crate) fn test_account(id: &str) -> crate::accounts::Account {
    crate::accounts::Account {
        id: id.into(),
        name: id.into(),
        slug: id.into(),
        default_currency: crate::money::Currency::parse("eur").unwrap(),
        mode: crate::accounts::Mode::Test,
        api_base: "http://127.0.0.1:1/".into(),
        key_hint: "sk_test_…abcd".into(),
        has_webhook_secret: false,
        created_at: "2026-11-23T10:00:00Z".into(),
        is_demo: false,
    }
}

/// Per-connection settings: WAL so readers never wait on the sync writer, foreign keys,
/// and a busy timeout so a second connection waits instead of failing.
fn configure(conn: &Connection) -> Result<()> {
    conn.busy_timeout(Duration::from_secs(5))?;
    conn.pragma_update(None, "journal_mode", "WAL")?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    conn.pragma_update(None, "synchronous", "NORMAL")?;
    Ok(())
}

/// Applies each pending migration in its own IMMEDIATE transaction, bumping `user_version`
/// inside it so a crash never leaves a half-applied version.
fn migrate(conn: &mut Connection) -> Result<()> {
    let found: i64 = conn.pragma_query_value(None, "user_version", |row| row.get(0))?;
    if found > SCHEMA_VERSION {
        return Err(Error::StoreNewerVersion { found, known: SCHEMA_VERSION });
    }
    for (index, sql) in MIGRATIONS.iter().enumerate().skip(found as usize) {
        let version = index as i64 + 1;
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        tx.execute_batch(sql)
            .map_err(|err| Error::Store(format!("migration {version} failed: {err}")))?;
        tx.pragma_update(None, "user_version", version)?;
        tx.commit()?;
        tracing::info!(version, "applied database migration");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_new_file_gets_the_current_schema_with_wal_and_foreign_keys() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("nested").join(DATABASE_FILE);
        let store = Store::open(&path).unwrap();
        let conn = store.conn().unwrap();
        let version: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0)).unwrap();
        assert_eq!(version, SCHEMA_VERSION);
        let mode: String = conn.pragma_query_value(None, "journal_mode", |r| r.get(0)).unwrap();
        assert_eq!(mode, "wal");
        let fks: i64 = conn.pragma_query_value(None, "foreign_keys", |r| r.get(0)).unwrap();
        assert_eq!(fks, 1);
        assert!(path.exists());
    }

    #[test]
    fn reopening_is_idempotent() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(DATABASE_FILE);
        drop(Store::open(&path).unwrap());
        let store = Store::open(&path).unwrap();
        let tables: i64 = store
            .conn()
            .unwrap()
            .query_row("SELECT count(*) FROM sqlite_master WHERE name = 'accounts'", [], |r| r.get(0))
            .unwrap();
        assert_eq!(tables, 1);
    }

    #[test]
    fn a_database_from_a_newer_version_is_refused_and_left_untouched() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(DATABASE_FILE);
        {
            let conn = Connection::open(&path).unwrap();
            conn.execute_batch("CREATE TABLE future (x); PRAGMA user_version = 99;").unwrap();
        }
        let err = Store::open(&path).unwrap_err();
        assert_eq!(err.code(), crate::ErrorCode::StoreNewerVersion);
        assert!(err.to_string().contains("schema 99"));
        let conn = Connection::open(&path).unwrap();
        let version: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0)).unwrap();
        assert_eq!(version, 99);
        let accounts: i64 = conn
            .query_row("SELECT count(*) FROM sqlite_master WHERE name = 'accounts'", [], |r| r.get(0))
            .unwrap();
        assert_eq!(accounts, 0, "nothing was migrated into the newer file");
    }

    #[test]
    fn a_failing_migration_leaves_the_version_where_it_was() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(DATABASE_FILE);
        {
            // A table that clashes with migration 1 makes it fail half-way.
            let conn = Connection::open(&path).unwrap();
            conn.execute_batch("CREATE TABLE settings (x);").unwrap();
        }
        let err = Store::open(&path).unwrap_err();
        assert!(err.to_string().contains("migration 1 failed"), "{err}");
        let conn = Connection::open(&path).unwrap();
        let version: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0)).unwrap();
        assert_eq!(version, 0);
        let accounts: i64 = conn
            .query_row("SELECT count(*) FROM sqlite_master WHERE name = 'accounts'", [], |r| r.get(0))
            .unwrap();
        assert_eq!(accounts, 0, "the half-applied migration was rolled back");
    }
}
