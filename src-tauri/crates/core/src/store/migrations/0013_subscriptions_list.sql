-- The subscriptions list joins the list engine (store/listing): typed columns to sort by,
-- partial sort indexes, an exact count and trigram search, as 0006 gave invoices.
--
-- * Typed columns, written by the apply path from the subscription (store/cache/kinds.rs):
--   `trial_end`; `current_period_end` (the earliest of its items' ends, where Stripe keeps it);
--   `next_renewal` (that end, unless the subscription ended or cancels at period end); `mrr`
--   (subscriptions/mrr.rs: each licensed item's unit amount × quantity normalized to a month,
--   year ÷ 12, week × 52 ÷ 12, day × 365 ÷ 12, divided by the interval count, rounded half up;
--   0 while trialing, incomplete, paused or after it ended). Rows cached before are filled here
--   from their items with the same arithmetic.
-- * Stripe's subscription names no customer name or email: triggers copy the cached
--   customer's onto its subscriptions (and a rename onto all of them), as 0006 does for invoices,
--   so the list sorts and searches by customer without a join.

ALTER TABLE cache_subscriptions ADD COLUMN trial_end INTEGER;
ALTER TABLE cache_subscriptions ADD COLUMN current_period_end INTEGER;
ALTER TABLE cache_subscriptions ADD COLUMN next_renewal INTEGER;
ALTER TABLE cache_subscriptions ADD COLUMN mrr INTEGER;
ALTER TABLE cache_subscriptions ADD COLUMN customer_name TEXT;
ALTER TABLE cache_subscriptions ADD COLUMN customer_email TEXT;

UPDATE cache_subscriptions SET
    trial_end = json_extract(raw, '$.trial_end'),
    current_period_end = coalesce(
        (SELECT min(json_extract(i.raw, '$.current_period_end')) FROM cache_subscription_items i
         WHERE i.account_id = cache_subscriptions.account_id AND i.subscription_id = cache_subscriptions.id),
        json_extract(raw, '$.current_period_end'));
UPDATE cache_subscriptions SET
    next_renewal = CASE WHEN status IN ('canceled', 'incomplete_expired') OR cancel_at_period_end = 1 THEN NULL
                        ELSE current_period_end END,
    mrr = CASE WHEN ifnull(status, '') IN ('trialing', 'canceled', 'incomplete', 'incomplete_expired', 'paused') THEN 0
               ELSE ifnull((SELECT sum(
                   (2 * ifnull(json_extract(i.raw, '$.price.unit_amount'), 0) * ifnull(i.quantity, 1)
                      * CASE json_extract(i.raw, '$.price.recurring.interval')
                            WHEN 'month' THEN 1 WHEN 'year' THEN 1 WHEN 'week' THEN 52 WHEN 'day' THEN 365 ELSE 0 END
                    + CASE json_extract(i.raw, '$.price.recurring.interval') WHEN 'month' THEN 1 ELSE 12 END
                      * max(ifnull(json_extract(i.raw, '$.price.recurring.interval_count'), 1), 1))
                   / (2 * CASE json_extract(i.raw, '$.price.recurring.interval') WHEN 'month' THEN 1 ELSE 12 END
                        * max(ifnull(json_extract(i.raw, '$.price.recurring.interval_count'), 1), 1)))
                   FROM cache_subscription_items i
                   WHERE i.account_id = cache_subscriptions.account_id AND i.subscription_id = cache_subscriptions.id
                     AND ifnull(json_extract(i.raw, '$.price.recurring.usage_type'), '') <> 'metered'), 0) END;
UPDATE cache_subscriptions SET (customer_name, customer_email) =
    (SELECT name, email FROM cache_customers c
     WHERE c.account_id = cache_subscriptions.account_id AND c.id = cache_subscriptions.customer_id AND c.deleted = 0)
WHERE EXISTS (SELECT 1 FROM cache_customers c
              WHERE c.account_id = cache_subscriptions.account_id AND c.id = cache_subscriptions.customer_id AND c.deleted = 0);

-- A subscription written (or moved to another customer) takes its cached customer's names.
CREATE TRIGGER cache_subscriptions_customer_insert AFTER INSERT ON cache_subscriptions
WHEN EXISTS (SELECT 1 FROM cache_customers c
             WHERE c.account_id = new.account_id AND c.id = new.customer_id AND c.deleted = 0)
BEGIN
    UPDATE cache_subscriptions SET (customer_name, customer_email) =
        (SELECT name, email FROM cache_customers WHERE account_id = new.account_id AND id = new.customer_id)
    WHERE rowid = new.rowid;
END;
CREATE TRIGGER cache_subscriptions_customer_update AFTER UPDATE OF customer_id ON cache_subscriptions
WHEN old.customer_id IS NOT new.customer_id
BEGIN
    UPDATE cache_subscriptions SET (customer_name, customer_email) =
        (SELECT name, email FROM cache_customers
         WHERE account_id = new.account_id AND id = new.customer_id AND deleted = 0)
    WHERE rowid = new.rowid;
END;
-- A customer written (a rename, or one that arrives after its subscriptions) renames them.
CREATE TRIGGER cache_customers_subscription_names_insert AFTER INSERT ON cache_customers WHEN new.deleted = 0
BEGIN
    UPDATE cache_subscriptions SET customer_name = new.name, customer_email = new.email
    WHERE account_id = new.account_id AND customer_id = new.id
      AND (customer_name IS NOT new.name OR customer_email IS NOT new.email);
END;
CREATE TRIGGER cache_customers_subscription_names_update AFTER UPDATE OF name, email, deleted ON cache_customers
WHEN new.deleted = 0 AND (old.name IS NOT new.name OR old.email IS NOT new.email OR old.deleted = 1)
BEGIN
    UPDATE cache_subscriptions SET customer_name = new.name, customer_email = new.email
    WHERE account_id = new.account_id AND customer_id = new.id
      AND (customer_name IS NOT new.name OR customer_email IS NOT new.email);
END;

CREATE INDEX cache_subscriptions_by_created ON cache_subscriptions (account_id, created, id, status) WHERE deleted = 0;
CREATE INDEX cache_subscriptions_by_next_renewal ON cache_subscriptions (account_id, ifnull(next_renewal, -9223372036854775808), id, status) WHERE deleted = 0;
CREATE INDEX cache_subscriptions_by_customer ON cache_subscriptions (account_id, lower(ifnull(customer_name, '')), id, status) WHERE deleted = 0;
CREATE INDEX cache_subscriptions_by_mrr ON cache_subscriptions (account_id, ifnull(mrr, -9223372036854775808), id, status) WHERE deleted = 0;
-- Counts each status chip, index-only.
CREATE INDEX cache_subscriptions_by_status ON cache_subscriptions (account_id, ifnull(status, ''), id) WHERE deleted = 0;

CREATE VIRTUAL TABLE cache_subscriptions_fts USING fts5(customer_name, customer_email, id, customer_id, content='cache_subscriptions', content_rowid='rowid', tokenize='trigram', columnsize=0);
CREATE TRIGGER cache_subscriptions_fts_insert AFTER INSERT ON cache_subscriptions BEGIN
    INSERT INTO cache_subscriptions_fts (rowid, customer_name, customer_email, id, customer_id) VALUES (new.rowid, new.customer_name, new.customer_email, new.id, new.customer_id);
END;
CREATE TRIGGER cache_subscriptions_fts_delete AFTER DELETE ON cache_subscriptions BEGIN
    INSERT INTO cache_subscriptions_fts (cache_subscriptions_fts, rowid, customer_name, customer_email, id, customer_id) VALUES ('delete', old.rowid, old.customer_name, old.customer_email, old.id, old.customer_id);
END;
CREATE TRIGGER cache_subscriptions_fts_update AFTER UPDATE ON cache_subscriptions WHEN old.customer_name IS NOT new.customer_name OR old.customer_email IS NOT new.customer_email OR old.id IS NOT new.id OR old.customer_id IS NOT new.customer_id BEGIN
    INSERT INTO cache_subscriptions_fts (cache_subscriptions_fts, rowid, customer_name, customer_email, id, customer_id) VALUES ('delete', old.rowid, old.customer_name, old.customer_email, old.id, old.customer_id);
    INSERT INTO cache_subscriptions_fts (rowid, customer_name, customer_email, id, customer_id) VALUES (new.rowid, new.customer_name, new.customer_email, new.id, new.customer_id);
END;
INSERT INTO cache_subscriptions_fts (cache_subscriptions_fts) VALUES ('rebuild');
