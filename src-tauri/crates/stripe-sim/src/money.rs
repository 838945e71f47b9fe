//! Currencies as Stripe treats them: exponent, and the limits on amounts.

/// Zero-decimal currencies.
const ZERO_DECIMAL: &[&str] = &[
    "bif", "clp", "djf", "gnf", "jpy", "kmf", "krw", "mga", "pyg", "rwf", "ugx", "vnd", "vuv", "xaf", "xof", "xpf",
];
/// Three-decimal currencies (amounts must end in 0).
const THREE_DECIMAL: &[&str] = &["bhd", "jod", "kwd", "omr", "tnd"];
/// Two-decimal currencies the emulator accepts besides those above.
const TWO_DECIMAL: &[&str] = &[
    "aud", "brl", "cad", "chf", "cny", "czk", "dkk", "eur", "gbp", "hkd", "huf", "idr", "ils", "inr", "mxn", "myr",
    "nok", "nzd", "php", "pln", "ron", "sek", "sgd", "thb", "try", "twd", "usd", "zar",
];

/// Decimal places of a currency's minor unit, or `None` for a currency the emulator does not know.
pub fn exponent(currency: &str) -> Option<u32> {
    if ZERO_DECIMAL.contains(&currency) {
        Some(0)
    } else if THREE_DECIMAL.contains(&currency) {
        Some(3)
    } else if TWO_DECIMAL.contains(&currency) {
        Some(2)
    } else {
        None
    }
}

/// Largest amount Stripe accepts in one charge or line (8 digits).
pub const MAX_AMOUNT: i64 = 99_999_999;
