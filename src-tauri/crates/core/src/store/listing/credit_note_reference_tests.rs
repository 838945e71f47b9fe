//! The credit notes list against a naive reference: random credit notes written through the
//! sync's apply path, every status × sort × direction × search × offset compared with a full
//! scan sorted in Rust, keyset walks, and the search index following rewrites and deletions.

use std::cmp::Ordering;
use std::sync::atomic::Ordering as AtomicOrdering;

use serde_json::{json, Value};

use super::reference_tests::{open, walk_pages, Dice, ACCOUNT, OTHER};
use super::FEW_MATCHES;
use crate::credit_notes::CreditNoteRow;
use crate::store::cache::kinds::by_resource;
use crate::store::{FetchedChildren, ListQuery, Store};

const PREFIXES: &[&str] = &["ABCD1234", "abcd9876", "QRS0042", "Zeta"];

/// A random credit note; `serial` keeps ids unique.
fn random_note(dice: &mut Dice, serial: usize) -> Value {
    let invoice = dice.below(60);
    json!({
        "id": format!("cn_{:06x}{serial:05}", dice.below(0xff_ffff)),
        "object": "credit_note",
        "number": (dice.below(10) > 0).then(|| format!("{}-{:04}-CN-{:02}", dice.pick(PREFIXES), invoice, dice.below(4))),
        "invoice": format!("in_{invoice:04}"),
        "customer": format!("cus_{:03}", dice.below(25)),
        "status": *dice.pick(&["issued", "void"]),
        "currency": "eur",
        "type": "pre_payment",
        // Few distinct values, so ties (broken by id) are common.
        "total": (dice.below(12) * 250) as i64,
        "amount": 0,
        "created": 1_700_000_000 + dice.below(300) as i64,
    })
}

fn write(store: &Store, account_id: &str, notes: &[Value], deleted: &[bool]) {
    let kind = by_resource("credit_notes").unwrap();
    store
        .cache_write(account_id, |tx| {
            for (note, deleted) in notes.iter().zip(deleted) {
                tx.upsert(kind, note, 1, *deleted, &FetchedChildren::new())?;
            }
            Ok(())
        })
        .unwrap();
}

/// Every live credit note of the account, read with a plain scan.
fn all_rows(store: &Store) -> Vec<CreditNoteRow> {
    let conn = store.conn().unwrap();
    let mut statement = conn
        .prepare("SELECT raw FROM cache_credit_notes NOT INDEXED WHERE account_id = ?1 AND deleted = 0")
        .unwrap();
    let raws = statement.query_map([ACCOUNT], |row| row.get::<_, String>(0)).unwrap();
    raws.map(|raw| CreditNoteRow::from_stripe(&serde_json::from_str(&raw.unwrap()).unwrap()))
        .collect()
}

/// The reference order of two credit notes for a sort key (text case-insensitive, no number
/// lowest), ties broken by id.
fn compare(a: &CreditNoteRow, b: &CreditNoteRow, sort: &str) -> Ordering {
    let number = |row: &CreditNoteRow| row.number.as_deref().unwrap_or("").to_ascii_lowercase();
    match sort {
        "created" => a.created.cmp(&b.created),
        "number" => number(a).cmp(&number(b)),
        "status" => a.status.cmp(&b.status),
        "total" => a.total.cmp(&b.total),
        other => panic!("no sort {other}"),
    }
    .then_with(|| a.id.cmp(&b.id))
}

fn matches(row: &CreditNoteRow, search: &str) -> bool {
    let search = search.trim().to_lowercase();
    [row.number.as_deref(), Some(row.id.as_str()), row.invoice_id.as_deref(), row.customer_id.as_deref()]
        .into_iter()
        .flatten()
        .any(|field| field.to_lowercase().contains(&search))
}

fn reference(all: &[CreditNoteRow], query: &ListQuery) -> Vec<String> {
    let (sort, descending) = match query.sort.as_deref() {
        Some(sort) => (sort, query.descending),
        None => ("created", true),
    };
    let mut found: Vec<&CreditNoteRow> = all
        .iter()
        .filter(|row| query.status.as_deref().is_none_or(|status| row.status == status))
        .filter(|row| query.search.as_deref().is_none_or(|search| matches(row, search)))
        .collect();
    found.sort_by(|a, b| if descending { compare(b, a, sort) } else { compare(a, b, sort) });
    found.into_iter().map(|row| row.id.clone()).collect()
}

fn ids(rows: &[CreditNoteRow]) -> Vec<String> {
    rows.iter().map(|row| row.id.clone()).collect()
}

fn random_cache(store: &Store, dice: &mut Dice, count: usize) {
    let notes: Vec<Value> = (0..count).map(|serial| random_note(dice, serial)).collect();
    // About one in twenty is a tombstone, which the list does not show.
    let deleted: Vec<bool> = (0..count).map(|_| dice.below(20) == 0).collect();
    write(store, ACCOUNT, &notes, &deleted);
    // Another account's credit notes must never show up.
    let others: Vec<Value> = (0..150).map(|serial| random_note(dice, 90_000 + serial)).collect();
    write(store, OTHER, &others, &vec![false; others.len()]);
}

#[test]
fn every_credit_note_list_query_equals_a_full_scan_sorted_in_rust() {
    let (_dir, store) = open();
    let mut dice = Dice(0xc4ed_17e5);
    random_cache(&store, &mut dice, 600);
    let all = all_rows(&store);
    assert!(all.len() > 500 && all.iter().any(|row| row.number.is_none()));
    let sorts = [None, Some("created"), Some("number"), Some("status"), Some("total")];
    let statuses = [None, Some("issued"), Some("void")];
    let searches = [None, Some("abcd"), Some("ABCD1234-00"), Some("cn-03"), Some("in_001"), Some("cus_01"), Some("zzqxv")];
    let mut queries = Vec::new();
    for status in statuses {
        for sort in sorts {
            for descending in [false, true] {
                queries.extend(searches.iter().map(|search| ListQuery {
                    search: search.map(str::to_string),
                    status: status.map(str::to_string),
                    sort: sort.map(str::to_string),
                    descending,
                    limit: 40,
                    ..ListQuery::default()
                }));
            }
        }
    }
    // Both ways of reaching search matches, as for invoices.
    for few in [i64::MAX, 0] {
        FEW_MATCHES.store(few, AtomicOrdering::Relaxed);
        for query in &queries {
            let expected = reference(&all, query);
            let total = expected.len() as i64;
            for offset in [0, 13, total / 2, (total - 40).max(0), total + 1] {
                let page = store.list_credit_notes(ACCOUNT, &ListQuery { offset, ..query.clone() }).unwrap();
                let want: Vec<String> = expected.iter().skip(offset as usize).take(40).cloned().collect();
                assert_eq!(page.total, total, "{query:?}");
                assert_eq!(ids(&page.rows), want, "{query:?} offset {offset} (few = {few})");
            }
            let page = |offset, after| {
                let answer = store.list_credit_notes(ACCOUNT, &ListQuery { offset, after, ..query.clone() }).unwrap();
                (ids(&answer.rows), answer.next)
            };
            assert_eq!(walk_pages(page, |_| {}), expected, "keyset walk of {query:?}");
        }
    }
    FEW_MATCHES.store(2_000, AtomicOrdering::Relaxed);
}

#[test]
fn credit_note_queries_are_checked_and_short_searches_say_why() {
    let (_dir, store) = open();
    random_cache(&store, &mut Dice(11), 50);
    let ten = ListQuery { limit: 10, ..ListQuery::default() };
    let list = |query: ListQuery| store.list_credit_notes(ACCOUNT, &query);
    for (query, what) in [
        (ListQuery { status: Some("paid".into()), ..ten.clone() }, "an invoice status"),
        (ListQuery { sort: Some("reason".into()), ..ten.clone() }, "an unindexed sort"),
        (ListQuery { limit: 501, ..ten.clone() }, "an oversized page"),
    ] {
        let err = list(query).unwrap_err();
        assert!(matches!(err, crate::error::Error::Validation(_)), "{what}: {err}");
    }
    let short = list(ListQuery { search: Some("cn".into()), limit: 100, ..ListQuery::default() }).unwrap();
    assert_eq!(short.search_hint.as_deref(), Some(super::SHORT_SEARCH_HINT));
    assert_eq!(short.total, all_rows(&store).len() as i64, "a short search is not applied");
}

#[test]
fn the_credit_note_search_index_follows_rewrites_deletions_and_sweeps() {
    let (_dir, store) = open();
    random_cache(&store, &mut Dice(5), 200);
    let kind = by_resource("credit_notes").unwrap();
    let rows = all_rows(&store);
    // A newer snapshot with another number, and a note deleted.
    let renumbered = rows[0].id.clone();
    let mut note = random_note(&mut Dice(9), 1);
    note["id"] = json!(renumbered);
    note["number"] = json!("QUUX-7777-CN-01");
    let mut gone = random_note(&mut Dice(10), 2);
    gone["id"] = json!(rows[1].id);
    store
        .cache_write(ACCOUNT, |tx| {
            tx.upsert(kind, &note, 2, false, &FetchedChildren::new())?;
            tx.upsert(kind, &gone, 2, true, &FetchedChildren::new())
        })
        .unwrap();
    // A sweep drops rows a new backfill generation did not write.
    store
        .conn()
        .unwrap()
        .execute("UPDATE cache_credit_notes SET gen = -1 WHERE rowid % 5 = 0 AND id <> ?1", [&renumbered])
        .unwrap();
    store.cache_write(ACCOUNT, |tx| tx.sweep(kind)).unwrap();

    store.verify_search_indexes().unwrap();
    let search = |text: &str| {
        store.list_credit_notes(ACCOUNT, &ListQuery { search: Some(text.into()), limit: 500, ..ListQuery::default() }).unwrap()
    };
    assert_eq!(ids(&search("quux-7777").rows), vec![renumbered.clone()]);
    assert_eq!(search(&rows[1].id).total, 0, "a deleted note is not found");
    let left = all_rows(&store);
    assert!(left.len() < rows.len() - 1, "the sweep dropped rows");
    for row in left.iter().take(40) {
        assert!(search(&row.id).rows.iter().any(|found| found.id == row.id));
    }
}
