//! The subscriptions list against a naive reference: random subscriptions and customers written
//! through the sync's apply path, every status × sort × direction × search × offset compared
//! with a full scan sorted in Rust (MRR and renewal worked out again from each subscription's
//! JSON, customer names looked up by hand), keyset walks, and the search index following
//! renames, rewrites and deletions.

use std::cmp::Ordering;
use std::collections::HashMap;
use std::sync::atomic::Ordering as AtomicOrdering;

use serde_json::{json, Value};

use super::reference_tests::{open, walk_pages, Dice, ACCOUNT, OTHER};
use super::FEW_MATCHES;
use crate::store::cache::kinds::by_resource;
use crate::store::{FetchedChildren, ListQuery, Store};
use crate::subscriptions::mrr::{next_renewal, subscription_mrr};

const STATUSES: &[&str] = &["active", "trialing", "past_due", "canceled", "incomplete", "unpaid", "paused"];
const NAMES: &[&str] = &["Acme Corp", "acme labs", "Zeta GmbH", "Örtlich AG", "Brick & Mortar"];

/// One row as the reference sees it.
#[derive(Debug, Clone)]
struct Expected {
    id: String,
    status: String,
    customer_id: String,
    mrr: i64,
    next_renewal: Option<i64>,
    created: i64,
}

fn random_item(dice: &mut Dice, serial: usize, position: usize) -> Value {
    let interval = *dice.pick(&["month", "year", "week", "day"]);
    json!({
        "id": format!("si_{serial:05}{position}"),
        "object": "subscription_item",
        "quantity": 1 + dice.below(4) as i64,
        "current_period_end": 1_800_000_000 + (dice.below(40) * 3600) as i64,
        "price": {
            "id": format!("price_{}", dice.below(9)),
            "unit_amount": (dice.below(20) * 500) as i64,
            "currency": "usd",
            "recurring": {"interval": interval, "interval_count": 1 + dice.below(3) as i64, "usage_type": "licensed"},
        },
    })
}

/// A random subscription; `serial` keeps ids unique.
fn random_subscription(dice: &mut Dice, serial: usize) -> Value {
    let items: Vec<Value> = (0..1 + dice.below(3)).map(|position| random_item(dice, serial, position)).collect();
    json!({
        "id": format!("sub_{:06x}{serial:05}", dice.below(0xff_ffff)),
        "object": "subscription",
        "customer": format!("cus_{:03}", dice.below(30)),
        "status": *dice.pick(STATUSES),
        "currency": "usd",
        "cancel_at_period_end": dice.below(5) == 0,
        "trial_end": null,
        "created": 1_700_000_000 + dice.below(300) as i64,
        "items": {"object": "list", "data": items, "has_more": false},
    })
}

/// Customers 0–19 are cached (so their subscriptions carry names); 20–29 are not.
fn customers() -> Vec<Value> {
    (0..20)
        .map(|n| {
            json!({
                "id": format!("cus_{n:03}"), "object": "customer",
                "name": format!("{} {n}", NAMES[n % NAMES.len()]), "email": format!("billing{n}@example.org"),
                "created": 1_600_000_000,
            })
        })
        .collect()
}

fn write(store: &Store, account_id: &str, resource: &str, objects: &[Value], deleted: &[bool]) {
    let kind = by_resource(resource).unwrap();
    store
        .cache_write(account_id, |tx| {
            for (object, deleted) in objects.iter().zip(deleted) {
                tx.upsert(kind, object, 1, *deleted, &FetchedChildren::new())?;
            }
            Ok(())
        })
        .unwrap();
}

struct Reference {
    rows: Vec<Expected>,
    names: HashMap<String, (String, String)>,
}

impl Reference {
    fn name(&self, row: &Expected) -> String {
        self.names.get(&row.customer_id).map(|(name, _)| name.to_ascii_lowercase()).unwrap_or_default()
    }

    fn compare(&self, a: &Expected, b: &Expected, sort: &str) -> Ordering {
        match sort {
            "created" => a.created.cmp(&b.created),
            "mrr" => a.mrr.cmp(&b.mrr),
            "next_renewal" => a.next_renewal.unwrap_or(i64::MIN).cmp(&b.next_renewal.unwrap_or(i64::MIN)),
            "customer" => self.name(a).cmp(&self.name(b)),
            other => panic!("no sort {other}"),
        }
        .then_with(|| a.id.cmp(&b.id))
    }

    fn matches(&self, row: &Expected, search: &str) -> bool {
        let search = search.trim().to_lowercase();
        let (name, email) =
            self.names.get(&row.customer_id).map_or(("", ""), |(name, email)| (name.as_str(), email.as_str()));
        [name, email, row.id.as_str(), row.customer_id.as_str()]
            .into_iter()
            .any(|field| field.to_lowercase().contains(&search))
    }

    fn ids(&self, query: &ListQuery) -> Vec<String> {
        let (sort, descending) = match query.sort.as_deref() {
            Some(sort) => (sort, query.descending),
            None => ("created", true),
        };
        let mut found: Vec<&Expected> = self
            .rows
            .iter()
            .filter(|row| query.status.as_deref().is_none_or(|status| row.status == status))
            .filter(|row| query.search.as_deref().is_none_or(|search| self.matches(row, search)))
            .collect();
        found.sort_by(|a, b| if descending { self.compare(b, a, sort) } else { self.compare(a, b, sort) });
        found.into_iter().map(|row| row.id.clone()).collect()
    }
}

/// A random cache; answers the reference built from the objects themselves.
fn random_cache(store: &Store, dice: &mut Dice, count: usize) -> Reference {
    let people = customers();
    write(store, ACCOUNT, "customers", &people, &vec![false; people.len()]);
    let subscriptions: Vec<Value> = (0..count).map(|serial| random_subscription(dice, serial)).collect();
    // About one in twenty is a tombstone, which the list does not show.
    let deleted: Vec<bool> = (0..count).map(|_| dice.below(20) == 0).collect();
    write(store, ACCOUNT, "subscriptions", &subscriptions, &deleted);
    // Another account's subscriptions must never show up.
    let others: Vec<Value> = (0..100).map(|serial| random_subscription(dice, 90_000 + serial)).collect();
    write(store, OTHER, "subscriptions", &others, &vec![false; others.len()]);
    let rows = subscriptions
        .iter()
        .zip(&deleted)
        .filter(|(_, deleted)| !**deleted)
        .map(|(subscription, _)| Expected {
            id: subscription["id"].as_str().unwrap().to_string(),
            status: subscription["status"].as_str().unwrap().to_string(),
            customer_id: subscription["customer"].as_str().unwrap().to_string(),
            mrr: subscription_mrr(subscription),
            next_renewal: next_renewal(subscription),
            created: subscription["created"].as_i64().unwrap(),
        })
        .collect();
    let names = people
        .iter()
        .map(|c| {
            let text = |field: &str| c[field].as_str().unwrap().to_string();
            (text("id"), (text("name"), text("email")))
        })
        .collect();
    Reference { rows, names }
}

#[test]
fn every_subscription_list_query_equals_a_full_scan_sorted_in_rust() {
    let (_dir, store) = open();
    let mut dice = Dice(0x5eb5_c417);
    let reference = random_cache(&store, &mut dice, 500);
    assert!(reference.rows.len() > 400 && reference.rows.iter().any(|row| row.mrr > 0 && row.next_renewal.is_none()));
    // The rows carry the numbers worked out from the JSON.
    let all = store.list_subscriptions(ACCOUNT, &ListQuery { limit: 500, ..ListQuery::default() }).unwrap();
    for row in &all.rows {
        let expected = reference.rows.iter().find(|e| e.id == row.id).unwrap();
        assert_eq!((row.mrr, row.next_renewal), (expected.mrr, expected.next_renewal), "{}", row.id);
        assert_eq!(row.customer_name.is_some(), reference.names.contains_key(&expected.customer_id));
    }
    let sorts = [None, Some("created"), Some("next_renewal"), Some("customer"), Some("mrr")];
    let statuses = [None, Some("active"), Some("trialing"), Some("canceled")];
    let searches = [None, Some("acme"), Some("ACME LABS"), Some("billing1"), Some("sub_"), Some("cus_02"), Some("zzqxv")];
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
            let expected = reference.ids(query);
            let total = expected.len() as i64;
            for offset in [0, 13, total / 2, (total - 40).max(0), total + 1] {
                let page = store.list_subscriptions(ACCOUNT, &ListQuery { offset, ..query.clone() }).unwrap();
                let want: Vec<String> = expected.iter().skip(offset as usize).take(40).cloned().collect();
                assert_eq!(page.total, total, "{query:?}");
                let got: Vec<String> = page.rows.iter().map(|row| row.id.clone()).collect();
                assert_eq!(got, want, "{query:?} offset {offset} (few = {few})");
            }
            let page = |offset, after| {
                let answer = store.list_subscriptions(ACCOUNT, &ListQuery { offset, after, ..query.clone() }).unwrap();
                (answer.rows.iter().map(|row| row.id.clone()).collect(), answer.next)
            };
            assert_eq!(walk_pages(page, |_| {}), expected, "keyset walk of {query:?}");
        }
    }
    FEW_MATCHES.store(2_000, AtomicOrdering::Relaxed);
}

#[test]
fn subscription_queries_are_checked_and_short_searches_say_why() {
    let (_dir, store) = open();
    let reference = random_cache(&store, &mut Dice(11), 50);
    let ten = ListQuery { limit: 10, ..ListQuery::default() };
    let list = |query: ListQuery| store.list_subscriptions(ACCOUNT, &query);
    for (query, what) in [
        (ListQuery { status: Some("paid".into()), ..ten.clone() }, "an invoice status"),
        (ListQuery { sort: Some("total".into()), ..ten.clone() }, "an unindexed sort"),
        (ListQuery { limit: 501, ..ten.clone() }, "an oversized page"),
    ] {
        let err = list(query).unwrap_err();
        assert!(matches!(err, crate::error::Error::Validation(_)), "{what}: {err}");
    }
    let short = list(ListQuery { search: Some("ac".into()), limit: 100, ..ListQuery::default() }).unwrap();
    assert_eq!(short.search_hint.as_deref(), Some(super::SHORT_SEARCH_HINT));
    assert_eq!(short.total, reference.rows.len() as i64, "a short search is not applied");
}

#[test]
fn customer_renames_and_rewrites_reach_the_list_and_its_search_index() {
    let (_dir, store) = open();
    let reference = random_cache(&store, &mut Dice(5), 120);
    let search = |text: &str| {
        store.list_subscriptions(ACCOUNT, &ListQuery { search: Some(text.into()), limit: 500, ..ListQuery::default() }).unwrap()
    };
    // A renamed customer renames its subscriptions.
    let renamed = reference.rows.iter().find(|row| reference.names.contains_key(&row.customer_id)).unwrap();
    let customer = json!({"id": renamed.customer_id, "object": "customer", "name": "Quuxly Ltd", "email": "ap@quuxly.example", "created": 1});
    let customers = by_resource("customers").unwrap();
    store.cache_write(ACCOUNT, |tx| tx.upsert(customers, &customer, 2, false, &FetchedChildren::new())).unwrap();
    let found = search("quuxly");
    let owned = reference.rows.iter().filter(|row| row.customer_id == renamed.customer_id).count();
    assert_eq!(found.total, owned as i64);
    assert!(found.rows.iter().all(|row| row.customer_name.as_deref() == Some("Quuxly Ltd")));
    // A customer cached after its subscriptions names them too.
    let late = reference.rows.iter().find(|row| !reference.names.contains_key(&row.customer_id)).unwrap();
    let customer = json!({"id": late.customer_id, "object": "customer", "name": "Latecomer", "email": null, "created": 1});
    store.cache_write(ACCOUNT, |tx| tx.upsert(customers, &customer, 2, false, &FetchedChildren::new())).unwrap();
    assert!(search("latecomer").rows.iter().any(|row| row.id == late.id));
    // A newer snapshot that cancels a subscription drops its revenue and renewal; a
    // deleted one is not found.
    let subscriptions = by_resource("subscriptions").unwrap();
    let mut canceled = random_subscription(&mut Dice(9), 1);
    canceled["id"] = json!(reference.rows[0].id);
    canceled["status"] = json!("canceled");
    let mut gone = random_subscription(&mut Dice(10), 2);
    gone["id"] = json!(reference.rows[1].id);
    store
        .cache_write(ACCOUNT, |tx| {
            tx.upsert(subscriptions, &canceled, 2, false, &FetchedChildren::new())?;
            tx.upsert(subscriptions, &gone, 2, true, &FetchedChildren::new())
        })
        .unwrap();
    store.verify_search_indexes().unwrap();
    let found = search(&reference.rows[0].id);
    let row = &found.rows[0];
    assert_eq!((row.status.as_str(), row.mrr, row.next_renewal), ("canceled", 0, None));
    assert_eq!(search(&reference.rows[1].id).total, 0, "a deleted subscription is not found");
}
