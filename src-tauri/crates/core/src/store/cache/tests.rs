//! The apply path on hand-made Stripe JSON shaped like Stripe's own fixtures.

use serde_json::{json, Value};

use super::kinds::by_resource;
use super::*;
use crate::store::DATABASE_FILE;

const ACCOUNT: &str = "acct-1";

#[path = "stored_tests.rs"]
mod stored;

fn open() -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join(DATABASE_FILE)).unwrap();
    store
        .insert_account(&crate::store::test_account(ACCOUNT))
        .unwrap();
    (dir, store)
}

fn event(id: &str, event_type: &str, created: i64, object: Value) -> Value {
    json!({"id": id, "object": "event", "type": event_type, "created": created, "data": {"object": object}})
}

fn customer(id: &str, name: &str) -> Value {
    json!({"id": id, "object": "customer", "name": name, "email": format!("{id}@example.com"),
           "currency": "eur", "balance": 0, "delinquent": false, "created": 100})
}

fn invoice(id: &str, customer: &str, status: &str, lines: usize, has_more: bool) -> Value {
    let data: Vec<Value> = (0..lines)
        .map(|n| json!({"id": format!("il_{id}_{n}"), "object": "line_item", "amount": 100, "currency": "eur",
                        "description": format!("Line {n}"), "quantity": 1}))
        .collect();
    json!({"id": id, "object": "invoice", "customer": customer, "status": status, "currency": "eur",
           "number": format!("N-{id}"), "total": 100 * lines, "amount_due": 100 * lines, "amount_paid": 0,
           "amount_remaining": 100 * lines, "due_date": null, "created": 100,
           "lines": {"object": "list", "data": data, "has_more": has_more}})
}

fn apply(store: &Store, events: &[Value]) -> Vec<bool> {
    store
        .cache_write(ACCOUNT, |tx| {
            events
                .iter()
                .map(|e| tx.apply_event(e, &FetchedChildren::new()))
                .collect()
        })
        .unwrap()
        .0
}

fn status_of(store: &Store, id: &str) -> Option<String> {
    store
        .cached_objects(ACCOUNT, "invoices")
        .unwrap()
        .into_iter()
        .find(|i| i["id"] == id)
        .map(|i| i["status"].as_str().unwrap().to_string())
}

#[test]
fn an_event_seen_twice_is_applied_once() {
    let (_dir, store) = open();
    let created = event("evt_1", "customer.created", 100, customer("cus_1", "Acme"));
    assert_eq!(apply(&store, std::slice::from_ref(&created)), vec![true]);
    // The same event again, even carrying different data, changes nothing.
    let mut replay = created.clone();
    replay["data"]["object"]["name"] = json!("Changed");
    assert_eq!(apply(&store, &[replay]), vec![false]);
    let customers = store.cached_objects(ACCOUNT, "customers").unwrap();
    assert_eq!(customers, vec![customer("cus_1", "Acme")]);
    let events: i64 = store
        .conn()
        .unwrap()
        .query_row("SELECT count(*) FROM cache_events", [], |r| r.get(0))
        .unwrap();
    assert_eq!(events, 1);
}

#[test]
fn an_older_snapshot_never_overwrites_a_newer_one() {
    let (_dir, store) = open();
    let paid = event(
        "evt_2",
        "invoice.paid",
        200,
        invoice("in_1", "cus_1", "paid", 1, false),
    );
    let open_ = event(
        "evt_1",
        "invoice.finalized",
        100,
        invoice("in_1", "cus_1", "open", 1, false),
    );
    // Delivered out of order: the newer first.
    assert_eq!(apply(&store, &[paid, open_]), vec![true, true]);
    assert_eq!(status_of(&store, "in_1").as_deref(), Some("paid"));
    // The same second applies (events of one page come oldest first).
    let void = event(
        "evt_3",
        "invoice.voided",
        200,
        invoice("in_1", "cus_1", "void", 1, false),
    );
    apply(&store, &[void]);
    assert_eq!(status_of(&store, "in_1").as_deref(), Some("void"));
}

#[test]
fn deletions_leave_a_tombstone_an_older_update_cannot_lift() {
    let (_dir, store) = open();
    apply(
        &store,
        &[
            event("evt_1", "customer.created", 100, customer("cus_1", "Acme")),
            event(
                "evt_2",
                "customer.created",
                100,
                customer("cus_2", "Globex"),
            ),
            event("evt_3", "customer.deleted", 300, customer("cus_1", "Acme")),
            event(
                "evt_4",
                "customer.updated",
                200,
                customer("cus_1", "Acme renamed"),
            ),
        ],
    );
    let ids: Vec<Value> = store
        .cached_objects(ACCOUNT, "customers")
        .unwrap()
        .into_iter()
        .map(|c| c["id"].clone())
        .collect();
    assert_eq!(ids, vec![json!("cus_2")]);
    let page = store
        .list_customers(
            ACCOUNT,
            &ListQuery {
                limit: 50,
                ..ListQuery::default()
            },
        )
        .unwrap();
    assert_eq!(page.total, 1);
    assert_eq!(store.cached_object_count(ACCOUNT).unwrap(), 1);
}

#[test]
fn a_canceled_subscription_stays_and_its_items_are_kept() {
    let (_dir, store) = open();
    let sub = json!({"id": "sub_1", "object": "subscription", "customer": "cus_1", "status": "canceled",
                     "currency": "eur", "cancel_at_period_end": false, "created": 100,
                     "items": {"object": "list", "has_more": false, "data": [
                        {"id": "si_1", "object": "subscription_item", "price": {"id": "price_1"}, "quantity": 2}]}});
    apply(
        &store,
        &[event("evt_1", "customer.subscription.deleted", 100, sub)],
    );
    assert_eq!(
        store
            .cached_objects(ACCOUNT, "subscriptions")
            .unwrap()
            .len(),
        1
    );
    let items = store
        .cached_children(ACCOUNT, "subscriptions", "sub_1")
        .unwrap();
    assert_eq!(items.len(), 1);
    let price: String = store
        .conn()
        .unwrap()
        .query_row("SELECT price_id FROM cache_subscription_items", [], |r| {
            r.get(0)
        })
        .unwrap();
    assert_eq!(price, "price_1");
}

#[test]
fn lines_come_from_the_full_list_when_the_embedded_one_is_cut_short() {
    let (_dir, store) = open();
    let kind = by_resource("invoices").unwrap();
    let cut = invoice("in_1", "cus_1", "open", 10, true);
    let all: Vec<Value> = invoice("in_1", "cus_1", "open", 12, false)["lines"]["data"]
        .as_array()
        .unwrap()
        .clone();
    let fetched = FetchedChildren::from([("in_1".to_string(), all.clone())]);
    store
        .cache_write(ACCOUNT, |tx| tx.upsert(kind, &cut, 100, false, &fetched))
        .unwrap();
    assert_eq!(
        store.cached_children(ACCOUNT, "invoices", "in_1").unwrap(),
        all
    );
    // The raw invoice stays exactly as sent: ten lines and has_more.
    assert_eq!(
        store.cached_objects(ACCOUNT, "invoices").unwrap(),
        vec![cut]
    );

    // A newer snapshot with fewer lines replaces them; an older one does not.
    let newer = invoice("in_1", "cus_1", "open", 2, false);
    let older = invoice("in_1", "cus_1", "open", 5, false);
    let none = FetchedChildren::new();
    let (written, changed) = store
        .cache_write(ACCOUNT, |tx| {
            Ok((
                tx.upsert(kind, &newer, 200, false, &none)?,
                tx.upsert(kind, &older, 150, false, &none)?,
            ))
        })
        .unwrap();
    assert_eq!(written, (true, false));
    assert_eq!(changed.into_iter().collect::<Vec<_>>(), vec!["invoices"]);
    assert_eq!(
        store
            .cached_children(ACCOUNT, "invoices", "in_1")
            .unwrap()
            .len(),
        2
    );
}

#[test]
fn a_sweep_drops_what_the_new_generation_did_not_write() {
    let (_dir, store) = open();
    let kind = by_resource("customers").unwrap();
    let none = FetchedChildren::new();
    store
        .cache_write(ACCOUNT, |tx| {
            tx.upsert(kind, &customer("cus_1", "Kept"), 10, false, &none)?;
            tx.upsert(kind, &customer("cus_2", "Gone"), 10, false, &none)
        })
        .unwrap();
    store
        .start_backfill(ACCOUNT, "customers", None, 20)
        .unwrap();
    let (removed, _) = store
        .cache_write(ACCOUNT, |tx| {
            tx.upsert(kind, &customer("cus_1", "Kept"), 20, false, &none)?;
            tx.sweep(kind)
        })
        .unwrap();
    assert_eq!(removed, 1);
    let names: Vec<Value> = store
        .cached_objects(ACCOUNT, "customers")
        .unwrap()
        .into_iter()
        .map(|c| c["name"].clone())
        .collect();
    assert_eq!(names, vec![json!("Kept")]);
}

#[test]
fn events_about_uncached_objects_are_kept_for_timelines_only() {
    let (_dir, store) = open();
    let item = json!({"id": "ii_1", "object": "invoiceitem", "invoice": "in_1"});
    assert_eq!(
        apply(&store, &[event("evt_1", "invoiceitem.created", 100, item)]),
        vec![true]
    );
    assert_eq!(store.cached_object_count(ACCOUNT).unwrap(), 0);
    let object_id: String = store
        .conn()
        .unwrap()
        .query_row("SELECT object_id FROM cache_events", [], |r| r.get(0))
        .unwrap();
    assert_eq!(object_id, "ii_1");
}

#[test]
fn a_failed_page_leaves_nothing_behind() {
    let (_dir, store) = open();
    let result = store.cache_write(ACCOUNT, |tx| {
        tx.apply_event(
            &event("evt_1", "customer.created", 100, customer("cus_1", "Acme")),
            &FetchedChildren::new(),
        )?;
        tx.set_event_cursor("evt_1")?;
        tx.apply_event(&json!({"id": "evt_bad"}), &FetchedChildren::new())
    });
    assert!(result.is_err());
    assert_eq!(store.cached_object_count(ACCOUNT).unwrap(), 0);
    assert_eq!(store.sync_cursor(ACCOUNT).unwrap().event_cursor, None);
}

#[test]
fn invoice_lists_search_filter_sort_and_page_in_sql() {
    let (_dir, store) = open();
    let mut events = vec![
        event(
            "evt_c1",
            "customer.created",
            100,
            customer("cus_1", "Acme GmbH"),
        ),
        event(
            "evt_c2",
            "customer.created",
            100,
            customer("cus_2", "Globex 50% Ltd"),
        ),
    ];
    for n in 0..30 {
        let mut inv = invoice(
            &format!("in_{n:02}"),
            if n % 3 == 0 { "cus_2" } else { "cus_1" },
            if n % 2 == 0 { "open" } else { "paid" },
            1,
            false,
        );
        inv["created"] = json!(1_000 + n);
        inv["total"] = json!(n * 10);
        // Stripe copies the customer's name onto the invoice; the list shows that copy.
        inv["customer_name"] = json!(if n % 3 == 0 { "Globex 50% Ltd" } else { "Acme GmbH" });
        events.push(event(&format!("evt_i{n}"), "invoice.created", 100, inv));
    }
    apply(&store, &events);
    let query = |q: ListQuery| {
        store
            .list_invoices(
                ACCOUNT,
                &ListQuery {
                    limit: if q.limit == 0 { 100 } else { q.limit },
                    ..q
                },
            )
            .unwrap()
    };

    let all = query(ListQuery::default());
    assert_eq!(all.total, 30);
    assert_eq!(all.rows[0].id, "in_29", "default sort: newest first");
    assert_eq!(all.rows[29].customer_name.as_deref(), Some("Globex 50% Ltd"));

    let open_ = query(ListQuery {
        status: Some("open".into()),
        ..ListQuery::default()
    });
    assert_eq!(open_.total, 15);
    assert!(open_.rows.iter().all(|r| r.status == "open"));

    // `%` in a search is a character, not a wildcard.
    let globex = query(ListQuery {
        search: Some("50%".into()),
        ..ListQuery::default()
    });
    assert_eq!(globex.total, 10);
    assert!(globex
        .rows
        .iter()
        .all(|r| r.customer_id.as_deref() == Some("cus_2")));

    let page = query(ListQuery {
        sort: Some("total".into()),
        descending: true,
        offset: 5,
        limit: 5,
        ..ListQuery::default()
    });
    assert_eq!(page.total, 30);
    let totals: Vec<i64> = page.rows.iter().map(|r| r.total).collect();
    assert_eq!(totals, vec![240, 230, 220, 210, 200]);

    let bad = store.list_invoices(
        ACCOUNT,
        &ListQuery {
            sort: Some("raw; DROP TABLE x".into()),
            limit: 5,
            ..ListQuery::default()
        },
    );
    assert_eq!(bad.unwrap_err().code(), crate::ErrorCode::Validation);
    let customers = store
        .list_customers(
            ACCOUNT,
            &ListQuery {
                search: Some("acme".into()),
                sort: Some("name".into()),
                limit: 10,
                ..ListQuery::default()
            },
        )
        .unwrap();
    assert_eq!(customers.total, 1);
    assert_eq!(
        customers.rows[0].email.as_deref(),
        Some("cus_1@example.com")
    );
}
