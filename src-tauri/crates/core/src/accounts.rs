//! Accounts: one Stripe account per conference or business, with its key mode and API base.
//!
//! This module holds the types and the input rules; [`crate::Billfold`] runs the steps
//! (validate with Stripe, keychain, store) and [`crate::store`] keeps the rows.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::error::{Error, Result};
use crate::money::Currency;
use crate::secrets::Secret;

/// Stripe's API base, used when an account does not override it.
pub const DEFAULT_API_BASE: &str = "https://api.stripe.com/";

/// Test or live data, from the key prefix. Live accounts are marked in the UI.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum Mode {
    /// `sk_test_` / `rk_test_` keys: Stripe's sandbox.
    Test,
    /// `sk_live_` / `rk_live_` keys: real money.
    Live,
}

impl Mode {
    /// The word stored in SQLite.
    pub fn as_str(self) -> &'static str {
        match self {
            Mode::Test => "test",
            Mode::Live => "live",
        }
    }

    /// Parses the stored word.
    pub fn from_stored(value: &str) -> Result<Self> {
        match value {
            "test" => Ok(Mode::Test),
            "live" => Ok(Mode::Live),
            other => Err(Error::Store(format!("unknown account mode '{other}' in the database"))),
        }
    }
}

/// What the user fills in to add an account.
#[derive(Debug, Clone, Deserialize, TS)]
pub struct NewAccount {
    /// Display name, e.g. "RustConf 2027".
    pub name: String,
    /// Secret (`sk_…`) or restricted (`rk_…`) API key.
    #[ts(type = "string")]
    pub secret_key: Secret,
    /// ISO currency code used by default for new POs.
    pub default_currency: String,
    /// API base URL; empty or absent means Stripe itself.
    #[ts(optional)]
    pub api_base: Option<String>,
    /// Webhook signing secret (`whsec_…`) for the optional listener.
    #[ts(optional, type = "string")]
    pub webhook_secret: Option<Secret>,
}

/// A [`NewAccount`] whose every field has passed the rules.
#[derive(Debug, Clone)]
pub struct ValidAccountInput {
    /// Trimmed display name.
    pub name: String,
    /// The API key, trimmed.
    pub secret_key: Secret,
    /// Test or live, from the key prefix.
    pub mode: Mode,
    /// Default currency.
    pub default_currency: Currency,
    /// Normalized API base, ending in `/`.
    pub api_base: String,
    /// Webhook signing secret, if given.
    pub webhook_secret: Option<Secret>,
}

/// An account as stored (no secrets: those are in the keychain).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Account {
    /// Stable id (UUID), also the keychain entry prefix.
    pub id: String,
    /// Display name.
    pub name: String,
    /// URL-safe unique name, used by the webhook listener path.
    pub slug: String,
    /// Default currency for new POs.
    pub default_currency: Currency,
    /// Test or live.
    pub mode: Mode,
    /// API base, ending in `/`.
    pub api_base: String,
    /// Masked key (`sk_test_…4f2a`) so lists need no keychain round trip.
    pub key_hint: String,
    /// Whether a webhook signing secret is in the keychain.
    pub has_webhook_secret: bool,
    /// RFC 3339 creation time.
    pub created_at: String,
    /// Whether this is one of the demo accounts on the built-in emulator.
    pub is_demo: bool,
}

/// What the UI sees of an account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct AccountView {
    /// Stable id.
    pub id: String,
    /// Display name.
    pub name: String,
    /// URL-safe unique name.
    pub slug: String,
    /// Default currency (lowercase ISO code).
    pub default_currency: String,
    /// Test or live.
    pub mode: Mode,
    /// API base URL.
    pub api_base: String,
    /// Whether the API base is Stripe's own.
    pub uses_stripe_api: bool,
    /// The key, masked: `sk_test_…4f2a`.
    pub masked_key: String,
    /// Whether a webhook signing secret is stored.
    pub has_webhook_secret: bool,
    /// Whether this is the account the app shows.
    pub is_active: bool,
    /// RFC 3339 creation time.
    pub created_at: String,
    /// Whether this is a demo account (built-in emulator data, nothing leaves the computer).
    pub is_demo: bool,
}

impl AccountView {
    /// Builds the UI view of a stored account.
    pub fn from_account(account: Account, active_id: Option<&str>) -> Self {
        AccountView {
            is_active: active_id == Some(account.id.as_str()),
            uses_stripe_api: account.api_base == DEFAULT_API_BASE,
            id: account.id,
            name: account.name,
            slug: account.slug,
            default_currency: account.default_currency.code().to_string(),
            mode: account.mode,
            api_base: account.api_base,
            masked_key: account.key_hint,
            has_webhook_secret: account.has_webhook_secret,
            created_at: account.created_at,
            is_demo: account.is_demo,
        }
    }
}

/// Checks every field of a [`NewAccount`]; the first problem is reported.
pub fn validate_new_account(input: NewAccount) -> Result<ValidAccountInput> {
    let name = validate_name(&input.name)?;
    let secret_key = Secret::new(input.secret_key.expose().trim());
    let mode = detect_mode(&secret_key)?;
    let default_currency = Currency::parse(&input.default_currency)?;
    let api_base = normalize_api_base(input.api_base.as_deref())?;
    let webhook_secret = match input.webhook_secret {
        Some(secret) if !secret.expose().trim().is_empty() => {
            let trimmed = Secret::new(secret.expose().trim());
            validate_webhook_secret(&trimmed)?;
            Some(trimmed)
        }
        _ => None,
    };
    Ok(ValidAccountInput { name, secret_key, mode, default_currency, api_base, webhook_secret })
}

/// A display name: 1 to 80 characters once trimmed.
pub fn validate_name(name: &str) -> Result<String> {
    let trimmed = name.trim();
    if trimmed.is_empty() {
        return Err(Error::Validation("Give the account a name, e.g. the conference's.".into()));
    }
    if trimmed.chars().count() > 80 {
        return Err(Error::Validation("An account name can be at most 80 characters.".into()));
    }
    Ok(trimmed.to_string())
}

/// Test or live from the key prefix; anything but `sk_`/`rk_` test/live keys is refused.
pub fn detect_mode(key: &Secret) -> Result<Mode> {
    let value = key.expose();
    let (mode, body) = if let Some(body) =
        value.strip_prefix("sk_test_").or_else(|| value.strip_prefix("rk_test_"))
    {
        (Mode::Test, body)
    } else if let Some(body) =
        value.strip_prefix("sk_live_").or_else(|| value.strip_prefix("rk_live_"))
    {
        (Mode::Live, body)
    } else if value.starts_with("pk_") {
        return Err(Error::Validation(
            "That is a publishable key (pk_…). Billfold needs a secret key (sk_…) or a restricted key (rk_…).".into(),
        ));
    } else {
        return Err(Error::Validation(
            "A Stripe API key starts with sk_test_, sk_live_, rk_test_ or rk_live_.".into(),
        ));
    };
    if body.len() < 8 || !body.chars().all(|c| c.is_ascii_alphanumeric()) {
        return Err(Error::Validation(
            "The API key looks cut short or has stray characters; copy it again from the Stripe Dashboard.".into(),
        ));
    }
    Ok(mode)
}

/// A webhook signing secret starts with `whsec_`.
pub fn validate_webhook_secret(secret: &Secret) -> Result<()> {
    let value = secret.expose();
    match value.strip_prefix("whsec_") {
        Some(body) if !body.is_empty() && body.chars().all(|c| c.is_ascii_alphanumeric()) => Ok(()),
        _ => Err(Error::Validation(
            "A webhook signing secret starts with whsec_ (find it on the webhook endpoint's page or in `stripe listen`'s output).".into(),
        )),
    }
}

/// The API base URL, ending in `/`. HTTPS anywhere; plain HTTP only on this computer
/// (loopback), which is where the emulator runs.
pub fn normalize_api_base(input: Option<&str>) -> Result<String> {
    let raw = input.map(str::trim).unwrap_or("");
    if raw.is_empty() {
        return Ok(DEFAULT_API_BASE.to_string());
    }
    let url = url::Url::parse(raw)
        .map_err(|_| Error::Validation(format!("'{raw}' is not a valid URL.")))?;
    let loopback = match url.host() {
        Some(url::Host::Domain(domain)) => domain == "localhost",
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    };
    match url.scheme() {
        "https" => {}
        "http" if loopback => {}
        _ => {
            return Err(Error::Validation(
                "The API base must use https:// (plain http:// only for an emulator on this computer).".into(),
            ))
        }
    }
    if url.query().is_some() || url.fragment().is_some() || !url.username().is_empty() {
        return Err(Error::Validation(
            "The API base must be a plain URL without query, fragment or user name.".into(),
        ));
    }
    let mut normalized = url.to_string();
    if !normalized.ends_with('/') {
        normalized.push('/');
    }
    Ok(normalized)
}

/// A URL-safe slug from a display name: lowercase ASCII letters, digits and dashes.
pub fn slugify(name: &str) -> String {
    let mut slug = String::new();
    for c in name.chars() {
        if c.is_ascii_alphanumeric() {
            slug.push(c.to_ascii_lowercase());
        } else if !slug.is_empty() && !slug.ends_with('-') {
            slug.push('-');
        }
    }
    let slug = slug.trim_end_matches('-');
    if slug.is_empty() {
        "account".to_string()
    } else {
        slug.chars().take(48).collect::<String>().trim_end_matches('-').to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(key: &str) -> NewAccount {
        NewAccount {
            name: "  RustConf 2027 ".into(),
            secret_key: Secret::new(key),
            default_currency: "USD".into(),
            api_base: None,
            webhook_secret: None,
        }
    }

    #[test]
    fn mode_comes_from_the_key_prefix() {
        // Fake keys, assembled so no live-looking key sits in the source.
        for (prefix, mode) in [("sk_test_", Mode::Test), ("rk_test_", Mode::Test), ("sk_live_", Mode::Live), ("rk_live_", Mode::Live)] {
            let key = format!("{prefix}{}", "abcdefgh1234");
            assert_eq!(detect_mode(&Secret::new(key.as_str())).unwrap(), mode, "{key}");
        }
    }

    #[test]
    fn other_keys_are_refused_with_a_clear_message() {
        let publishable = detect_mode(&Secret::new("pk_test_abcdefgh1234")).unwrap_err();
        assert!(publishable.to_string().contains("publishable"));
        for bad in ["", "sk_abcdefgh", "whsec_abcdefgh1234", "sk_test_", "sk_test_abc", "sk_test_abc def1234"] {
            let err = detect_mode(&Secret::new(bad)).unwrap_err();
            assert_eq!(err.code(), crate::ErrorCode::Validation, "{bad:?}");
        }
    }

    #[test]
    fn validation_trims_and_defaults() {
        let valid = validate_new_account(input(" sk_test_abcdefgh1234\n")).unwrap();
        assert_eq!(valid.name, "RustConf 2027");
        assert_eq!(valid.secret_key.expose(), "sk_test_abcdefgh1234");
        assert_eq!(valid.api_base, DEFAULT_API_BASE);
        assert_eq!(valid.default_currency.code(), "usd");
        assert!(valid.webhook_secret.is_none());
    }

    #[test]
    fn validation_refuses_bad_fields() {
        let mut no_name = input("sk_test_abcdefgh1234");
        no_name.name = "   ".into();
        assert!(validate_new_account(no_name).is_err());

        let mut bad_currency = input("sk_test_abcdefgh1234");
        bad_currency.default_currency = "usdollars".into();
        assert!(validate_new_account(bad_currency).is_err());

        let mut bad_hook = input("sk_test_abcdefgh1234");
        bad_hook.webhook_secret = Some(Secret::new("secret"));
        assert!(validate_new_account(bad_hook).is_err());

        let mut good_hook = input("sk_test_abcdefgh1234");
        good_hook.webhook_secret = Some(Secret::new(" whsec_abc123 "));
        assert_eq!(
            validate_new_account(good_hook).unwrap().webhook_secret.unwrap().expose(),
            "whsec_abc123"
        );
    }

    #[test]
    fn api_base_is_https_or_loopback_http() {
        assert_eq!(normalize_api_base(Some("")).unwrap(), DEFAULT_API_BASE);
        assert_eq!(normalize_api_base(Some("http://127.0.0.1:4242")).unwrap(), "http://127.0.0.1:4242/");
        assert_eq!(normalize_api_base(Some("http://localhost:1/sim")).unwrap(), "http://localhost:1/sim/");
        assert_eq!(normalize_api_base(Some("https://stripe.example.com")).unwrap(), "https://stripe.example.com/");
        assert!(normalize_api_base(Some("http://10.0.0.1:4242")).is_err());
        assert!(normalize_api_base(Some("ftp://127.0.0.1")).is_err());
        assert!(normalize_api_base(Some("not a url")).is_err());
        assert!(normalize_api_base(Some("https://u:p@api.stripe.com")).is_err());
    }

    #[test]
    fn slugs_are_url_safe() {
        assert_eq!(slugify("RustConf 2027 — Berlin!"), "rustconf-2027-berlin");
        assert_eq!(slugify("  ***  "), "account");
        assert_eq!(slugify("Ünïcode Day"), "n-code-day");
    }
}
