//! The PO list (whose default order is computed per day) against a naive reference: random POs,
//! every status and overdue filter × sort × direction × search × offset, and keyset walks.

use std::cmp::Ordering;
use std::sync::atomic::Ordering as AtomicOrdering;

use rusqlite::params;

use super::reference_tests::{open, walk_pages, Dice, ACCOUNT};
use super::FEW_MATCHES;
use crate::po::{PoListQuery, PoStatus, PoSummary};
use crate::store::Store;

const STATUSES: &[PoStatus] = &[
    PoStatus::Draft,
    PoStatus::Invoiced,
    PoStatus::PartiallyPaid,
    PoStatus::Paid,
    PoStatus::Cancelled,
];
const ORGANIZATIONS: &[&str] = &[
    "Acme GmbH",
    "acme labs",
    "Globex",
    "Initech",
    "Umbrella Corp",
];

fn random_pos(store: &Store, dice: &mut Dice, count: usize) {
    let conn = store.conn().unwrap();
    for n in 0..count {
        let status = *dice.pick(STATUSES);
        let organization = format!("{} {}", dice.pick(ORGANIZATIONS), dice.below(30));
        let issued = status != PoStatus::Draft;
        // Due dates around today, so some owed ones are overdue and some are not yet due.
        let due = issued.then(|| {
            (chrono::Utc::now() + chrono::Duration::days(dice.below(40) as i64 - 20))
                .format("%Y-%m-%d")
                .to_string()
        });
        let total = (dice.below(10) * 1_000) as i64;
        conn.execute(
            "INSERT INTO purchase_orders (account_id, id, po_number, po_number_key, organization, contact_name,
                 contact_email, currency, payment_terms_days, total, paid, status, created_at, updated_at,
                 invoice_number, due_date, credited)
             VALUES (?1, ?2, ?3, lower(?3), ?4, 'Ann', ?5, 'eur', 30, ?6, ?7, ?8, ?9, ?9, ?10, ?11, ?12)",
            params![
                ACCOUNT,
                format!("po_{n:05}"),
                format!("PO-{:03}{n:04}", dice.below(1_000)),
                organization,
                format!("ap{}@{}.example", dice.below(50), ["acme", "globex"][n % 2]),
                total,
                (dice.below(3) as i64) * total / 2,
                status.as_str(),
                // Few distinct times, so ties (broken by id) are common.
                format!("2026-11-{:02}T10:00:00Z", 1 + dice.below(20)),
                issued.then(|| format!("INV-{n:04}")),
                due,
                // Credited: none, a quarter, a half or all of the total, so some balances are cut to 0.
                (dice.below(3) as i64) * total / 4 * (1 + dice.below(2) as i64),
            ],
        )
        .unwrap();
    }
}

fn text_key(value: &str) -> String {
    value.to_ascii_lowercase()
}

/// The reference order of two POs for a sort key.
fn compare(a: &PoSummary, b: &PoSummary, sort: &str) -> Ordering {
    match sort {
        "default" => (a.overdue, &a.created_at).cmp(&(b.overdue, &b.created_at)),
        "po_number" => text_key(&a.po_number).cmp(&text_key(&b.po_number)),
        "organization" => text_key(&a.organization).cmp(&text_key(&b.organization)),
        "total" => a.total.cmp(&b.total),
        "balance" => a.balance.cmp(&b.balance),
        "due_date" => a
            .due_date
            .clone()
            .unwrap_or_default()
            .cmp(&b.due_date.clone().unwrap_or_default()),
        "created_at" => a.created_at.cmp(&b.created_at),
        "status" => a.status.as_str().cmp(b.status.as_str()),
        other => panic!("no sort {other}"),
    }
    .then_with(|| a.id.cmp(&b.id))
}

fn matches(po: &PoSummary, search: &str) -> bool {
    let search = search.trim().to_lowercase();
    [
        Some(&po.po_number),
        Some(&po.organization),
        Some(&po.contact_email),
        po.invoice_number.as_ref(),
    ]
    .into_iter()
    .flatten()
    .any(|field| field.to_lowercase().contains(&search))
}

fn reference(all: &[PoSummary], query: &PoListQuery) -> Vec<String> {
    let (sort, descending) = match query.sort.as_deref() {
        Some(sort) => (sort, query.descending),
        None => ("default", true),
    };
    let mut found: Vec<&PoSummary> = all
        .iter()
        .filter(|po| query.status.is_none_or(|status| po.status == status))
        .filter(|po| !query.overdue_only || po.overdue)
        .filter(|po| {
            query
                .search
                .as_deref()
                .is_none_or(|search| matches(po, search))
        })
        .collect();
    found.sort_by(|a, b| {
        if descending {
            compare(b, a, sort)
        } else {
            compare(a, b, sort)
        }
    });
    found.into_iter().map(|po| po.id.clone()).collect()
}

fn ids(rows: &[PoSummary]) -> Vec<String> {
    rows.iter().map(|po| po.id.clone()).collect()
}

#[test]
fn every_po_list_query_equals_a_full_scan_sorted_in_rust() {
    let (_dir, store) = open();
    let mut dice = Dice(0x90_1157);
    random_pos(&store, &mut dice, 700);
    let everything = PoListQuery {
        limit: 500,
        ..PoListQuery::default()
    };
    let all: Vec<PoSummary> = (0..2)
        .flat_map(|page| {
            store
                .list_purchase_orders(
                    ACCOUNT,
                    &PoListQuery {
                        offset: page * 500,
                        ..everything.clone()
                    },
                )
                .unwrap()
                .rows
        })
        .collect();
    assert_eq!(all.len(), 700);
    for po in &all {
        let owed = (po.total - po.paid - po.credited).max(0);
        let expected = if po.status == PoStatus::Cancelled { 0 } else { owed };
        assert_eq!(po.balance, expected, "{po:?}");
    }
    assert!(all.iter().any(|po| po.credited > 0 && po.balance > 0));
    assert!(all.iter().any(|po| po.credited > 0 && po.paid < po.total && po.balance == 0));
    assert!(all.iter().any(|po| po.overdue) && all.iter().any(|po| !po.overdue));
    let sorts = [
        None,
        Some("po_number"),
        Some("organization"),
        Some("total"),
        Some("balance"),
        Some("due_date"),
        Some("created_at"),
        Some("status"),
    ];
    let statuses = [
        None,
        Some(PoStatus::Draft),
        Some(PoStatus::Invoiced),
        Some(PoStatus::PartiallyPaid),
    ];
    let searches = [
        None,
        Some("acme"),
        Some("po-1"),
        Some("zzqxv"),
        Some("inv-01"),
    ];
    let mut queries = Vec::new();
    for status in statuses {
        for overdue_only in [false, true] {
            for sort in sorts {
                for descending in [false, true] {
                    queries.extend(searches.iter().map(|search| PoListQuery {
                        search: search.map(str::to_string),
                        status,
                        overdue_only,
                        sort: sort.map(str::to_string),
                        descending,
                        limit: 40,
                        ..PoListQuery::default()
                    }));
                }
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
                let page = store
                    .list_purchase_orders(
                        ACCOUNT,
                        &PoListQuery {
                            offset,
                            ..query.clone()
                        },
                    )
                    .unwrap();
                let want: Vec<String> = expected
                    .iter()
                    .skip(offset as usize)
                    .take(40)
                    .cloned()
                    .collect();
                assert_eq!(page.total, total, "{query:?}");
                assert_eq!(ids(&page.rows), want, "{query:?} offset {offset}");
            }
            let page = |offset, after| {
                let answer = store
                    .list_purchase_orders(
                        ACCOUNT,
                        &PoListQuery {
                            offset,
                            after,
                            ..query.clone()
                        },
                    )
                    .unwrap();
                (ids(&answer.rows), answer.next)
            };
            assert_eq!(
                walk_pages(page, |_| {}),
                expected,
                "keyset walk of {query:?}"
            );
        }
    }
    FEW_MATCHES.store(2_000, AtomicOrdering::Relaxed);
}
