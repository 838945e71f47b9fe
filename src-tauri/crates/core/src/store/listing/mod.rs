//! The list engine: every table view (invoices, customers, purchase orders, credit notes,
//! subscriptions, and the lists still to come) filters, sorts, searches, pages and counts
//! through [`list_page`], in SQL that an index serves. Chosen by measuring 100k invoices (see
//! the README's "Big accounts"):
//!
//! - **Sort**: each offered sort key is one or more SQL expressions with a partial index
//!   `(account_id, <expressions>, id)` over live rows (migration 0006). Nullable columns are
//!   indexed as `ifnull(column, <lowest value>)`, the place SQLite gives NULLs anyway, so a
//!   position in the list is a plain row value. The page query names its index (`INDEXED BY`)
//!   so the plan does not depend on statistics.
//! - **Paging**: keyset first. A page carries `next`, an opaque cursor holding the last row's
//!   sort values and id; the next page is `WHERE (keys, id) > (cursor)`, an index seek, and rows
//!   inserted meanwhile neither shift nor repeat rows. A jump to any offset (a scrollbar drag)
//!   walks the index from the nearer end: offset 90,000 of 100,000 reads the list backwards
//!   from 9,900.
//! - **Search**: FTS5 with the trigram tokenizer over the columns people search by (numbers,
//!   names, emails, ids), kept in step by triggers in the transaction that writes the row.
//!   The text typed (three characters or more) must occur in one of them, anywhere, in any
//!   case; a shorter search is not applied and the page says so in `search_hint`.
//!   Few matches: the rows are read by the matches' rowids and sorted. Many: the sort index is
//!   walked and each row tested against the match set, stopping when the page is full.
//! - **Count**: exact, index-only (a narrow partial index per list), or over the matches.

use std::sync::atomic::{AtomicI64, Ordering};

use rusqlite::types::Value as SqlValue;
use rusqlite::{params_from_iter, Connection, Row};
use serde::{Deserialize, Serialize};

use super::Store;
use crate::error::{Error, Result};

/// The full-text tables, each over the table it indexes.
const SEARCH_INDEXES: &[&str] = &[
    "cache_invoices_fts",
    "cache_customers_fts",
    "purchase_orders_fts",
    "cache_credit_notes_fts",
    "cache_subscriptions_fts",
    "cache_payment_intents_fts",
    "cache_refunds_fts",
    "cache_disputes_fts",
    "cache_payouts_fts",
];

impl Store {
    /// Checks that every search index holds exactly what its table holds (FTS5's own
    /// integrity check against the content table); an error names the first that does not.
    pub fn verify_search_indexes(&self) -> Result<()> {
        let conn = self.conn()?;
        for index in SEARCH_INDEXES {
            conn.execute(
                &format!("INSERT INTO {index} ({index}, rank) VALUES ('integrity-check', 1)"),
                [],
            )
            .map_err(|err| {
                Error::Store(format!("the search index {index} is out of step: {err}"))
            })?;
        }
        Ok(())
    }
}

/// The most rows one page may hold.
pub(crate) const MAX_PAGE: i64 = 500;

/// Searches shorter than this (in characters) are not applied: trigrams need three.
pub(crate) const MIN_SEARCH_CHARS: usize = 3;

/// What a too-short search says instead of filtering.
pub(crate) const SHORT_SEARCH_HINT: &str = "Type at least 3 characters to search.";

/// Up to this many full-text matches (over all accounts), a search reads the matching rows
/// directly and sorts them; above it, it walks the sort index. Both give the same rows; tests
/// move the line to check that.
pub(crate) static FEW_MATCHES: AtomicI64 = AtomicI64::new(2_000);

/// Refuses a page of no rows, more than [`MAX_PAGE`], or a negative offset.
pub(crate) fn check_page(limit: i64, offset: i64) -> Result<()> {
    if offset < 0 || !(1..=MAX_PAGE).contains(&limit) {
        return Err(Error::Validation(format!(
            "A page holds 1 to {MAX_PAGE} rows from an offset of 0 or more."
        )));
    }
    Ok(())
}

/// One way a list can be sorted.
#[derive(Debug, Clone)]
pub(crate) struct SortKey {
    /// The name the UI asks for (`"total"`).
    pub key: &'static str,
    /// SQL expressions compared in order before `id`, written exactly as the index has them.
    pub exprs: Vec<String>,
    /// The index the page is read through.
    pub index: &'static str,
    /// Whether the index is in this order. If not, it holds what the order is computed from:
    /// the row ids are sorted from the index alone and only the page's rows are read.
    pub in_order: bool,
}

impl SortKey {
    /// A key of one expression, in the order of `index`.
    pub fn indexed(key: &'static str, expr: &str, index: &'static str) -> Self {
        SortKey {
            key,
            exprs: vec![expr.to_string()],
            index,
            in_order: true,
        }
    }

    /// A key computed at query time from the columns of `covering_index`.
    pub fn computed(key: &'static str, exprs: Vec<String>, covering_index: &'static str) -> Self {
        SortKey {
            key,
            exprs,
            index: covering_index,
            in_order: false,
        }
    }
}

/// One list: where its rows are, how they are searched, sorted and counted.
#[derive(Debug, Clone)]
pub(crate) struct ListSpec {
    /// The table the rows come from (a rowid table).
    pub table: &'static str,
    /// The FTS5 table indexing it (external content, same rowids).
    pub fts: &'static str,
    /// The columns of a row, in the order the list's row reader takes them.
    pub columns: &'static str,
    /// Always-on condition, the one the partial indexes carry (`deleted = 0`), or `1`.
    pub live: &'static str,
    /// The narrow index counts walk, if counting through it beats the table.
    pub count_index: Option<&'static str>,
    /// The sorts offered.
    pub sorts: Vec<SortKey>,
    /// The sort when the caller names none, and whether it is descending.
    pub default_sort: (&'static str, bool),
}

/// A condition on the rows beyond account and liveness, with its values for the `?` marks in
/// it (in order).
#[derive(Debug, Clone)]
pub(crate) struct Filter {
    pub sql: String,
    pub args: Vec<SqlValue>,
}

impl Filter {
    /// `column = value`.
    pub fn equals(column: &str, value: impl Into<SqlValue>) -> Self {
        Filter {
            sql: format!("{column} = ?"),
            args: vec![value.into()],
        }
    }

    /// `column IN (values…)`.
    pub fn one_of(column: &str, values: &[&str]) -> Self {
        let marks = vec!["?"; values.len()].join(", ");
        Filter {
            sql: format!("{column} IN ({marks})"),
            args: values.iter().map(|value| SqlValue::Text(value.to_string())).collect(),
        }
    }
}

/// What the caller asks of a list.
#[derive(Debug, Clone, Copy)]
pub(crate) struct PageRequest<'a> {
    pub search: Option<&'a str>,
    pub sort: Option<&'a str>,
    pub descending: bool,
    pub offset: i64,
    pub limit: i64,
    /// A `next` cursor from the page before; the offset then only says where that is.
    pub after: Option<&'a str>,
}

/// One page of a list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Page<T> {
    /// Rows matching in all.
    pub total: i64,
    /// This page, in list order.
    pub rows: Vec<T>,
    /// The cursor right after the last row, when more follow.
    pub next: Option<String>,
    /// Why the search was not applied, when it was not.
    pub search_hint: Option<String>,
}

/// A position in a list: the sort it belongs to and the last row's sort values and id.
#[derive(Debug, Serialize, Deserialize)]
struct Cursor {
    sort: String,
    descending: bool,
    key: Vec<serde_json::Value>,
}

/// The search as an FTS5 query: the whole text, trimmed, as one quoted phrase (with trigrams
/// that is "occurs anywhere, case-insensitive", as typed, spaces included), or the hint when it
/// is too short. `(None, None)` means no search.
fn match_query(search: Option<&str>) -> (Option<String>, Option<String>) {
    let Some(search) = search.map(str::trim).filter(|text| !text.is_empty()) else {
        return (None, None);
    };
    if search.chars().count() < MIN_SEARCH_CHARS {
        return (None, Some(SHORT_SEARCH_HINT.to_string()));
    }
    (Some(format!("\"{}\"", search.replace('"', "\"\""))), None)
}

/// SQL text with its `?` values, built in order.
#[derive(Default)]
struct Sql {
    text: String,
    args: Vec<SqlValue>,
}

impl Sql {
    fn push(&mut self, text: &str) {
        self.text.push_str(text);
    }

    fn bind(&mut self, text: &str, args: impl IntoIterator<Item = SqlValue>) {
        self.text.push_str(text);
        self.args.extend(args);
    }
}

/// How the rows of a search are reached.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Reach {
    /// No search: the sort index.
    Index,
    /// Few matches: by rowid from the full-text index, then sorted.
    Matches,
    /// Many matches: the sort index, each row tested against the matches.
    IndexTested,
}

/// The rows one request is about: which list, which account, which filters, which search.
struct Scope<'a> {
    spec: &'a ListSpec,
    account_id: &'a str,
    filters: &'a [Filter],
    /// The FTS5 query (empty without a search).
    query: String,
    reach: Reach,
}

impl Scope<'_> {
    /// `FROM … WHERE …` of the rows, through `index` when one is named and the rows are not
    /// reached from the search's matches.
    fn source(&self, index: Option<&str>) -> Sql {
        let (spec, mut sql) = (self.spec, Sql::default());
        match (self.reach, index) {
            (Reach::Matches, _) => sql.bind(
                &format!(
                    "(SELECT rowid AS hit FROM {0} WHERE {0} MATCH ?) CROSS JOIN {1} ON {1}.rowid = hit",
                    spec.fts, spec.table
                ),
                [SqlValue::Text(self.query.clone())],
            ),
            (_, Some(index)) => sql.push(&format!("{} INDEXED BY {index}", spec.table)),
            (_, None) => sql.push(spec.table),
        }
        sql.bind(
            " WHERE account_id = ?",
            [SqlValue::Text(self.account_id.into())],
        );
        sql.push(&format!(" AND {}", spec.live));
        for filter in self.filters {
            sql.bind(
                &format!(" AND ({})", filter.sql),
                filter.args.iter().cloned(),
            );
        }
        if self.reach == Reach::IndexTested {
            sql.bind(
                &format!(
                    " AND {0}.rowid IN (SELECT rowid FROM {1} WHERE {1} MATCH ?)",
                    spec.table, spec.fts
                ),
                [SqlValue::Text(self.query.clone())],
            );
        }
        sql
    }

    /// How many rows there are in all.
    fn count(&self, conn: &Connection) -> Result<i64> {
        let counted = self.source(self.spec.count_index);
        Ok(conn
            .prepare_cached(&format!("SELECT count(*) FROM {}", counted.text))?
            .query_row(params_from_iter(counted.args.iter()), |row| row.get(0))?)
    }
}

/// How a search's rows are best reached, or `None` when nothing matches.
fn reach(conn: &Connection, spec: &ListSpec, query: Option<&str>) -> Result<Option<Reach>> {
    let Some(query) = query else {
        return Ok(Some(Reach::Index));
    };
    let matches: i64 = conn
        .prepare_cached(&format!(
            "SELECT count(*) FROM {0} WHERE {0} MATCH ?1",
            spec.fts
        ))?
        .query_row([query], |row| row.get(0))?;
    Ok(match matches {
        0 => None,
        few if few <= FEW_MATCHES.load(Ordering::Relaxed) => Some(Reach::Matches),
        _ => Some(Reach::IndexTested),
    })
}

/// Which way to read, how many rows to skip and how many to take for an offset page: from the
/// nearer end, so the last page costs what the first does. `None` past the end.
fn window(offset: i64, limit: i64, total: i64) -> Option<(bool, i64, i64)> {
    if offset >= total {
        return None;
    }
    let take = limit.min(total - offset);
    let from_end = total - offset - take;
    Some(if from_end < offset {
        (true, from_end, take)
    } else {
        (false, offset, take)
    })
}

/// One page of `spec` for `account_id`, read by `read` (which sees `spec.columns` first).
pub(crate) fn list_page<T>(
    conn: &Connection,
    spec: &ListSpec,
    account_id: &str,
    request: &PageRequest<'_>,
    filters: &[Filter],
    read: impl Fn(&Row<'_>) -> rusqlite::Result<T>,
) -> Result<Page<T>> {
    check_page(request.limit, request.offset)?;
    let (sort, descending) = match request.sort.filter(|key| !key.is_empty()) {
        Some(key) => (key, request.descending),
        None => spec.default_sort,
    };
    let sort = spec
        .sorts
        .iter()
        .find(|candidate| candidate.key == sort)
        .ok_or_else(|| Error::Validation(format!("This list cannot be sorted by '{sort}'.")))?;
    let (query, search_hint) = match_query(request.search);
    let empty = |total| Page {
        total,
        rows: Vec::new(),
        next: None,
        search_hint: search_hint.clone(),
    };
    let Some(reach) = reach(conn, spec, query.as_deref())? else {
        return Ok(empty(0));
    };
    let scope = Scope {
        spec,
        account_id,
        filters,
        query: query.unwrap_or_default(),
        reach,
    };
    let total = scope.count(conn)?;

    let cursor = request
        .after
        .and_then(|after| decode_cursor(after, sort, descending));
    let keys: Vec<&str> = sort
        .exprs
        .iter()
        .map(String::as_str)
        .chain(["id"])
        .collect();
    let mut sql = scope.source(Some(sort.index));
    let (backwards, skip, take) = match &cursor {
        Some(key) => {
            let comparison = if descending { "<" } else { ">" };
            let marks = vec!["?"; key.len()].join(", ");
            sql.bind(
                &format!(" AND ({}) {comparison} ({marks})", keys.join(", ")),
                key.iter().cloned(),
            );
            (false, 0, request.limit)
        }
        None => match window(request.offset, request.limit, total) {
            Some(window) => window,
            None => return Ok(empty(total)),
        },
    };
    let direction = if descending != backwards {
        "DESC"
    } else {
        "ASC"
    };
    let order = keys
        .iter()
        .map(|key| format!("{key} {direction}"))
        .collect::<Vec<_>>()
        .join(", ");
    let (columns, keys_sql, table) = (spec.columns, keys.join(", "), spec.table);
    let text = if sort.in_order || reach == Reach::Matches {
        format!(
            "SELECT {columns}, {keys_sql} FROM {} ORDER BY {order} LIMIT ? OFFSET ?",
            sql.text
        )
    } else {
        // Row ids sorted from the covering index alone; only the page's rows are read.
        format!(
            "SELECT {columns}, {keys_sql} FROM {table} WHERE rowid IN
                 (SELECT {table}.rowid FROM {} ORDER BY {order} LIMIT ? OFFSET ?)
             ORDER BY {order}",
            sql.text
        )
    };
    sql.args
        .extend([SqlValue::Integer(take), SqlValue::Integer(skip)]);
    let mut statement = conn.prepare_cached(&text)?;
    let first_key = statement.column_count() - keys.len();
    let mut rows = Vec::with_capacity(take as usize);
    let mut last_key = Vec::new();
    let mut answer = statement.query(params_from_iter(sql.args.iter()))?;
    while let Some(row) = answer.next()? {
        rows.push(read(row)?);
        // The cursor is the last row in list order: the first one read when reading backwards.
        if !backwards || last_key.is_empty() {
            last_key = (first_key..first_key + keys.len())
                .map(|at| row.get::<_, SqlValue>(at))
                .collect::<rusqlite::Result<_>>()?;
        }
    }
    if backwards {
        rows.reverse();
    }
    let more = rows.len() as i64 == take && (cursor.is_some() || request.offset + take < total);
    let next =
        (more && !last_key.is_empty()).then(|| encode_cursor(sort.key, descending, &last_key));
    Ok(Page {
        total,
        rows,
        next,
        search_hint,
    })
}

fn encode_cursor(sort: &str, descending: bool, key: &[SqlValue]) -> String {
    let key = key
        .iter()
        .map(|value| match value {
            SqlValue::Integer(n) => serde_json::Value::from(*n),
            SqlValue::Text(text) => serde_json::Value::from(text.as_str()),
            SqlValue::Real(x) => serde_json::Value::from(*x),
            SqlValue::Null | SqlValue::Blob(_) => serde_json::Value::Null,
        })
        .collect();
    let cursor = Cursor {
        sort: sort.to_string(),
        descending,
        key,
    };
    serde_json::to_string(&cursor).unwrap_or_default()
}

/// The cursor's key values, if it belongs to this sort (a cursor from another sort or a
/// damaged one is ignored: the offset then places the page).
fn decode_cursor(text: &str, sort: &SortKey, descending: bool) -> Option<Vec<SqlValue>> {
    let cursor: Cursor = serde_json::from_str(text).ok()?;
    if cursor.sort != sort.key
        || cursor.descending != descending
        || cursor.key.len() != sort.exprs.len() + 1
    {
        return None;
    }
    cursor
        .key
        .into_iter()
        .map(|value| match value {
            serde_json::Value::String(text) => Some(SqlValue::Text(text)),
            serde_json::Value::Number(n) => n.as_i64().map(SqlValue::Integer),
            _ => None,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_are_bounded() {
        assert!(check_page(1, 0).is_ok() && check_page(MAX_PAGE, 10).is_ok());
        assert!(
            check_page(0, 0).is_err()
                && check_page(MAX_PAGE + 1, 0).is_err()
                && check_page(10, -1).is_err()
        );
    }

    #[test]
    fn a_search_is_one_phrase_of_three_or_more_characters() {
        assert_eq!(match_query(None), (None, None));
        assert_eq!(match_query(Some("   ")), (None, None));
        assert_eq!(
            match_query(Some(" ab ")),
            (None, Some(SHORT_SEARCH_HINT.to_string()))
        );
        assert_eq!(match_query(Some(" acme ")).0.as_deref(), Some("\"acme\""));
        // Spaces stay inside the phrase; quotes and FTS syntax are taken literally.
        assert_eq!(match_query(Some("org 5")).0.as_deref(), Some("\"org 5\""));
        assert_eq!(
            match_query(Some("\"x\"y OR")).0.as_deref(),
            Some("\"\"\"x\"\"y OR\"")
        );
        assert_eq!(match_query(Some("ünï")).0.as_deref(), Some("\"ünï\""));
    }

    #[test]
    fn cursors_round_trip_and_belong_to_their_sort() {
        let sort = SortKey::indexed("total", "total", "i");
        let text = encode_cursor(
            "total",
            true,
            &[SqlValue::Integer(5), SqlValue::Text("in_1".into())],
        );
        assert_eq!(
            decode_cursor(&text, &sort, true),
            Some(vec![SqlValue::Integer(5), SqlValue::Text("in_1".into())])
        );
        assert_eq!(decode_cursor(&text, &sort, false), None);
        assert_eq!(
            decode_cursor(&text, &SortKey::indexed("created", "created", "i"), true),
            None
        );
        assert_eq!(decode_cursor("not json", &sort, true), None);
    }
}

#[cfg(test)]
mod credit_note_reference_tests;
#[cfg(test)]
mod migration_tests;
#[cfg(test)]
mod payment_reference_tests;
#[cfg(test)]
mod payout_reference_tests;
#[cfg(test)]
mod po_reference_tests;
#[cfg(test)]
mod reference_tests;
#[cfg(test)]
mod subscription_reference_tests;
