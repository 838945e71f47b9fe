-- Reports: revenue from the balance ledger, and receivables aging as of any date.
--
-- * cache_balance_transactions: every balance transaction of the account
--   (`GET /v1/balance_transactions`), kept by the sync after each pass that saw money move
--   (see sync::balance_transactions). Revenue, fees and net are sums over it. `charge_id` is
--   the charge behind the source (a charge itself, a refund's or a dispute's charge), found in
--   the cache, so top customers can name whose money it was.
-- * balance_transaction_sync: whether the first full listing is done, where it stopped (it
--   resumes there), and whether a later pass still owes a listing (`due`).
-- * cache_invoices: when each invoice was finalized, paid, voided or marked uncollectible
--   (Stripe's `status_transitions`), as typed columns filled here from the JSON already
--   cached, so aging as of a date is one indexed query.

CREATE TABLE cache_balance_transactions (
    account_id         TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    id                 TEXT NOT NULL,
    type               TEXT NOT NULL,
    reporting_category TEXT NOT NULL,
    source_id          TEXT,
    charge_id          TEXT,
    currency           TEXT NOT NULL,
    amount             INTEGER NOT NULL,
    fee                INTEGER NOT NULL,
    net                INTEGER NOT NULL,
    created            INTEGER NOT NULL,
    raw                TEXT NOT NULL,
    PRIMARY KEY (account_id, id)
);
-- Covers the revenue report: a range of `created`, summed by currency and category.
CREATE INDEX cache_balance_transactions_by_created ON cache_balance_transactions (account_id, created, currency, reporting_category, amount, fee, net, charge_id);
-- Transactions whose charge is not known yet, looked up again after each listing.
CREATE INDEX cache_balance_transactions_unlinked ON cache_balance_transactions (account_id, source_id) WHERE charge_id IS NULL AND reporting_category IN ('charge', 'refund', 'refund_failure', 'dispute', 'dispute_reversal');

CREATE TABLE balance_transaction_sync (
    account_id  TEXT PRIMARY KEY REFERENCES accounts(id) ON DELETE CASCADE,
    backfilled  INTEGER NOT NULL DEFAULT 0,
    after       TEXT,
    due         INTEGER NOT NULL DEFAULT 1
);

ALTER TABLE cache_invoices ADD COLUMN finalized_at INTEGER;
ALTER TABLE cache_invoices ADD COLUMN paid_at INTEGER;
ALTER TABLE cache_invoices ADD COLUMN voided_at INTEGER;
ALTER TABLE cache_invoices ADD COLUMN uncollectible_at INTEGER;
UPDATE cache_invoices SET
    finalized_at = json_extract(raw, '$.status_transitions.finalized_at'),
    paid_at = json_extract(raw, '$.status_transitions.paid_at'),
    voided_at = json_extract(raw, '$.status_transitions.voided_at'),
    uncollectible_at = json_extract(raw, '$.status_transitions.marked_uncollectible_at');
-- Aging as of a date: invoices finalized by then and not closed by then, told from the index
-- alone (draft invoices have no finalized_at).
CREATE INDEX cache_invoices_by_finalized ON cache_invoices (account_id, finalized_at, paid_at, voided_at, uncollectible_at) WHERE deleted = 0 AND finalized_at IS NOT NULL;
