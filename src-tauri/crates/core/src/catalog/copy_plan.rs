//! The dry run of a catalog copy: a source snapshot compared with the target's cache gives
//! every action the copy will take, each with a sentence for people, in the order it runs.
//!
//! Products are matched by `metadata.billfold_key`, then by exact name among target products
//! without a key (which the copy then adopts). An active source product is created or updated;
//! an archived one archives its match. A target product with a key that no source product has
//! is archived; products without a key are never touched unless matched. Within a matched
//! product, prices pair up by (currency, unit amount, type, interval, interval count, tax
//! behaviour): an unpaired source price is created and an unpaired target price archived.
//! Stripe prices cannot change, so a changed price is a new price plus the old one archived.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use ts_rs::TS;

use super::copy::{CatalogSnapshot, SnapshotPrice, SnapshotProduct, TargetProduct};
use super::copy_forms::{pair, price_form, price_key, price_label, product_changes, product_form};
use crate::error::{Error, Result};

/// A form as sent, in order.
pub type Form = Vec<(String, String)>;

/// A product or price an action works on: one the target has, or one an earlier action of
/// the same plan creates (by that action's position).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ObjectRef {
    /// Its id in the target account.
    Existing(String),
    /// Made by the action at this position of the plan.
    Created(u32),
}

/// One request of the copy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum CopyStep {
    /// `POST /v1/products`.
    CreateProduct {
        /// The form, `metadata[billfold_key]` included.
        form: Form,
    },
    /// `POST /v1/products/{id}`: edit, archive or unarchive.
    UpdateProduct {
        /// The product.
        product: ObjectRef,
        /// What changes.
        form: Form,
    },
    /// `POST /v1/prices` on a product.
    CreatePrice {
        /// Its product.
        product: ObjectRef,
        /// The form, without `product`.
        form: Form,
    },
    /// `POST /v1/prices/{id}`: nickname, lookup key, archive or unarchive.
    UpdatePrice {
        /// The price.
        price_id: String,
        /// What changes.
        form: Form,
    },
    /// `POST /v1/products/{id}` with `default_price` (cleared when `None`).
    SetDefaultPrice {
        /// The product.
        product: ObjectRef,
        /// Its new default price.
        price: Option<ObjectRef>,
    },
}

/// One action of the plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct CopyAction {
    /// What it does, in words.
    pub text: String,
    /// The request.
    pub step: CopyStep,
}

/// What happens to one product.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ProductChange {
    /// Made in the target with its prices.
    Create,
    /// Changed in the target (its fields or its prices).
    Update,
    /// Archived in the target.
    Archive,
    /// Already as the source has it.
    Unchanged,
}

/// One product of the plan with what happens to it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct PlannedProduct {
    /// Its `billfold_key`.
    pub key: String,
    /// Its name (the source's, or the target's for an archive).
    pub name: String,
    /// What happens to it.
    pub change: ProductChange,
    /// The texts of its actions, in order.
    pub lines: Vec<String>,
}

/// How much the plan does.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct CopyCounts {
    /// Products to create.
    pub products_created: u32,
    /// Products to change.
    pub products_updated: u32,
    /// Products to archive.
    pub products_archived: u32,
    /// Products left as they are.
    pub products_unchanged: u32,
    /// Prices to create.
    pub prices_created: u32,
    /// Prices to archive.
    pub prices_archived: u32,
    /// Prices to change (nickname, lookup key, unarchive).
    pub prices_updated: u32,
    /// Requests to Stripe: one per action.
    pub requests: u32,
}

/// The dry run: what applying the copy will do, exactly.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct CopyPlan {
    /// Every product concerned, in the order of the source, then those archived.
    pub products: Vec<PlannedProduct>,
    /// Every request, in the order they run.
    pub actions: Vec<CopyAction>,
    /// Counts of the above.
    pub counts: CopyCounts,
    /// What the copy leaves out and why.
    pub notes: Vec<String>,
    /// A fingerprint of the actions: applying refuses when the recomputed plan's differs.
    pub digest: String,
}

/// The plan being built.
struct Builder<'a> {
    actions: Vec<CopyAction>,
    products: Vec<PlannedProduct>,
    counts: CopyCounts,
    notes: Vec<String>,
    /// Lookup keys the target's prices hold.
    lookup_keys: BTreeSet<&'a str>,
}

impl<'a> Builder<'a> {
    /// Adds an action; answers its position.
    fn push(&mut self, lines: &mut Vec<String>, text: String, step: CopyStep) -> u32 {
        lines.push(text.clone());
        self.actions.push(CopyAction { text, step });
        self.actions.len() as u32 - 1
    }

    fn new_price(
        &mut self,
        lines: &mut Vec<String>,
        product: ObjectRef,
        price: &SnapshotPrice,
        text: String,
    ) -> u32 {
        let transfer = price
            .lookup_key
            .as_deref()
            .is_some_and(|key| self.lookup_keys.contains(key));
        self.counts.prices_created += 1;
        self.push(
            lines,
            text,
            CopyStep::CreatePrice {
                product,
                form: price_form(price, transfer),
            },
        )
    }

    fn create(&mut self, source: &SnapshotProduct) {
        let mut lines = Vec::new();
        let text = format!("Create product '{}'", source.name);
        let at = self.push(
            &mut lines,
            text,
            CopyStep::CreateProduct {
                form: product_form(source),
            },
        );
        let mut default = None;
        for price in source.prices.iter().filter(|price| price.active) {
            let text = format!("Add price {}", price_label(price));
            let made = self.new_price(&mut lines, ObjectRef::Created(at), price, text);
            if price.default {
                default = Some(made);
            }
        }
        if let Some(made) = default {
            let step = CopyStep::SetDefaultPrice {
                product: ObjectRef::Created(at),
                price: Some(ObjectRef::Created(made)),
            };
            self.push(&mut lines, "Make it the default price".to_string(), step);
        }
        self.counts.products_created += 1;
        self.products.push(PlannedProduct {
            key: source.key.clone(),
            name: source.name.clone(),
            change: ProductChange::Create,
            lines,
        });
    }

    fn archive(&mut self, target: &TargetProduct, why: &str) {
        let mut lines = Vec::new();
        let id = target.snapshot.id.clone().unwrap_or_default();
        let step = CopyStep::UpdateProduct {
            product: ObjectRef::Existing(id),
            form: vec![pair("active", "false")],
        };
        self.push(
            &mut lines,
            format!("Archive product '{}' ({why})", target.snapshot.name),
            step,
        );
        self.counts.products_archived += 1;
        let name = target.snapshot.name.clone();
        self.products.push(PlannedProduct {
            key: target.snapshot.key.clone(),
            name,
            change: ProductChange::Archive,
            lines,
        });
    }

    fn update(&mut self, source: &SnapshotProduct, target: &TargetProduct) {
        let mut lines = Vec::new();
        let id = target.snapshot.id.clone().unwrap_or_default();
        let (form, words) = product_changes(source, target);
        if !form.is_empty() {
            let text = format!("Update product '{}': {}", source.name, words.join(", "));
            self.push(
                &mut lines,
                text,
                CopyStep::UpdateProduct {
                    product: ObjectRef::Existing(id.clone()),
                    form,
                },
            );
        }
        self.prices(source, target, &id, &mut lines);
        let change = if lines.is_empty() {
            ProductChange::Unchanged
        } else {
            ProductChange::Update
        };
        match change {
            ProductChange::Unchanged => self.counts.products_unchanged += 1,
            _ => self.counts.products_updated += 1,
        }
        self.products.push(PlannedProduct {
            key: source.key.clone(),
            name: source.name.clone(),
            change,
            lines,
        });
    }

    /// The price actions of a matched product: new ones, changed ones, the default, then the
    /// archived ones (Stripe refuses to archive a default price, so the default moves first).
    fn prices(
        &mut self,
        source: &SnapshotProduct,
        target: &TargetProduct,
        id: &str,
        lines: &mut Vec<String>,
    ) {
        let old = &target.snapshot.prices;
        let mut paired: Vec<Option<usize>> = Vec::new();
        let mut taken = vec![false; old.len()];
        let wanted: Vec<&SnapshotPrice> =
            source.prices.iter().filter(|price| price.active).collect();
        for price in &wanted {
            let candidates: Vec<usize> = (0..old.len())
                .filter(|&i| !taken[i] && price_key(&old[i]) == price_key(price))
                .collect();
            let same = |i: &&usize| {
                old[**i].nickname == price.nickname && old[**i].lookup_key == price.lookup_key
            };
            let choice = candidates
                .iter()
                .find(|i| old[**i].active && same(i))
                .or_else(|| candidates.iter().find(|i| old[**i].active))
                .or_else(|| candidates.first())
                .copied();
            if let Some(i) = choice {
                taken[i] = true;
            }
            paired.push(choice);
        }
        let archived: Vec<usize> = (0..old.len())
            .filter(|&i| !taken[i] && old[i].active)
            .collect();
        let mut default = None;
        for (price, choice) in wanted.iter().zip(&paired) {
            let made = match choice {
                Some(i) => self.changed_price(price, &old[*i], lines),
                None => {
                    let replaced = archived.iter().map(|&i| &old[i]).find(|old| {
                        (&old.currency, &old.kind, &old.interval, old.interval_count)
                            == (
                                &price.currency,
                                &price.kind,
                                &price.interval,
                                price.interval_count,
                            )
                    });
                    let text = match replaced {
                        Some(old) => format!(
                            "Add price {} to replace {} (Stripe prices cannot change: a new price, the old one archived)",
                            price_label(price),
                            price_label(old)
                        ),
                        None => format!("Add price {}", price_label(price)),
                    };
                    ObjectRef::Created(self.new_price(
                        lines,
                        ObjectRef::Existing(id.to_string()),
                        price,
                        text,
                    ))
                }
            };
            if price.default {
                default = Some(made);
            }
        }
        let current = old
            .iter()
            .find(|price| price.default)
            .and_then(|price| price.id.clone());
        let archiving_current = archived.iter().any(|&i| old[i].default);
        let set = match default {
            Some(ObjectRef::Existing(wanted)) if current.as_deref() == Some(wanted.as_str()) => {
                None
            }
            Some(wanted) => Some((Some(wanted), "Make it the default price")),
            None if archiving_current => {
                Some((None, "Clear its default price, which is archived next"))
            }
            None => None,
        };
        if let Some((price, text)) = set {
            let step = CopyStep::SetDefaultPrice {
                product: ObjectRef::Existing(id.to_string()),
                price,
            };
            self.push(lines, text.to_string(), step);
        }
        for i in archived {
            let price = &old[i];
            let step = CopyStep::UpdatePrice {
                price_id: price.id.clone().unwrap_or_default(),
                form: vec![pair("active", "false")],
            };
            self.counts.prices_archived += 1;
            self.push(
                lines,
                format!("Archive price {} (not in the source)", price_label(price)),
                step,
            );
        }
    }

    /// A source price paired with a target price: unarchived and its nickname and lookup key
    /// set when they differ. Answers the target price.
    fn changed_price(
        &mut self,
        price: &SnapshotPrice,
        old: &SnapshotPrice,
        lines: &mut Vec<String>,
    ) -> ObjectRef {
        let id = old.id.clone().unwrap_or_default();
        let (mut form, mut words) = (Form::new(), Vec::new());
        if !old.active {
            form.push(pair("active", "true"));
            words.push("unarchive".to_string());
        }
        if price.nickname != old.nickname {
            form.push(pair("nickname", price.nickname.clone().unwrap_or_default()));
            words.push(format!(
                "nickname '{}'",
                price.nickname.as_deref().unwrap_or("")
            ));
        }
        if price.lookup_key != old.lookup_key {
            form.push(pair(
                "lookup_key",
                price.lookup_key.clone().unwrap_or_default(),
            ));
            if price
                .lookup_key
                .as_deref()
                .is_some_and(|key| self.lookup_keys.contains(key))
            {
                form.push(pair("transfer_lookup_key", "true"));
            }
            words.push(format!(
                "lookup key '{}'",
                price.lookup_key.as_deref().unwrap_or("")
            ));
        }
        if !form.is_empty() {
            self.counts.prices_updated += 1;
            let text = format!("Update price {}: {}", price_label(old), words.join(", "));
            self.push(
                lines,
                text,
                CopyStep::UpdatePrice {
                    price_id: id.clone(),
                    form,
                },
            );
        }
        ObjectRef::Existing(id)
    }
}

/// The target product `source` matches: by key, else by exact name among unkeyed ones
/// (active first). `used` marks targets already matched.
fn find_match(source: &SnapshotProduct, targets: &[TargetProduct], used: &[bool]) -> Option<usize> {
    let free = |i: &usize| !used[*i];
    let by_key = (0..targets.len())
        .filter(free)
        .find(|&i| targets[i].billfold_key.as_deref() == Some(source.key.as_str()));
    by_key.or_else(|| {
        let named: Vec<usize> = (0..targets.len())
            .filter(free)
            .filter(|&i| {
                targets[i].billfold_key.is_none() && targets[i].snapshot.name == source.name
            })
            .collect();
        named
            .iter()
            .find(|&&i| targets[i].snapshot.active)
            .or(named.first())
            .copied()
    })
}

/// A fingerprint of the actions (SHA-256 of their JSON, the first 16 bytes in hex).
fn digest(actions: &[CopyAction]) -> Result<String> {
    let bytes = serde_json::to_vec(actions).map_err(|err| Error::Internal(err.to_string()))?;
    Ok(hex::encode(&Sha256::digest(&bytes)[..16]))
}

/// The plan that makes the target's catalog what `source` has (see the module docs).
pub(super) fn plan(source: &CatalogSnapshot, targets: &[TargetProduct]) -> Result<CopyPlan> {
    let mut keys = BTreeMap::new();
    for product in &source.products {
        if let Some(other) = keys.insert(product.key.as_str(), product.name.as_str()) {
            return Err(Error::Validation(format!(
                "'{other}' and '{}' have the same key '{}': each product needs its own.",
                product.name, product.key
            )));
        }
    }
    let lookup_keys = targets
        .iter()
        .flat_map(|target| {
            target
                .snapshot
                .prices
                .iter()
                .filter_map(|price| price.lookup_key.as_deref())
        })
        .collect();
    let mut builder = Builder {
        actions: Vec::new(),
        products: Vec::new(),
        counts: CopyCounts::default(),
        notes: Vec::new(),
        lookup_keys,
    };
    let mut used = vec![false; targets.len()];
    for product in &source.products {
        let found = find_match(product, targets, &used);
        if let Some(i) = found {
            used[i] = true;
        }
        match (product.active, found) {
            (true, Some(i)) => builder.update(product, &targets[i]),
            (true, None) => builder.create(product),
            (false, Some(i)) if targets[i].snapshot.active => {
                builder.archive(&targets[i], "archived in the source")
            }
            (false, Some(_)) => {
                builder.counts.products_unchanged += 1;
                let (key, name) = (product.key.clone(), product.name.clone());
                builder.products.push(PlannedProduct {
                    key,
                    name,
                    change: ProductChange::Unchanged,
                    lines: Vec::new(),
                });
            }
            (false, None) => builder.notes.push(format!(
                "'{}' is archived in the source and not copied.",
                product.name
            )),
        }
    }
    for (i, target) in targets.iter().enumerate() {
        if !used[i] && target.billfold_key.is_some() && target.snapshot.active {
            builder.archive(target, "not in the source");
        }
    }
    let mut counts = builder.counts;
    counts.requests = builder.actions.len() as u32;
    Ok(CopyPlan {
        digest: digest(&builder.actions)?,
        products: builder.products,
        actions: builder.actions,
        counts,
        notes: builder.notes,
    })
}

#[cfg(test)]
#[path = "copy_plan_tests.rs"]
mod tests;
