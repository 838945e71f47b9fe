//! Money: currencies and their exponents, and amounts typed in major units. Amounts are
//! always integer minor units; text is parsed and formatted here and nowhere else.
//!
//! The typed form has one rule: digits, optionally grouped in thousands with commas, then
//! optionally a dot and at most as many decimals as the currency has (`1,250.00`, `1250`,
//! `1250.5`). No signs, no spaces inside, no other separators.

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

/// Stripe's limit on one amount: at most 8 digits in minor units.
pub const MAX_AMOUNT: i64 = 99_999_999;

/// Parses an amount as the user typed it (`"1,250.00"`) into minor units of `currency`.
/// Refuses more decimals than the currency has, a three-decimal amount whose last digit is
/// not 0 (Stripe rounds those to tens), and more than Stripe's 8 digits.
pub fn parse_amount(text: &str, currency: &Currency) -> Result<i64> {
    let text = text.trim();
    let refuse = |why: &str| Err(Error::Validation(format!("'{text}' is not an amount: {why}")));
    if text.is_empty() {
        return Err(Error::Validation("An amount is required.".into()));
    }
    if text.starts_with('-') {
        return refuse("amounts cannot be negative.");
    }
    let (whole, decimals) = match text.split_once('.') {
        Some((whole, decimals)) => (whole, Some(decimals)),
        None => (text, None),
    };
    let groups: Vec<&str> = whole.split(',').collect();
    let digits_only = |part: &str| !part.is_empty() && part.bytes().all(|b| b.is_ascii_digit());
    if !groups.iter().all(|group| digits_only(group)) {
        return refuse("use digits, commas between thousands and a dot before the decimals (1,250.00).");
    }
    if groups.len() > 1 && (groups[0].len() > 3 || groups[1..].iter().any(|group| group.len() != 3)) {
        return refuse("commas must separate groups of three digits (1,250,000.00).");
    }
    let exponent = currency.exponent() as usize;
    let code = currency.code().to_ascii_uppercase();
    let decimals = match decimals {
        None => "",
        Some(decimals) if !digits_only(decimals) => {
            return refuse("use digits, commas between thousands and a dot before the decimals (1,250.00).")
        }
        Some(decimals) if decimals.len() > exponent => {
            return match exponent {
                0 => refuse(&format!("{code} has no decimals.")),
                n => refuse(&format!("{code} has at most {n} decimals.")),
            };
        }
        Some(decimals) => decimals,
    };
    let digits = format!("{}{decimals:0<exponent$}", groups.concat());
    let digits = digits.trim_start_matches('0');
    if digits.len() > 8 {
        return refuse(&format!("Stripe accepts at most {} {code}.", format_amount(MAX_AMOUNT, currency)));
    }
    let minor: i64 = if digits.is_empty() { 0 } else { digits.parse().map_err(|_| Error::Internal("digits did not parse".into()))? };
    if exponent == 3 && minor % 10 != 0 {
        return refuse(&format!("Stripe needs the last of {code}'s three decimals to be 0."));
    }
    Ok(minor)
}

/// Formats minor units of `currency` as the user would type them: thousands grouped with
/// commas, a dot and exactly the currency's decimals (`1,250.00`, `¥`-style `1,250`, `1.250`).
pub fn format_amount(minor: i64, currency: &Currency) -> String {
    let exponent = currency.exponent();
    let scale = 10_i64.pow(exponent);
    let magnitude = minor.unsigned_abs();
    let whole = (magnitude / scale as u64).to_string();
    let mut grouped = String::with_capacity(whole.len() + whole.len() / 3);
    for (index, digit) in whole.chars().enumerate() {
        if index > 0 && (whole.len() - index).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(digit);
    }
    let sign = if minor < 0 { "-" } else { "" };
    match exponent {
        0 => format!("{sign}{grouped}"),
        n => format!("{sign}{grouped}.{:0width$}", magnitude % scale as u64, width = n as usize),
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

    fn amount(text: &str, code: &str) -> Result<i64> {
        parse_amount(text, &Currency::parse(code).unwrap())
    }

    #[test]
    fn two_decimal_amounts_parse_as_typed() {
        assert_eq!(amount("1,250.00", "eur").unwrap(), 125_000);
        assert_eq!(amount("1250", "eur").unwrap(), 125_000);
        assert_eq!(amount(" 1250.5 ", "eur").unwrap(), 125_050);
        assert_eq!(amount("0.07", "usd").unwrap(), 7);
        assert_eq!(amount("999,999.99", "usd").unwrap(), 99_999_999);
        assert!(amount("1,000,000.00", "usd").unwrap_err().to_string().contains("at most 999,999.99"));
        assert!(amount("1.255", "eur").unwrap_err().to_string().contains("at most 2 decimals"));
        for bad in ["1.250,00", "12,50", "1,2500", "1 250", "-5", "", "abc", "1.", ".5x", "1,,250"] {
            assert!(amount(bad, "eur").is_err(), "{bad:?} was accepted");
        }
        assert_eq!(format_amount(125_000, &Currency::parse("eur").unwrap()), "1,250.00");
        assert_eq!(format_amount(7, &Currency::parse("usd").unwrap()), "0.07");
        assert_eq!(format_amount(-123_456_789, &Currency::parse("usd").unwrap()), "-1,234,567.89");
    }

    #[test]
    fn zero_decimal_amounts_have_no_decimals() {
        assert_eq!(amount("1,250", "jpy").unwrap(), 1250);
        assert_eq!(amount("50", "JPY").unwrap(), 50);
        assert!(amount("1250.00", "jpy").unwrap_err().to_string().contains("JPY has no decimals"));
        assert!(amount("100,000,000", "jpy").is_err(), "over 8 digits");
        assert_eq!(amount("99,999,999", "jpy").unwrap(), 99_999_999);
        assert_eq!(format_amount(1_250_000, &Currency::parse("jpy").unwrap()), "1,250,000");
        assert_eq!(format_amount(0, &Currency::parse("jpy").unwrap()), "0");
    }

    #[test]
    fn three_decimal_amounts_end_in_zero() {
        assert_eq!(amount("1,250.500", "kwd").unwrap(), 1_250_500);
        assert_eq!(amount("1.25", "kwd").unwrap(), 1250);
        assert_eq!(amount("12", "kwd").unwrap(), 12_000);
        assert!(amount("1.255", "kwd").unwrap_err().to_string().contains("last of KWD's three decimals"));
        assert!(amount("1.2500", "kwd").unwrap_err().to_string().contains("at most 3 decimals"));
        assert_eq!(format_amount(1_250_500, &Currency::parse("kwd").unwrap()), "1,250.500");
        assert_eq!(format_amount(10, &Currency::parse("kwd").unwrap()), "0.010");
    }

    #[test]
    fn formatting_round_trips_through_parsing() {
        for code in ["eur", "jpy", "kwd"] {
            let currency = Currency::parse(code).unwrap();
            for minor in [0, 10, 1_000, 123_450, 99_999_990] {
                assert_eq!(parse_amount(&format_amount(minor, &currency), &currency).unwrap(), minor, "{code} {minor}");
            }
        }
    }

    #[test]
    fn refuses_unknown_currencies() {
        let err = Currency::parse("xyz").unwrap_err();
        assert_eq!(err.code(), crate::ErrorCode::Validation);
        assert!(err.to_string().contains("'xyz'"));
        assert!(Currency::parse("").is_err());
    }
}
