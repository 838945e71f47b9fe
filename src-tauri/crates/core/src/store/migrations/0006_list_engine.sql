-- The list engine (store/listing.rs): what makes every cached list answer from an index.
--
-- * Sort indexes: one partial index per (account, sort key, id) over live rows (`deleted = 0`),
--   so a page in any order is an index range walk and a count is index-only. A nullable sort
--   key is indexed as `ifnull(column, <lowest value>)` (the order SQLite gives NULLs anyway), so
--   keyset cursors compare plain row values; text sorts are by `lower(…)`, case-insensitive.
--   `status` trails each key, so a status chip filters inside the index.
-- * Search: an FTS5 table per list with the trigram tokenizer (substrings of 3+ characters,
--   case-insensitive) over the columns people search by. External content: the text lives
--   once, in the cache row; triggers keep the index in step in the transaction that writes
--   the row. No column sizes: nothing ranks by relevance, and each write is one row fewer.
-- * Every index costs each sync write; a sort the list does not offer has none.
-- * Invoices carry their customer's name and email, so the list needs no join to sort or
--   search by customer: the customer's current ones when the customer is cached (triggers
--   copy a rename onto its invoices), else the copy Stripe put on the invoice.

ALTER TABLE cache_invoices ADD COLUMN customer_name TEXT;
ALTER TABLE cache_invoices ADD COLUMN customer_email TEXT;
UPDATE cache_invoices SET customer_name = json_extract(raw, '$.customer_name'),
    customer_email = json_extract(raw, '$.customer_email');
UPDATE cache_invoices SET (customer_name, customer_email) =
    (SELECT name, email FROM cache_customers c
     WHERE c.account_id = cache_invoices.account_id AND c.id = cache_invoices.customer_id AND c.deleted = 0)
WHERE EXISTS (SELECT 1 FROM cache_customers c
              WHERE c.account_id = cache_invoices.account_id AND c.id = cache_invoices.customer_id AND c.deleted = 0);

-- An invoice written with other names than its cached customer's takes the customer's.
CREATE TRIGGER cache_invoices_customer_insert AFTER INSERT ON cache_invoices
WHEN EXISTS (SELECT 1 FROM cache_customers c
             WHERE c.account_id = new.account_id AND c.id = new.customer_id AND c.deleted = 0
               AND (c.name IS NOT new.customer_name OR c.email IS NOT new.customer_email))
BEGIN
    UPDATE cache_invoices SET (customer_name, customer_email) =
        (SELECT name, email FROM cache_customers WHERE account_id = new.account_id AND id = new.customer_id)
    WHERE rowid = new.rowid;
END;
CREATE TRIGGER cache_invoices_customer_update AFTER UPDATE OF customer_id, customer_name, customer_email ON cache_invoices
WHEN EXISTS (SELECT 1 FROM cache_customers c
             WHERE c.account_id = new.account_id AND c.id = new.customer_id AND c.deleted = 0
               AND (c.name IS NOT new.customer_name OR c.email IS NOT new.customer_email))
BEGIN
    UPDATE cache_invoices SET (customer_name, customer_email) =
        (SELECT name, email FROM cache_customers WHERE account_id = new.account_id AND id = new.customer_id)
    WHERE rowid = new.rowid;
END;
-- A customer written (a rename, or one that arrives after its invoices) renames its invoices.
CREATE TRIGGER cache_customers_names_insert AFTER INSERT ON cache_customers WHEN new.deleted = 0
BEGIN
    UPDATE cache_invoices SET customer_name = new.name, customer_email = new.email
    WHERE account_id = new.account_id AND customer_id = new.id
      AND (customer_name IS NOT new.name OR customer_email IS NOT new.email);
END;
CREATE TRIGGER cache_customers_names_update AFTER UPDATE OF name, email, deleted ON cache_customers
WHEN new.deleted = 0 AND (old.name IS NOT new.name OR old.email IS NOT new.email OR old.deleted = 1)
BEGIN
    UPDATE cache_invoices SET customer_name = new.name, customer_email = new.email
    WHERE account_id = new.account_id AND customer_id = new.id
      AND (customer_name IS NOT new.name OR customer_email IS NOT new.email);
END;

-- The old single-purpose indexes the sort indexes replace.
DROP INDEX cache_invoices_created;
DROP INDEX cache_customers_created;

CREATE INDEX cache_invoices_by_created ON cache_invoices (account_id, created, id, status) WHERE deleted = 0;
CREATE INDEX cache_invoices_by_due_date ON cache_invoices (account_id, ifnull(due_date, -9223372036854775808), id, status) WHERE deleted = 0;
CREATE INDEX cache_invoices_by_number ON cache_invoices (account_id, lower(ifnull(number, '')), id, status) WHERE deleted = 0;
CREATE INDEX cache_invoices_by_total ON cache_invoices (account_id, ifnull(total, -9223372036854775808), id, status) WHERE deleted = 0;
CREATE INDEX cache_invoices_by_amount_remaining ON cache_invoices (account_id, ifnull(amount_remaining, -9223372036854775808), id, status) WHERE deleted = 0;
CREATE INDEX cache_invoices_by_customer ON cache_invoices (account_id, lower(ifnull(customer_name, '')), id, status) WHERE deleted = 0;
CREATE INDEX cache_invoices_by_status ON cache_invoices (account_id, ifnull(status, ''), id) WHERE deleted = 0;
-- The status sort index also counts each status chip, index-only.
DROP INDEX cache_invoices_status;

CREATE INDEX cache_customers_by_created ON cache_customers (account_id, created, id, delinquent) WHERE deleted = 0;
CREATE INDEX cache_customers_by_name ON cache_customers (account_id, lower(ifnull(name, '')), id, delinquent) WHERE deleted = 0;
CREATE INDEX cache_customers_by_email ON cache_customers (account_id, lower(ifnull(email, '')), id, delinquent) WHERE deleted = 0;
CREATE INDEX cache_customers_by_balance ON cache_customers (account_id, ifnull(balance, -9223372036854775808), id, delinquent) WHERE deleted = 0;

DROP INDEX purchase_orders_created;
CREATE INDEX purchase_orders_by_created_at ON purchase_orders (account_id, created_at, id);
CREATE INDEX purchase_orders_by_po_number ON purchase_orders (account_id, lower(po_number), id);
CREATE INDEX purchase_orders_by_organization ON purchase_orders (account_id, lower(organization), id);
CREATE INDEX purchase_orders_by_total ON purchase_orders (account_id, total, id);
CREATE INDEX purchase_orders_by_balance ON purchase_orders (account_id, (CASE WHEN status = 'cancelled' THEN 0 ELSE max(total - paid, 0) END), id);
CREATE INDEX purchase_orders_by_due_date ON purchase_orders (account_id, ifnull(due_date, ''), id);
CREATE INDEX purchase_orders_by_status ON purchase_orders (account_id, status, id);
-- The default order (overdue first, which depends on the day, then newest) is computed from
-- this index alone; it also counts each status chip and finds overdue POs.
DROP INDEX purchase_orders_status;
CREATE INDEX purchase_orders_by_due ON purchase_orders (account_id, status, due_date, created_at, id);

CREATE VIRTUAL TABLE cache_invoices_fts USING fts5(number, customer_name, customer_email, id, customer_id, content='cache_invoices', content_rowid='rowid', tokenize='trigram', columnsize=0);
CREATE TRIGGER cache_invoices_fts_insert AFTER INSERT ON cache_invoices BEGIN
    INSERT INTO cache_invoices_fts (rowid, number, customer_name, customer_email, id, customer_id) VALUES (new.rowid, new.number, new.customer_name, new.customer_email, new.id, new.customer_id);
END;
CREATE TRIGGER cache_invoices_fts_delete AFTER DELETE ON cache_invoices BEGIN
    INSERT INTO cache_invoices_fts (cache_invoices_fts, rowid, number, customer_name, customer_email, id, customer_id) VALUES ('delete', old.rowid, old.number, old.customer_name, old.customer_email, old.id, old.customer_id);
END;
CREATE TRIGGER cache_invoices_fts_update AFTER UPDATE ON cache_invoices WHEN old.number IS NOT new.number OR old.customer_name IS NOT new.customer_name OR old.customer_email IS NOT new.customer_email OR old.id IS NOT new.id OR old.customer_id IS NOT new.customer_id BEGIN
    INSERT INTO cache_invoices_fts (cache_invoices_fts, rowid, number, customer_name, customer_email, id, customer_id) VALUES ('delete', old.rowid, old.number, old.customer_name, old.customer_email, old.id, old.customer_id);
    INSERT INTO cache_invoices_fts (rowid, number, customer_name, customer_email, id, customer_id) VALUES (new.rowid, new.number, new.customer_name, new.customer_email, new.id, new.customer_id);
END;
INSERT INTO cache_invoices_fts (cache_invoices_fts) VALUES ('rebuild');

CREATE VIRTUAL TABLE cache_customers_fts USING fts5(name, email, id, content='cache_customers', content_rowid='rowid', tokenize='trigram', columnsize=0);
CREATE TRIGGER cache_customers_fts_insert AFTER INSERT ON cache_customers BEGIN
    INSERT INTO cache_customers_fts (rowid, name, email, id) VALUES (new.rowid, new.name, new.email, new.id);
END;
CREATE TRIGGER cache_customers_fts_delete AFTER DELETE ON cache_customers BEGIN
    INSERT INTO cache_customers_fts (cache_customers_fts, rowid, name, email, id) VALUES ('delete', old.rowid, old.name, old.email, old.id);
END;
CREATE TRIGGER cache_customers_fts_update AFTER UPDATE ON cache_customers WHEN old.name IS NOT new.name OR old.email IS NOT new.email OR old.id IS NOT new.id BEGIN
    INSERT INTO cache_customers_fts (cache_customers_fts, rowid, name, email, id) VALUES ('delete', old.rowid, old.name, old.email, old.id);
    INSERT INTO cache_customers_fts (rowid, name, email, id) VALUES (new.rowid, new.name, new.email, new.id);
END;
INSERT INTO cache_customers_fts (cache_customers_fts) VALUES ('rebuild');

CREATE VIRTUAL TABLE purchase_orders_fts USING fts5(po_number, organization, contact_email, invoice_number, content='purchase_orders', content_rowid='rowid', tokenize='trigram', columnsize=0);
CREATE TRIGGER purchase_orders_fts_insert AFTER INSERT ON purchase_orders BEGIN
    INSERT INTO purchase_orders_fts (rowid, po_number, organization, contact_email, invoice_number) VALUES (new.rowid, new.po_number, new.organization, new.contact_email, new.invoice_number);
END;
CREATE TRIGGER purchase_orders_fts_delete AFTER DELETE ON purchase_orders BEGIN
    INSERT INTO purchase_orders_fts (purchase_orders_fts, rowid, po_number, organization, contact_email, invoice_number) VALUES ('delete', old.rowid, old.po_number, old.organization, old.contact_email, old.invoice_number);
END;
CREATE TRIGGER purchase_orders_fts_update AFTER UPDATE ON purchase_orders WHEN old.po_number IS NOT new.po_number OR old.organization IS NOT new.organization OR old.contact_email IS NOT new.contact_email OR old.invoice_number IS NOT new.invoice_number BEGIN
    INSERT INTO purchase_orders_fts (purchase_orders_fts, rowid, po_number, organization, contact_email, invoice_number) VALUES ('delete', old.rowid, old.po_number, old.organization, old.contact_email, old.invoice_number);
    INSERT INTO purchase_orders_fts (rowid, po_number, organization, contact_email, invoice_number) VALUES (new.rowid, new.po_number, new.organization, new.contact_email, new.invoice_number);
END;
INSERT INTO purchase_orders_fts (purchase_orders_fts) VALUES ('rebuild');
