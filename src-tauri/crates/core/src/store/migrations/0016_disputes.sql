-- Disputes join the list engine (store/listing): the evidence deadline becomes a typed column
-- (`evidence_details.due_by`, filled from the cached JSON for rows already there), with sort
-- indexes, an exact count and trigram search by id, charge, payment intent and reason.
--
-- * The `deadline` sort puts disputes still awaiting a response first (by deadline, soonest
--   first), then the rest by deadline: the queue's default order.
-- * `dispute_files`: what Billfold uploaded as evidence (name, size, type, purpose; never the
--   bytes), so a dispute's detail can name its files.
-- * `dispute_notices`: the desktop notices already given per dispute, so each fires once.

ALTER TABLE cache_disputes ADD COLUMN due_by INTEGER;
UPDATE cache_disputes SET due_by = json_extract(raw, '$.evidence_details.due_by');

CREATE INDEX cache_disputes_by_deadline ON cache_disputes (account_id, (ifnull(status, '') NOT IN ('needs_response', 'warning_needs_response')), ifnull(due_by, 0), id, status) WHERE deleted = 0;
CREATE INDEX cache_disputes_by_created ON cache_disputes (account_id, created, id, status) WHERE deleted = 0;
CREATE INDEX cache_disputes_by_amount ON cache_disputes (account_id, ifnull(amount, -9223372036854775808), id, status) WHERE deleted = 0;
-- The status sort index also counts each status chip, index-only.
CREATE INDEX cache_disputes_by_status ON cache_disputes (account_id, ifnull(status, ''), id) WHERE deleted = 0;

CREATE VIRTUAL TABLE cache_disputes_fts USING fts5(id, charge_id, payment_intent_id, reason, content='cache_disputes', content_rowid='rowid', tokenize='trigram', columnsize=0);
CREATE TRIGGER cache_disputes_fts_insert AFTER INSERT ON cache_disputes BEGIN
    INSERT INTO cache_disputes_fts (rowid, id, charge_id, payment_intent_id, reason) VALUES (new.rowid, new.id, new.charge_id, new.payment_intent_id, new.reason);
END;
CREATE TRIGGER cache_disputes_fts_delete AFTER DELETE ON cache_disputes BEGIN
    INSERT INTO cache_disputes_fts (cache_disputes_fts, rowid, id, charge_id, payment_intent_id, reason) VALUES ('delete', old.rowid, old.id, old.charge_id, old.payment_intent_id, old.reason);
END;
CREATE TRIGGER cache_disputes_fts_update AFTER UPDATE ON cache_disputes WHEN old.id IS NOT new.id OR old.charge_id IS NOT new.charge_id OR old.payment_intent_id IS NOT new.payment_intent_id OR old.reason IS NOT new.reason BEGIN
    INSERT INTO cache_disputes_fts (cache_disputes_fts, rowid, id, charge_id, payment_intent_id, reason) VALUES ('delete', old.rowid, old.id, old.charge_id, old.payment_intent_id, old.reason);
    INSERT INTO cache_disputes_fts (rowid, id, charge_id, payment_intent_id, reason) VALUES (new.rowid, new.id, new.charge_id, new.payment_intent_id, new.reason);
END;
INSERT INTO cache_disputes_fts (cache_disputes_fts) VALUES ('rebuild');

CREATE TABLE dispute_files (
    account_id TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    id         TEXT NOT NULL,
    filename   TEXT NOT NULL,
    size       INTEGER NOT NULL,
    type       TEXT NOT NULL,
    purpose    TEXT NOT NULL,
    created    INTEGER NOT NULL,
    PRIMARY KEY (account_id, id)
);

CREATE TABLE dispute_notices (
    account_id TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    dispute_id TEXT NOT NULL,
    kind       TEXT NOT NULL,
    PRIMARY KEY (account_id, dispute_id, kind)
);
