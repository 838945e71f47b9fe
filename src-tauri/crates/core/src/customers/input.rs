//! A customer's profile as the create and edit forms send it: checked with Stripe's limits,
//! then turned into the form of `POST /v1/customers` (only what is set) or
//! `POST /v1/customers/{id}` (every field, an empty value clearing it).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;
use ts_rs::TS;

use crate::error::{Error, Result};

/// Stripe's longest customer `name`, in characters.
pub const MAX_NAME_CHARS: usize = 256;
/// Stripe's longest customer `phone`, in characters.
pub const MAX_PHONE_CHARS: usize = 20;
/// Stripe's longest `email`, in characters.
pub const MAX_EMAIL_CHARS: usize = 512;
/// Stripe's longest string parameter (address lines, invoice footer), in characters.
pub const MAX_TEXT_CHARS: usize = 5000;
/// The most preferred locales kept (Stripe only uses the first it supports).
pub const MAX_LOCALES: usize = 10;
/// Stripe's metadata limits: keys, key length, value length.
pub const MAX_METADATA_KEYS: usize = 50;
const MAX_METADATA_KEY_CHARS: usize = 40;
const MAX_METADATA_VALUE_CHARS: usize = 500;

/// A postal address.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Address {
    /// Street and number.
    pub line1: Option<String>,
    /// Apartment, suite, building.
    pub line2: Option<String>,
    /// City.
    pub city: Option<String>,
    /// State, county, province or region.
    pub state: Option<String>,
    /// Postal code.
    pub postal_code: Option<String>,
    /// ISO 3166-1 alpha-2 country code.
    pub country: Option<String>,
}

impl Address {
    fn fields(&self) -> [(&'static str, Option<&str>); 6] {
        [
            ("line1", self.line1.as_deref()),
            ("line2", self.line2.as_deref()),
            ("city", self.city.as_deref()),
            ("state", self.state.as_deref()),
            ("postal_code", self.postal_code.as_deref()),
            ("country", self.country.as_deref()),
        ]
    }

    /// The address a cached customer has, if any.
    pub(crate) fn from_stripe(address: &Value) -> Option<Address> {
        if !address.is_object() {
            return None;
        }
        let text = |field: &str| address[field].as_str().map(str::to_string);
        Some(Address {
            line1: text("line1"),
            line2: text("line2"),
            city: text("city"),
            state: text("state"),
            postal_code: text("postal_code"),
            country: text("country"),
        })
    }
}

/// What the create and edit forms send. On an edit every field is sent: an empty one clears it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct CustomerInput {
    /// Full name or company name.
    pub name: Option<String>,
    /// Billing email.
    pub email: Option<String>,
    /// Phone number.
    pub phone: Option<String>,
    /// Billing address.
    pub address: Option<Address>,
    /// Languages for emails and PDFs, most preferred first (`en`, `fr-FR`).
    pub preferred_locales: Vec<String>,
    /// A payment method already attached to the customer (edits only).
    pub default_payment_method: Option<String>,
    /// Footer printed on the customer's invoices.
    pub invoice_footer: Option<String>,
    /// Key-value pairs kept with the customer.
    pub metadata: BTreeMap<String, String>,
}

/// Trimmed text, `None` when empty.
fn given(value: &Option<String>) -> Option<&str> {
    value.as_deref().map(str::trim).filter(|text| !text.is_empty())
}

fn at_most(value: Option<&str>, max: usize, what: &str) -> Result<()> {
    if value.is_some_and(|text| text.chars().count() > max) {
        return Err(Error::Validation(format!("The {what} can have at most {max} characters.")));
    }
    Ok(())
}

/// Whether `email` looks like `local@domain.tld`: one `@`, no spaces, a dotted domain whose
/// labels are not empty and whose last label has two letters or more.
pub fn looks_like_email(email: &str) -> bool {
    let Some((local, domain)) = email.split_once('@') else { return false };
    if local.is_empty() || domain.contains('@') || email.chars().any(char::is_whitespace) {
        return false;
    }
    let labels: Vec<&str> = domain.split('.').collect();
    let tld = labels.last().copied().unwrap_or_default();
    labels.len() >= 2
        && labels.iter().all(|label| !label.is_empty() && !label.starts_with('-') && !label.ends_with('-'))
        && tld.len() >= 2
        && tld.chars().all(|c| c.is_alphabetic())
}

/// Whether `locale` is a language tag as Stripe spells them: `en`, `fr-FR`, `es-419`.
fn looks_like_locale(locale: &str) -> bool {
    let (language, region) = match locale.split_once('-') {
        Some((language, region)) => (language, Some(region)),
        None => (locale, None),
    };
    let language_ok = (2..=3).contains(&language.len()) && language.chars().all(|c| c.is_ascii_lowercase());
    let region_ok = region.is_none_or(|region| {
        (region.len() == 2 && region.chars().all(|c| c.is_ascii_uppercase()))
            || (region.len() == 3 && region.chars().all(|c| c.is_ascii_digit()))
    });
    language_ok && region_ok
}

impl CustomerInput {
    /// Checks what Stripe would refuse; nothing else is looked at (the default payment
    /// method is checked against the cache by the caller).
    pub fn validate(&self) -> Result<()> {
        at_most(given(&self.name), MAX_NAME_CHARS, "name")?;
        at_most(given(&self.phone), MAX_PHONE_CHARS, "phone number")?;
        if let Some(email) = given(&self.email) {
            if email.chars().count() > MAX_EMAIL_CHARS || !looks_like_email(email) {
                return Err(Error::Validation(format!("'{email}' is not a valid email address.")));
            }
        }
        if let Some(address) = &self.address {
            for (field, value) in address.fields() {
                at_most(value.map(str::trim), MAX_TEXT_CHARS, &format!("address's {field}"))?;
            }
            if let Some(country) = address.country.as_deref().map(str::trim).filter(|c| !c.is_empty()) {
                if country.len() != 2 || !country.chars().all(|c| c.is_ascii_alphabetic()) {
                    return Err(Error::Validation(format!(
                        "'{country}' is not a two-letter country code (ISO 3166-1 alpha-2, like DE)."
                    )));
                }
            }
        }
        if self.preferred_locales.len() > MAX_LOCALES {
            return Err(Error::Validation(format!("At most {MAX_LOCALES} preferred locales.")));
        }
        if let Some(bad) = self.preferred_locales.iter().find(|locale| !looks_like_locale(locale)) {
            return Err(Error::Validation(format!("'{bad}' is not a locale like en or fr-FR.")));
        }
        at_most(given(&self.invoice_footer), MAX_TEXT_CHARS, "invoice footer")?;
        if let Some(pm) = given(&self.default_payment_method) {
            crate::credit_notes::check_stripe_id(pm, "pm_", "payment method")?;
        }
        if self.metadata.len() > MAX_METADATA_KEYS {
            return Err(Error::Validation(format!("Metadata can have at most {MAX_METADATA_KEYS} keys.")));
        }
        for (key, value) in &self.metadata {
            if key.trim().is_empty() || key.contains('[') || key.contains(']') {
                return Err(Error::Validation(format!("'{key}' is not a metadata key (not empty, no brackets).")));
            }
            if key.chars().count() > MAX_METADATA_KEY_CHARS {
                return Err(Error::Validation(format!(
                    "Metadata key '{key}' is longer than {MAX_METADATA_KEY_CHARS} characters."
                )));
            }
            if value.chars().count() > MAX_METADATA_VALUE_CHARS {
                return Err(Error::Validation(format!(
                    "The value of metadata key '{key}' is longer than {MAX_METADATA_VALUE_CHARS} characters."
                )));
            }
        }
        Ok(())
    }

    /// The form of `POST /v1/customers` (a create; only what is set) or, with the cached
    /// customer, of `POST /v1/customers/{id}`: every field, empty to clear it, and metadata
    /// keys the customer has but the input dropped sent empty (Stripe merges metadata).
    pub(crate) fn form(&self, existing: Option<&Value>) -> Vec<(String, String)> {
        let update = existing.is_some();
        let mut form: Vec<(String, String)> = Vec::new();
        let mut put = |name: &str, value: Option<&str>| {
            if let Some(value) = value {
                form.push((name.to_string(), value.to_string()));
            } else if update {
                form.push((name.to_string(), String::new()));
            }
        };
        put("name", given(&self.name));
        put("email", given(&self.email));
        put("phone", given(&self.phone));
        put("invoice_settings[footer]", given(&self.invoice_footer));
        put("invoice_settings[default_payment_method]", given(&self.default_payment_method));
        match &self.address {
            Some(address) => {
                for (field, value) in address.fields() {
                    let value = value.map(str::trim).filter(|text| !text.is_empty());
                    let value = if field == "country" { value.map(str::to_ascii_uppercase) } else { value.map(str::to_string) };
                    if value.is_some() || update {
                        form.push((format!("address[{field}]"), value.unwrap_or_default()));
                    }
                }
            }
            None if update => form.push(("address".into(), String::new())),
            None => {}
        }
        if self.preferred_locales.is_empty() {
            if update {
                form.push(("preferred_locales".into(), String::new()));
            }
        } else {
            for (index, locale) in self.preferred_locales.iter().enumerate() {
                form.push((format!("preferred_locales[{index}]"), locale.clone()));
            }
        }
        for (key, value) in &self.metadata {
            form.push((format!("metadata[{key}]"), value.clone()));
        }
        if let Some(old) = existing.and_then(|customer| customer["metadata"].as_object()) {
            for key in old.keys().filter(|key| !self.metadata.contains_key(*key)) {
                form.push((format!("metadata[{key}]"), String::new()));
            }
        }
        form
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn emails_and_locales_are_told_apart() {
        for good in ["ap@acme.test", "a.b+c@mail.example.co.uk", "x@d.io"] {
            assert!(looks_like_email(good), "{good}");
        }
        for bad in ["", "ap", "ap@", "@acme.test", "ap@acme", "ap @acme.test", "a@b@c.de", "ap@acme.t", "ap@.test", "ap@acme..test"] {
            assert!(!looks_like_email(bad), "{bad}");
        }
        for good in ["en", "fr-FR", "es-419", "zh-HK"] {
            assert!(looks_like_locale(good), "{good}");
        }
        for bad in ["", "EN", "english", "fr_FR", "fr-fr", "fr-"] {
            assert!(!looks_like_locale(bad), "{bad}");
        }
    }

    #[test]
    fn validation_refuses_what_stripe_would() {
        let base = CustomerInput { name: Some("Acme".into()), email: Some("ap@acme.test".into()), ..CustomerInput::default() };
        assert!(base.validate().is_ok());
        let too_many: BTreeMap<String, String> = (0..51).map(|i| (format!("k{i}"), "v".into())).collect();
        let cases = [
            CustomerInput { email: Some("not an email".into()), ..base.clone() },
            CustomerInput { name: Some("n".repeat(257)), ..base.clone() },
            CustomerInput { phone: Some("1".repeat(21)), ..base.clone() },
            CustomerInput { address: Some(Address { country: Some("DEU".into()), ..Address::default() }), ..base.clone() },
            CustomerInput { preferred_locales: vec!["french".into()], ..base.clone() },
            CustomerInput { preferred_locales: vec!["en".into(); 11], ..base.clone() },
            CustomerInput { metadata: too_many, ..base.clone() },
            CustomerInput { metadata: BTreeMap::from([("k".repeat(41), "v".into())]), ..base.clone() },
            CustomerInput { metadata: BTreeMap::from([("k".into(), "v".repeat(501))]), ..base.clone() },
            CustomerInput { default_payment_method: Some("pm_1/../x".into()), ..base.clone() },
        ];
        for bad in cases {
            assert!(matches!(bad.validate(), Err(Error::Validation(_))), "{bad:?}");
        }
    }

    #[test]
    fn an_edit_clears_what_the_form_left_empty() {
        let input = CustomerInput {
            name: Some("Acme".into()),
            preferred_locales: vec!["fr-FR".into()],
            address: Some(Address { city: Some("Lyon".into()), country: Some("fr".into()), ..Address::default() }),
            metadata: BTreeMap::from([("team".into(), "ops".into())]),
            ..CustomerInput::default()
        };
        let create = input.form(None);
        assert!(create.contains(&("name".into(), "Acme".into())));
        assert!(!create.iter().any(|(name, _)| name == "email"));
        assert!(create.contains(&("address[country]".into(), "FR".into())));
        let old = json!({"metadata": {"team": "x", "old": "y"}});
        let update = input.form(Some(&old));
        assert!(update.contains(&("email".into(), String::new())));
        assert!(update.contains(&("invoice_settings[footer]".into(), String::new())));
        assert!(update.contains(&("metadata[old]".into(), String::new())));
        assert!(update.contains(&("metadata[team]".into(), "ops".into())));
        assert!(update.contains(&("preferred_locales[0]".into(), "fr-FR".into())));
    }
}
