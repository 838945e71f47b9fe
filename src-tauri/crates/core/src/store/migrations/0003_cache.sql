-- The cache of each account's Stripe objects, the events seen, and the sync engine's state.
--
-- Every cached object row has: typed columns the UI filters and sorts on, `raw` (the object's
-- JSON as Stripe sent it), `version` (the Stripe time of the snapshot: `event.created` for event
-- data, the newest event's `created` noted before a backfill for backfilled data; a snapshot is
-- applied only if its version is >= the stored one), `gen` (the backfill generation that last
-- wrote it, so a re-backfill can drop rows Stripe no longer has) and `deleted` (a tombstone, so a
-- late, older snapshot cannot bring a deleted object back). Money: minor units + currency.

CREATE TABLE cache_customers (
    account_id TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    id         TEXT NOT NULL,
    version    INTEGER NOT NULL,
    gen        INTEGER NOT NULL,
    deleted    INTEGER NOT NULL DEFAULT 0,
    raw        TEXT NOT NULL,
    name       TEXT,
    email      TEXT,
    currency   TEXT,
    balance    INTEGER,
    delinquent INTEGER,
    created    INTEGER,
    PRIMARY KEY (account_id, id)
);
CREATE INDEX cache_customers_created ON cache_customers (account_id, created);
CREATE INDEX cache_customers_email ON cache_customers (account_id, email);

CREATE TABLE cache_payment_methods (
    account_id  TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    id          TEXT NOT NULL,
    version     INTEGER NOT NULL,
    gen         INTEGER NOT NULL,
    deleted     INTEGER NOT NULL DEFAULT 0,
    raw         TEXT NOT NULL,
    customer_id TEXT,
    type        TEXT,
    created     INTEGER,
    PRIMARY KEY (account_id, id)
);
CREATE INDEX cache_payment_methods_customer ON cache_payment_methods (account_id, customer_id);

CREATE TABLE cache_products (
    account_id TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    id         TEXT NOT NULL,
    version    INTEGER NOT NULL,
    gen        INTEGER NOT NULL,
    deleted    INTEGER NOT NULL DEFAULT 0,
    raw        TEXT NOT NULL,
    name       TEXT,
    active     INTEGER,
    created    INTEGER,
    PRIMARY KEY (account_id, id)
);

CREATE TABLE cache_prices (
    account_id  TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    id          TEXT NOT NULL,
    version     INTEGER NOT NULL,
    gen         INTEGER NOT NULL,
    deleted     INTEGER NOT NULL DEFAULT 0,
    raw         TEXT NOT NULL,
    product_id  TEXT,
    currency    TEXT,
    unit_amount INTEGER,
    type        TEXT,
    active      INTEGER,
    created     INTEGER,
    PRIMARY KEY (account_id, id)
);
CREATE INDEX cache_prices_product ON cache_prices (account_id, product_id);

CREATE TABLE cache_invoices (
    account_id        TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    id                TEXT NOT NULL,
    version           INTEGER NOT NULL,
    gen               INTEGER NOT NULL,
    deleted           INTEGER NOT NULL DEFAULT 0,
    raw               TEXT NOT NULL,
    number            TEXT,
    customer_id       TEXT,
    subscription_id   TEXT,
    status            TEXT,
    collection_method TEXT,
    currency          TEXT,
    total             INTEGER,
    amount_due        INTEGER,
    amount_paid       INTEGER,
    amount_remaining  INTEGER,
    due_date          INTEGER,
    created           INTEGER,
    PRIMARY KEY (account_id, id)
);
CREATE INDEX cache_invoices_created ON cache_invoices (account_id, created);
CREATE INDEX cache_invoices_status ON cache_invoices (account_id, status, created);
CREATE INDEX cache_invoices_customer ON cache_invoices (account_id, customer_id);
CREATE INDEX cache_invoices_subscription ON cache_invoices (account_id, subscription_id);

-- All lines of an invoice (the invoice's raw JSON embeds only the first ten); replaced as a
-- whole whenever a newer snapshot of the invoice is applied.
CREATE TABLE cache_invoice_lines (
    account_id  TEXT NOT NULL,
    invoice_id  TEXT NOT NULL,
    id          TEXT NOT NULL,
    position    INTEGER NOT NULL,
    raw         TEXT NOT NULL,
    description TEXT,
    currency    TEXT,
    amount      INTEGER,
    quantity    INTEGER,
    PRIMARY KEY (account_id, invoice_id, id),
    FOREIGN KEY (account_id, invoice_id) REFERENCES cache_invoices (account_id, id) ON DELETE CASCADE
);

CREATE TABLE cache_invoice_payments (
    account_id       TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    id               TEXT NOT NULL,
    version          INTEGER NOT NULL,
    gen              INTEGER NOT NULL,
    deleted          INTEGER NOT NULL DEFAULT 0,
    raw              TEXT NOT NULL,
    invoice_id       TEXT,
    status           TEXT,
    currency         TEXT,
    amount_paid      INTEGER,
    amount_requested INTEGER,
    created          INTEGER,
    PRIMARY KEY (account_id, id)
);
CREATE INDEX cache_invoice_payments_invoice ON cache_invoice_payments (account_id, invoice_id);

CREATE TABLE cache_credit_notes (
    account_id  TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    id          TEXT NOT NULL,
    version     INTEGER NOT NULL,
    gen         INTEGER NOT NULL,
    deleted     INTEGER NOT NULL DEFAULT 0,
    raw         TEXT NOT NULL,
    number      TEXT,
    invoice_id  TEXT,
    customer_id TEXT,
    status      TEXT,
    currency    TEXT,
    total       INTEGER,
    created     INTEGER,
    PRIMARY KEY (account_id, id)
);
CREATE INDEX cache_credit_notes_invoice ON cache_credit_notes (account_id, invoice_id);

CREATE TABLE cache_subscriptions (
    account_id           TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    id                   TEXT NOT NULL,
    version              INTEGER NOT NULL,
    gen                  INTEGER NOT NULL,
    deleted              INTEGER NOT NULL DEFAULT 0,
    raw                  TEXT NOT NULL,
    customer_id          TEXT,
    status               TEXT,
    currency             TEXT,
    cancel_at_period_end INTEGER,
    created              INTEGER,
    PRIMARY KEY (account_id, id)
);
CREATE INDEX cache_subscriptions_customer ON cache_subscriptions (account_id, customer_id);

-- All items of a subscription, replaced as a whole with the subscription.
CREATE TABLE cache_subscription_items (
    account_id      TEXT NOT NULL,
    subscription_id TEXT NOT NULL,
    id              TEXT NOT NULL,
    position        INTEGER NOT NULL,
    raw             TEXT NOT NULL,
    price_id        TEXT,
    quantity        INTEGER,
    PRIMARY KEY (account_id, subscription_id, id),
    FOREIGN KEY (account_id, subscription_id) REFERENCES cache_subscriptions (account_id, id) ON DELETE CASCADE
);

CREATE TABLE cache_payment_intents (
    account_id      TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    id              TEXT NOT NULL,
    version         INTEGER NOT NULL,
    gen             INTEGER NOT NULL,
    deleted         INTEGER NOT NULL DEFAULT 0,
    raw             TEXT NOT NULL,
    customer_id     TEXT,
    status          TEXT,
    currency        TEXT,
    amount          INTEGER,
    amount_received INTEGER,
    created         INTEGER,
    PRIMARY KEY (account_id, id)
);
CREATE INDEX cache_payment_intents_customer ON cache_payment_intents (account_id, customer_id);

CREATE TABLE cache_charges (
    account_id        TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    id                TEXT NOT NULL,
    version           INTEGER NOT NULL,
    gen               INTEGER NOT NULL,
    deleted           INTEGER NOT NULL DEFAULT 0,
    raw               TEXT NOT NULL,
    customer_id       TEXT,
    payment_intent_id TEXT,
    status            TEXT,
    currency          TEXT,
    amount            INTEGER,
    amount_refunded   INTEGER,
    refunded          INTEGER,
    disputed          INTEGER,
    created           INTEGER,
    PRIMARY KEY (account_id, id)
);
CREATE INDEX cache_charges_intent ON cache_charges (account_id, payment_intent_id);

CREATE TABLE cache_refunds (
    account_id        TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    id                TEXT NOT NULL,
    version           INTEGER NOT NULL,
    gen               INTEGER NOT NULL,
    deleted           INTEGER NOT NULL DEFAULT 0,
    raw               TEXT NOT NULL,
    charge_id         TEXT,
    payment_intent_id TEXT,
    status            TEXT,
    currency          TEXT,
    amount            INTEGER,
    created           INTEGER,
    PRIMARY KEY (account_id, id)
);
CREATE INDEX cache_refunds_charge ON cache_refunds (account_id, charge_id);

CREATE TABLE cache_disputes (
    account_id        TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    id                TEXT NOT NULL,
    version           INTEGER NOT NULL,
    gen               INTEGER NOT NULL,
    deleted           INTEGER NOT NULL DEFAULT 0,
    raw               TEXT NOT NULL,
    charge_id         TEXT,
    payment_intent_id TEXT,
    status            TEXT,
    reason            TEXT,
    currency          TEXT,
    amount            INTEGER,
    created           INTEGER,
    PRIMARY KEY (account_id, id)
);
CREATE INDEX cache_disputes_charge ON cache_disputes (account_id, charge_id);

-- Every event seen (by polling or a webhook): the key makes applying idempotent, and the rows
-- are the timeline of each object.
CREATE TABLE cache_events (
    account_id  TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    id          TEXT NOT NULL,
    type        TEXT NOT NULL,
    created     INTEGER NOT NULL,
    object_type TEXT,
    object_id   TEXT,
    raw         TEXT NOT NULL,
    PRIMARY KEY (account_id, id)
);
CREATE INDEX cache_events_object ON cache_events (account_id, object_id, created);
CREATE INDEX cache_events_created ON cache_events (account_id, created);

-- What the UI shows of a sync, and where the engine stands.
ALTER TABLE sync_status ADD COLUMN state TEXT NOT NULL DEFAULT 'idle';
ALTER TABLE sync_status ADD COLUMN next_poll_at TEXT;
-- A backfill has completed at least once (so a missing event cursor means "no events yet").
ALTER TABLE sync_status ADD COLUMN backfilled INTEGER NOT NULL DEFAULT 0;
-- The generation of the latest backfill; rows written since carry it.
ALTER TABLE sync_status ADD COLUMN backfill_gen INTEGER NOT NULL DEFAULT 0;
-- While a backfill runs: the resource it is on and the last object id committed (to resume),
-- and the newest event noted before it started (its id becomes the cursor; its `created` is
-- the version of backfilled rows).
ALTER TABLE sync_status ADD COLUMN backfill_resource TEXT;
ALTER TABLE sync_status ADD COLUMN backfill_after TEXT;
ALTER TABLE sync_status ADD COLUMN backfill_event_id TEXT;
ALTER TABLE sync_status ADD COLUMN backfill_version INTEGER NOT NULL DEFAULT 0;
