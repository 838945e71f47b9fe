-- Balance and payouts, and the events list.
--
-- * cache_payouts: Stripe's payouts as a cached kind (backfilled from /v1/payouts, kept by
--   payout.* events), listed through the list engine: sort indexes over live rows with
--   `status` trailing for the status chips, trigram search by id.
-- * cache_payout_transactions: the balance transactions of one payout, fetched from
--   /v1/balance_transactions?payout=… when its detail first opens (a payout's transactions
--   never change once it is made); payout_transaction_fetches says which payouts have been
--   fetched, so an empty payout is not fetched again.
-- * account_balances: the last `GET /v1/balance` answer and when it was read, shown offline
--   "as of" that time.
-- * cache_events.applied_at: when Billfold applied each event to the cache (events cached
--   before this migration have none).

CREATE TABLE cache_payouts (
    account_id     TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    id             TEXT NOT NULL,
    version        INTEGER NOT NULL,
    gen            INTEGER NOT NULL,
    deleted        INTEGER NOT NULL DEFAULT 0,
    raw            TEXT NOT NULL,
    status         TEXT,
    currency       TEXT,
    amount         INTEGER,
    arrival_date   INTEGER,
    automatic      INTEGER,
    created        INTEGER,
    PRIMARY KEY (account_id, id)
);
CREATE INDEX cache_payouts_by_created ON cache_payouts (account_id, ifnull(created, -9223372036854775808), id, status) WHERE deleted = 0;
CREATE INDEX cache_payouts_by_arrival ON cache_payouts (account_id, ifnull(arrival_date, -9223372036854775808), id, status) WHERE deleted = 0;
CREATE INDEX cache_payouts_by_amount ON cache_payouts (account_id, ifnull(amount, -9223372036854775808), id, status) WHERE deleted = 0;
-- The status sort index also counts each status chip, index-only.
CREATE INDEX cache_payouts_by_status ON cache_payouts (account_id, ifnull(status, ''), id) WHERE deleted = 0;

CREATE VIRTUAL TABLE cache_payouts_fts USING fts5(id, content='cache_payouts', content_rowid='rowid', tokenize='trigram', columnsize=0);
CREATE TRIGGER cache_payouts_fts_insert AFTER INSERT ON cache_payouts BEGIN
    INSERT INTO cache_payouts_fts (rowid, id) VALUES (new.rowid, new.id);
END;
CREATE TRIGGER cache_payouts_fts_delete AFTER DELETE ON cache_payouts BEGIN
    INSERT INTO cache_payouts_fts (cache_payouts_fts, rowid, id) VALUES ('delete', old.rowid, old.id);
END;
CREATE TRIGGER cache_payouts_fts_update AFTER UPDATE ON cache_payouts WHEN old.id IS NOT new.id BEGIN
    INSERT INTO cache_payouts_fts (cache_payouts_fts, rowid, id) VALUES ('delete', old.rowid, old.id);
    INSERT INTO cache_payouts_fts (rowid, id) VALUES (new.rowid, new.id);
END;

CREATE TABLE cache_payout_transactions (
    account_id   TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    payout_id    TEXT NOT NULL,
    id           TEXT NOT NULL,
    position     INTEGER NOT NULL,
    type         TEXT NOT NULL,
    source_id    TEXT,
    -- The charge behind the source (the charge itself, a refund's or a dispute's), to find
    -- the customer in the cache.
    charge_id    TEXT,
    customer_id  TEXT,
    currency     TEXT NOT NULL,
    amount       INTEGER NOT NULL,
    fee          INTEGER NOT NULL,
    net          INTEGER NOT NULL,
    created      INTEGER NOT NULL,
    raw          TEXT NOT NULL,
    PRIMARY KEY (account_id, payout_id, id)
);

CREATE TABLE payout_transaction_fetches (
    account_id  TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    payout_id   TEXT NOT NULL,
    fetched_at  INTEGER NOT NULL,
    PRIMARY KEY (account_id, payout_id)
);

CREATE TABLE account_balances (
    account_id  TEXT PRIMARY KEY REFERENCES accounts(id) ON DELETE CASCADE,
    raw         TEXT NOT NULL,
    fetched_at  INTEGER NOT NULL
);

ALTER TABLE cache_events ADD COLUMN applied_at INTEGER;
CREATE INDEX cache_events_by_created ON cache_events (account_id, created, id);
