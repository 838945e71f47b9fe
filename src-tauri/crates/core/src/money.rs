//! Money: currencies and their exponents. Amounts are always integer minor units.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::error::{Error, Result};

/// Currencies Stripe settles or charges in (ISO 4217, lowercase as Stripe writes them).
const SUPPORTED: &[&str] = &[
    "aed", "afn", "all", "amd", "ang", "aoa", "ars", "aud", "awg", "azn", "bam", "bbd", "bdt",
    "bgn", "bhd", "bif", "bmd", "bnd", "bob", "brl", "bsd", "bwp", "byn", "bzd", "cad", "cdf",
    "chf", "clp", "cny", "cop", "crc", "cve", "czk", "djf", "dkk", "dop", "dzd", "egp", "etb",
    "eur", "fjd", "fkp", "gbp", "gel", "gip", "gmd", "gnf", "gtq", "gyd", "hkd", "hnl", "htg",
    "huf", "idr", "ils", "inr", "isk", "jmd", "jod", "jpy", "kes", "kgs", "khr", "kmf", "krw",
    "kwd", "kyd", "kzt", "lak", "lbp", "lkr", "lrd", "lsl", "mad", "mdl", "mga", "mkd", "mmk",
    "mnt", "mop", "mur", "mvr", "mwk", "mxn", "myr", "mzn", "nad", "ngn", "nio", "nok", "npr",
    "nzd", "omr", "pab", "pen", "pgk", "php", "pkr", "pln", "pyg", "qar", "ron", "rsd", "rub",
    "rwf", "sar", "sbd", "scr", "sek", "sgd", "shp", "sle", "sos", "srd", "std", "szl", "thb",
    "tjs", "tnd", "top", "try", "ttd", "twd", "tzs", "uah", "ugx", "usd", "uyu", "uzs", "vnd",
    "vuv", "wst", "xaf", "xcd", "xof", "xpf", "yer", "zar", "zmw",
];

/// Currencies with no minor unit (STRIPE.md: zero-decimal).
const ZERO_DECIMAL: &[&str] = &[
    "bif", "clp", "djf", "gnf", "jpy", "kmf", "krw", "mga", "pyg", "rwf", "ugx", "vnd", "vuv",
    "xaf", "xof", "xpf",
];

/// Currencies with three decimals (the last digit must be 0 on Stripe).
const THREE_DECIMAL: &[&str] = &["bhd", "jod", "kwd", "omr", "tnd"];

/// A currency Stripe supports, parsed and lowercased.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(try_from = "String", into = "String")]
#[ts(type = "string")]
pub struct Currency(String);

impl Currency {
    /// Parses an ISO code in any case (`USD`, `usd`); refuses currencies Stripe does not support.
    pub fn parse(code: &str) -> Result<Self> {
        let lower = code.trim().to_ascii_lowercase();
        if SUPPORTED.binary_search(&lower.as_str()).is_ok() {
            Ok(Currency(lower))
        } else {
            Err(Error::Validation(format!(
                "'{}' is not a currency Stripe supports (use an ISO code such as USD, EUR, JPY).",
                code.trim()
            )))
        }
    }

    /// The lowercase ISO code, as Stripe writes it.
    pub fn code(&self) -> &str {
        &self.0
    }

    /// Number of decimal digits in the currency's minor unit (0, 2 or 3).
    pub fn exponent(&self) -> u32 {
        if ZERO_DECIMAL.contains(&self.code()) {
            0
        } else if THREE_DECIMAL.contains(&self.code()) {
            3
        } else {
            2
        }
    }
}

impl TryFrom<String> for Currency {
    type Error = Error;
    fn try_from(value: String) -> Result<Self> {
        Currency::parse(&value)
    }
}

impl From<Currency> for String {
    fn from(value: Currency) -> Self {
        value.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_supported_list_is_sorted_for_binary_search() {
        assert!(SUPPORTED.windows(2).all(|pair| pair[0] < pair[1]));
        for code in ZERO_DECIMAL.iter().chain(THREE_DECIMAL) {
            assert!(SUPPORTED.contains(code), "{code} missing from SUPPORTED");
        }
    }

    #[test]
    fn parses_any_case_and_knows_exponents() {
        assert_eq!(Currency::parse("USD").unwrap().code(), "usd");
        assert_eq!(Currency::parse(" eur ").unwrap().exponent(), 2);
        assert_eq!(Currency::parse("JPY").unwrap().exponent(), 0);
        assert_eq!(Currency::parse("kwd").unwrap().exponent(), 3);
    }

    #[test]
    fn refuses_unknown_currencies() {
        let err = Currency::parse("xyz").unwrap_err();
        assert_eq!(err.code(), crate::ErrorCode::Validation);
        assert!(err.to_string().contains("'xyz'"));
        assert!(Currency::parse("").is_err());
    }
}
