//! The pieces of a copy plan: a price's identity, its words, and the forms of the requests
//! that create or change products and prices.

use super::copy::{
    SnapshotPrice, SnapshotProduct, TargetProduct, KEY_METADATA, OPERATION_METADATA,
};
use super::copy_plan::Form;
use crate::money::{format_amount, Currency};

/// A price's identity: Stripe cannot change any of these.
pub(super) type PriceKey<'a> = (&'a str, i64, &'a str, Option<&'a str>, Option<u32>, &'a str);

pub(super) fn price_key(price: &SnapshotPrice) -> PriceKey<'_> {
    (
        &price.currency,
        price.unit_amount,
        &price.kind,
        price.interval.as_deref(),
        price.interval_count,
        &price.tax_behavior,
    )
}

pub(super) fn pair(name: &str, value: impl Into<String>) -> (String, String) {
    (name.to_string(), value.into())
}

/// "EUR 10.00 per month", "EUR 120.00 every 3 months", "EUR 300.00 one-off", with its tax
/// behaviour and nickname when it has them.
pub(super) fn price_label(price: &SnapshotPrice) -> String {
    let amount = match Currency::parse(&price.currency) {
        Ok(currency) => format_amount(price.unit_amount, &currency),
        Err(_) => price.unit_amount.to_string(),
    };
    let every = match (price.interval.as_deref(), price.interval_count.unwrap_or(1)) {
        (Some(interval), 1) => format!("per {interval}"),
        (Some(interval), count) => format!("every {count} {interval}s"),
        (None, _) => "one-off".to_string(),
    };
    let mut label = format!("{} {amount} {every}", price.currency.to_uppercase());
    if price.tax_behavior != "unspecified" {
        label.push_str(&format!(", tax {}", price.tax_behavior));
    }
    if let Some(nickname) = &price.nickname {
        label.push_str(&format!(" ({nickname})"));
    }
    label
}

/// The form of a new price (without `product`); `transfer` takes its lookup key from the
/// target price that has it (Stripe keeps lookup keys unique).
pub(super) fn price_form(price: &SnapshotPrice, transfer: bool) -> Form {
    let mut form = vec![
        pair("currency", price.currency.as_str()),
        pair("unit_amount", price.unit_amount.to_string()),
    ];
    if let Some(interval) = &price.interval {
        form.push(pair("recurring[interval]", interval.as_str()));
        form.push(pair(
            "recurring[interval_count]",
            price.interval_count.unwrap_or(1).to_string(),
        ));
    }
    form.push(pair("tax_behavior", price.tax_behavior.as_str()));
    if let Some(nickname) = &price.nickname {
        form.push(pair("nickname", nickname.as_str()));
    }
    if let Some(lookup_key) = &price.lookup_key {
        form.push(pair("lookup_key", lookup_key.as_str()));
        if transfer {
            form.push(pair("transfer_lookup_key", "true"));
        }
    }
    form
}

/// The form of a new product, its key in its metadata.
pub(super) fn product_form(product: &SnapshotProduct) -> Form {
    let mut form = vec![pair("name", product.name.as_str())];
    if let Some(description) = &product.description {
        form.push(pair("description", description.as_str()));
    }
    for (key, value) in &product.metadata {
        form.push(pair(&format!("metadata[{key}]"), value.as_str()));
    }
    form.push(pair(
        &format!("metadata[{KEY_METADATA}]"),
        product.key.as_str(),
    ));
    if let Some(tax_code) = &product.tax_code {
        form.push(pair("tax_code", tax_code.as_str()));
    }
    form
}

/// What differs between a source product and its match: the update form and its words.
pub(super) fn product_changes(
    source: &SnapshotProduct,
    target: &TargetProduct,
) -> (Form, Vec<String>) {
    let old = &target.snapshot;
    let (mut form, mut words) = (Form::new(), Vec::new());
    if source.name != old.name {
        form.push(pair("name", source.name.as_str()));
        words.push(format!("name '{}' → '{}'", old.name, source.name));
    }
    if source.description != old.description {
        form.push(pair(
            "description",
            source.description.clone().unwrap_or_default(),
        ));
        words.push("description".to_string());
    }
    for (key, value) in &source.metadata {
        if old.metadata.get(key) != Some(value) {
            form.push(pair(&format!("metadata[{key}]"), value.as_str()));
            match old.metadata.get(key) {
                Some(before) => words.push(format!("{key} {before} → {value}")),
                None => words.push(format!("{key} = {value}")),
            }
        }
    }
    let protected = [KEY_METADATA, OPERATION_METADATA];
    for key in &target.metadata_keys {
        if !source.metadata.contains_key(key) && !protected.contains(&key.as_str()) {
            form.push(pair(&format!("metadata[{key}]"), ""));
            words.push(format!("remove {key}"));
        }
    }
    if target.billfold_key.as_deref() != Some(source.key.as_str()) {
        form.push(pair(
            &format!("metadata[{KEY_METADATA}]"),
            source.key.as_str(),
        ));
        words.push(format!("mark it as the copy of '{}'", source.key));
    }
    if let Some(tax_code) = source
        .tax_code
        .as_ref()
        .filter(|code| old.tax_code.as_ref() != Some(*code))
    {
        form.push(pair("tax_code", tax_code.as_str()));
        words.push(format!("tax code {tax_code}"));
    }
    if !old.active {
        form.push(pair("active", "true"));
        words.push("unarchive".to_string());
    }
    (form, words)
}
