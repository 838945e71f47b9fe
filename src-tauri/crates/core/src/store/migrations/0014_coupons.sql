-- Coupons and the discounts that apply them, cached like every other Stripe object (see 0003).
--
-- * `cache_coupons`: listed by a backfill (`GET /v1/coupons`) and kept fresh by `coupon.*`
--   events. `percent_off` stays in `raw` only (Stripe sends it as a decimal number; the app
--   reads it as basis points, never as money).
-- * `cache_discounts`: Stripe lists discounts only on their parent, so a backfill takes the
--   ones its subscriptions list expands (`expand[]=data.discounts`) and `customer.discount.*`
--   events keep them fresh; a discount whose subscription is gone is swept.

CREATE TABLE cache_coupons (
    account_id   TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    id           TEXT NOT NULL,
    version      INTEGER NOT NULL,
    gen          INTEGER NOT NULL,
    deleted      INTEGER NOT NULL DEFAULT 0,
    raw          TEXT NOT NULL,
    name         TEXT,
    duration     TEXT,
    valid        INTEGER,
    amount_off   INTEGER,
    currency     TEXT,
    created      INTEGER,
    PRIMARY KEY (account_id, id)
);

CREATE TABLE cache_discounts (
    account_id      TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    id              TEXT NOT NULL,
    version         INTEGER NOT NULL,
    gen             INTEGER NOT NULL,
    deleted         INTEGER NOT NULL DEFAULT 0,
    raw             TEXT NOT NULL,
    customer_id     TEXT,
    subscription_id TEXT,
    invoice_id      TEXT,
    coupon_id       TEXT,
    starts_at       INTEGER,
    ends_at         INTEGER,
    PRIMARY KEY (account_id, id)
);
CREATE INDEX cache_discounts_subscription ON cache_discounts (account_id, subscription_id);
