//! A catalog snapshot as a file and back: JSON (`{"format": "billfold-catalog", "version": 1,
//! "products": [...]}`, amounts in minor units) and CSV (one row per price, the product's
//! columns repeated on each; a product without prices has one row with the price columns
//! empty; amounts in major units with the currency's decimals; no cell a spreadsheet would run
//! as a formula). Reading either checks every product and price with the catalog's own rules
//! and refuses the whole file with every problem listed (CSV: by row, the header being row 1).
//!
//! CSV columns (any order; `product_name`, `currency`, `unit_amount` and `type` are required):
//!
//! ```text
//! product_key,product_id,product_name,product_description,product_active,product_tax_code,
//! product_metadata,price_id,currency,unit_amount,type,interval,interval_count,tax_behavior,
//! nickname,price_active,lookup_key,default_price
//! ```
//!
//! `product_metadata` is a JSON object of strings (`{"credits":"5000"}`); a product without a
//! `product_key` is keyed by its `product_id`, else by its name.

use std::collections::{BTreeMap, HashMap};

use serde::{Deserialize, Serialize};
use serde_json::Value;
use ts_rs::TS;

use super::copy::{
    CatalogSnapshot, SnapshotPrice, SnapshotProduct, KEY_METADATA, OPERATION_METADATA,
};
use super::{PriceInput, ProductInput, RecurringInput, MAX_METADATA_VALUE_CHARS};
use crate::error::{Error, Result};
use crate::money::{format_amount, parse_amount, Currency};

/// The `format` of a JSON catalog file.
pub const FILE_FORMAT: &str = "billfold-catalog";
/// The `version` this Billfold writes and reads.
pub const FILE_VERSION: u32 = 1;
/// Stripe's longest lookup key, in characters.
const MAX_LOOKUP_KEY_CHARS: usize = 200;

/// CSV columns, in the order an export writes them.
pub const CSV_COLUMNS: [&str; 18] = [
    "product_key",
    "product_id",
    "product_name",
    "product_description",
    "product_active",
    "product_tax_code",
    "product_metadata",
    "price_id",
    "currency",
    "unit_amount",
    "type",
    "interval",
    "interval_count",
    "tax_behavior",
    "nickname",
    "price_active",
    "lookup_key",
    "default_price",
];
const REQUIRED_COLUMNS: [&str; 4] = ["product_name", "currency", "unit_amount", "type"];

/// A catalog file's format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum FileFormat {
    /// `billfold-catalog` JSON, version 1.
    Json,
    /// One row per price.
    Csv,
}

/// A JSON catalog file.
#[derive(Serialize, Deserialize)]
struct JsonFile {
    format: String,
    version: u32,
    products: Vec<SnapshotProduct>,
}

/// Checks a price with the catalog's rules and normalizes it (lowercase currency, a
/// recurring price's count of 1 when not given).
fn check_price(price: &mut SnapshotPrice) -> Result<()> {
    let refuse = |message: String| Err(Error::Validation(message));
    let recurring = match (price.kind.as_str(), &price.interval) {
        ("one_time", None) if price.interval_count.is_none() => None,
        ("one_time", _) => {
            return refuse("A one_time price has no interval or interval count.".into())
        }
        ("recurring", Some(interval)) => {
            let interval_count = *price.interval_count.get_or_insert(1);
            Some(RecurringInput {
                interval: interval.clone(),
                interval_count,
            })
        }
        ("recurring", None) => {
            return refuse("A recurring price needs an interval (day, week, month or year).".into())
        }
        (other, _) => {
            return refuse(format!(
                "'{other}' is not a price type (one_time or recurring)."
            ))
        }
    };
    let input = PriceInput {
        currency: price.currency.clone(),
        unit_amount: price.unit_amount,
        recurring,
        tax_behavior: Some(price.tax_behavior.clone()),
        nickname: price.nickname.clone(),
    };
    price.currency = input.validate()?.code().to_string();
    if price
        .lookup_key
        .as_ref()
        .is_some_and(|key| key.chars().count() > MAX_LOOKUP_KEY_CHARS)
    {
        return refuse(format!(
            "A lookup key can have at most {MAX_LOOKUP_KEY_CHARS} characters."
        ));
    }
    if price.default && !price.active {
        return refuse("An archived price cannot be its product's default price.".into());
    }
    Ok(())
}

/// Checks a product's own fields with the catalog's rules (its key included, as Stripe
/// will keep it in its metadata) and drops the metadata the copy writes itself.
fn check_product(product: &mut SnapshotProduct) -> Result<()> {
    product.metadata.remove(KEY_METADATA);
    product.metadata.remove(OPERATION_METADATA);
    if product.key.trim().is_empty() {
        return Err(Error::Validation("A product needs a key.".into()));
    }
    if product.key.chars().count() > MAX_METADATA_VALUE_CHARS {
        return Err(Error::Validation(format!(
            "A product key can have at most {MAX_METADATA_VALUE_CHARS} characters."
        )));
    }
    let mut metadata = product.metadata.clone();
    metadata.insert(KEY_METADATA.into(), product.key.clone());
    ProductInput {
        name: product.name.clone(),
        description: product.description.clone(),
        metadata,
    }
    .validate()?;
    if product.prices.iter().filter(|price| price.default).count() > 1 {
        return Err(Error::Validation(format!(
            "'{}' has more than one default price.",
            product.name
        )));
    }
    Ok(())
}

/// Checks every product and price of a snapshot (an account's or a JSON file's), listing
/// every problem by product and price position.
pub(super) fn check_snapshot(snapshot: &mut CatalogSnapshot) -> Result<()> {
    let mut problems = Vec::new();
    for (at, product) in snapshot.products.iter_mut().enumerate() {
        let name = product.name.clone();
        if let Err(err) = check_product(product) {
            problems.push(format!("Product {} ('{name}'): {err}", at + 1));
        }
        for (price_at, price) in product.prices.iter_mut().enumerate() {
            if let Err(err) = check_price(price) {
                problems.push(format!(
                    "Product {} ('{name}'), price {}: {err}",
                    at + 1,
                    price_at + 1
                ));
            }
        }
    }
    refuse_all(problems)
}

/// One refusal listing every problem, or nothing.
fn refuse_all(problems: Vec<String>) -> Result<()> {
    if problems.is_empty() {
        return Ok(());
    }
    let count = problems.len();
    let noun = if count == 1 { "problem" } else { "problems" };
    Err(Error::Validation(format!(
        "The catalog has {count} {noun}; nothing was sent:\n{}",
        problems.join("\n")
    )))
}

/// A cell a spreadsheet reads as text: one starting with `=`, `+`, `-` or `@` gets a `'`.
fn safe(cell: &str) -> String {
    if cell.starts_with(['=', '+', '-', '@']) {
        format!("'{cell}")
    } else {
        cell.to_string()
    }
}

/// A cell as written before [`safe`] protected it.
fn unsafe_cell(cell: &str) -> &str {
    match cell.strip_prefix('\'') {
        Some(rest) if rest.starts_with(['=', '+', '-', '@']) => rest,
        _ => cell,
    }
}

fn csv_failed(err: impl std::fmt::Display) -> Error {
    Error::Internal(format!("CSV could not be written: {err}"))
}

/// A snapshot as a file.
pub fn export(snapshot: &CatalogSnapshot, format: FileFormat) -> Result<String> {
    match format {
        FileFormat::Json => {
            let file = JsonFile {
                format: FILE_FORMAT.into(),
                version: FILE_VERSION,
                products: snapshot.products.clone(),
            };
            serde_json::to_string_pretty(&file).map_err(|err| Error::Internal(err.to_string()))
        }
        FileFormat::Csv => export_csv(snapshot),
    }
}

fn export_csv(snapshot: &CatalogSnapshot) -> Result<String> {
    let mut writer = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::new());
    writer.write_record(CSV_COLUMNS).map_err(csv_failed)?;
    for product in &snapshot.products {
        let metadata = serde_json::to_string(&product.metadata).map_err(csv_failed)?;
        let head = [
            product.key.clone(),
            product.id.clone().unwrap_or_default(),
            product.name.clone(),
            product.description.clone().unwrap_or_default(),
            product.active.to_string(),
            product.tax_code.clone().unwrap_or_default(),
            metadata,
        ];
        let rows: Vec<[String; 11]> = product.prices.iter().map(price_cells).collect();
        for tail in if rows.is_empty() {
            vec![Default::default()]
        } else {
            rows
        } {
            writer
                .write_record(head.iter().chain(tail.iter()).map(|cell| safe(cell)))
                .map_err(csv_failed)?;
        }
    }
    let bytes = writer.into_inner().map_err(csv_failed)?;
    String::from_utf8(bytes).map_err(|err| Error::Internal(err.to_string()))
}

fn price_cells(price: &SnapshotPrice) -> [String; 11] {
    let amount = match Currency::parse(&price.currency) {
        Ok(currency) => format_amount(price.unit_amount, &currency).replace(',', ""),
        Err(_) => price.unit_amount.to_string(),
    };
    [
        price.id.clone().unwrap_or_default(),
        price.currency.to_uppercase(),
        amount,
        price.kind.clone(),
        price.interval.clone().unwrap_or_default(),
        price
            .interval_count
            .map(|count| count.to_string())
            .unwrap_or_default(),
        price.tax_behavior.clone(),
        price.nickname.clone().unwrap_or_default(),
        price.active.to_string(),
        price.lookup_key.clone().unwrap_or_default(),
        price.default.to_string(),
    ]
}

/// A file as a snapshot, checked: every problem is listed and nothing is read when there is one.
pub fn import(format: FileFormat, contents: &str) -> Result<CatalogSnapshot> {
    match format {
        FileFormat::Json => import_json(contents),
        FileFormat::Csv => import_csv(contents),
    }
}

fn import_json(contents: &str) -> Result<CatalogSnapshot> {
    let not_ours =
        |why: String| Error::Validation(format!("This is not a Billfold catalog file: {why}"));
    let value: Value = serde_json::from_str(contents).map_err(|err| not_ours(err.to_string()))?;
    if value["format"] != FILE_FORMAT {
        return Err(not_ours(format!(
            "its \"format\" is not \"{FILE_FORMAT}\"."
        )));
    }
    if value["version"] != FILE_VERSION {
        return Err(Error::Validation(format!(
            "This catalog file is version {}; this Billfold reads version {FILE_VERSION}.",
            value["version"]
        )));
    }
    let file: JsonFile = serde_json::from_value(value).map_err(|err| not_ours(err.to_string()))?;
    let mut snapshot = CatalogSnapshot {
        products: file.products,
    };
    for product in &mut snapshot.products {
        if product.key.trim().is_empty() {
            product.key = product.id.clone().unwrap_or_else(|| product.name.clone());
        }
    }
    check_snapshot(&mut snapshot)?;
    Ok(snapshot)
}

/// Text, `None` when empty.
fn given(text: &str) -> Option<String> {
    Some(text.to_string()).filter(|text| !text.is_empty())
}

fn boolean(text: &str, column: &str) -> std::result::Result<bool, String> {
    match text.to_ascii_lowercase().as_str() {
        "" | "true" => Ok(true),
        "false" => Ok(false),
        _ => Err(format!("{column} is true or false, not '{text}'.")),
    }
}

/// One CSV row's price, or why it cannot be read.
fn row_price(cell: &dyn Fn(&str) -> String) -> std::result::Result<SnapshotPrice, String> {
    let currency = Currency::parse(&cell("currency")).map_err(|err| err.to_string())?;
    let unit_amount =
        parse_amount(&cell("unit_amount"), &currency).map_err(|err| err.to_string())?;
    let interval_count = match cell("interval_count").as_str() {
        "" => None,
        count => Some(
            count
                .parse::<u32>()
                .map_err(|_| format!("interval_count is a whole number, not '{count}'."))?,
        ),
    };
    let tax_behavior = given(&cell("tax_behavior")).unwrap_or_else(|| "unspecified".into());
    let mut price = SnapshotPrice {
        id: given(&cell("price_id")),
        currency: currency.code().to_string(),
        unit_amount,
        kind: cell("type"),
        interval: given(&cell("interval")),
        interval_count,
        tax_behavior,
        nickname: given(&cell("nickname")),
        active: boolean(&cell("price_active"), "price_active")?,
        lookup_key: given(&cell("lookup_key")),
        default: !cell("default_price").is_empty()
            && boolean(&cell("default_price"), "default_price")?,
    };
    check_price(&mut price).map_err(|err| err.to_string())?;
    Ok(price)
}

/// One CSV row's product columns, or why they cannot be read.
fn row_product(cell: &dyn Fn(&str) -> String) -> std::result::Result<SnapshotProduct, String> {
    let name = cell("product_name");
    if name.is_empty() {
        return Err("The product name is missing.".into());
    }
    let metadata: BTreeMap<String, String> = match cell("product_metadata").as_str() {
        "" => BTreeMap::new(),
        text => serde_json::from_str(text)
            .map_err(|_| format!("product_metadata is a JSON object of texts like {{\"credits\":\"5000\"}}, not '{text}'."))?,
    };
    let id = given(&cell("product_id"));
    let key = given(&cell("product_key"))
        .or_else(|| id.clone())
        .unwrap_or_else(|| name.clone());
    Ok(SnapshotProduct {
        key,
        id,
        name,
        description: given(&cell("product_description")),
        active: boolean(&cell("product_active"), "product_active")?,
        metadata,
        tax_code: given(&cell("product_tax_code")),
        prices: Vec::new(),
    })
}

fn import_csv(contents: &str) -> Result<CatalogSnapshot> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(false)
        .from_reader(contents.as_bytes());
    let header = reader
        .headers()
        .map_err(|err| Error::Validation(format!("Row 1: the header cannot be read: {err}")))?
        .clone();
    let index: HashMap<String, usize> = header
        .iter()
        .enumerate()
        .map(|(i, name)| (name.trim().to_string(), i))
        .collect();
    let missing: Vec<&str> = REQUIRED_COLUMNS
        .into_iter()
        .filter(|name| !index.contains_key(*name))
        .collect();
    if !missing.is_empty() {
        return Err(Error::Validation(format!(
            "Row 1: the header lacks the column(s) {}.",
            missing.join(", ")
        )));
    }
    let mut problems = Vec::new();
    let mut products: Vec<(usize, SnapshotProduct)> = Vec::new();
    let mut by_key: HashMap<String, usize> = HashMap::new();
    for (ordinal, record) in reader.records().enumerate() {
        let row = ordinal + 2;
        let record = match record {
            Ok(record) => record,
            Err(err) => {
                problems.push(format!("Row {row}: this row cannot be read: {err}"));
                continue;
            }
        };
        let cell = |name: &str| {
            index
                .get(name)
                .and_then(|&i| record.get(i))
                .map(|text| unsafe_cell(text.trim()).to_string())
                .unwrap_or_default()
        };
        let product = match row_product(&cell) {
            Ok(product) => product,
            Err(message) => {
                problems.push(format!("Row {row}: {message}"));
                continue;
            }
        };
        let at = match by_key.get(&product.key) {
            Some(&at) => {
                let (first_row, first) = &products[at];
                if (SnapshotProduct {
                    prices: Vec::new(),
                    ..first.clone()
                }) != product
                {
                    problems.push(format!(
                        "Row {row}: the product columns of '{}' differ from row {first_row}; they must repeat it.",
                        product.key
                    ));
                }
                at
            }
            None => {
                by_key.insert(product.key.clone(), products.len());
                products.push((row, product));
                products.len() - 1
            }
        };
        let no_price = ["currency", "unit_amount", "type", "interval", "price_id"]
            .iter()
            .all(|name| cell(name).is_empty());
        if no_price {
            continue;
        }
        match row_price(&cell) {
            Ok(price) => products[at].1.prices.push(price),
            Err(message) => problems.push(format!("Row {row}: {message}")),
        }
    }
    for (row, product) in &mut products {
        if let Err(err) = check_product(product) {
            problems.push(format!("Row {row}: {err}"));
        }
    }
    refuse_all(problems)?;
    Ok(CatalogSnapshot {
        products: products.into_iter().map(|(_, product)| product).collect(),
    })
}

#[cfg(test)]
#[path = "copy_files_tests.rs"]
mod tests;
