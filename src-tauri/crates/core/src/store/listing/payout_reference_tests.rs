//! The payouts list against a naive reference: random payouts written through the sync's
//! apply path, every status × sort × direction × search × offset compared with a full scan
//! sorted in Rust, keyset walks, and the search index following deletions.

use std::cmp::Ordering;
use std::sync::atomic::Ordering as AtomicOrdering;

use serde_json::{json, Value};

use super::reference_tests::{open, walk_pages, Dice, ACCOUNT, OTHER};
use super::FEW_MATCHES;
use crate::payouts::PayoutRow;
use crate::store::cache::kinds::by_resource;
use crate::store::{FetchedChildren, ListQuery, Store};

const STATUSES: &[&str] = &["paid", "in_transit", "pending", "failed", "canceled"];

/// A random payout; `serial` keeps ids unique.
fn random_payout(dice: &mut Dice, serial: usize) -> Value {
    let created = 1_700_000_000 + (dice.below(40) * 86_400) as i64;
    json!({
        "id": format!("po_{:06x}{serial:05}", dice.below(0xff_ffff)),
        "object": "payout",
        "status": *dice.pick(STATUSES),
        "currency": *dice.pick(&["usd", "eur"]),
        // Few distinct values, so ties (broken by id) are common.
        "amount": (dice.below(15) * 1_000) as i64,
        "arrival_date": created + (dice.below(3) * 86_400) as i64,
        "automatic": dice.below(4) > 0,
        "created": created,
    })
}

fn write(store: &Store, account_id: &str, payouts: &[Value], deleted: &[bool]) {
    let kind = by_resource("payouts").unwrap();
    store
        .cache_write(account_id, |tx| {
            for (payout, deleted) in payouts.iter().zip(deleted) {
                tx.upsert(kind, payout, 1, *deleted, &FetchedChildren::new())?;
            }
            Ok(())
        })
        .unwrap();
}

/// Every live payout of the account, read with a plain scan.
fn all_rows(store: &Store) -> Vec<PayoutRow> {
    let conn = store.conn().unwrap();
    let mut statement = conn
        .prepare("SELECT raw FROM cache_payouts NOT INDEXED WHERE account_id = ?1 AND deleted = 0")
        .unwrap();
    let raws = statement.query_map([ACCOUNT], |row| row.get::<_, String>(0)).unwrap();
    raws.map(|raw| PayoutRow::from_stripe(&serde_json::from_str(&raw.unwrap()).unwrap())).collect()
}

/// The reference order of two payouts for a sort key, ties broken by id.
fn compare(a: &PayoutRow, b: &PayoutRow, sort: &str) -> Ordering {
    match sort {
        "arrival_date" => a.arrival_date.cmp(&b.arrival_date),
        "created" => a.created.cmp(&b.created),
        "amount" => a.amount.cmp(&b.amount),
        "status" => a.status.cmp(&b.status),
        other => panic!("no sort {other}"),
    }
    .then_with(|| a.id.cmp(&b.id))
}

fn reference(all: &[PayoutRow], query: &ListQuery) -> Vec<String> {
    let (sort, descending) = match query.sort.as_deref() {
        Some(sort) => (sort, query.descending),
        None => ("arrival_date", true),
    };
    let mut found: Vec<&PayoutRow> = all
        .iter()
        .filter(|row| query.status.as_deref().is_none_or(|status| row.status == status))
        .filter(|row| query.search.as_deref().is_none_or(|search| row.id.to_lowercase().contains(&search.trim().to_lowercase())))
        .collect();
    found.sort_by(|a, b| if descending { compare(b, a, sort) } else { compare(a, b, sort) });
    found.into_iter().map(|row| row.id.clone()).collect()
}

fn ids(rows: &[PayoutRow]) -> Vec<String> {
    rows.iter().map(|row| row.id.clone()).collect()
}

fn random_cache(store: &Store, dice: &mut Dice, count: usize) {
    let payouts: Vec<Value> = (0..count).map(|serial| random_payout(dice, serial)).collect();
    // About one in twenty is a tombstone, which the list does not show.
    let deleted: Vec<bool> = (0..count).map(|_| dice.below(20) == 0).collect();
    write(store, ACCOUNT, &payouts, &deleted);
    // Another account's payouts must never show up.
    let others: Vec<Value> = (0..100).map(|serial| random_payout(dice, 90_000 + serial)).collect();
    write(store, OTHER, &others, &vec![false; others.len()]);
}

#[test]
fn every_payout_list_query_equals_a_full_scan_sorted_in_rust() {
    let (_dir, store) = open();
    let mut dice = Dice(0x9a70_0715);
    random_cache(&store, &mut dice, 500);
    let all = all_rows(&store);
    assert!(all.len() > 400);
    let sorts = [None, Some("arrival_date"), Some("created"), Some("amount"), Some("status")];
    let statuses = [None, Some("paid"), Some("in_transit"), Some("failed")];
    let searches = [None, Some("po_a"), Some("0001"), Some("PO_"), Some("zzqxv")];
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
    for few in [i64::MAX, 0] {
        FEW_MATCHES.store(few, AtomicOrdering::Relaxed);
        for query in &queries {
            let expected = reference(&all, query);
            let total = expected.len() as i64;
            for offset in [0, 13, total / 2, (total - 40).max(0), total + 1] {
                let page = store.list_payouts(ACCOUNT, &ListQuery { offset, ..query.clone() }).unwrap();
                let want: Vec<String> = expected.iter().skip(offset as usize).take(40).cloned().collect();
                assert_eq!(page.total, total, "{query:?}");
                assert_eq!(ids(&page.rows), want, "{query:?} offset {offset} (few = {few})");
            }
            let page = |offset, after| {
                let answer = store.list_payouts(ACCOUNT, &ListQuery { offset, after, ..query.clone() }).unwrap();
                (ids(&answer.rows), answer.next)
            };
            assert_eq!(walk_pages(page, |_| {}), expected, "keyset walk of {query:?}");
        }
    }
    FEW_MATCHES.store(2_000, AtomicOrdering::Relaxed);
}

#[test]
fn payout_queries_are_checked_and_the_search_index_follows_deletions() {
    let (_dir, store) = open();
    random_cache(&store, &mut Dice(3), 80);
    let ten = ListQuery { limit: 10, ..ListQuery::default() };
    for (query, what) in [
        (ListQuery { status: Some("open".into()), ..ten.clone() }, "an invoice status"),
        (ListQuery { sort: Some("currency".into()), ..ten.clone() }, "an unindexed sort"),
        (ListQuery { limit: 0, ..ten.clone() }, "an empty page"),
    ] {
        let err = store.list_payouts(ACCOUNT, &query).unwrap_err();
        assert!(matches!(err, crate::error::Error::Validation(_)), "{what}: {err}");
    }
    let rows = all_rows(&store);
    let mut gone = random_payout(&mut Dice(10), 2);
    gone["id"] = json!(rows[0].id);
    write(&store, ACCOUNT, &[gone], &[true]);
    store.verify_search_indexes().unwrap();
    let search = |text: &str| store.list_payouts(ACCOUNT, &ListQuery { search: Some(text.into()), limit: 500, ..ListQuery::default() }).unwrap();
    assert_eq!(search(&rows[0].id).total, 0, "a deleted payout is not found");
    assert_eq!(ids(&search(&rows[1].id).rows), vec![rows[1].id.clone()]);
}
