//! The plan on hand-made snapshots: creations with their default, adoption by name, a
//! changed price as new plus archived, archives limited to products the copy manages, and
//! an empty plan once the target has what the source has.

use std::collections::BTreeMap;

use super::*;
use crate::catalog::copy::{KEY_METADATA, OPERATION_METADATA};

fn price(currency: &str, unit_amount: i64, interval: Option<&str>) -> SnapshotPrice {
    SnapshotPrice {
        id: None,
        currency: currency.into(),
        unit_amount,
        kind: if interval.is_some() {
            "recurring"
        } else {
            "one_time"
        }
        .into(),
        interval: interval.map(str::to_string),
        interval_count: interval.map(|_| 1),
        tax_behavior: "exclusive".into(),
        nickname: None,
        active: true,
        lookup_key: None,
        default: false,
    }
}

fn product(key: &str, name: &str, prices: Vec<SnapshotPrice>) -> SnapshotProduct {
    SnapshotProduct {
        key: key.into(),
        id: Some(key.into()),
        name: name.into(),
        description: None,
        active: true,
        metadata: BTreeMap::new(),
        tax_code: None,
        prices,
    }
}

/// The target's copy of `source`: ids of its own, the key in its metadata.
fn copied(source: &SnapshotProduct, id: &str) -> TargetProduct {
    let mut snapshot = source.clone();
    snapshot.id = Some(id.into());
    for (at, price) in snapshot.prices.iter_mut().enumerate() {
        price.id = Some(format!("{id}_price{at}"));
    }
    let mut keys: Vec<String> = source.metadata.keys().cloned().collect();
    keys.push(KEY_METADATA.into());
    TargetProduct {
        snapshot,
        billfold_key: Some(source.key.clone()),
        metadata_keys: keys,
    }
}

fn unkeyed(name: &str, id: &str) -> TargetProduct {
    TargetProduct {
        snapshot: product(id, name, Vec::new()),
        billfold_key: None,
        metadata_keys: Vec::new(),
    }
}

fn kinds(plan: &CopyPlan) -> Vec<&'static str> {
    plan.actions
        .iter()
        .map(|action| match action.step {
            CopyStep::CreateProduct { .. } => "create product",
            CopyStep::UpdateProduct { .. } => "update product",
            CopyStep::CreatePrice { .. } => "create price",
            CopyStep::UpdatePrice { .. } => "update price",
            CopyStep::SetDefaultPrice { .. } => "set default",
        })
        .collect()
}

fn membership() -> SnapshotProduct {
    let mut monthly = price("eur", 1_000, Some("month"));
    monthly.default = true;
    let mut pack = product(
        "prod_m",
        "Membership",
        vec![monthly, price("eur", 10_000, Some("year"))],
    );
    pack.metadata.insert("credits".into(), "5000".into());
    pack
}

#[test]
fn a_new_product_is_created_with_its_key_its_prices_and_its_default() {
    let source = CatalogSnapshot {
        products: vec![membership()],
    };
    let plan = plan(&source, &[]).unwrap();
    assert_eq!(
        kinds(&plan),
        [
            "create product",
            "create price",
            "create price",
            "set default"
        ]
    );
    let CopyStep::CreateProduct { form } = &plan.actions[0].step else {
        unreachable!()
    };
    assert!(form.contains(&pair("metadata[billfold_key]", "prod_m")));
    assert!(form.contains(&pair("metadata[credits]", "5000")));
    let CopyStep::CreatePrice { product, form } = &plan.actions[1].step else {
        unreachable!()
    };
    assert_eq!(product, &ObjectRef::Created(0));
    assert!(form.contains(&pair("recurring[interval]", "month")));
    assert!(form.contains(&pair("unit_amount", "1000")));
    let default = CopyStep::SetDefaultPrice {
        product: ObjectRef::Created(0),
        price: Some(ObjectRef::Created(1)),
    };
    assert_eq!(plan.actions[3].step, default);
    assert_eq!(
        plan.actions[1].text,
        "Add price EUR 10.00 per month, tax exclusive"
    );
    let counts = &plan.counts;
    assert_eq!(
        (
            counts.products_created,
            counts.prices_created,
            counts.requests
        ),
        (1, 2, 4)
    );
    assert_eq!(plan.products[0].change, ProductChange::Create);
    assert_eq!(plan.products[0].lines.len(), 4);
}

#[test]
fn a_target_that_has_what_the_source_has_gets_an_empty_plan() {
    let source = CatalogSnapshot {
        products: vec![membership()],
    };
    let plan = plan(&source, &[copied(&source.products[0], "prod_t")]).unwrap();
    assert!(plan.actions.is_empty(), "{:?}", plan.actions);
    assert_eq!(
        (plan.counts.products_unchanged, plan.counts.requests),
        (1, 0)
    );
    assert_eq!(plan.products[0].change, ProductChange::Unchanged);
}

#[test]
fn a_changed_price_is_a_new_price_and_the_old_one_archived_after_the_default_moves() {
    let source = membership();
    let target = copied(&source, "prod_t");
    let mut changed = source.clone();
    changed.prices[0].unit_amount = 1_200;
    let plan = plan(
        &CatalogSnapshot {
            products: vec![changed],
        },
        &[target],
    )
    .unwrap();
    assert_eq!(
        kinds(&plan),
        ["create price", "set default", "update price"]
    );
    assert!(
        plan.actions[0]
            .text
            .contains("to replace EUR 10.00 per month"),
        "{}",
        plan.actions[0].text
    );
    assert!(plan.actions[0].text.contains("Stripe prices cannot change"));
    let archive = CopyStep::UpdatePrice {
        price_id: "prod_t_price0".into(),
        form: vec![pair("active", "false")],
    };
    assert_eq!(plan.actions[2].step, archive);
    let default = CopyStep::SetDefaultPrice {
        product: ObjectRef::Existing("prod_t".into()),
        price: Some(ObjectRef::Created(0)),
    };
    assert_eq!(plan.actions[1].step, default);
    assert_eq!(
        (
            plan.counts.prices_created,
            plan.counts.prices_archived,
            plan.counts.products_updated
        ),
        (1, 1, 1)
    );
}

#[test]
fn an_unkeyed_product_of_the_same_name_is_adopted_and_unrelated_ones_are_left_alone() {
    let source = CatalogSnapshot {
        products: vec![product("prod_p", "Pass", Vec::new())],
    };
    let mut gone = copied(&product("old", "Old workshop", Vec::new()), "prod_old");
    gone.snapshot.metadata.clear();
    let targets = [unkeyed("Pass", "prod_x"), unkeyed("Dinner", "prod_d"), gone];
    let plan = plan(&source, &targets).unwrap();
    assert_eq!(kinds(&plan), ["update product", "update product"]);
    let adopt = CopyStep::UpdateProduct {
        product: ObjectRef::Existing("prod_x".into()),
        form: vec![pair("metadata[billfold_key]", "prod_p")],
    };
    assert_eq!(plan.actions[0].step, adopt);
    let archive = CopyStep::UpdateProduct {
        product: ObjectRef::Existing("prod_old".into()),
        form: vec![pair("active", "false")],
    };
    assert_eq!(plan.actions[1].step, archive);
    assert_eq!(
        plan.products.iter().map(|p| p.change).collect::<Vec<_>>(),
        [ProductChange::Update, ProductChange::Archive]
    );
    assert_eq!(plan.counts.products_archived, 1);
}

#[test]
fn an_archived_source_product_archives_its_copy_and_is_not_created() {
    let mut archived = product("prod_a", "Old", Vec::new());
    archived.active = false;
    let mut never = product("prod_n", "Never", Vec::new());
    never.active = false;
    let source = CatalogSnapshot {
        products: vec![archived.clone(), never],
    };
    let mut target = copied(&archived, "prod_t");
    target.snapshot.active = true;
    let plan = plan(&source, &[target]).unwrap();
    assert_eq!(kinds(&plan), ["update product"]);
    assert!(plan.actions[0].text.contains("archived in the source"));
    assert_eq!(
        plan.notes,
        ["'Never' is archived in the source and not copied."]
    );
}

#[test]
fn product_fields_that_differ_are_updated_and_dropped_metadata_cleared() {
    let source = product("k", "Pass 2027", Vec::new());
    let mut target = copied(&product("k", "Pass", Vec::new()), "prod_t");
    target.snapshot.description = Some("Old".into());
    target.snapshot.active = false;
    target.metadata_keys.push("track".into());
    target.metadata_keys.push(OPERATION_METADATA.into());
    let plan = plan(
        &CatalogSnapshot {
            products: vec![source],
        },
        &[target],
    )
    .unwrap();
    let CopyStep::UpdateProduct { form, .. } = &plan.actions[0].step else {
        unreachable!()
    };
    let expected = [
        pair("name", "Pass 2027"),
        pair("description", ""),
        pair("metadata[track]", ""),
        pair("active", "true"),
    ];
    assert_eq!(form.as_slice(), expected);
    assert!(plan.actions[0].text.contains("name 'Pass' → 'Pass 2027'"));
    assert!(plan.actions[0].text.contains("unarchive"));
}

#[test]
fn an_archived_target_price_is_unarchived_rather_than_made_again() {
    let source = membership();
    let mut target = copied(&source, "prod_t");
    target.snapshot.prices[1].active = false;
    let plan = plan(
        &CatalogSnapshot {
            products: vec![source],
        },
        &[target],
    )
    .unwrap();
    let unarchive = CopyStep::UpdatePrice {
        price_id: "prod_t_price1".into(),
        form: vec![pair("active", "true")],
    };
    assert_eq!(
        plan.actions.iter().map(|a| &a.step).collect::<Vec<_>>(),
        [&unarchive]
    );
    assert_eq!(plan.counts.prices_updated, 1);
}

#[test]
fn two_products_with_one_key_are_refused_and_the_digest_follows_the_actions() {
    let twice = CatalogSnapshot {
        products: vec![product("k", "A", Vec::new()), product("k", "B", Vec::new())],
    };
    assert!(
        matches!(plan(&twice, &[]), Err(Error::Validation(message)) if message.contains("same key 'k'"))
    );
    let one = plan(
        &CatalogSnapshot {
            products: vec![membership()],
        },
        &[],
    )
    .unwrap();
    let again = plan(
        &CatalogSnapshot {
            products: vec![membership()],
        },
        &[],
    )
    .unwrap();
    assert_eq!(one.digest, again.digest);
    let mut other = membership();
    other.prices[1].unit_amount = 9_900;
    assert_ne!(
        plan(
            &CatalogSnapshot {
                products: vec![other]
            },
            &[]
        )
        .unwrap()
        .digest,
        one.digest
    );
}
