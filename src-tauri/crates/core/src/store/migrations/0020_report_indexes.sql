-- Reports read indexes only, never the invoice rows (whose `raw` JSON comes first and makes
-- every row fetch walk its overflow pages: 30k open invoices cost 150 ms that way).
--
-- * cache_invoices_aging replaces cache_invoices_by_finalized: the same key (open as of a
--   date is told from it alone), followed by every column aging and its drill-down read.
-- * cache_invoices_open: what is owed now, per currency and due date, for the dashboard;
--   partial over open invoices, so its size follows the receivables, not the history.

DROP INDEX cache_invoices_by_finalized;
CREATE INDEX cache_invoices_aging ON cache_invoices
    (account_id, finalized_at, paid_at, voided_at, uncollectible_at, currency, customer_id, due_date, amount_due,
     amount_paid, number, customer_name, customer_email, id)
    WHERE deleted = 0 AND finalized_at IS NOT NULL;
CREATE INDEX cache_invoices_open ON cache_invoices (account_id, currency, due_date, amount_remaining)
    WHERE deleted = 0 AND status = 'open';
