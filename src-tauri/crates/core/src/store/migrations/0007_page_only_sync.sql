-- Each piece of a cached object is stored once, so an old cache moves without a re-sync:
-- - an invoice's lines live in cache_invoice_lines and a subscription's items in
--   cache_subscription_items, so `raw` keeps `lines` / `items` without their `data` (readers put
--   the items back from the child table);
-- - a customer's expanded default payment method lives in cache_payment_methods (at the
--   customer's version), so the customer's `raw` keeps only its id, as Stripe sends it unexpanded.

-- Items that only `raw` holds (a parent with no child rows) are copied first: nothing is lost.
INSERT OR IGNORE INTO cache_invoice_lines
    (account_id, invoice_id, id, position, raw, description, currency, amount, quantity)
SELECT i.account_id, i.id, json_extract(l.value, '$.id'), l.key, json(l.value),
       json_extract(l.value, '$.description'), json_extract(l.value, '$.currency'),
       json_extract(l.value, '$.amount'), json_extract(l.value, '$.quantity')
FROM cache_invoices i, json_each(i.raw, '$.lines.data') l
WHERE i.deleted = 0 AND json_extract(l.value, '$.id') IS NOT NULL
  AND NOT EXISTS (SELECT 1 FROM cache_invoice_lines c
                  WHERE c.account_id = i.account_id AND c.invoice_id = i.id);

UPDATE cache_invoices SET raw = json_remove(raw, '$.lines.data')
WHERE json_type(raw, '$.lines.data') IS NOT NULL;

INSERT OR IGNORE INTO cache_subscription_items
    (account_id, subscription_id, id, position, raw, price_id, quantity)
SELECT s.account_id, s.id, json_extract(t.value, '$.id'), t.key, json(t.value),
       CASE json_type(t.value, '$.price') WHEN 'object' THEN json_extract(t.value, '$.price.id')
                                          ELSE json_extract(t.value, '$.price') END,
       json_extract(t.value, '$.quantity')
FROM cache_subscriptions s, json_each(s.raw, '$.items.data') t
WHERE s.deleted = 0 AND json_extract(t.value, '$.id') IS NOT NULL
  AND NOT EXISTS (SELECT 1 FROM cache_subscription_items c
                  WHERE c.account_id = s.account_id AND c.subscription_id = s.id);

UPDATE cache_subscriptions SET raw = json_remove(raw, '$.items.data')
WHERE json_type(raw, '$.items.data') IS NOT NULL;

-- Expanded default payment methods, newest snapshot winning as in the apply path.
INSERT INTO cache_payment_methods (account_id, id, version, gen, deleted, raw, customer_id, type, created)
SELECT account_id, json_extract(raw, '$.invoice_settings.default_payment_method.id'), version, gen, 0,
       json(json_extract(raw, '$.invoice_settings.default_payment_method')),
       CASE json_type(raw, '$.invoice_settings.default_payment_method.customer')
           WHEN 'object' THEN json_extract(raw, '$.invoice_settings.default_payment_method.customer.id')
           ELSE json_extract(raw, '$.invoice_settings.default_payment_method.customer') END,
       json_extract(raw, '$.invoice_settings.default_payment_method.type'),
       json_extract(raw, '$.invoice_settings.default_payment_method.created')
FROM cache_customers
WHERE deleted = 0 AND json_type(raw, '$.invoice_settings.default_payment_method') = 'object'
  AND json_extract(raw, '$.invoice_settings.default_payment_method.id') IS NOT NULL
ON CONFLICT (account_id, id) DO UPDATE SET
    version = excluded.version, gen = excluded.gen, deleted = 0, raw = excluded.raw,
    customer_id = excluded.customer_id, type = excluded.type, created = excluded.created
WHERE excluded.version >= cache_payment_methods.version;

UPDATE cache_customers
SET raw = json_set(raw, '$.invoice_settings.default_payment_method',
                   json_extract(raw, '$.invoice_settings.default_payment_method.id'))
WHERE json_type(raw, '$.invoice_settings.default_payment_method') = 'object';
