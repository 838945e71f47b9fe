//! App-wide settings: a small key/value table (rate limits, sync and listener settings).

use rusqlite::{params, OptionalExtension};

use super::Store;
use crate::error::Result;

impl Store {
    /// A setting's value, if set.
    pub fn setting(&self, key: &str) -> Result<Option<String>> {
        let conn = self.conn()?;
        Ok(conn
            .query_row("SELECT value FROM settings WHERE key = ?1", params![key], |row| row.get(0))
            .optional()?)
    }

    /// Sets (or replaces) a setting.
    pub fn set_setting(&self, key: &str, value: &str) -> Result<()> {
        let conn = self.conn()?;
        conn.execute(
            "INSERT INTO settings (key, value) VALUES (?1, ?2)
             ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            params![key, value],
        )?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use crate::store::{Store, DATABASE_FILE};

    #[test]
    fn settings_are_set_replaced_and_read_back() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join(DATABASE_FILE)).unwrap();
        assert_eq!(store.setting("rate_limit.test").unwrap(), None);
        store.set_setting("rate_limit.test", "10").unwrap();
        store.set_setting("rate_limit.test", "0").unwrap();
        assert_eq!(store.setting("rate_limit.test").unwrap().as_deref(), Some("0"));
    }
}
