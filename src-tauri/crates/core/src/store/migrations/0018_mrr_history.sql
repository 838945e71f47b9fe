-- Subscription history for the MRR report (core/src/mrr): the cache keeps each subscription's
-- current state only, but MRR at the end of a past month needs its state then.
--
-- * `mrr_history`: one row per snapshot of a subscription that reached the cache, at the
--   Stripe time it describes. `source` is the event id for a `customer.subscription.*` event
--   (so the same event applied by a poll and by a webhook is one row), or `synth:start`,
--   `synth:trial_end`, `synth:ended` for the past made up from a subscription first seen
--   without its events (a backfill, or a cache older than this table; see mrr/history.rs).
--   `items_mrr` is the licensed items' monthly amount before discounts and whatever the
--   status (subscriptions/mrr.rs::item_mrr); `discount_ids` the JSON array of the discounts it
--   carried. Rows of one second keep the order they were written in (rowid).
-- * `mrr_discount_coupons` and `mrr_coupons`: which coupon each discount applied and that
--   coupon's terms, copied by triggers from the cache so a discount or coupon swept away later
--   (a removed discount, a deleted coupon) still resolves for the months it applied. Coupon
--   terms never change in Stripe.

CREATE TABLE mrr_history (
    account_id      TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    subscription_id TEXT NOT NULL,
    source          TEXT NOT NULL,
    effective_at    INTEGER NOT NULL,
    customer_id     TEXT,
    currency        TEXT,
    status          TEXT NOT NULL,
    items_mrr       INTEGER NOT NULL,
    interval        TEXT,
    interval_count  INTEGER,
    discount_ids    TEXT NOT NULL DEFAULT '[]',
    UNIQUE (account_id, subscription_id, source)
);
-- The report reads every row of an account in this order, in one query.
CREATE INDEX mrr_history_timeline ON mrr_history (account_id, subscription_id, effective_at);

CREATE TABLE mrr_discount_coupons (
    account_id  TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    discount_id TEXT NOT NULL,
    coupon_id   TEXT NOT NULL,
    PRIMARY KEY (account_id, discount_id)
) WITHOUT ROWID;

CREATE TABLE mrr_coupons (
    account_id     TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    coupon_id      TEXT NOT NULL,
    duration       TEXT,
    percent_off_bp INTEGER,
    amount_off     INTEGER,
    currency       TEXT,
    PRIMARY KEY (account_id, coupon_id)
) WITHOUT ROWID;

INSERT OR REPLACE INTO mrr_discount_coupons (account_id, discount_id, coupon_id)
SELECT account_id, id, coupon_id FROM cache_discounts WHERE coupon_id IS NOT NULL;

INSERT OR REPLACE INTO mrr_coupons (account_id, coupon_id, duration, percent_off_bp, amount_off, currency)
SELECT account_id, id, duration, CAST(round(json_extract(raw, '$.percent_off') * 100) AS INTEGER), amount_off, currency
FROM cache_coupons WHERE deleted = 0;

CREATE TRIGGER mrr_discount_coupons_insert AFTER INSERT ON cache_discounts WHEN new.coupon_id IS NOT NULL
BEGIN
    INSERT INTO mrr_discount_coupons (account_id, discount_id, coupon_id)
    VALUES (new.account_id, new.id, new.coupon_id)
    ON CONFLICT (account_id, discount_id) DO UPDATE SET coupon_id = excluded.coupon_id;
END;
CREATE TRIGGER mrr_discount_coupons_update AFTER UPDATE OF coupon_id ON cache_discounts WHEN new.coupon_id IS NOT NULL
BEGIN
    INSERT INTO mrr_discount_coupons (account_id, discount_id, coupon_id)
    VALUES (new.account_id, new.id, new.coupon_id)
    ON CONFLICT (account_id, discount_id) DO UPDATE SET coupon_id = excluded.coupon_id;
END;
-- Upserts, not INSERT OR REPLACE: in a trigger, the cache's own upsert would override an OR
-- clause with ABORT.
-- A deleted coupon's tombstone may carry less than the coupon did: only live rows are copied.
CREATE TRIGGER mrr_coupons_insert AFTER INSERT ON cache_coupons WHEN new.deleted = 0
BEGIN
    INSERT INTO mrr_coupons (account_id, coupon_id, duration, percent_off_bp, amount_off, currency)
    VALUES (new.account_id, new.id, new.duration,
            CAST(round(json_extract(new.raw, '$.percent_off') * 100) AS INTEGER), new.amount_off, new.currency)
    ON CONFLICT (account_id, coupon_id) DO UPDATE SET
        duration = excluded.duration, percent_off_bp = excluded.percent_off_bp,
        amount_off = excluded.amount_off, currency = excluded.currency;
END;
CREATE TRIGGER mrr_coupons_update AFTER UPDATE ON cache_coupons WHEN new.deleted = 0
BEGIN
    INSERT INTO mrr_coupons (account_id, coupon_id, duration, percent_off_bp, amount_off, currency)
    VALUES (new.account_id, new.id, new.duration,
            CAST(round(json_extract(new.raw, '$.percent_off') * 100) AS INTEGER), new.amount_off, new.currency)
    ON CONFLICT (account_id, coupon_id) DO UPDATE SET
        duration = excluded.duration, percent_off_bp = excluded.percent_off_bp,
        amount_off = excluded.amount_off, currency = excluded.currency;
END;
