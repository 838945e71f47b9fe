//! The list engine against a naive reference: a randomized cache written through the sync's
//! own apply path, every filter × sort × direction × search × page compared with a full scan
//! sorted in Rust; keyset walks while rows arrive; the search index equal to its table.

use std::collections::HashSet;
use std::sync::atomic::Ordering;

use serde_json::{json, Value};

use super::FEW_MATCHES;
use crate::store::cache::kinds::by_resource;
use crate::store::{FetchedChildren, InvoiceRow, ListQuery, Store, DATABASE_FILE};

pub(super) const ACCOUNT: &str = "acct-main";
pub(super) const OTHER: &str = "acct-other";

/// A small deterministic generator (xorshift64*), so a failure repeats.
pub(super) struct Dice(pub(super) u64);

impl Dice {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    pub(super) fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    pub(super) fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

const NAMES: &[&str] = &[
    "Acme GmbH",
    "acme labs",
    "Globex",
    "Initech Ltd",
    "Umbrella",
    "Zürich Rück",
    "Hooli",
];
const STATUSES: &[&str] = &["draft", "open", "paid", "void", "uncollectible"];

pub(super) fn open() -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join(DATABASE_FILE)).unwrap();
    store
        .insert_account(&crate::store::test_account(ACCOUNT))
        .unwrap();
    store
        .insert_account(&crate::store::test_account(OTHER))
        .unwrap();
    (dir, store)
}

/// A random invoice; `serial` keeps ids unique.
fn random_invoice(dice: &mut Dice, serial: usize) -> Value {
    let status = *dice.pick(STATUSES);
    let customer = dice.below(40);
    let name = (dice.below(8) > 0).then(|| format!("{} {customer}", dice.pick(NAMES)));
    json!({
        "id": format!("in_{:06x}{serial:05}", dice.next() & 0xff_ffff),
        "object": "invoice",
        "customer": format!("cus_{customer:04}"),
        "customer_name": name,
        "customer_email": format!("billing{customer}@{}.example", ["acme", "globex", "hooli"][customer % 3]),
        "status": status,
        "currency": "eur",
        "number": (status != "draft").then(|| format!("INV-{:04}", dice.below(3000))),
        // Few distinct values, so ties (broken by id) are common.
        "total": (dice.below(20) * 500) as i64,
        "amount_due": (dice.below(20) * 500) as i64,
        "amount_paid": 0,
        "amount_remaining": (dice.below(5) * 100) as i64,
        "due_date": (dice.below(3) > 0).then(|| 1_700_000_000 + dice.below(50) as i64 * 86_400),
        "created": 1_600_000_000 + dice.below(400) as i64,
        "lines": {"object": "list", "data": [], "has_more": false},
    })
}

fn write(store: &Store, account_id: &str, invoices: &[Value], deleted: &[bool]) {
    let kind = by_resource("invoices").unwrap();
    store
        .cache_write(account_id, |tx| {
            for (invoice, deleted) in invoices.iter().zip(deleted) {
                tx.upsert(kind, invoice, 1, *deleted, &FetchedChildren::new())?;
            }
            Ok(())
        })
        .unwrap();
}

/// Every live invoice of an account, read with a plain scan.
fn all_rows(store: &Store, account_id: &str) -> Vec<InvoiceRow> {
    let conn = store.conn().unwrap();
    let mut statement = conn
        .prepare(
            "SELECT id, number, customer_id, customer_name, customer_email, coalesce(status, ''), coalesce(currency, ''),
                    coalesce(total, 0), coalesce(amount_due, 0), coalesce(amount_paid, 0),
                    coalesce(amount_remaining, 0), due_date, coalesce(created, 0)
             FROM cache_invoices NOT INDEXED WHERE account_id = ?1 AND deleted = 0",
        )
        .unwrap();
    let rows = statement
        .query_map([account_id], crate::store::cache::invoice_row)
        .unwrap();
    rows.collect::<rusqlite::Result<_>>().unwrap()
}

/// A sort value as the reference compares it: NULL lowest, text case-insensitive.
#[derive(PartialEq, Eq, PartialOrd, Ord, Debug)]
enum Key {
    Null,
    Int(i64),
    Text(String),
}

fn text(value: &Option<String>) -> Key {
    Key::Text(value.as_deref().unwrap_or("").to_ascii_lowercase())
}

fn sort_key(row: &InvoiceRow, sort: &str) -> Key {
    match sort {
        "created" => Key::Int(row.created),
        "due_date" => row.due_date.map_or(Key::Null, Key::Int),
        "number" => text(&row.number),
        "status" => Key::Text(row.status.clone()),
        "total" => Key::Int(row.total),
        "amount_remaining" => Key::Int(row.amount_remaining),
        "customer" => text(&row.customer_name),
        other => panic!("no sort {other}"),
    }
}

/// Whether the trimmed search occurs in one of the searched fields, in any case.
fn matches(row: &InvoiceRow, search: &str) -> bool {
    let fields = [
        &row.number,
        &row.customer_name,
        &row.customer_email,
        &Some(row.id.clone()),
        &row.customer_id,
    ];
    let search = search.trim().to_lowercase();
    fields.iter().any(|field| {
        field
            .as_deref()
            .is_some_and(|value| value.to_lowercase().contains(&search))
    })
}

/// The reference answer: filter, search and sort a full scan in Rust.
fn reference(rows: &[InvoiceRow], query: &ListQuery) -> Vec<String> {
    let (sort, descending) = match query.sort.as_deref() {
        Some(sort) => (sort, query.descending),
        None => ("created", true),
    };
    let mut found: Vec<&InvoiceRow> = rows
        .iter()
        .filter(|row| {
            query
                .status
                .as_deref()
                .is_none_or(|status| row.status == status)
        })
        .filter(|row| {
            query
                .search
                .as_deref()
                .is_none_or(|search| matches(row, search))
        })
        .collect();
    found.sort_by(|a, b| {
        let order = sort_key(a, sort)
            .cmp(&sort_key(b, sort))
            .then_with(|| a.id.cmp(&b.id));
        if descending {
            order.reverse()
        } else {
            order
        }
    });
    found.into_iter().map(|row| row.id.clone()).collect()
}

fn ids(rows: &[InvoiceRow]) -> Vec<String> {
    rows.iter().map(|row| row.id.clone()).collect()
}

/// Every page of a query read with keyset cursors, from the first page on.
/// Every page of a list read with keyset cursors from the first page on: `page(offset, after)`
/// answers the ids of a page and its `next`; `between(n)` runs after page `n`.
pub(super) fn walk_pages(
    mut page: impl FnMut(i64, Option<String>) -> (Vec<String>, Option<String>),
    mut between: impl FnMut(usize),
) -> Vec<String> {
    let (mut seen, mut after) = (Vec::new(), None);
    for n in 0.. {
        let (ids, next) = page(seen.len() as i64, after);
        seen.extend(ids);
        match next {
            Some(next) => after = Some(next),
            None => break,
        }
        between(n);
    }
    seen
}

/// Every invoice page of a query, read with keyset cursors.
fn walk(store: &Store, query: &ListQuery, between: impl FnMut(usize)) -> Vec<String> {
    let page = |offset, after| {
        let answer = store
            .list_invoices(
                ACCOUNT,
                &ListQuery {
                    offset,
                    after,
                    ..query.clone()
                },
            )
            .unwrap();
        (ids(&answer.rows), answer.next)
    };
    walk_pages(page, between)
}

fn random_cache(store: &Store, dice: &mut Dice, count: usize) {
    let invoices: Vec<Value> = (0..count)
        .map(|serial| random_invoice(dice, serial))
        .collect();
    // About one in twenty is a tombstone, which no list shows.
    let deleted: Vec<bool> = (0..count).map(|_| dice.below(20) == 0).collect();
    write(store, ACCOUNT, &invoices, &deleted);
    // Another account's invoices must never show up.
    let others: Vec<Value> = (0..200)
        .map(|serial| random_invoice(dice, 90_000 + serial))
        .collect();
    write(store, OTHER, &others, &vec![false; others.len()]);
}

#[test]
fn every_list_query_equals_a_full_scan_sorted_in_rust() {
    let (_dir, store) = open();
    let mut dice = Dice(0x5eed_1234_abcd_0001);
    random_cache(&store, &mut dice, 1_200);
    let rows = all_rows(&store, ACCOUNT);
    let sorts = [
        None,
        Some("created"),
        Some("due_date"),
        Some("number"),
        Some("status"),
        Some("total"),
        Some("amount_remaining"),
        Some("customer"),
    ];
    let searches = [
        None,
        Some("acme"),
        Some("ACME lab"),
        Some("zzqxv"),
        Some("inv-00"),
        Some("cus_001"),
        Some("rück"),
        Some("billing1"),
        Some("\"acme"),
    ];
    let statuses = [
        None,
        Some("draft"),
        Some("open"),
        Some("paid"),
        Some("void"),
        Some("uncollectible"),
    ];
    let mut queries = Vec::new();
    for status in statuses {
        for sort in sorts {
            for descending in [false, true] {
                queries.extend(searches.iter().map(|search| ListQuery {
                    search: search.map(str::to_string),
                    status: status.map(str::to_string),
                    sort: sort.map(str::to_string),
                    descending,
                    limit: 50,
                    ..ListQuery::default()
                }));
            }
        }
    }
    // Both ways of reaching search matches: read by rowid and sorted, or walked in index order.
    for few in [i64::MAX, 0] {
        FEW_MATCHES.store(few, Ordering::Relaxed);
        for query in &queries {
            let expected = reference(&rows, query);
            let total = expected.len() as i64;
            let offsets = [0, 37, total / 2, (total - 50).max(0), total - 1, total + 3];
            for offset in offsets.into_iter().filter(|offset| *offset >= 0) {
                let page = store
                    .list_invoices(
                        ACCOUNT,
                        &ListQuery {
                            offset,
                            ..query.clone()
                        },
                    )
                    .unwrap();
                let want: Vec<String> = expected
                    .iter()
                    .skip(offset as usize)
                    .take(50)
                    .cloned()
                    .collect();
                assert_eq!(page.total, total, "{query:?} offset {offset}");
                assert_eq!(
                    ids(&page.rows),
                    want,
                    "{query:?} offset {offset} (few = {few})"
                );
            }
            assert_eq!(
                walk(&store, query, |_| {}),
                expected,
                "keyset walk of {query:?}"
            );
        }
    }
    FEW_MATCHES.store(2_000, Ordering::Relaxed);
}

#[test]
fn short_searches_are_not_applied_and_say_why() {
    let (_dir, store) = open();
    let mut dice = Dice(7);
    random_cache(&store, &mut dice, 100);
    let everything = store
        .list_invoices(
            ACCOUNT,
            &ListQuery {
                limit: 10,
                ..ListQuery::default()
            },
        )
        .unwrap();
    for search in ["a", "ac", " ac ", "ü"] {
        let page = store
            .list_invoices(
                ACCOUNT,
                &ListQuery {
                    search: Some(search.into()),
                    limit: 10,
                    ..ListQuery::default()
                },
            )
            .unwrap();
        assert_eq!(page.total, everything.total, "{search:?} filters nothing");
        assert_eq!(page.search_hint.as_deref(), Some(super::SHORT_SEARCH_HINT));
    }
    assert_eq!(everything.search_hint, None);
    // Three characters anywhere in a field are enough, in any case: the middle of an id.
    let id = everything.rows[0].id.clone();
    let middle = &id[4..7];
    let found = store
        .list_invoices(
            ACCOUNT,
            &ListQuery {
                search: Some(middle.to_uppercase()),
                limit: 500,
                ..ListQuery::default()
            },
        )
        .unwrap();
    assert!(
        found.rows.iter().any(|row| row.id == id),
        "{middle} finds {id}"
    );
    assert_eq!(found.search_hint, None);
}

#[test]
fn keyset_pages_neither_skip_nor_repeat_while_rows_arrive() {
    let (_dir, store) = open();
    let mut dice = Dice(99);
    random_cache(&store, &mut dice, 600);
    for sort in ["created", "total", "customer", "due_date"] {
        for descending in [false, true] {
            let before: HashSet<String> = all_rows(&store, ACCOUNT)
                .into_iter()
                .map(|row| row.id)
                .collect();
            let query = ListQuery {
                sort: Some(sort.into()),
                descending,
                limit: 40,
                ..ListQuery::default()
            };
            let mut serial = 50_000 + before.len();
            let seen = walk(&store, &query, |_| {
                // New invoices land anywhere in the order between two pages.
                let arriving: Vec<Value> = (0..15)
                    .map(|_| {
                        serial += 1;
                        random_invoice(&mut dice, serial)
                    })
                    .collect();
                write(&store, ACCOUNT, &arriving, &[false; 15]);
            });
            let unique: HashSet<&String> = seen.iter().collect();
            assert_eq!(
                unique.len(),
                seen.len(),
                "{sort} {descending}: a row came twice"
            );
            for id in &before {
                assert!(unique.contains(id), "{sort} {descending}: {id} was skipped");
            }
            // And what was seen is in list order.
            let rows = all_rows(&store, ACCOUNT);
            let order = reference(&rows, &query);
            let positions: Vec<usize> = seen
                .iter()
                .map(|id| order.iter().position(|other| other == id).unwrap())
                .collect();
            assert!(
                positions.windows(2).all(|pair| pair[0] < pair[1]),
                "{sort} {descending}: out of order"
            );
        }
    }
}

#[test]
fn the_search_index_follows_inserts_updates_deletions_sweeps_and_rollbacks() {
    let (_dir, store) = open();
    let mut dice = Dice(3);
    random_cache(&store, &mut dice, 300);
    let kind = by_resource("invoices").unwrap();
    let mut rows = all_rows(&store, ACCOUNT);
    // Renamed customers (a newer snapshot), deletions and a tombstone brought back.
    let renamed = rows[0].id.clone();
    let mut invoice = random_invoice(&mut dice, 1);
    invoice["id"] = json!(renamed);
    invoice["customer_name"] = json!("Quuxbridge Partners");
    store
        .cache_write(ACCOUNT, |tx| {
            tx.upsert(kind, &invoice, 2, false, &FetchedChildren::new())?;
            let mut gone = random_invoice(&mut Dice(5), 2);
            gone["id"] = json!(rows[1].id);
            tx.upsert(kind, &gone, 2, true, &FetchedChildren::new())
        })
        .unwrap();
    // A page that fails half-way leaves neither its rows nor their index entries.
    let failed = store.cache_write(ACCOUNT, |tx| {
        let mut half = random_invoice(&mut Dice(8), 3);
        half["customer_name"] = json!("Halfwritten Holdings");
        tx.upsert(kind, &half, 3, false, &FetchedChildren::new())?;
        Err::<(), _>(crate::error::Error::Internal("the page failed".into()))
    });
    assert!(failed.is_err());
    // A sweep drops rows a new backfill generation did not write.
    store
        .conn()
        .unwrap()
        .execute("UPDATE cache_invoices SET gen = -1 WHERE rowid % 7 = 0", [])
        .unwrap();
    store.cache_write(ACCOUNT, |tx| tx.sweep(kind)).unwrap();

    store.verify_search_indexes().unwrap();
    let search = |text: &str| {
        store
            .list_invoices(
                ACCOUNT,
                &ListQuery {
                    search: Some(text.into()),
                    limit: 500,
                    ..ListQuery::default()
                },
            )
            .unwrap()
    };
    assert_eq!(ids(&search("quuxbridge").rows), vec![renamed.clone()]);
    assert_eq!(search("halfwritten").total, 0);
    rows = all_rows(&store, ACCOUNT);
    assert!(!rows.iter().any(|row| row.id == rows_id_of_deleted(&store)));
    for row in rows.iter().take(50) {
        assert!(search(&row.id).rows.iter().any(|found| found.id == row.id));
    }
}

/// The id of the one tombstone written on purpose above (the random cache has others).
fn rows_id_of_deleted(store: &Store) -> String {
    store
        .conn()
        .unwrap()
        .query_row(
            "SELECT id FROM cache_invoices WHERE account_id = ?1 AND deleted = 1 AND version = 2",
            [ACCOUNT],
            |row| row.get(0),
        )
        .unwrap()
}

#[test]
fn invoices_show_and_find_their_cached_customers_current_name() {
    let (_dir, store) = open();
    let customers = by_resource("customers").unwrap();
    let customer = |name: &str| json!({"id": "cus_0007", "object": "customer", "name": name, "email": "ap@acme.example"});
    let mut invoice = random_invoice(&mut Dice(11), 1);
    invoice["customer"] = json!("cus_0007");
    invoice["customer_name"] = json!("Name Stripe Froze");
    // The invoice arrives before its customer: it shows Stripe's copy until the customer comes.
    write(&store, ACCOUNT, std::slice::from_ref(&invoice), &[false]);
    let search = |text: &str| {
        let page = store
            .list_invoices(
                ACCOUNT,
                &ListQuery {
                    search: Some(text.into()),
                    limit: 10,
                    ..ListQuery::default()
                },
            )
            .unwrap();
        page.rows
            .iter()
            .map(|row| row.customer_name.clone().unwrap_or_default())
            .collect::<Vec<_>>()
    };
    assert_eq!(search("froze"), ["Name Stripe Froze"]);
    let write_customer = |name: &str, version: i64| {
        store
            .cache_write(ACCOUNT, |tx| {
                tx.upsert(
                    customers,
                    &customer(name),
                    version,
                    false,
                    &FetchedChildren::new(),
                )
            })
            .unwrap();
    };
    write_customer("Acme Events", 2);
    assert_eq!(search("acme events"), ["Acme Events"]);
    assert!(search("froze").is_empty());
    // A rename reaches the invoice; a newer snapshot of the invoice keeps the customer's name.
    write_customer("Acme Conferences", 3);
    write(&store, ACCOUNT, &[invoice], &[false]);
    assert_eq!(search("conferences"), ["Acme Conferences"]);
    assert!(search("acme events").is_empty());
    store.verify_search_indexes().unwrap();
}
