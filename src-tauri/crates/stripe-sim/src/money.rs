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

/// The smallest amount Stripe charges in a currency (its minor units): USD/EUR 0.50,
/// GBP 0.30, JPY ¥50; other currencies use the nearest rule of thumb (0.50 of the unit).
pub fn minimum_charge(currency: &str) -> i64 {
    match (currency, exponent(currency)) {
        ("gbp", _) => 30,
        (_, Some(3)) => 500,
        _ => 50,
    }
}

/// An amount in major units with the currency's sign, as Stripe's messages print it
/// (`$0.50`, `€1,000.00`, `¥50`).
pub fn display(amount: i64, currency: &str) -> String {
    let symbol = match currency {
        "usd" | "aud" | "cad" | "nzd" | "hkd" | "sgd" | "mxn" => "$",
        "eur" => "€",
        "gbp" => "£",
        "jpy" | "cny" => "¥",
        _ => "",
    };
    let exponent = exponent(currency).unwrap_or(2);
    let scale = 10_i64.pow(exponent);
    let major = group_thousands(amount.abs() / scale);
    let sign = if amount < 0 { "-" } else { "" };
    let number = if exponent == 0 {
        major
    } else {
        format!("{major}.{:0width$}", amount.abs() % scale, width = exponent as usize)
    };
    if symbol.is_empty() {
        format!("{sign}{number} {}", currency.to_ascii_uppercase())
    } else {
        format!("{sign}{symbol}{number}")
    }
}

fn group_thousands(value: i64) -> String {
    let digits = value.to_string();
    let mut out = String::new();
    for (i, digit) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(digit);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_prints_major_units_with_the_sign() {
        assert_eq!(display(50, "usd"), "$0.50");
        assert_eq!(display(99_999_999, "usd"), "$999,999.99");
        assert_eq!(display(50, "jpy"), "¥50");
        assert_eq!(display(1_230, "kwd"), "1.230 KWD");
    }
}
