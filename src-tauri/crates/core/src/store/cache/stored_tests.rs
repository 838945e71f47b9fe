//! Each piece of an object stored once: child items and expanded payment methods in their own
//! tables, put back for readers; the payment-method sweep; a cache from before the change.

use super::*;

fn open_at(path: &std::path::Path) -> Store {
    let store = Store::open(path).unwrap();
    store
        .insert_account(&crate::store::test_account(ACCOUNT))
        .unwrap();
    store
}

fn card(id: &str, customer: &str) -> Value {
    json!({"id": id, "object": "payment_method", "type": "card", "customer": customer, "created": 50,
           "card": {"brand": "visa", "last4": "4242", "exp_month": 8, "exp_year": 2030}})
}

fn with_default(mut customer: Value, method: Value) -> Value {
    customer["invoice_settings"] = json!({"default_payment_method": method, "footer": null});
    customer
}

fn raw_column(store: &Store, table: &str, id: &str) -> Value {
    let raw: String = store
        .conn()
        .unwrap()
        .query_row(
            &format!("SELECT raw FROM {table} WHERE id = ?1"),
            [id],
            |r| r.get(0),
        )
        .unwrap();
    serde_json::from_str(&raw).unwrap()
}

fn live_methods(store: &Store) -> Vec<String> {
    let mut ids: Vec<String> = store
        .cached_objects(ACCOUNT, "payment_methods")
        .unwrap()
        .iter()
        .map(|m| m["id"].as_str().unwrap().to_string())
        .collect();
    ids.sort();
    ids
}

fn upsert(store: &Store, resource: &str, objects: &[Value], version: i64) {
    let kind = by_resource(resource).unwrap();
    store
        .cache_write(ACCOUNT, |tx| {
            for object in objects {
                tx.upsert(kind, object, version, false, &FetchedChildren::new())?;
            }
            Ok(())
        })
        .unwrap();
}

#[test]
fn lines_and_items_are_stored_once_and_read_back_whole() {
    let (_dir, store) = open();
    let short = invoice("in_1", "cus_1", "open", 3, false);
    let sub = json!({"id": "sub_1", "object": "subscription", "customer": "cus_1", "status": "active",
                     "items": {"object": "list", "has_more": false, "total_count": 1, "url": "/v1/subscription_items?subscription=sub_1",
                               "data": [{"id": "si_1", "object": "subscription_item", "price": {"id": "price_1"}, "quantity": 2}]}});
    upsert(&store, "invoices", std::slice::from_ref(&short), 100);
    upsert(&store, "subscriptions", std::slice::from_ref(&sub), 100);

    let raw = raw_column(&store, "cache_invoices", "in_1");
    assert_eq!(raw["lines"], json!({"object": "list", "has_more": false}));
    assert_eq!(
        raw_column(&store, "cache_subscriptions", "sub_1")["items"]["data"],
        Value::Null
    );
    assert_eq!(
        store.cached_objects(ACCOUNT, "invoices").unwrap(),
        vec![short]
    );
    assert_eq!(
        store.cached_objects(ACCOUNT, "subscriptions").unwrap(),
        vec![sub]
    );
}

#[test]
fn an_expanded_default_payment_method_is_kept_as_its_own_row() {
    let (_dir, store) = open();
    let expanded = with_default(customer("cus_1", "Acme"), card("pm_1", "cus_1"));
    let (_, changed) = store
        .cache_write(ACCOUNT, |tx| {
            tx.upsert(
                by_resource("customers").unwrap(),
                &expanded,
                70,
                false,
                &FetchedChildren::new(),
            )
        })
        .unwrap();
    assert!(changed.contains("payment_methods") && changed.contains("customers"));
    assert_eq!(
        store.cached_objects(ACCOUNT, "customers").unwrap(),
        vec![with_default(customer("cus_1", "Acme"), json!("pm_1"))],
        "the customer reads back as Stripe sends it unexpanded"
    );
    assert_eq!(
        store.cached_objects(ACCOUNT, "payment_methods").unwrap(),
        vec![card("pm_1", "cus_1")]
    );
    let (version, customer_id): (i64, String) = store
        .conn()
        .unwrap()
        .query_row(
            "SELECT version, customer_id FROM cache_payment_methods",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!((version, customer_id.as_str()), (70, "cus_1"));
}

#[test]
fn a_fetched_list_replaces_the_customers_methods_only() {
    let (_dir, store) = open();
    upsert(
        &store,
        "payment_methods",
        &[
            card("pm_a", "cus_1"),
            card("pm_b", "cus_1"),
            card("pm_c", "cus_2"),
        ],
        100,
    );
    let kind = by_resource("payment_methods").unwrap();
    let (_, changed) = store
        .cache_write(ACCOUNT, |tx| {
            let version = tx.newest_version()?;
            tx.replace_parent_list(
                kind,
                "cus_1",
                &[card("pm_a", "cus_1"), card("pm_d", "cus_1")],
                version.max(100),
            )
        })
        .unwrap();
    assert!(changed.contains("payment_methods"));
    assert_eq!(live_methods(&store), ["pm_a", "pm_c", "pm_d"]);

    // A removal newer than the fetched list stands; so does a newer snapshot of a listed one.
    apply(
        &store,
        &[event(
            "evt_1",
            "payment_method.detached",
            300,
            json!({"id": "pm_d", "object": "payment_method", "customer": null}),
        )],
    );
    store
        .cache_write(ACCOUNT, |tx| {
            tx.replace_parent_list(
                kind,
                "cus_1",
                &[card("pm_a", "cus_1"), card("pm_d", "cus_1")],
                200,
            )
        })
        .unwrap();
    assert_eq!(live_methods(&store), ["pm_a", "pm_c"]);
}

#[test]
fn the_newest_version_is_the_newest_event_or_backfill() {
    let (_dir, store) = open();
    let newest = |store: &Store| {
        store
            .cache_write(ACCOUNT, |tx| tx.newest_version())
            .unwrap()
            .0
    };
    assert_eq!(newest(&store), 0);
    store
        .start_backfill(ACCOUNT, "products", None, 500)
        .unwrap();
    assert_eq!(newest(&store), 500);
    apply(
        &store,
        &[event(
            "evt_1",
            "customer.created",
            900,
            customer("cus_1", "Acme"),
        )],
    );
    assert_eq!(newest(&store), 900);
}

#[test]
fn a_backfill_sweeps_only_payment_methods_whose_customer_is_gone() {
    let (_dir, store) = open();
    let customers = by_resource("customers").unwrap();
    let methods = by_resource("payment_methods").unwrap();
    upsert(
        &store,
        "customers",
        &[
            with_default(customer("cus_1", "Kept"), card("pm_default", "cus_1")),
            customer("cus_2", "Gone"),
        ],
        10,
    );
    store
        .cache_write(ACCOUNT, |tx| {
            tx.replace_parent_list(
                methods,
                "cus_1",
                &[card("pm_default", "cus_1"), card("pm_opened", "cus_1")],
                10,
            )?;
            tx.replace_parent_list(methods, "cus_2", &[card("pm_orphan", "cus_2")], 10)
        })
        .unwrap();
    apply(
        &store,
        &[event(
            "evt_1",
            "payment_method.detached",
            20,
            json!({"id": "pm_detached", "object": "payment_method", "customer": null}),
        )],
    );

    // A new backfill lists only cus_1 (with its default expanded), then sweeps.
    store
        .start_backfill(ACCOUNT, "customers", None, 30)
        .unwrap();
    let (removed, _) = store
        .cache_write(ACCOUNT, |tx| {
            tx.upsert(
                customers,
                &with_default(customer("cus_1", "Kept"), card("pm_default", "cus_1")),
                30,
                false,
                &FetchedChildren::new(),
            )?;
            Ok(tx.sweep(customers)? + tx.sweep(methods)?)
        })
        .unwrap();
    assert_eq!(removed, 3, "cus_2, its card and the detached tombstone");
    assert_eq!(live_methods(&store), ["pm_default", "pm_opened"]);
    let rows: i64 = store
        .conn()
        .unwrap()
        .query_row("SELECT count(*) FROM cache_payment_methods", [], |r| {
            r.get(0)
        })
        .unwrap();
    assert_eq!(rows, 2);
}

#[test]
fn a_cache_written_before_reads_back_whole_after_the_migration() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(DATABASE_FILE);
    let store = open_at(&path);
    // Rows as the build before wrote them: whole objects in `raw`, children in their tables
    // too (except for one invoice, whose lines only `raw` holds).
    let long = invoice("in_long", "cus_1", "open", 10, true);
    let all_lines = invoice("in_long", "cus_1", "open", 12, false)["lines"]["data"].clone();
    let only_raw = invoice("in_only_raw", "cus_1", "paid", 2, false);
    let sub = json!({"id": "sub_1", "object": "subscription", "customer": "cus_1", "status": "active",
                     "items": {"object": "list", "has_more": false,
                               "data": [{"id": "si_1", "object": "subscription_item", "price": {"id": "price_1"}, "quantity": 2}]}});
    let expanded = with_default(customer("cus_1", "Acme"), card("pm_1", "cus_1"));
    {
        let conn = store.conn().unwrap();
        let row = |table: &str, object: &Value| {
            conn.execute(
                &format!("INSERT INTO {table} (account_id, id, version, gen, raw) VALUES (?1, ?2, 40, 0, ?3)"),
                params![ACCOUNT, object["id"].as_str().unwrap(), object.to_string()],
            )
            .unwrap();
        };
        row("cache_invoices", &long);
        row("cache_invoices", &only_raw);
        row("cache_subscriptions", &sub);
        row("cache_customers", &expanded);
        for (position, line) in all_lines.as_array().unwrap().iter().enumerate() {
            conn.execute(
                "INSERT INTO cache_invoice_lines (account_id, invoice_id, id, position, raw) VALUES (?1, 'in_long', ?2, ?3, ?4)",
                params![ACCOUNT, line["id"].as_str().unwrap(), position as i64, line.to_string()],
            )
            .unwrap();
        }
        conn.execute(
            "INSERT INTO cache_subscription_items (account_id, subscription_id, id, position, raw) VALUES (?1, 'sub_1', 'si_1', 0, ?2)",
            params![ACCOUNT, sub["items"]["data"][0].to_string()],
        )
        .unwrap();
        let before = crate::store::MIGRATIONS
            .iter()
            .position(|sql| *sql == include_str!("../migrations/0007_page_only_sync.sql"))
            .unwrap();
        // Back to the schema before 0007: undo the migrations after it, too.
        conn.execute_batch(
            "DROP INDEX cache_invoices_aging;
             DROP INDEX cache_invoices_open;
             DROP TRIGGER cache_payment_intents_derived_insert;
             DROP TRIGGER cache_payment_intents_derived_update;
             DROP TRIGGER cache_charges_payment_status_insert;
             DROP TRIGGER cache_charges_payment_status_update;
             DROP TRIGGER cache_customers_payment_names_insert;
             DROP TRIGGER cache_customers_payment_names_update;
             DROP TRIGGER cache_payment_intents_fts_insert;
             DROP TRIGGER cache_payment_intents_fts_delete;
             DROP TRIGGER cache_payment_intents_fts_update;
             DROP TABLE cache_payment_intents_fts;
             DROP VIEW payment_statuses;
             DROP INDEX cache_payment_intents_by_created;
             DROP INDEX cache_payment_intents_by_amount;
             DROP INDEX cache_payment_intents_by_status;
             ALTER TABLE cache_payment_intents DROP COLUMN latest_charge_id;
             ALTER TABLE cache_payment_intents DROP COLUMN description;
             ALTER TABLE cache_payment_intents DROP COLUMN customer_name;
             ALTER TABLE cache_payment_intents DROP COLUMN customer_email;
             ALTER TABLE cache_payment_intents DROP COLUMN payment_status;
             DROP TRIGGER cache_refunds_fts_insert;
             DROP TRIGGER cache_refunds_fts_delete;
             DROP TRIGGER cache_refunds_fts_update;
             DROP TABLE cache_refunds_fts;
             DROP INDEX cache_refunds_by_created;
             DROP INDEX cache_refunds_by_amount;
             DROP INDEX cache_refunds_by_status;
             DROP INDEX cache_refunds_intent;
             DROP INDEX purchase_orders_by_balance;
             ALTER TABLE purchase_orders DROP COLUMN refunded;
             CREATE INDEX purchase_orders_by_balance ON purchase_orders
                 (account_id, (CASE WHEN status = 'cancelled' THEN 0 ELSE max(total - paid - credited, 0) END), id);
             DROP TRIGGER cache_subscriptions_fts_insert;
             DROP TRIGGER cache_subscriptions_fts_delete;
             DROP TRIGGER cache_subscriptions_fts_update;
             DROP TABLE cache_subscriptions_fts;
             DROP TRIGGER cache_subscriptions_customer_insert;
             DROP TRIGGER cache_subscriptions_customer_update;
             DROP TRIGGER cache_customers_subscription_names_insert;
             DROP TRIGGER cache_customers_subscription_names_update;
             DROP INDEX cache_subscriptions_by_created;
             DROP INDEX cache_subscriptions_by_next_renewal;
             DROP INDEX cache_subscriptions_by_customer;
             DROP INDEX cache_subscriptions_by_mrr;
             DROP INDEX cache_subscriptions_by_status;
             ALTER TABLE cache_subscriptions DROP COLUMN trial_end;
             ALTER TABLE cache_subscriptions DROP COLUMN current_period_end;
             ALTER TABLE cache_subscriptions DROP COLUMN next_renewal;
             ALTER TABLE cache_subscriptions DROP COLUMN mrr;
             ALTER TABLE cache_subscriptions DROP COLUMN customer_name;
             ALTER TABLE cache_subscriptions DROP COLUMN customer_email;
             DROP INDEX purchase_orders_by_balance;
             ALTER TABLE purchase_orders DROP COLUMN credited;
             CREATE INDEX purchase_orders_by_balance ON purchase_orders
                 (account_id, (CASE WHEN status = 'cancelled' THEN 0 ELSE max(total - paid, 0) END), id);
             DROP TRIGGER sync_status_revision;
             ALTER TABLE sync_status DROP COLUMN revision;
             DROP INDEX cache_customer_balance_transactions_customer;
             DROP TABLE cache_customer_balance_transactions;
             ALTER TABLE cache_events DROP COLUMN source;
             DROP TRIGGER cache_credit_notes_fts_insert;
             DROP TRIGGER cache_credit_notes_fts_delete;
             DROP TRIGGER cache_credit_notes_fts_update;
             DROP TABLE cache_credit_notes_fts;
             DROP INDEX cache_credit_notes_by_created;
             DROP INDEX cache_credit_notes_by_number;
             DROP INDEX cache_credit_notes_by_total;
             DROP INDEX cache_credit_notes_by_status;
             DROP TABLE cache_coupons;
             DROP TABLE cache_discounts;
             DROP TRIGGER cache_disputes_fts_insert;
             DROP TRIGGER cache_disputes_fts_delete;
             DROP TRIGGER cache_disputes_fts_update;
             DROP TABLE cache_disputes_fts;
             DROP INDEX cache_disputes_by_deadline;
             DROP INDEX cache_disputes_by_created;
             DROP INDEX cache_disputes_by_amount;
             DROP INDEX cache_disputes_by_status;
             ALTER TABLE cache_disputes DROP COLUMN due_by;
             DROP TABLE dispute_files;
             DROP TABLE dispute_notices;
             DROP TABLE cache_payouts_fts;
             DROP TABLE cache_payouts;
             DROP TABLE cache_payout_transactions;
             DROP TABLE payout_transaction_fetches;
             DROP TABLE account_balances;
             DROP INDEX cache_events_by_created;
             ALTER TABLE cache_events DROP COLUMN applied_at;
             DROP TRIGGER IF EXISTS mrr_discount_coupons_insert;
             DROP TRIGGER IF EXISTS mrr_discount_coupons_update;
             DROP TRIGGER IF EXISTS mrr_coupons_insert;
             DROP TRIGGER IF EXISTS mrr_coupons_update;
             DROP TABLE mrr_history;
             DROP TABLE mrr_discount_coupons;
             DROP TABLE mrr_coupons;
             DROP TABLE cache_balance_transactions;
             DROP TABLE balance_transaction_sync;
             DROP INDEX IF EXISTS cache_invoices_by_finalized;
             ALTER TABLE cache_invoices DROP COLUMN finalized_at;
             ALTER TABLE cache_invoices DROP COLUMN paid_at;
             ALTER TABLE cache_invoices DROP COLUMN voided_at;
             ALTER TABLE cache_invoices DROP COLUMN uncollectible_at;",
        )
        .unwrap();
        conn.pragma_update(None, "user_version", before as i64)
            .unwrap();
    }
    drop(store);
    let store = Store::open(&path).unwrap();

    let mut invoices = store.cached_objects(ACCOUNT, "invoices").unwrap();
    invoices.sort_by(|a, b| a["id"].as_str().cmp(&b["id"].as_str()));
    assert_eq!(invoices, vec![long, only_raw]);
    assert_eq!(
        store
            .cached_children(ACCOUNT, "invoices", "in_long")
            .unwrap(),
        *all_lines.as_array().unwrap()
    );
    assert_eq!(
        store
            .cached_children(ACCOUNT, "invoices", "in_only_raw")
            .unwrap()
            .len(),
        2
    );
    assert_eq!(
        store.cached_objects(ACCOUNT, "subscriptions").unwrap(),
        vec![sub]
    );
    assert_eq!(
        raw_column(&store, "cache_invoices", "in_long")["lines"]["data"],
        Value::Null
    );
    assert_eq!(
        raw_column(&store, "cache_subscriptions", "sub_1")["items"]["data"],
        Value::Null
    );
    assert_eq!(
        store.cached_objects(ACCOUNT, "customers").unwrap(),
        vec![with_default(customer("cus_1", "Acme"), json!("pm_1"))]
    );
    assert_eq!(
        store.cached_objects(ACCOUNT, "payment_methods").unwrap(),
        vec![card("pm_1", "cus_1")]
    );
    let typed: (i64, String, String) = store
        .conn()
        .unwrap()
        .query_row(
            "SELECT version, customer_id, type FROM cache_payment_methods",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap();
    assert_eq!(typed, (40, "cus_1".to_string(), "card".to_string()));
}
