-- The credit notes list joins the list engine (store/listing): sort indexes, an exact count
-- and trigram search, as migration 0006 gave invoices. The typed columns it sorts and searches
-- by (number, invoice_id, customer_id, status, total, created) are there since 0003, so no
-- row is rewritten.
--
-- * Sort indexes: partial over live rows, `status` trailing each key so the issued/void chip
--   filters inside the index; nullable keys indexed as `ifnull(column, <lowest value>)`.
-- * Search: number, id, invoice and customer ids. Stripe's credit note carries no customer
--   name or email, and copying them from the cached customer would add a write to every
--   customer sync (as it does for invoices) for a list that is searched by number.

CREATE INDEX cache_credit_notes_by_created ON cache_credit_notes (account_id, created, id, status) WHERE deleted = 0;
CREATE INDEX cache_credit_notes_by_number ON cache_credit_notes (account_id, lower(ifnull(number, '')), id, status) WHERE deleted = 0;
CREATE INDEX cache_credit_notes_by_total ON cache_credit_notes (account_id, ifnull(total, -9223372036854775808), id, status) WHERE deleted = 0;
-- The status sort index also counts each status chip, index-only.
CREATE INDEX cache_credit_notes_by_status ON cache_credit_notes (account_id, ifnull(status, ''), id) WHERE deleted = 0;

CREATE VIRTUAL TABLE cache_credit_notes_fts USING fts5(number, id, invoice_id, customer_id, content='cache_credit_notes', content_rowid='rowid', tokenize='trigram', columnsize=0);
CREATE TRIGGER cache_credit_notes_fts_insert AFTER INSERT ON cache_credit_notes BEGIN
    INSERT INTO cache_credit_notes_fts (rowid, number, id, invoice_id, customer_id) VALUES (new.rowid, new.number, new.id, new.invoice_id, new.customer_id);
END;
CREATE TRIGGER cache_credit_notes_fts_delete AFTER DELETE ON cache_credit_notes BEGIN
    INSERT INTO cache_credit_notes_fts (cache_credit_notes_fts, rowid, number, id, invoice_id, customer_id) VALUES ('delete', old.rowid, old.number, old.id, old.invoice_id, old.customer_id);
END;
CREATE TRIGGER cache_credit_notes_fts_update AFTER UPDATE ON cache_credit_notes WHEN old.number IS NOT new.number OR old.id IS NOT new.id OR old.invoice_id IS NOT new.invoice_id OR old.customer_id IS NOT new.customer_id BEGIN
    INSERT INTO cache_credit_notes_fts (cache_credit_notes_fts, rowid, number, id, invoice_id, customer_id) VALUES ('delete', old.rowid, old.number, old.id, old.invoice_id, old.customer_id);
    INSERT INTO cache_credit_notes_fts (rowid, number, id, invoice_id, customer_id) VALUES (new.rowid, new.number, new.id, new.invoice_id, new.customer_id);
END;
INSERT INTO cache_credit_notes_fts (cache_credit_notes_fts) VALUES ('rebuild');
