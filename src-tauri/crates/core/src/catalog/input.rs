//! The catalog forms checked with Stripe's limits, then turned into the forms of
//! `POST /v1/products`, `POST /v1/products/{id}` and `POST /v1/prices`.

use std::collections::BTreeMap;

use serde_json::Value;

use super::{PriceInput, ProductInput, RecurringInput};
use crate::error::{Error, Result};
use crate::money::{Currency, MAX_AMOUNT};

/// Stripe's longest product name here, in characters.
pub const MAX_NAME_CHARS: usize = 250;
/// Stripe's longest product description, in characters.
pub const MAX_DESCRIPTION_CHARS: usize = 40_000;
/// Stripe's longest price nickname, in characters.
pub const MAX_NICKNAME_CHARS: usize = 5_000;
/// Stripe's metadata limits: keys, key length, value length.
pub const MAX_METADATA_KEYS: usize = 50;
/// Stripe's longest metadata key, in characters.
pub const MAX_METADATA_KEY_CHARS: usize = 40;
/// Stripe's longest metadata value, in characters.
pub const MAX_METADATA_VALUE_CHARS: usize = 500;
/// Recurring intervals and how many of each make one year, Stripe's longest interval.
pub const INTERVALS: [(&str, u32); 4] = [("day", 365), ("week", 52), ("month", 12), ("year", 1)];
/// Stripe's tax behaviours of a price.
pub const TAX_BEHAVIORS: [&str; 3] = ["inclusive", "exclusive", "unspecified"];
/// The metadata key that makes a product a credit pack.
pub(super) const CREDITS_KEY: &str = "credits";

/// Trimmed text, `None` when empty.
fn given(value: &Option<String>) -> Option<&str> {
    value.as_deref().map(str::trim).filter(|text| !text.is_empty())
}

fn pair(name: &str, value: impl Into<String>) -> (String, String) {
    (name.to_string(), value.into())
}

/// Checks metadata against Stripe's limits; `credits`, when given, must be a whole number of
/// minor units, since the catalog reads it as one.
fn check_metadata(metadata: &BTreeMap<String, String>) -> Result<()> {
    if metadata.len() > MAX_METADATA_KEYS {
        return Err(Error::Validation(format!("Metadata can have at most {MAX_METADATA_KEYS} keys.")));
    }
    for (key, value) in metadata {
        if key.trim().is_empty() || key.contains('[') || key.contains(']') {
            return Err(Error::Validation(format!("'{key}' is not a metadata key (not empty, no brackets).")));
        }
        if key.chars().count() > MAX_METADATA_KEY_CHARS {
            return Err(Error::Validation(format!(
                "Metadata key '{key}' is longer than {MAX_METADATA_KEY_CHARS} characters."
            )));
        }
        // Stripe reads an empty value as "remove this key".
        if value.is_empty() {
            return Err(Error::Validation(format!("Metadata key '{key}' has no value.")));
        }
        if value.chars().count() > MAX_METADATA_VALUE_CHARS {
            return Err(Error::Validation(format!(
                "The value of metadata key '{key}' is longer than {MAX_METADATA_VALUE_CHARS} characters."
            )));
        }
    }
    if let Some(credits) = metadata.get(CREDITS_KEY) {
        if !matches!(credits.parse::<i64>(), Ok(credits) if credits >= 0) {
            return Err(Error::Validation(format!(
                "Metadata '{CREDITS_KEY}' must be a whole number of minor units (like 5000 for 50.00), not '{credits}'."
            )));
        }
    }
    Ok(())
}

impl ProductInput {
    /// Checks what Stripe would refuse.
    pub fn validate(&self) -> Result<()> {
        let name = self.name.trim();
        if name.is_empty() {
            return Err(Error::Validation("A product needs a name.".into()));
        }
        if name.chars().count() > MAX_NAME_CHARS {
            return Err(Error::Validation(format!("A product name can have at most {MAX_NAME_CHARS} characters.")));
        }
        if given(&self.description).is_some_and(|text| text.chars().count() > MAX_DESCRIPTION_CHARS) {
            return Err(Error::Validation(format!(
                "A product description can have at most {MAX_DESCRIPTION_CHARS} characters."
            )));
        }
        check_metadata(&self.metadata)
    }

    /// The form of `POST /v1/products` (a create; only what is set) or, with the cached
    /// product, of `POST /v1/products/{id}`: the description sent empty to clear it, and
    /// metadata keys the product has but the input dropped sent empty (Stripe merges metadata).
    pub(crate) fn form(&self, existing: Option<&Value>) -> Vec<(String, String)> {
        let mut form = vec![pair("name", self.name.trim())];
        match given(&self.description) {
            Some(description) => form.push(pair("description", description)),
            None if existing.is_some() => form.push(pair("description", "")),
            None => {}
        }
        for (key, value) in &self.metadata {
            form.push(pair(&format!("metadata[{key}]"), value.clone()));
        }
        if let Some(old) = existing.and_then(|product| product["metadata"].as_object()) {
            for key in old.keys().filter(|key| !self.metadata.contains_key(*key)) {
                form.push(pair(&format!("metadata[{key}]"), ""));
            }
        }
        form
    }
}

impl RecurringInput {
    fn validate(&self) -> Result<()> {
        let Some((_, per_year)) = INTERVALS.iter().find(|(name, _)| *name == self.interval) else {
            return Err(Error::Validation(format!(
                "'{}' is not a billing interval (day, week, month or year).",
                self.interval
            )));
        };
        if self.interval_count == 0 {
            return Err(Error::Validation("A price charges every 1 interval or more, not every 0.".into()));
        }
        if self.interval_count > *per_year {
            return Err(Error::Validation(format!(
                "A price charges at least once a year: every {} {}s is longer (at most {per_year}).",
                self.interval_count, self.interval
            )));
        }
        Ok(())
    }
}

impl PriceInput {
    /// Checks what Stripe would refuse; answers the parsed currency.
    pub fn validate(&self) -> Result<Currency> {
        let currency = Currency::parse(&self.currency)?;
        if !(0..=MAX_AMOUNT).contains(&self.unit_amount) {
            return Err(Error::Validation(format!(
                "A unit amount is 0 to {MAX_AMOUNT} minor units, not {}.",
                self.unit_amount
            )));
        }
        if currency.exponent() == 3 && self.unit_amount % 10 != 0 {
            return Err(Error::Validation(format!(
                "Stripe needs the last of {}'s three decimals to be 0.",
                currency.code().to_ascii_uppercase()
            )));
        }
        if let Some(recurring) = &self.recurring {
            recurring.validate()?;
        }
        if let Some(tax_behavior) = given(&self.tax_behavior) {
            if !TAX_BEHAVIORS.contains(&tax_behavior) {
                return Err(Error::Validation(format!(
                    "'{tax_behavior}' is not a tax behavior (inclusive, exclusive or unspecified)."
                )));
            }
        }
        if given(&self.nickname).is_some_and(|text| text.chars().count() > MAX_NICKNAME_CHARS) {
            return Err(Error::Validation(format!("A price nickname can have at most {MAX_NICKNAME_CHARS} characters.")));
        }
        Ok(currency)
    }

    /// The form of `POST /v1/prices` without its `product` (added once the product is known).
    pub(crate) fn form(&self, currency: &Currency) -> Vec<(String, String)> {
        let mut form = vec![pair("currency", currency.code()), pair("unit_amount", self.unit_amount.to_string())];
        if let Some(recurring) = &self.recurring {
            form.push(pair("recurring[interval]", recurring.interval.as_str()));
            form.push(pair("recurring[interval_count]", recurring.interval_count.to_string()));
        }
        if let Some(tax_behavior) = given(&self.tax_behavior) {
            form.push(pair("tax_behavior", tax_behavior));
        }
        if let Some(nickname) = given(&self.nickname) {
            form.push(pair("nickname", nickname));
        }
        form
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn product() -> ProductInput {
        ProductInput { name: "Conference pass".into(), description: None, metadata: BTreeMap::new() }
    }

    fn price() -> PriceInput {
        PriceInput {
            currency: "EUR".into(),
            unit_amount: 49_900,
            recurring: Some(RecurringInput { interval: "month".into(), interval_count: 1 }),
            tax_behavior: Some("exclusive".into()),
            nickname: Some("Early bird".into()),
        }
    }

    #[test]
    fn products_stripe_would_refuse_are_refused() {
        assert!(product().validate().is_ok());
        let too_many: BTreeMap<String, String> = (0..51).map(|i| (format!("k{i}"), "v".into())).collect();
        let cases = [
            ProductInput { name: "   ".into(), ..product() },
            ProductInput { name: "n".repeat(251), ..product() },
            ProductInput { description: Some("d".repeat(40_001)), ..product() },
            ProductInput { metadata: too_many, ..product() },
            ProductInput { metadata: BTreeMap::from([("k".repeat(41), "v".into())]), ..product() },
            ProductInput { metadata: BTreeMap::from([("k".into(), "v".repeat(501))]), ..product() },
            ProductInput { metadata: BTreeMap::from([("k".into(), String::new())]), ..product() },
            ProductInput { metadata: BTreeMap::from([("a[b]".into(), "v".into())]), ..product() },
            ProductInput { metadata: BTreeMap::from([("credits".into(), "50.00".into())]), ..product() },
        ];
        for bad in cases {
            assert!(matches!(bad.validate(), Err(Error::Validation(_))), "{bad:?}");
        }
        assert!(ProductInput { name: "n".repeat(250), ..product() }.validate().is_ok());
    }

    #[test]
    fn prices_stripe_would_refuse_are_refused() {
        assert_eq!(price().validate().unwrap().code(), "eur");
        let every = |interval: &str, interval_count: u32| PriceInput {
            recurring: Some(RecurringInput { interval: interval.into(), interval_count }),
            ..price()
        };
        for good in [every("day", 365), every("week", 52), every("month", 12), every("year", 1)] {
            assert!(good.validate().is_ok(), "{good:?}");
        }
        let cases = [
            PriceInput { currency: "EURO".into(), ..price() },
            PriceInput { unit_amount: -1, ..price() },
            PriceInput { unit_amount: 100_000_000, ..price() },
            PriceInput { currency: "kwd".into(), unit_amount: 1_005, ..price() },
            every("day", 366),
            every("week", 53),
            every("month", 13),
            every("year", 2),
            every("month", 0),
            every("fortnight", 1),
            PriceInput { tax_behavior: Some("included".into()), ..price() },
            PriceInput { nickname: Some("n".repeat(5_001)), ..price() },
        ];
        for bad in cases {
            assert!(matches!(bad.validate(), Err(Error::Validation(_))), "{bad:?}");
        }
    }

    #[test]
    fn an_edit_clears_what_the_form_dropped() {
        let input = ProductInput {
            metadata: BTreeMap::from([("credits".into(), "5000".into())]),
            ..product()
        };
        let create = input.form(None);
        assert!(!create.iter().any(|(name, _)| name == "description"));
        assert!(create.contains(&pair("metadata[credits]", "5000")));
        let old = json!({"metadata": {"credits": "1000", "track": "ops"}});
        let update = input.form(Some(&old));
        assert!(update.contains(&pair("description", "")));
        assert!(update.contains(&pair("metadata[track]", "")));
        assert!(update.contains(&pair("metadata[credits]", "5000")));
        assert!(!update.contains(&pair("metadata[credits]", "")));
    }

    #[test]
    fn a_price_form_says_its_interval_and_count() {
        let form = price().form(&Currency::parse("EUR").unwrap());
        for expected in [
            pair("currency", "eur"),
            pair("unit_amount", "49900"),
            pair("recurring[interval]", "month"),
            pair("recurring[interval_count]", "1"),
            pair("tax_behavior", "exclusive"),
            pair("nickname", "Early bird"),
        ] {
            assert!(form.contains(&expected), "{expected:?} in {form:?}");
        }
        let one_off = PriceInput { recurring: None, tax_behavior: None, nickname: Some("  ".into()), ..price() };
        let form = one_off.form(&Currency::parse("eur").unwrap());
        assert_eq!(form.len(), 2, "{form:?}");
    }
}
