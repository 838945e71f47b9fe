//! A cache written by the schema before the list engine (version 5) moves to the new schema
//! without a re-sync: invoices gain their customers' names, every list searches and sorts. So
//! does one from before the credit notes list joined the engine (version 10), and one from
//! before the subscriptions list (version 12), whose revenue the migration works out in SQL.

use rusqlite::{params, Connection};
use serde_json::json;

use crate::po::PoListQuery;
use crate::store::{ListQuery, Store, DATABASE_FILE, MIGRATIONS};

/// The schema version the first test starts from: the one before the list engine.
const BEFORE_LIST_ENGINE: usize = 5;

/// The schema version before the credit notes list had its indexes.
const BEFORE_CREDIT_NOTES_LIST: usize = 10;

/// The schema version before the subscriptions list had its columns and indexes.
const BEFORE_SUBSCRIPTIONS_LIST: usize = 12;

/// A database at schema `version`, with one account.
fn database_at(path: &std::path::Path, version: usize) -> Connection {
    let mut conn = Connection::open(path).unwrap();
    for sql in &MIGRATIONS[..version] {
        let tx = conn.transaction().unwrap();
        tx.execute_batch(sql).unwrap();
        tx.commit().unwrap();
    }
    conn.pragma_update(None, "user_version", version as i64)
        .unwrap();
    conn.execute_batch(
        "INSERT INTO accounts (id, name, slug, default_currency, mode, api_base, key_hint, created_at)
         VALUES ('acct-old', 'Old', 'old', 'eur', 'test', 'http://127.0.0.1:1/', 'sk_test_…abcd', '2026-01-01T00:00:00Z');
         INSERT INTO sync_status (account_id) VALUES ('acct-old');",
    )
    .unwrap();
    conn
}

/// A database as the release before the list engine left it, with an account, customers,
/// invoices and POs.
fn previous_release_database(path: &std::path::Path) {
    let conn = database_at(path, BEFORE_LIST_ENGINE);
    for n in 0..30 {
        let name = if n % 3 == 0 {
            "Acme GmbH"
        } else {
            "Globex Ltd"
        };
        let customer = format!("cus_{n:03}");
        let raw = json!({"id": customer, "object": "customer", "name": name, "email": format!("{n}@example.com")});
        conn.execute(
            "INSERT INTO cache_customers (account_id, id, version, gen, raw, name, email, created)
             VALUES ('acct-old', ?1, 1, 1, ?2, ?3, ?4, ?5)",
            params![
                customer,
                raw.to_string(),
                name,
                format!("{n}@example.com"),
                1_000 + n
            ],
        )
        .unwrap();
        let invoice = format!("in_{n:03}");
        let raw = json!({"id": invoice, "object": "invoice", "customer": customer, "customer_name": name,
                         "customer_email": format!("{n}@example.com"), "status": "open", "number": format!("OLD-{n:04}")});
        conn.execute(
            "INSERT INTO cache_invoices (account_id, id, version, gen, raw, number, customer_id, status, currency, total, created)
             VALUES ('acct-old', ?1, 1, 1, ?2, ?3, ?4, 'open', 'eur', ?5, ?6)",
            params![invoice, raw.to_string(), format!("OLD-{n:04}"), customer, n * 100, 2_000 + n],
        )
        .unwrap();
        conn.execute(
            "INSERT INTO purchase_orders (account_id, id, po_number, po_number_key, organization, contact_name,
                 contact_email, currency, payment_terms_days, total, status, created_at, updated_at)
             VALUES ('acct-old', ?1, ?2, lower(?2), ?3, 'Ann', 'ann@example.com', 'eur', 30, 100, 'draft', ?4, ?4)",
            params![format!("po-{n}"), format!("PO-{n:04}"), name, format!("2026-01-{:02}T00:00:00Z", n % 28 + 1)],
        )
        .unwrap();
    }
}

#[test]
fn a_cache_from_before_the_list_engine_lists_searches_and_sorts_without_a_resync() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(DATABASE_FILE);
    previous_release_database(&path);

    let store = Store::open(&path).unwrap();
    store.verify_search_indexes().unwrap();
    let acme = store
        .list_invoices(
            "acct-old",
            &ListQuery {
                search: Some("acme".into()),
                limit: 100,
                ..ListQuery::default()
            },
        )
        .unwrap();
    assert_eq!(acme.total, 10);
    assert!(acme
        .rows
        .iter()
        .all(|row| row.customer_name.as_deref() == Some("Acme GmbH")));
    let by_customer = store
        .list_invoices(
            "acct-old",
            &ListQuery {
                sort: Some("customer".into()),
                limit: 100,
                ..ListQuery::default()
            },
        )
        .unwrap();
    assert_eq!(
        by_customer.rows[0].customer_name.as_deref(),
        Some("Acme GmbH")
    );
    assert_eq!(
        by_customer.rows[29].customer_name.as_deref(),
        Some("Globex Ltd")
    );
    let number = store
        .list_invoices(
            "acct-old",
            &ListQuery {
                search: Some("old-0017".into()),
                limit: 10,
                ..ListQuery::default()
            },
        )
        .unwrap();
    assert_eq!(
        number
            .rows
            .iter()
            .map(|row| row.id.as_str())
            .collect::<Vec<_>>(),
        ["in_017"]
    );
    let customers = store
        .list_customers(
            "acct-old",
            &ListQuery {
                search: Some("globex".into()),
                limit: 100,
                ..ListQuery::default()
            },
        )
        .unwrap();
    assert_eq!(customers.total, 20);
    let pos = store
        .list_purchase_orders(
            "acct-old",
            &PoListQuery {
                search: Some("po-001".into()),
                limit: 100,
                ..PoListQuery::default()
            },
        )
        .unwrap();
    assert_eq!(pos.total, 10, "PO-0010 … PO-0019");
}

#[test]
fn credit_notes_cached_before_their_list_indexes_list_search_and_sort_after_them() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(DATABASE_FILE);
    let conn = database_at(&path, BEFORE_CREDIT_NOTES_LIST);
    for n in 0..12_i64 {
        let (id, number) = (format!("cn_{n:03}"), format!("OLD-{n:04}-CN-01"));
        let status = if n % 4 == 0 { "void" } else { "issued" };
        let raw = json!({"id": id, "object": "credit_note", "number": number, "invoice": format!("in_{n:03}"),
                         "customer": "cus_old", "status": status, "currency": "eur", "total": (12 - n) * 100,
                         "created": 3_000 + n, "type": "pre_payment"});
        conn.execute(
            "INSERT INTO cache_credit_notes (account_id, id, version, gen, raw, number, invoice_id, customer_id,
                 status, currency, total, created)
             VALUES ('acct-old', ?1, 1, 1, ?2, ?3, ?4, 'cus_old', ?5, 'eur', ?6, ?7)",
            params![id, raw.to_string(), number, format!("in_{n:03}"), status, (12 - n) * 100, 3_000 + n],
        )
        .unwrap();
    }
    drop(conn);

    let store = Store::open(&path).unwrap();
    store.verify_search_indexes().unwrap();
    let list = |query: ListQuery| {
        store
            .list_credit_notes("acct-old", &ListQuery { limit: 100, ..query })
            .unwrap()
    };
    let newest = list(ListQuery::default());
    assert_eq!(newest.total, 12);
    assert_eq!(newest.rows[0].id, "cn_011");
    let found = list(ListQuery { search: Some("old-0007".into()), ..ListQuery::default() });
    assert_eq!(found.rows.iter().map(|row| row.id.as_str()).collect::<Vec<_>>(), ["cn_007"]);
    assert_eq!(list(ListQuery { search: Some("in_003".into()), ..ListQuery::default() }).total, 1);
    let by_total = list(ListQuery { sort: Some("total".into()), ..ListQuery::default() });
    assert_eq!((by_total.rows[0].total, by_total.rows[11].total), (100, 1_200));
    let void = list(ListQuery { status: Some("void".into()), sort: Some("number".into()), ..ListQuery::default() });
    assert_eq!(void.rows.iter().map(|row| row.id.as_str()).collect::<Vec<_>>(), ["cn_000", "cn_004", "cn_008"]);
}

#[test]
fn subscriptions_cached_before_their_list_gain_the_revenue_the_apply_path_gives() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(DATABASE_FILE);
    let conn = database_at(&path, BEFORE_SUBSCRIPTIONS_LIST);
    conn.execute(
        "INSERT INTO cache_customers (account_id, id, version, gen, raw, name, email, created)
         VALUES ('acct-old', 'cus_old', 1, 1, '{}', 'Old Timer', 'old@example.org', 1)",
        [],
    )
    .unwrap();
    let intervals = [("month", 1), ("year", 1), ("week", 1), ("day", 1), ("month", 3), ("year", 2)];
    let statuses = ["active", "past_due", "trialing", "canceled", "unpaid", "paused"];
    let mut objects = Vec::new();
    for n in 0..18_usize {
        let id = format!("sub_{n:03}");
        let (interval, count) = intervals[n % intervals.len()];
        let items: Vec<serde_json::Value> = (0..1 + n % 3)
            .map(|k| {
                json!({"id": format!("si_{n:03}{k}"), "object": "subscription_item", "quantity": 1 + (n + k) % 4,
                       "current_period_end": 5_000 + (n * 10 + k) as i64,
                       "price": {"id": format!("price_{k}"), "unit_amount": 999 + 1_000 * (n as i64) + k as i64,
                                 "recurring": {"interval": interval, "interval_count": count, "usage_type": "licensed"}}})
            })
            .collect();
        let object = json!({"id": id, "object": "subscription", "customer": "cus_old", "status": statuses[n % statuses.len()],
                            "currency": "eur", "cancel_at_period_end": n % 5 == 0, "trial_end": null, "created": 3_000 + n,
                            "items": {"object": "list", "has_more": false, "data": items}});
        let mut raw = object.clone();
        raw["items"].as_object_mut().unwrap().remove("data");
        conn.execute(
            "INSERT INTO cache_subscriptions (account_id, id, version, gen, raw, customer_id, status, currency,
                 cancel_at_period_end, created)
             VALUES ('acct-old', ?1, 1, 1, ?2, 'cus_old', ?3, 'eur', ?4, ?5)",
            params![id, raw.to_string(), object["status"].as_str(), n % 5 == 0, 3_000 + n as i64],
        )
        .unwrap();
        for (position, item) in object["items"]["data"].as_array().unwrap().iter().enumerate() {
            conn.execute(
                "INSERT INTO cache_subscription_items (account_id, subscription_id, id, position, raw, price_id, quantity)
                 VALUES ('acct-old', ?1, ?2, ?3, ?4, ?5, ?6)",
                params![id, item["id"].as_str(), position as i64, item.to_string(), item["price"]["id"].as_str(), item["quantity"].as_i64()],
            )
            .unwrap();
        }
        objects.push(object);
    }
    drop(conn);

    let store = Store::open(&path).unwrap();
    store.verify_search_indexes().unwrap();
    let page = store.list_subscriptions("acct-old", &ListQuery { limit: 100, ..ListQuery::default() }).unwrap();
    assert_eq!(page.total, 18);
    for object in &objects {
        let row = page.rows.iter().find(|row| row.id == object["id"].as_str().unwrap()).unwrap();
        let want = (crate::subscriptions::mrr::subscription_mrr(object), crate::subscriptions::mrr::next_renewal(object));
        assert_eq!((row.mrr, row.next_renewal), want, "{}", row.id);
        assert_eq!(row.customer_email.as_deref(), Some("old@example.org"));
    }
    assert!(page.rows.iter().any(|row| row.mrr > 0) && page.rows.iter().any(|row| row.next_renewal.is_none()));
    let found = store.list_subscriptions("acct-old", &ListQuery { search: Some("old timer".into()), limit: 100, ..ListQuery::default() }).unwrap();
    assert_eq!(found.total, 18);
}
