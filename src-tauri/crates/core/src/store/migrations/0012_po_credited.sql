-- What a PO's invoice was credited (non-void credit notes, minor units), kept by the PO's
-- settle step like `paid`, so the balance stays a column expression an index can hold.
-- Existing POs start at 0 and take their credit notes at the next reconcile after a sync.
ALTER TABLE purchase_orders ADD COLUMN credited INTEGER NOT NULL DEFAULT 0;
DROP INDEX purchase_orders_by_balance;
CREATE INDEX purchase_orders_by_balance ON purchase_orders (account_id, (CASE WHEN status = 'cancelled' THEN 0 ELSE max(total - paid - credited, 0) END), id);
