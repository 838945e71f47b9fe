-- Purchase orders: what Stripe has no home for (the PO itself, payments received outside
-- Stripe, the audit log), plus what the PO keeps of its invoice. Money: minor units + currency.

CREATE TABLE purchase_orders (
    account_id         TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    id                 TEXT NOT NULL,
    po_number          TEXT NOT NULL,
    -- Lowercased PO number: unique per account whatever the case typed.
    po_number_key      TEXT NOT NULL,
    organization       TEXT NOT NULL,
    contact_name       TEXT NOT NULL,
    contact_email      TEXT NOT NULL,
    billing_address    TEXT,
    currency           TEXT NOT NULL,
    payment_terms_days INTEGER NOT NULL,
    notes              TEXT,
    total              INTEGER NOT NULL,
    -- Sum of the payments (kept with them, so lists sort and page on it in SQL).
    paid               INTEGER NOT NULL DEFAULT 0,
    status             TEXT NOT NULL
                       CHECK (status IN ('draft', 'invoiced', 'partially_paid', 'paid', 'cancelled')),
    cancelled          INTEGER NOT NULL DEFAULT 0,
    created_at         TEXT NOT NULL,
    updated_at         TEXT NOT NULL,
    -- The journaled operation issuing it: set once, so a second "Issue" resumes it.
    issue_operation_id TEXT,
    customer_id        TEXT,
    invoice_id         TEXT,
    invoice_number     TEXT,
    invoice_status     TEXT,
    hosted_invoice_url TEXT,
    invoice_pdf        TEXT,
    due_date           TEXT,
    -- The invoice's `amount_paid` when sync last applied it (payments are its deltas).
    stripe_amount_paid INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (account_id, id),
    UNIQUE (account_id, po_number_key)
);
CREATE INDEX purchase_orders_created ON purchase_orders (account_id, created_at);
CREATE INDEX purchase_orders_status ON purchase_orders (account_id, status, due_date);
CREATE INDEX purchase_orders_invoice ON purchase_orders (account_id, invoice_id);

CREATE TABLE purchase_order_lines (
    account_id  TEXT NOT NULL,
    po_id       TEXT NOT NULL,
    position    INTEGER NOT NULL,
    description TEXT NOT NULL,
    quantity    INTEGER NOT NULL CHECK (quantity > 0),
    unit_amount INTEGER NOT NULL,
    amount      INTEGER NOT NULL,
    PRIMARY KEY (account_id, po_id, position),
    FOREIGN KEY (account_id, po_id) REFERENCES purchase_orders (account_id, id) ON DELETE CASCADE
);

CREATE TABLE purchase_order_payments (
    account_id         TEXT NOT NULL,
    po_id              TEXT NOT NULL,
    id                 TEXT NOT NULL,
    amount             INTEGER NOT NULL,
    method             TEXT NOT NULL CHECK (method IN ('stripe', 'check', 'wire', 'ach', 'other')),
    reference          TEXT,
    received_on        TEXT NOT NULL,
    note               TEXT,
    -- Stripe's invoice counts it: a Stripe payment, or covered by a paid-out-of-band mark.
    recorded_in_stripe INTEGER NOT NULL DEFAULT 0,
    -- The operation marking the invoice paid out of band that covers it, once begun.
    oob_operation_id   TEXT,
    created_at         TEXT NOT NULL,
    PRIMARY KEY (account_id, id),
    FOREIGN KEY (account_id, po_id) REFERENCES purchase_orders (account_id, id) ON DELETE CASCADE
);
CREATE INDEX purchase_order_payments_po ON purchase_order_payments (account_id, po_id);

CREATE TABLE purchase_order_audit (
    id                INTEGER PRIMARY KEY AUTOINCREMENT,
    account_id        TEXT NOT NULL,
    po_id             TEXT NOT NULL,
    at                TEXT NOT NULL,
    action            TEXT NOT NULL,
    field             TEXT,
    old_value         TEXT,
    new_value         TEXT,
    stripe_request_id TEXT,
    FOREIGN KEY (account_id, po_id) REFERENCES purchase_orders (account_id, id) ON DELETE CASCADE
);
CREATE INDEX purchase_order_audit_po ON purchase_order_audit (account_id, po_id, id);
