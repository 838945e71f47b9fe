//! The payments and refunds lists against a naive reference: random payment intents, charges
//! and customers written through the sync's apply path in any order (a charge before its
//! intent, a customer after its payments), every status × sort × direction × search × filter
//! compared with a full scan whose status is worked out in Rust, keyset walks, and the derived
//! status following a charge refunded or disputed later.

use std::cmp::Ordering;
use std::sync::atomic::Ordering as AtomicOrdering;

use serde_json::{json, Value};

use super::reference_tests::{open, walk_pages, Dice, ACCOUNT, OTHER};
use super::FEW_MATCHES;
use crate::payments::{PaymentFilters, PaymentRow, RefundRow};
use crate::store::cache::kinds::by_resource;
use crate::store::{FetchedChildren, ListQuery, Store};

const NAMES: &[&str] = &["Acme GmbH", "acme labs", "Globex", "Zürich Rück"];
const INTENT_STATUSES: &[&str] =
    &["succeeded", "succeeded", "succeeded", "requires_payment_method", "requires_capture", "canceled", "processing", "requires_action"];

/// A random payment: its intent, its latest charge (if any) and what the reference expects
/// its list status to be.
struct Made {
    intent: Value,
    charge: Option<Value>,
    status: &'static str,
}

fn random_payment(dice: &mut Dice, serial: usize) -> Made {
    let id = format!("pi_{:06x}{serial:05}", dice.below(0xff_ffff));
    let status = *dice.pick(INTENT_STATUSES);
    let amount = (dice.below(12) * 500 + 500) as i64;
    let attempted = status != "requires_action" && (status != "requires_payment_method" || dice.below(2) == 0);
    let charge_id = format!("ch_{serial:06}");
    let failed = status == "requires_payment_method" && attempted;
    let disputed = status == "succeeded" && dice.below(8) == 0;
    let refunded = if status == "succeeded" { *dice.pick(&[0, 0, amount / 2, amount]) } else { 0 };
    let intent = json!({
        "id": id,
        "object": "payment_intent",
        "amount": amount,
        "currency": *dice.pick(&["eur", "usd"]),
        "customer": (dice.below(6) > 0).then(|| format!("cus_{:03}", dice.below(8))),
        "description": (dice.below(3) > 0).then(|| format!("Order {} {}", dice.below(50), dice.pick(&["Booth", "Sponsor", "Ticket"]))),
        "status": status,
        "latest_charge": attempted.then(|| charge_id.clone()),
        "last_payment_error": failed.then(|| json!({ "message": "Your card was declined." })),
        "created": 1_700_000_000 + dice.below(400) as i64,
    });
    let charge = attempted.then(|| {
        json!({
            "id": charge_id,
            "object": "charge",
            "payment_intent": id,
            "amount": amount,
            "amount_captured": if status == "succeeded" { amount } else { 0 },
            "amount_refunded": refunded,
            "refunded": refunded == amount,
            "captured": status == "succeeded",
            "disputed": disputed,
            "status": if failed { "failed" } else { "succeeded" },
            "currency": intent["currency"],
            "payment_method_details": { "type": "card", "card": { "brand": "visa", "last4": "4242" } },
            "created": intent["created"],
        })
    });
    let expected = match status {
        _ if disputed => "disputed",
        "succeeded" if refunded == amount => "refunded",
        "succeeded" if refunded > 0 => "partially_refunded",
        "succeeded" => "succeeded",
        "requires_capture" => "uncaptured",
        "processing" => "processing",
        "canceled" => "canceled",
        "requires_payment_method" if failed => "failed",
        _ => "requires_action",
    };
    Made { intent, charge, status: expected }
}

fn write(store: &Store, account_id: &str, resource: &str, objects: &[Value]) {
    let kind = by_resource(resource).unwrap();
    store
        .cache_write(account_id, |tx| {
            for object in objects {
                tx.upsert(kind, object, 1, false, &FetchedChildren::new())?;
            }
            Ok(())
        })
        .unwrap();
}

fn customers() -> Vec<Value> {
    (0..8)
        .map(|n| json!({ "id": format!("cus_{n:03}"), "object": "customer", "name": NAMES[n % NAMES.len()], "email": format!("ap{n}@example.com") }))
        .collect()
}

/// The reference row: what the list must show, worked out in Rust.
#[derive(Debug, Clone)]
struct Expected {
    id: String,
    status: &'static str,
    amount: i64,
    currency: String,
    customer_id: Option<String>,
    searchable: Vec<String>,
    created: i64,
}

fn expected(made: &Made) -> Expected {
    let intent = &made.intent;
    let customer = intent["customer"].as_str().map(str::to_string);
    let mut searchable = vec![intent["id"].as_str().unwrap().to_string()];
    if let Some(customer) = &customer {
        let n: usize = customer[4..].parse().unwrap();
        searchable.extend([customer.clone(), NAMES[n % NAMES.len()].to_string(), format!("ap{n}@example.com")]);
    }
    searchable.extend(intent["description"].as_str().map(str::to_string));
    Expected {
        id: intent["id"].as_str().unwrap().into(),
        status: made.status,
        amount: intent["amount"].as_i64().unwrap(),
        currency: intent["currency"].as_str().unwrap().into(),
        customer_id: customer,
        searchable,
        created: intent["created"].as_i64().unwrap(),
    }
}

fn compare(a: &Expected, b: &Expected, sort: &str) -> Ordering {
    match sort {
        "created" => a.created.cmp(&b.created),
        "amount" => a.amount.cmp(&b.amount),
        "status" => a.status.cmp(b.status),
        other => panic!("no sort {other}"),
    }
    .then_with(|| a.id.cmp(&b.id))
}

fn reference(all: &[Expected], query: &ListQuery, filters: &PaymentFilters) -> Vec<String> {
    let (sort, descending) = query.sort.as_deref().map_or(("created", true), |sort| (sort, query.descending));
    let mut found: Vec<&Expected> = all
        .iter()
        .filter(|row| query.status.as_deref().is_none_or(|status| row.status == status))
        .filter(|row| {
            query.search.as_deref().is_none_or(|search| {
                let search = search.trim().to_lowercase();
                row.searchable.iter().any(|field| field.to_lowercase().contains(&search))
            })
        })
        .filter(|row| filters.created_from.is_none_or(|from| row.created >= from))
        .filter(|row| filters.created_to.is_none_or(|to| row.created < to))
        .filter(|row| filters.amount_min.is_none_or(|min| row.amount >= min))
        .filter(|row| filters.amount_max.is_none_or(|max| row.amount <= max))
        .filter(|row| filters.customer_id.as_deref().is_none_or(|c| row.customer_id.as_deref() == Some(c)))
        .filter(|row| filters.currency.as_deref().is_none_or(|c| row.currency == c))
        .collect();
    found.sort_by(|a, b| if descending { compare(b, a, sort) } else { compare(a, b, sort) });
    found.into_iter().map(|row| row.id.clone()).collect()
}

fn ids(rows: &[PaymentRow]) -> Vec<String> {
    rows.iter().map(|row| row.id.clone()).collect()
}

/// Writes `count` random payments: half the charges before their intents, the customers last
/// (so the copied names come from the customer triggers), and another account's payments.
fn random_cache(store: &Store, dice: &mut Dice, count: usize) -> Vec<Made> {
    let made: Vec<Made> = (0..count).map(|serial| random_payment(dice, serial)).collect();
    let (early, late): (Vec<&Made>, Vec<&Made>) = made.iter().partition(|m| m.intent["created"].as_i64().unwrap() % 2 == 0);
    let charges = |list: &[&Made]| list.iter().filter_map(|m| m.charge.clone()).collect::<Vec<_>>();
    let intents = |list: &[&Made]| list.iter().map(|m| m.intent.clone()).collect::<Vec<_>>();
    write(store, ACCOUNT, "charges", &charges(&early));
    write(store, ACCOUNT, "payment_intents", &intents(&early));
    write(store, ACCOUNT, "payment_intents", &intents(&late));
    write(store, ACCOUNT, "charges", &charges(&late));
    write(store, ACCOUNT, "customers", &customers());
    let others: Vec<Made> = (0..80).map(|serial| random_payment(dice, 90_000 + serial)).collect();
    write(store, OTHER, "payment_intents", &others.iter().map(|m| m.intent.clone()).collect::<Vec<_>>());
    made
}

#[test]
fn every_payment_list_query_equals_a_full_scan_with_statuses_worked_out_in_rust() {
    let (_dir, store) = open();
    let mut dice = Dice(0x9a7e_5eed);
    let made = random_cache(&store, &mut dice, 400);
    let all: Vec<Expected> = made.iter().map(expected).collect();
    for status in crate::payments::PAYMENT_STATUSES {
        assert!(all.iter().any(|row| row.status == *status), "the sample holds a {status} payment");
    }
    let filter_sets = [
        PaymentFilters::default(),
        PaymentFilters { created_from: Some(1_700_000_100), created_to: Some(1_700_000_300), ..PaymentFilters::default() },
        PaymentFilters { amount_min: Some(1_500), amount_max: Some(4_000), currency: Some("eur".into()), ..PaymentFilters::default() },
        PaymentFilters { customer_id: Some("cus_002".into()), ..PaymentFilters::default() },
    ];
    let statuses = [None, Some("succeeded"), Some("failed"), Some("partially_refunded"), Some("disputed"), Some("uncaptured")];
    let searches = [None, Some("acme"), Some("ZÜRICH"), Some("ap3@"), Some("booth"), Some("pi_0"), Some("zzqxv")];
    for few in [i64::MAX, 0] {
        FEW_MATCHES.store(few, AtomicOrdering::Relaxed);
        for filters in &filter_sets {
            for status in statuses {
                for sort in [None, Some("created"), Some("amount"), Some("status")] {
                    for search in searches {
                        let query = ListQuery {
                            search: search.map(str::to_string),
                            status: status.map(str::to_string),
                            sort: sort.map(str::to_string),
                            descending: search.is_some(),
                            limit: 30,
                            ..ListQuery::default()
                        };
                        let expected = reference(&all, &query, filters);
                        let total = expected.len() as i64;
                        for offset in [0, 7, (total - 30).max(0)] {
                            let page = store.list_payments(ACCOUNT, &ListQuery { offset, ..query.clone() }, filters).unwrap();
                            let want: Vec<String> = expected.iter().skip(offset as usize).take(30).cloned().collect();
                            assert_eq!(page.total, total, "{query:?} {filters:?}");
                            assert_eq!(ids(&page.rows), want, "{query:?} {filters:?} offset {offset} (few = {few})");
                        }
                        let page = |offset, after| {
                            let answer = store.list_payments(ACCOUNT, &ListQuery { offset, after, ..query.clone() }, filters).unwrap();
                            (ids(&answer.rows), answer.next)
                        };
                        assert_eq!(walk_pages(page, |_| {}), expected, "keyset walk of {query:?} {filters:?}");
                    }
                }
            }
        }
    }
    FEW_MATCHES.store(2_000, AtomicOrdering::Relaxed);
    store.verify_search_indexes().unwrap();
}

#[test]
fn a_payment_row_shows_its_decline_refunds_and_card_and_follows_its_charge() {
    let (_dir, store) = open();
    let made = random_cache(&store, &mut Dice(77), 120);
    let list = |status: &str| {
        let query = ListQuery { status: Some(status.into()), limit: 500, ..ListQuery::default() };
        store.list_payments(ACCOUNT, &query, &PaymentFilters::default()).unwrap().rows
    };
    let failed = list("failed");
    assert!(!failed.is_empty() && failed.iter().all(|row| row.decline_reason.as_deref() == Some("Your card was declined.")));
    let partly = list("partially_refunded");
    assert!(partly.iter().all(|row| row.amount_refunded * 2 == row.amount && row.method.as_deref() == Some("Visa •••• 4242")));

    // A succeeded payment's charge is refunded in full, then disputed: the status follows.
    let paid = made.iter().find(|m| m.status == "succeeded").unwrap();
    let mut charge = paid.charge.clone().unwrap();
    charge["amount_refunded"] = charge["amount"].clone();
    charge["refunded"] = json!(true);
    write(&store, ACCOUNT, "charges", &[charge.clone()]);
    let id = paid.intent["id"].as_str().unwrap();
    assert!(ids(&list("refunded")).contains(&id.to_string()));
    charge["disputed"] = json!(true);
    write(&store, ACCOUNT, "charges", &[charge]);
    assert!(ids(&list("disputed")).contains(&id.to_string()));
    assert!(!ids(&list("refunded")).contains(&id.to_string()));

    let bad = ListQuery { status: Some("paid".into()), limit: 10, ..ListQuery::default() };
    assert!(store.list_payments(ACCOUNT, &bad, &PaymentFilters::default()).is_err());
    let backwards = PaymentFilters { amount_min: Some(10), amount_max: Some(5), ..PaymentFilters::default() };
    assert!(store.list_payments(ACCOUNT, &ListQuery { limit: 10, ..ListQuery::default() }, &backwards).is_err());
}

fn random_refund(dice: &mut Dice, serial: usize) -> Value {
    json!({
        "id": format!("re_{:06x}{serial:05}", dice.below(0xff_ffff)),
        "object": "refund",
        "amount": (dice.below(10) * 300 + 100) as i64,
        "charge": format!("ch_{:04}", dice.below(90)),
        "payment_intent": format!("pi_{:04}", dice.below(90)),
        "status": *dice.pick(crate::payments::REFUND_STATUSES),
        "reason": *dice.pick(&["requested_by_customer", "duplicate"]),
        "currency": "eur",
        "created": 1_700_000_000 + dice.below(200) as i64,
    })
}

#[test]
fn every_refund_list_query_equals_a_full_scan_sorted_in_rust() {
    let (_dir, store) = open();
    let mut dice = Dice(0x4e_f00d);
    let refunds: Vec<Value> = (0..300).map(|serial| random_refund(&mut dice, serial)).collect();
    write(&store, ACCOUNT, "refunds", &refunds);
    write(&store, OTHER, "refunds", &(0..50).map(|serial| random_refund(&mut dice, 9_000 + serial)).collect::<Vec<_>>());
    let all: Vec<RefundRow> = refunds.iter().map(RefundRow::from_stripe).collect();
    for status in [None, Some("pending"), Some("succeeded"), Some("failed")] {
        for sort in ["created", "amount", "status"] {
            for search in [None, Some("ch_001"), Some("PI_004"), Some("re_")] {
                let query = ListQuery {
                    search: search.map(str::to_string),
                    status: status.map(str::to_string),
                    sort: Some(sort.into()),
                    descending: true,
                    limit: 25,
                    ..ListQuery::default()
                };
                let mut expected: Vec<&RefundRow> = all
                    .iter()
                    .filter(|row| status.is_none_or(|status| row.status == status))
                    .filter(|row| {
                        search.is_none_or(|search| {
                            let search = search.to_lowercase();
                            [Some(&row.id), row.charge_id.as_ref(), row.payment_intent_id.as_ref()]
                                .into_iter()
                                .flatten()
                                .any(|field| field.to_lowercase().contains(&search))
                        })
                    })
                    .collect();
                let key = |row: &RefundRow| match sort {
                    "created" => (row.created, String::new()),
                    "amount" => (row.amount, String::new()),
                    _ => (0, row.status.clone()),
                };
                expected.sort_by(|a, b| (key(b), &b.id).cmp(&(key(a), &a.id)));
                let expected: Vec<String> = expected.into_iter().map(|row| row.id.clone()).collect();
                let page = |offset, after| {
                    let answer = store.list_refunds(ACCOUNT, &ListQuery { offset, after, ..query.clone() }).unwrap();
                    (answer.rows.iter().map(|row| row.id.clone()).collect(), answer.next)
                };
                assert_eq!(walk_pages(page, |_| {}), expected, "{query:?}");
            }
        }
    }
    assert!(store.list_refunds(ACCOUNT, &ListQuery { status: Some("open".into()), limit: 5, ..ListQuery::default() }).is_err());
}
