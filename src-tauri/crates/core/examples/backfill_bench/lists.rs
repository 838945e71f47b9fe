//! The list queries the UI makes, timed through the public [`Billfold`] API, 100 rows a page.
//!
//! Queries are built with `..Default::default()` so fields added to the query types later
//! keep their defaults here.

use std::time::{Duration, Instant};

use billfold_core::po::{PoListQuery, PoStatus};
use billfold_core::store::ListQuery;
use billfold_core::Billfold;

use crate::measure::percentiles;

/// Rows per page, as the UI asks.
const PAGE: i64 = 100;
/// Timed runs per query, after one warm-up run.
const RUNS: usize = 30;
/// A word in many generated customers' names (stripe-sim names them "<company> <form> <n>").
const MANY: &str = "Acme";
/// A word in no name, number, email or id.
const NONE: &str = "zzqxv";
/// A two-letter search, as the search box sends after two keystrokes.
const TWO: &str = "ac";

/// The invoice list's sortable columns, as the UI names them.
const INVOICE_SORTS: &[&str] = &[
    "created",
    "due_date",
    "number",
    "status",
    "total",
    "amount_remaining",
    "customer",
];
/// The PO list's sort keys.
const PO_SORTS: &[&str] = &[
    "po_number",
    "organization",
    "total",
    "balance",
    "due_date",
    "created_at",
    "status",
];

/// One list query's timings.
pub struct Timed {
    /// What was asked, e.g. "invoices: status open".
    pub name: String,
    /// Rows matching in all.
    pub total: i64,
    /// Median, ms.
    pub p50: f64,
    /// 95th percentile, ms.
    pub p95: f64,
}

/// Runs `query` once to warm up, then [`RUNS`] times; `query` returns the match count.
fn time(name: String, mut query: impl FnMut() -> i64) -> Timed {
    let total = query();
    let samples: Vec<Duration> = (0..RUNS)
        .map(|_| {
            let started = Instant::now();
            std::hint::black_box(query());
            started.elapsed()
        })
        .collect();
    let (p50, p95) = percentiles(&samples);
    Timed {
        name,
        total,
        p50,
        p95,
    }
}

fn page(query: ListQuery) -> ListQuery {
    ListQuery {
        limit: PAGE,
        ..query
    }
}

fn po_page(query: PoListQuery) -> PoListQuery {
    PoListQuery {
        limit: PAGE,
        ..query
    }
}

/// Every invoice and customer list query of the invoices and customers views.
pub fn invoices_and_customers(app: &Billfold, account: &str) -> Vec<Timed> {
    let invoices = |query: ListQuery| {
        let query = page(query);
        move || app.list_invoices(account, &query).unwrap().total
    };
    let mut timed = vec![time(
        "invoices: first page".into(),
        invoices(ListQuery::default()),
    )];
    let all = timed[0].total;
    for status in ["draft", "open", "paid", "void", "uncollectible"] {
        timed.push(time(
            format!("invoices: status {status}"),
            invoices(ListQuery {
                status: Some(status.into()),
                ..Default::default()
            }),
        ));
    }
    for key in INVOICE_SORTS {
        for descending in [false, true] {
            timed.push(time(
                format!("invoices: sort {key} {}", arrow(descending)),
                invoices(ListQuery {
                    sort: Some((*key).into()),
                    descending,
                    ..Default::default()
                }),
            ));
        }
    }
    timed.push(time(
        format!("invoices: last page (offset {})", all - PAGE),
        invoices(ListQuery {
            offset: (all - PAGE).max(0),
            ..Default::default()
        }),
    ));
    timed.push(time(
        "invoices: offset 90,000".into(),
        invoices(ListQuery {
            offset: 90_000,
            ..Default::default()
        }),
    ));
    for (label, word) in [("many", MANY), ("none", NONE), ("2 chars", TWO)] {
        timed.push(time(
            format!("invoices: search {label} ({word:?})"),
            invoices(ListQuery {
                search: Some(word.into()),
                ..Default::default()
            }),
        ));
    }

    let customers = |query: ListQuery| {
        let query = page(query);
        move || app.list_customers(account, &query).unwrap().total
    };
    let first = time(
        "customers: first page".into(),
        customers(ListQuery::default()),
    );
    let all = first.total;
    timed.push(first);
    for (label, word) in [("many", MANY), ("none", NONE)] {
        timed.push(time(
            format!("customers: search {label} ({word:?})"),
            customers(ListQuery {
                search: Some(word.into()),
                ..Default::default()
            }),
        ));
    }
    for descending in [false, true] {
        timed.push(time(
            format!("customers: sort name {}", arrow(descending)),
            customers(ListQuery {
                sort: Some("name".into()),
                descending,
                ..Default::default()
            }),
        ));
    }
    timed.push(time(
        format!("customers: last page (offset {})", all - PAGE),
        customers(ListQuery {
            offset: (all - PAGE).max(0),
            ..Default::default()
        }),
    ));
    timed
}

/// Every query of the purchase-order list.
pub fn purchase_orders(app: &Billfold, account: &str) -> Vec<Timed> {
    let list = |query: PoListQuery| {
        let query = po_page(query);
        move || app.list_purchase_orders(account, &query).unwrap().total
    };
    let mut timed = vec![time(
        "POs: first page (overdue first, newest)".into(),
        list(PoListQuery::default()),
    )];
    let all = timed[0].total;
    for status in [
        PoStatus::Draft,
        PoStatus::Invoiced,
        PoStatus::PartiallyPaid,
        PoStatus::Paid,
        PoStatus::Cancelled,
    ] {
        timed.push(time(
            format!("POs: status {}", status.as_str()),
            list(PoListQuery {
                status: Some(status),
                ..Default::default()
            }),
        ));
    }
    timed.push(time(
        "POs: overdue only".into(),
        list(PoListQuery {
            overdue_only: true,
            ..Default::default()
        }),
    ));
    for key in PO_SORTS {
        for descending in [false, true] {
            timed.push(time(
                format!("POs: sort {key} {}", arrow(descending)),
                list(PoListQuery {
                    sort: Some((*key).into()),
                    descending,
                    ..Default::default()
                }),
            ));
        }
    }
    timed.push(time(
        format!("POs: last page (offset {})", all - PAGE),
        list(PoListQuery {
            offset: (all - PAGE).max(0),
            ..Default::default()
        }),
    ));
    for (label, word) in [("many", MANY), ("none", NONE)] {
        timed.push(time(
            format!("POs: search {label} ({word:?})"),
            list(PoListQuery {
                search: Some(word.into()),
                ..Default::default()
            }),
        ));
    }
    timed
}

fn arrow(descending: bool) -> &'static str {
    if descending {
        "desc"
    } else {
        "asc"
    }
}
