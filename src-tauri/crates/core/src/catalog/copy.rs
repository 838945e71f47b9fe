//! Copying a catalog from one account (or a file) to another: next year's conference starts
//! from this year's products and prices.
//!
//! A [`CatalogSnapshot`] is what the copy reads: an account's cached products and prices, or a
//! file (`copy_files`). The plan (`copy_plan`) compares it with the target account's cache and
//! lists every action; applying it (`copy_apply`) recomputes the plan, refuses when it differs
//! from the one the user saw, and runs it as one journaled operation. Products are matched by
//! `metadata.billfold_key` (the copy writes it on every product it creates or adopts), then by
//! exact name; the source account is only ever read.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;
use ts_rs::TS;

use crate::error::Result;
use crate::store::cache::kinds::id_of;
use crate::store::Store;

/// The metadata key that ties a target product to its source product.
pub const KEY_METADATA: &str = "billfold_key";
/// Metadata the journal writes on what it creates; never copied or compared.
pub(super) const OPERATION_METADATA: &str = "operation_id";

/// One price as the copy sees it. Prices without a unit amount (tiered, custom) are left out.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct SnapshotPrice {
    /// Its id in the account it was read from (files may leave it out).
    #[serde(default)]
    pub id: Option<String>,
    /// Lowercase ISO code.
    pub currency: String,
    /// Price of one, minor units.
    pub unit_amount: i64,
    /// `one_time` or `recurring`.
    #[serde(rename = "type")]
    pub kind: String,
    /// `day`, `week`, `month` or `year` for a recurring price.
    #[serde(default)]
    pub interval: Option<String>,
    /// Intervals between charges for a recurring price.
    #[serde(default)]
    pub interval_count: Option<u32>,
    /// `inclusive`, `exclusive` or `unspecified`.
    pub tax_behavior: String,
    /// An internal name.
    #[serde(default)]
    pub nickname: Option<String>,
    /// `false` when archived.
    pub active: bool,
    /// Stripe's lookup key, if it has one.
    #[serde(default)]
    pub lookup_key: Option<String>,
    /// Whether it is its product's default price.
    #[serde(default)]
    pub default: bool,
}

/// One product as the copy sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct SnapshotProduct {
    /// What ties the copies of this product together: its `metadata.billfold_key`, or for a
    /// product without one, its id in the account it was read from.
    pub key: String,
    /// Its id in the account it was read from (files may leave it out).
    #[serde(default)]
    pub id: Option<String>,
    /// Its name.
    pub name: String,
    /// Its description.
    #[serde(default)]
    pub description: Option<String>,
    /// `false` when archived.
    pub active: bool,
    /// Its metadata (`credits` for a credit pack) without `billfold_key` and `operation_id`.
    #[serde(default)]
    pub metadata: BTreeMap<String, String>,
    /// Stripe's tax code, when it has one.
    #[serde(default)]
    pub tax_code: Option<String>,
    /// Its prices with a unit amount, oldest first.
    #[serde(default)]
    pub prices: Vec<SnapshotPrice>,
}

/// An account's catalog, or a file's.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct CatalogSnapshot {
    /// Products by name.
    pub products: Vec<SnapshotProduct>,
}

/// A target product as the plan compares it: its snapshot and whether the copy manages it.
#[derive(Debug, Clone)]
pub(super) struct TargetProduct {
    /// As a snapshot (its `key` is its id when it has no `billfold_key`).
    pub snapshot: SnapshotProduct,
    /// Its `metadata.billfold_key`, when it has one: the copy manages it.
    pub billfold_key: Option<String>,
    /// Its metadata keys as cached, for clearing the ones the source does not have.
    pub metadata_keys: Vec<String>,
}

fn text(value: &Value) -> Option<String> {
    value.as_str().map(str::to_string)
}

/// A cached price as a snapshot price; `None` for one without a unit amount.
fn snapshot_price(price: &Value, default_price: Option<&str>) -> Option<SnapshotPrice> {
    let unit_amount = price["unit_amount"].as_i64()?;
    let recurring = &price["recurring"];
    let id = text(&price["id"]);
    Some(SnapshotPrice {
        default: id.is_some() && id.as_deref() == default_price,
        id,
        currency: text(&price["currency"]).unwrap_or_default(),
        unit_amount,
        kind: if recurring.is_object() {
            "recurring"
        } else {
            "one_time"
        }
        .to_string(),
        interval: text(&recurring["interval"]),
        interval_count: recurring["interval_count"]
            .as_u64()
            .and_then(|count| u32::try_from(count).ok()),
        tax_behavior: text(&price["tax_behavior"]).unwrap_or_else(|| "unspecified".into()),
        nickname: text(&price["nickname"]).filter(|nickname| !nickname.is_empty()),
        active: price["active"].as_bool().unwrap_or(false),
        lookup_key: text(&price["lookup_key"]).filter(|key| !key.is_empty()),
    })
}

/// A cached product with its prices as a target product.
fn target_product(product: &Value, prices: Vec<SnapshotPrice>) -> TargetProduct {
    let id = text(&product["id"]).unwrap_or_default();
    let all: BTreeMap<String, String> = product["metadata"]
        .as_object()
        .map(|map| {
            map.iter()
                .filter_map(|(key, value)| Some((key.clone(), text(value)?)))
                .collect()
        })
        .unwrap_or_default();
    let billfold_key = all.get(KEY_METADATA).filter(|key| !key.is_empty()).cloned();
    let metadata_keys = all.keys().cloned().collect();
    let metadata = all
        .into_iter()
        .filter(|(key, _)| key != KEY_METADATA && key != OPERATION_METADATA)
        .collect();
    TargetProduct {
        snapshot: SnapshotProduct {
            key: billfold_key.clone().unwrap_or_else(|| id.clone()),
            id: Some(id),
            name: text(&product["name"]).unwrap_or_default(),
            description: text(&product["description"]).filter(|text| !text.is_empty()),
            active: product["active"].as_bool().unwrap_or(false),
            metadata,
            tax_code: id_of(&product["tax_code"]).map(str::to_string),
            prices,
        },
        billfold_key,
        metadata_keys,
    }
}

impl Store {
    /// The cached catalog of `account_id` as the copy compares it, products by name (then
    /// id), each with its prices oldest first.
    pub(super) fn catalog_targets(&self, account_id: &str) -> Result<Vec<TargetProduct>> {
        let mut prices: BTreeMap<String, Vec<Value>> = BTreeMap::new();
        for price in self.cached_objects(account_id, "prices")? {
            if let Some(product) = id_of(&price["product"]) {
                prices.entry(product.to_string()).or_default().push(price);
            }
        }
        let mut products: Vec<TargetProduct> = self
            .cached_objects(account_id, "products")?
            .iter()
            .map(|product| {
                let default_price = id_of(&product["default_price"]);
                let own = id_of(&product["id"])
                    .and_then(|id| prices.get(id))
                    .map(|own| {
                        own.iter()
                            .filter_map(|price| snapshot_price(price, default_price))
                            .collect()
                    })
                    .unwrap_or_default();
                target_product(product, own)
            })
            .collect();
        products.sort_by(|a, b| {
            let key = |p: &TargetProduct| (p.snapshot.name.to_lowercase(), p.snapshot.id.clone());
            key(a).cmp(&key(b))
        });
        Ok(products)
    }

    /// The cached catalog of `account_id` as a snapshot (no request).
    pub fn catalog_snapshot(&self, account_id: &str) -> Result<CatalogSnapshot> {
        let products = self.catalog_targets(account_id)?;
        Ok(CatalogSnapshot {
            products: products.into_iter().map(|target| target.snapshot).collect(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_cached_product_keeps_its_key_apart_from_its_metadata() {
        let product = json!({
            "id": "prod_1", "name": "Pack", "active": true, "description": "",
            "metadata": {"credits": "5000", "billfold_key": "pack", "operation_id": "op_1"},
        });
        let target = target_product(&product, Vec::new());
        assert_eq!(target.snapshot.key, "pack");
        assert_eq!(target.billfold_key.as_deref(), Some("pack"));
        assert_eq!(
            target.snapshot.metadata,
            BTreeMap::from([("credits".into(), "5000".into())])
        );
        assert_eq!(target.snapshot.description, None);
        let unkeyed = target_product(&json!({"id": "prod_2", "name": "Pass"}), Vec::new());
        assert_eq!(
            (unkeyed.snapshot.key.as_str(), unkeyed.billfold_key),
            ("prod_2", None)
        );
    }

    #[test]
    fn a_price_without_a_unit_amount_is_not_copied() {
        let tiered = json!({"id": "price_1", "unit_amount": null, "currency": "eur"});
        assert_eq!(snapshot_price(&tiered, None), None);
        let monthly = json!({
            "id": "price_2", "unit_amount": 1000, "currency": "eur", "active": true,
            "recurring": {"interval": "month", "interval_count": 1}, "tax_behavior": "exclusive",
        });
        let price = snapshot_price(&monthly, Some("price_2")).unwrap();
        assert_eq!(
            (price.kind.as_str(), price.interval.as_deref()),
            ("recurring", Some("month"))
        );
        assert!(price.default);
        let one_off =
            snapshot_price(&json!({"id": "price_3", "unit_amount": 5}), Some("price_2")).unwrap();
        assert_eq!(
            (
                one_off.kind.as_str(),
                one_off.tax_behavior.as_str(),
                one_off.default
            ),
            ("one_time", "unspecified", false)
        );
    }
}
