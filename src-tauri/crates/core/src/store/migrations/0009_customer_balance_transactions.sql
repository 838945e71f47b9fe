-- A customer's balance ledger (Stripe's customer balance transactions), fetched when the
-- customer is opened and written to when Billfold adds a credit or a debit. It is kept per
-- customer, not backfilled, so it has no version or backfill generation: a refresh replaces
-- the customer's whole list. Money: minor units + currency; negative amounts are credits.
CREATE TABLE cache_customer_balance_transactions (
    account_id     TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    id             TEXT NOT NULL,
    customer_id    TEXT NOT NULL,
    created        INTEGER NOT NULL,
    type           TEXT NOT NULL,
    amount         INTEGER NOT NULL,
    currency       TEXT NOT NULL,
    ending_balance INTEGER NOT NULL,
    description    TEXT,
    invoice_id     TEXT,
    credit_note_id TEXT,
    raw            TEXT NOT NULL,
    PRIMARY KEY (account_id, id)
);
-- The customer view reads the ledger newest first.
CREATE INDEX cache_customer_balance_transactions_customer
    ON cache_customer_balance_transactions (account_id, customer_id, created DESC, id);
