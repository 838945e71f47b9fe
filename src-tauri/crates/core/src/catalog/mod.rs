//! The product catalog: products and their prices as the cache holds them, and the journaled
//! writes that change them in Stripe (create, edit, archive, add a price, replace a price),
//! and copying a catalog from another account or a file (`copy*`).

mod copy;
mod copy_apply;
mod copy_files;
mod copy_forms;
mod copy_plan;
mod input;
mod list;
mod service;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

pub use copy::{CatalogSnapshot, SnapshotPrice, SnapshotProduct, KEY_METADATA};
pub use copy_apply::{CopyResult, CopySource};
pub use copy_files::{export as export_snapshot, import as import_snapshot, FileFormat, CSV_COLUMNS, FILE_FORMAT, FILE_VERSION};
pub use copy_plan::{CopyAction, CopyCounts, CopyPlan, CopyStep, Form, ObjectRef, PlannedProduct, ProductChange};
pub use input::{
    INTERVALS, MAX_DESCRIPTION_CHARS, MAX_METADATA_KEYS, MAX_METADATA_KEY_CHARS, MAX_METADATA_VALUE_CHARS,
    MAX_NAME_CHARS, MAX_NICKNAME_CHARS, TAX_BEHAVIORS,
};

/// One price of a product, as the catalog shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct PriceRow {
    /// `price_…`
    pub id: String,
    /// The product it belongs to.
    pub product_id: String,
    /// Lowercase ISO code.
    pub currency: String,
    /// Price of one, minor units (`None` for tiered or custom-amount prices).
    pub unit_amount: Option<i64>,
    /// `day`, `week`, `month` or `year`; `None` for a one-off price.
    pub recurring_interval: Option<String>,
    /// How many intervals between charges.
    pub recurring_interval_count: Option<i64>,
    /// `inclusive`, `exclusive` or `unspecified`.
    pub tax_behavior: Option<String>,
    /// An internal name, never shown to customers.
    pub nickname: Option<String>,
    /// `false` once archived: it cannot be used for new purchases.
    pub active: bool,
    /// Unix seconds.
    pub created: i64,
}

/// One product with its prices.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct ProductRow {
    /// `prod_…`
    pub id: String,
    /// Its name, as customers see it.
    pub name: String,
    /// Its description.
    pub description: Option<String>,
    /// `false` once archived.
    pub active: bool,
    /// `metadata.credits` when it is an integer: a credit pack worth this many minor units of
    /// its price's currency.
    pub credits: Option<i64>,
    /// Key-value pairs kept with the product.
    pub metadata: BTreeMap<String, String>,
    /// Unix seconds.
    pub created: i64,
    /// Unix seconds of its last change.
    pub updated: i64,
    /// Its prices, newest first.
    pub prices: Vec<PriceRow>,
}

/// Which products the catalog lists.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct CatalogQuery {
    /// `None` lists all, `Some(true)` active products only, `Some(false)` archived ones only.
    pub active: Option<bool>,
    /// Case-insensitive text found in a product's name, description or id, or in one of its
    /// prices' ids or nicknames.
    pub search: Option<String>,
}

/// A product as the create and edit forms send it. On an edit, metadata keys the product has
/// but the input left out are removed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ProductInput {
    /// 1 to 250 characters.
    pub name: String,
    /// Empty or `None` for none (an edit clears it).
    pub description: Option<String>,
    /// Key-value pairs kept with the product (`credits` marks a credit pack).
    pub metadata: BTreeMap<String, String>,
}

/// How often a recurring price charges.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct RecurringInput {
    /// `day`, `week`, `month` or `year`.
    pub interval: String,
    /// At least 1, and at most one year in all (365 days, 52 weeks, 12 months, 1 year).
    pub interval_count: u32,
}

/// A new price. Stripe prices cannot change their amount or interval: a different one is a
/// new price.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct PriceInput {
    /// ISO code in any case.
    pub currency: String,
    /// Price of one, minor units, 0 to 99,999,999.
    pub unit_amount: i64,
    /// `None` for a one-off price.
    pub recurring: Option<RecurringInput>,
    /// `inclusive`, `exclusive` or `unspecified` (`None` leaves Stripe's default, unspecified).
    pub tax_behavior: Option<String>,
    /// An internal name.
    pub nickname: Option<String>,
}
