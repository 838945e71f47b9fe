-- Payments and refunds join the list engine (store/listing), and a PO's balance counts what
-- was refunded of its invoice's payments.
--
-- * A payment is a cached payment intent. Its list status (succeeded, failed, refunded,
--   partially_refunded, disputed, uncaptured, …) depends on its latest charge too, so it is a
--   typed column, `payment_status`, kept by SQL triggers in the transaction that writes the
--   intent or the charge: the cache writes the two independently (a sync, an event, an
--   operation's answer), in either order, and a trigger sees both whichever comes last, where
--   a Rust-derived column would only see the intent. `payment_statuses` is the status's one
--   definition; every trigger reads it.
-- * `latest_charge_id` and `description` are typed columns filled by the cache like the
--   others (kinds.rs); the customer's name and email are copied from the cached customer as
--   invoices do (migration 0006), so the list needs no join to search by customer.
-- * Sort indexes over live rows for created, amount and status, `payment_status` trailing
--   each key so a status chip filters inside the index; the status index counts.
-- * Refunds: sort indexes (created, amount, status) and trigram search by refund, charge and
--   payment intent id; the columns are there since 0003.
-- * purchase_orders.refunded: what was refunded of the payments of the PO's invoice, kept by
--   the PO's settle step like `credited`, so the balance stays a column expression an index
--   can hold: total − (paid − refunded) − credited.

ALTER TABLE cache_payment_intents ADD COLUMN latest_charge_id TEXT;
ALTER TABLE cache_payment_intents ADD COLUMN description TEXT;
ALTER TABLE cache_payment_intents ADD COLUMN customer_name TEXT;
ALTER TABLE cache_payment_intents ADD COLUMN customer_email TEXT;
ALTER TABLE cache_payment_intents ADD COLUMN payment_status TEXT;

-- A payment's status from its intent and its latest charge. Stripe counts a refund under way
-- in `amount_refunded`, so a pending refund already shows. A partial capture releases the
-- rest as "refunded"; that part is not a refund to the customer, so it is left out.
CREATE VIEW payment_statuses AS
SELECT i.account_id, i.id,
    CASE
        WHEN c.disputed = 1 THEN 'disputed'
        WHEN i.status = 'succeeded' AND c.refunded = 1 THEN 'refunded'
        WHEN i.status = 'succeeded'
             AND coalesce(c.amount_refunded, 0) - (coalesce(c.amount, 0) - coalesce(json_extract(c.raw, '$.amount_captured'), c.amount, 0)) > 0
            THEN 'partially_refunded'
        WHEN i.status = 'succeeded' THEN 'succeeded'
        WHEN i.status = 'requires_capture' THEN 'uncaptured'
        WHEN i.status = 'processing' THEN 'processing'
        WHEN i.status = 'canceled' THEN 'canceled'
        WHEN i.status = 'requires_payment_method'
             AND (json_extract(i.raw, '$.last_payment_error') IS NOT NULL OR c.status = 'failed') THEN 'failed'
        ELSE 'requires_action'
    END AS payment_status
FROM cache_payment_intents i
LEFT JOIN cache_charges c ON c.account_id = i.account_id AND c.id = i.latest_charge_id AND c.deleted = 0;

CREATE TRIGGER cache_payment_intents_derived_insert AFTER INSERT ON cache_payment_intents
BEGIN
    UPDATE cache_payment_intents SET
        payment_status = (SELECT payment_status FROM payment_statuses s WHERE s.account_id = new.account_id AND s.id = new.id),
        (customer_name, customer_email) = (SELECT name, email FROM cache_customers c
            WHERE c.account_id = new.account_id AND c.id = new.customer_id AND c.deleted = 0)
    WHERE rowid = new.rowid;
END;
-- The columns this trigger writes are not among those it watches, so it never fires itself.
CREATE TRIGGER cache_payment_intents_derived_update AFTER UPDATE OF status, latest_charge_id, customer_id, raw ON cache_payment_intents
BEGIN
    UPDATE cache_payment_intents SET
        payment_status = (SELECT payment_status FROM payment_statuses s WHERE s.account_id = new.account_id AND s.id = new.id),
        (customer_name, customer_email) = (SELECT name, email FROM cache_customers c
            WHERE c.account_id = new.account_id AND c.id = new.customer_id AND c.deleted = 0)
    WHERE rowid = new.rowid;
END;
-- A charge written (refunded, disputed, failed) moves its payment's status.
CREATE TRIGGER cache_charges_payment_status_insert AFTER INSERT ON cache_charges WHEN new.payment_intent_id IS NOT NULL
BEGIN
    UPDATE cache_payment_intents SET
        payment_status = (SELECT payment_status FROM payment_statuses s WHERE s.account_id = new.account_id AND s.id = new.payment_intent_id)
    WHERE account_id = new.account_id AND id = new.payment_intent_id;
END;
CREATE TRIGGER cache_charges_payment_status_update AFTER UPDATE ON cache_charges WHEN new.payment_intent_id IS NOT NULL
BEGIN
    UPDATE cache_payment_intents SET
        payment_status = (SELECT payment_status FROM payment_statuses s WHERE s.account_id = new.account_id AND s.id = new.payment_intent_id)
    WHERE account_id = new.account_id AND id = new.payment_intent_id;
END;
-- A customer written (a rename, or one that arrives after its payments) renames its payments.
CREATE TRIGGER cache_customers_payment_names_insert AFTER INSERT ON cache_customers WHEN new.deleted = 0
BEGIN
    UPDATE cache_payment_intents SET customer_name = new.name, customer_email = new.email
    WHERE account_id = new.account_id AND customer_id = new.id
      AND (customer_name IS NOT new.name OR customer_email IS NOT new.email);
END;
CREATE TRIGGER cache_customers_payment_names_update AFTER UPDATE OF name, email, deleted ON cache_customers
WHEN new.deleted = 0 AND (old.name IS NOT new.name OR old.email IS NOT new.email OR old.deleted = 1)
BEGIN
    UPDATE cache_payment_intents SET customer_name = new.name, customer_email = new.email
    WHERE account_id = new.account_id AND customer_id = new.id
      AND (customer_name IS NOT new.name OR customer_email IS NOT new.email);
END;

CREATE INDEX cache_payment_intents_by_created ON cache_payment_intents (account_id, created, id, payment_status) WHERE deleted = 0;
CREATE INDEX cache_payment_intents_by_amount ON cache_payment_intents (account_id, ifnull(amount, -9223372036854775808), id, payment_status) WHERE deleted = 0;
-- The status sort index also counts each status chip, index-only.
CREATE INDEX cache_payment_intents_by_status ON cache_payment_intents (account_id, ifnull(payment_status, ''), id) WHERE deleted = 0;

CREATE VIRTUAL TABLE cache_payment_intents_fts USING fts5(id, customer_id, customer_name, customer_email, description, content='cache_payment_intents', content_rowid='rowid', tokenize='trigram', columnsize=0);
CREATE TRIGGER cache_payment_intents_fts_insert AFTER INSERT ON cache_payment_intents BEGIN
    INSERT INTO cache_payment_intents_fts (rowid, id, customer_id, customer_name, customer_email, description) VALUES (new.rowid, new.id, new.customer_id, new.customer_name, new.customer_email, new.description);
END;
CREATE TRIGGER cache_payment_intents_fts_delete AFTER DELETE ON cache_payment_intents BEGIN
    INSERT INTO cache_payment_intents_fts (cache_payment_intents_fts, rowid, id, customer_id, customer_name, customer_email, description) VALUES ('delete', old.rowid, old.id, old.customer_id, old.customer_name, old.customer_email, old.description);
END;
CREATE TRIGGER cache_payment_intents_fts_update AFTER UPDATE ON cache_payment_intents WHEN old.id IS NOT new.id OR old.customer_id IS NOT new.customer_id OR old.customer_name IS NOT new.customer_name OR old.customer_email IS NOT new.customer_email OR old.description IS NOT new.description BEGIN
    INSERT INTO cache_payment_intents_fts (cache_payment_intents_fts, rowid, id, customer_id, customer_name, customer_email, description) VALUES ('delete', old.rowid, old.id, old.customer_id, old.customer_name, old.customer_email, old.description);
    INSERT INTO cache_payment_intents_fts (rowid, id, customer_id, customer_name, customer_email, description) VALUES (new.rowid, new.id, new.customer_id, new.customer_name, new.customer_email, new.description);
END;

-- Existing rows take their typed columns (the update trigger derives the rest).
UPDATE cache_payment_intents SET
    latest_charge_id = coalesce(json_extract(raw, '$.latest_charge.id'), json_extract(raw, '$.latest_charge')),
    description = json_extract(raw, '$.description');
INSERT INTO cache_payment_intents_fts (cache_payment_intents_fts) VALUES ('rebuild');

CREATE INDEX cache_refunds_by_created ON cache_refunds (account_id, created, id, status) WHERE deleted = 0;
CREATE INDEX cache_refunds_by_amount ON cache_refunds (account_id, ifnull(amount, -9223372036854775808), id, status) WHERE deleted = 0;
CREATE INDEX cache_refunds_by_status ON cache_refunds (account_id, ifnull(status, ''), id) WHERE deleted = 0;
CREATE INDEX cache_refunds_intent ON cache_refunds (account_id, payment_intent_id);

CREATE VIRTUAL TABLE cache_refunds_fts USING fts5(id, charge_id, payment_intent_id, content='cache_refunds', content_rowid='rowid', tokenize='trigram', columnsize=0);
CREATE TRIGGER cache_refunds_fts_insert AFTER INSERT ON cache_refunds BEGIN
    INSERT INTO cache_refunds_fts (rowid, id, charge_id, payment_intent_id) VALUES (new.rowid, new.id, new.charge_id, new.payment_intent_id);
END;
CREATE TRIGGER cache_refunds_fts_delete AFTER DELETE ON cache_refunds BEGIN
    INSERT INTO cache_refunds_fts (cache_refunds_fts, rowid, id, charge_id, payment_intent_id) VALUES ('delete', old.rowid, old.id, old.charge_id, old.payment_intent_id);
END;
CREATE TRIGGER cache_refunds_fts_update AFTER UPDATE ON cache_refunds WHEN old.id IS NOT new.id OR old.charge_id IS NOT new.charge_id OR old.payment_intent_id IS NOT new.payment_intent_id BEGIN
    INSERT INTO cache_refunds_fts (cache_refunds_fts, rowid, id, charge_id, payment_intent_id) VALUES ('delete', old.rowid, old.id, old.charge_id, old.payment_intent_id);
    INSERT INTO cache_refunds_fts (rowid, id, charge_id, payment_intent_id) VALUES (new.rowid, new.id, new.charge_id, new.payment_intent_id);
END;
INSERT INTO cache_refunds_fts (cache_refunds_fts) VALUES ('rebuild');

ALTER TABLE purchase_orders ADD COLUMN refunded INTEGER NOT NULL DEFAULT 0;
DROP INDEX purchase_orders_by_balance;
CREATE INDEX purchase_orders_by_balance ON purchase_orders (account_id, (CASE WHEN status = 'cancelled' THEN 0 ELSE max(total - paid + refunded - credited, 0) END), id);
