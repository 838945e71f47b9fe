//! Where each account's sync stands (event cursor, backfill position and generation), what the
//! UI is told about it (state, last attempt/success/error, counts), and the app-wide sync
//! settings kept in the `settings` table.

use chrono::{SecondsFormat, Utc};
use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::cache::CacheTx;
use super::Store;
use crate::error::{Error, Result};

/// What an account's sync is doing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum SyncState {
    /// Waiting for the next poll.
    Idle,
    /// Applying new events.
    Syncing,
    /// Listing every object (first sync, or the event cursor aged out).
    Backfilling,
    /// Stripe could not be reached; polling slowly until it can.
    Offline,
    /// The last attempts failed; retrying with backoff.
    Failing,
}

impl SyncState {
    /// The stored form.
    pub fn as_str(self) -> &'static str {
        match self {
            SyncState::Idle => "idle",
            SyncState::Syncing => "syncing",
            SyncState::Backfilling => "backfilling",
            SyncState::Offline => "offline",
            SyncState::Failing => "failing",
        }
    }

    /// Reads the stored form; anything unknown reads as idle.
    pub fn from_stored(raw: &str) -> Self {
        match raw {
            "syncing" => SyncState::Syncing,
            "backfilling" => SyncState::Backfilling,
            "offline" => SyncState::Offline,
            "failing" => SyncState::Failing,
            _ => SyncState::Idle,
        }
    }
}

/// App-wide sync and webhook-listener settings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct SyncSettings {
    /// Seconds between background polls of each account.
    pub poll_interval_secs: i64,
    /// Whether the webhook listener runs.
    pub listener_enabled: bool,
    /// The address the listener binds.
    pub listener_bind: String,
    /// The port the listener binds.
    pub listener_port: i64,
}

impl Default for SyncSettings {
    fn default() -> Self {
        SyncSettings {
            poll_interval_secs: DEFAULT_POLL_INTERVAL_SECS,
            listener_enabled: false,
            listener_bind: "127.0.0.1".into(),
            listener_port: 4243,
        }
    }
}

/// Default seconds between polls.
pub const DEFAULT_POLL_INTERVAL_SECS: i64 = 60;
/// The shortest poll interval accepted (Stripe's rate limits are per account, shared with the
/// user's own work).
pub const MIN_POLL_INTERVAL_SECS: i64 = 10;
/// The longest poll interval accepted: a day.
pub const MAX_POLL_INTERVAL_SECS: i64 = 86_400;

const POLL_INTERVAL_KEY: &str = "sync.poll_interval_secs";
const LISTENER_ENABLED_KEY: &str = "listener.enabled";
const LISTENER_BIND_KEY: &str = "listener.bind";
const LISTENER_PORT_KEY: &str = "listener.port";

/// The poll interval setting, or the default.
pub(crate) fn poll_interval_secs(conn: &Connection) -> i64 {
    setting(conn, POLL_INTERVAL_KEY)
        .and_then(|raw| raw.parse().ok())
        .unwrap_or(DEFAULT_POLL_INTERVAL_SECS)
}

fn setting(conn: &Connection, key: &str) -> Option<String> {
    conn.query_row("SELECT value FROM settings WHERE key = ?1", [key], |row| {
        row.get(0)
    })
    .optional()
    .ok()
    .flatten()
}

/// A backfill under way.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BackfillPosition {
    /// The resource being listed.
    pub resource: String,
    /// The last object id committed in it (the next page starts after it).
    pub after: Option<String>,
    /// The newest event noted before the backfill started (the cursor once it is done).
    pub event_id: Option<String>,
    /// That event's `created`: the version of every backfilled row.
    pub version: i64,
}

/// Where an account's sync stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyncCursor {
    /// A backfill has completed at least once.
    pub backfilled: bool,
    /// The newest event applied, if any.
    pub event_cursor: Option<String>,
    /// The backfill under way, if any.
    pub backfill: Option<BackfillPosition>,
}

fn now() -> String {
    Utc::now().to_rfc3339_opts(SecondsFormat::Secs, true)
}

impl Store {
    /// Where the sync of an account stands.
    pub fn sync_cursor(&self, account_id: &str) -> Result<SyncCursor> {
        let conn = self.conn()?;
        conn.query_row(
            "SELECT backfilled, event_cursor, backfill_resource, backfill_after, backfill_event_id, backfill_version
             FROM sync_status WHERE account_id = ?1",
            [account_id],
            |row| {
                let resource: Option<String> = row.get(2)?;
                Ok(SyncCursor {
                    backfilled: row.get(0)?,
                    event_cursor: row.get(1)?,
                    backfill: match resource {
                        Some(resource) => Some(BackfillPosition {
                            resource,
                            after: row.get(3)?,
                            event_id: row.get(4)?,
                            version: row.get(5)?,
                        }),
                        None => None,
                    },
                })
            },
        )
        .optional()?
        .ok_or_else(|| Error::NotFound("That account does not exist (any more).".into()))
    }

    /// Starts a backfill at `first_resource`: a new generation, the newest event noted.
    pub fn start_backfill(
        &self,
        account_id: &str,
        first_resource: &str,
        event_id: Option<&str>,
        version: i64,
    ) -> Result<()> {
        let changed = self.conn()?.execute(
            "UPDATE sync_status SET backfill_gen = backfill_gen + 1, backfill_resource = ?2, backfill_after = NULL,
                    backfill_event_id = ?3, backfill_version = ?4
             WHERE account_id = ?1",
            params![account_id, first_resource, event_id, version],
        )?;
        if changed == 0 {
            return Err(Error::NotFound(
                "That account does not exist (any more).".into(),
            ));
        }
        Ok(())
    }

    /// Marks the start of a sync attempt and its state.
    pub fn record_sync_attempt(&self, account_id: &str, state: SyncState) -> Result<()> {
        self.conn()?.execute(
            "UPDATE sync_status SET last_attempt_at = ?2, state = ?3 WHERE account_id = ?1",
            params![account_id, now(), state.as_str()],
        )?;
        Ok(())
    }

    /// Records a finished sync: success clears the error and refreshes the object count.
    pub fn record_sync_success(&self, account_id: &str) -> Result<()> {
        let conn = self.conn()?;
        let objects = super::cache::count_objects(&conn, account_id)?;
        conn.execute(
            "UPDATE sync_status SET last_success_at = ?2, last_error = NULL, objects_synced = ?3, state = 'idle'
             WHERE account_id = ?1",
            params![account_id, now(), objects],
        )?;
        Ok(())
    }

    /// Records a failed (or cancelled) sync with a readable reason and the state to show.
    pub fn record_sync_failure(
        &self,
        account_id: &str,
        message: &str,
        state: SyncState,
    ) -> Result<()> {
        let conn = self.conn()?;
        let objects = super::cache::count_objects(&conn, account_id)?;
        conn.execute(
            "UPDATE sync_status SET last_error = ?2, state = ?3, objects_synced = ?4 WHERE account_id = ?1",
            params![account_id, message, state.as_str(), objects],
        )?;
        Ok(())
    }

    /// Sets the state shown and when the next poll is due.
    pub fn set_sync_schedule(
        &self,
        account_id: &str,
        state: SyncState,
        next_poll_at: Option<&str>,
    ) -> Result<()> {
        self.conn()?.execute(
            "UPDATE sync_status SET state = ?2, next_poll_at = ?3 WHERE account_id = ?1",
            params![account_id, state.as_str(), next_poll_at],
        )?;
        Ok(())
    }

    /// Resets every account's shown state to idle and forgets scheduled polls (at start-up: no
    /// sync runs yet, whatever the last process left behind).
    pub fn reset_sync_states(&self) -> Result<()> {
        self.conn()?.execute(
            "UPDATE sync_status SET state = 'idle', next_poll_at = NULL",
            [],
        )?;
        Ok(())
    }

    /// The app-wide sync settings.
    pub fn sync_settings(&self) -> Result<SyncSettings> {
        let conn = self.conn()?;
        let defaults = SyncSettings::default();
        Ok(SyncSettings {
            poll_interval_secs: poll_interval_secs(&conn),
            listener_enabled: setting(&conn, LISTENER_ENABLED_KEY)
                .map_or(defaults.listener_enabled, |v| v == "true"),
            listener_bind: setting(&conn, LISTENER_BIND_KEY).unwrap_or(defaults.listener_bind),
            listener_port: setting(&conn, LISTENER_PORT_KEY)
                .and_then(|v| v.parse().ok())
                .unwrap_or(defaults.listener_port),
        })
    }

    /// Checks and saves the app-wide sync settings.
    pub fn set_sync_settings(&self, settings: &SyncSettings) -> Result<SyncSettings> {
        if !(MIN_POLL_INTERVAL_SECS..=MAX_POLL_INTERVAL_SECS).contains(&settings.poll_interval_secs)
        {
            return Err(Error::Validation(format!(
                "The poll interval must be between {MIN_POLL_INTERVAL_SECS} and {MAX_POLL_INTERVAL_SECS} seconds."
            )));
        }
        if settings
            .listener_bind
            .trim()
            .parse::<std::net::IpAddr>()
            .is_err()
        {
            return Err(Error::Validation(
                "The listener address must be an IP address, such as 127.0.0.1.".into(),
            ));
        }
        if !(1..=65_535).contains(&settings.listener_port) {
            return Err(Error::Validation(
                "The listener port must be between 1 and 65535.".into(),
            ));
        }
        let mut conn = self.conn()?;
        let tx = conn.transaction()?;
        let values = [
            (POLL_INTERVAL_KEY, settings.poll_interval_secs.to_string()),
            (LISTENER_ENABLED_KEY, settings.listener_enabled.to_string()),
            (LISTENER_BIND_KEY, settings.listener_bind.trim().to_string()),
            (LISTENER_PORT_KEY, settings.listener_port.to_string()),
        ];
        for (key, value) in values {
            tx.execute(
                "INSERT INTO settings (key, value) VALUES (?1, ?2) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                params![key, value],
            )?;
        }
        tx.commit()?;
        drop(conn);
        self.sync_settings()
    }
}

impl CacheTx<'_> {
    /// Moves the backfill to `resource`, after object `after` (in this transaction).
    pub fn set_backfill_position(&mut self, resource: &str, after: Option<&str>) -> Result<()> {
        self.tx().execute(
            "UPDATE sync_status SET backfill_resource = ?2, backfill_after = ?3 WHERE account_id = ?1",
            params![self.account_id(), resource, after],
        )?;
        Ok(())
    }

    /// Ends the backfill: its noted event becomes the event cursor.
    pub fn finish_backfill(&mut self) -> Result<()> {
        self.tx().execute(
            "UPDATE sync_status SET backfilled = 1, event_cursor = backfill_event_id, backfill_resource = NULL,
                    backfill_after = NULL, backfill_event_id = NULL
             WHERE account_id = ?1",
            params![self.account_id()],
        )?;
        Ok(())
    }

    /// Moves the event cursor (in the same transaction as the events up to it).
    pub fn set_event_cursor(&mut self, event_id: &str) -> Result<()> {
        self.tx().execute(
            "UPDATE sync_status SET event_cursor = ?2 WHERE account_id = ?1",
            params![self.account_id(), event_id],
        )?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::DATABASE_FILE;

    #[test]
    fn settings_default_validate_and_round_trip() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join(DATABASE_FILE)).unwrap();
        assert_eq!(store.sync_settings().unwrap(), SyncSettings::default());
        let wanted = SyncSettings {
            poll_interval_secs: 300,
            listener_enabled: true,
            listener_bind: "0.0.0.0".into(),
            listener_port: 5000,
        };
        assert_eq!(store.set_sync_settings(&wanted).unwrap(), wanted);
        for bad in [
            SyncSettings {
                poll_interval_secs: 1,
                ..wanted.clone()
            },
            SyncSettings {
                listener_bind: "localhost:80".into(),
                ..wanted.clone()
            },
            SyncSettings {
                listener_port: 70_000,
                ..wanted.clone()
            },
        ] {
            assert_eq!(
                store.set_sync_settings(&bad).unwrap_err().code(),
                crate::ErrorCode::Validation
            );
        }
        assert_eq!(
            store.sync_settings().unwrap(),
            wanted,
            "refused settings change nothing"
        );
    }
}
