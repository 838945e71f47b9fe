-- Accounts, app settings and the per-account sync status.
-- Secrets are never stored here: they live in the OS keychain.
CREATE TABLE accounts (
    id                 TEXT PRIMARY KEY,
    name               TEXT NOT NULL,
    slug               TEXT NOT NULL UNIQUE,
    default_currency   TEXT NOT NULL,
    mode               TEXT NOT NULL CHECK (mode IN ('test', 'live')),
    api_base           TEXT NOT NULL,
    key_hint           TEXT NOT NULL,
    has_webhook_secret INTEGER NOT NULL DEFAULT 0 CHECK (has_webhook_secret IN (0, 1)),
    created_at         TEXT NOT NULL
);

CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

-- One row per account from the moment it is added; sync fills it in.
CREATE TABLE sync_status (
    account_id      TEXT PRIMARY KEY REFERENCES accounts(id) ON DELETE CASCADE,
    last_attempt_at TEXT,
    last_success_at TEXT,
    last_error      TEXT,
    objects_synced  INTEGER NOT NULL DEFAULT 0,
    event_cursor    TEXT
);
