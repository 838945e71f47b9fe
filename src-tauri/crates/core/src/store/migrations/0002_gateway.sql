-- The gateway's request log and the operations journal.

-- One row per HTTP attempt to Stripe. Never bodies, never keys. Kept bounded by the gateway.
CREATE TABLE request_log (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    at              TEXT NOT NULL,
    account_id      TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    method          TEXT NOT NULL,
    path            TEXT NOT NULL,
    status          INTEGER,
    request_id      TEXT,
    duration_ms     INTEGER NOT NULL,
    idempotency_key TEXT,
    attempt         INTEGER NOT NULL,
    error           TEXT
);
CREATE INDEX request_log_by_account ON request_log (account_id, id);

-- Every write to Stripe is an operation, recorded before its first request. Each request of
-- step N sends `Idempotency-Key: <id>:<N>`, so resuming an operation never makes a second object.
CREATE TABLE operations (
    id          TEXT PRIMARY KEY,
    account_id  TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    kind        TEXT NOT NULL,
    input       TEXT NOT NULL,
    step        INTEGER NOT NULL DEFAULT 0,
    state       TEXT NOT NULL DEFAULT '{}',
    status      TEXT NOT NULL DEFAULT 'pending'
                CHECK (status IN ('pending', 'done', 'failed')),
    error       TEXT,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
);
CREATE INDEX operations_unfinished ON operations (status) WHERE status = 'pending';
