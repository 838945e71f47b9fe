//! The PO journal's `amount` column. A PO's audit trail keeps its values as the PO's history
//! shows them (`1,250.00 EUR by check`, cumulative sums before and after), so the money an
//! event moved is read back from those words, written by Billfold itself in
//! `money::format_amount`'s form:
//!
//! - `created`: the PO's total;
//! - `payment_recorded` / `payment_received`: the payment (the new value's first word);
//! - `credited` / `refunded`: the change of the cumulative sum (new − old);
//! - any other event moves no money and has no amount.

use crate::money::Currency;

/// The money `action` moved, in minor units, if it moved any.
pub(super) fn amount(action: &str, total: i64, old: Option<&str>, new: Option<&str>, currency: &str) -> Option<i64> {
    let exponent = Currency::parse(currency).map_or(2, |currency| currency.exponent());
    let read = |text: Option<&str>| text.and_then(|text| minor_units(text.split_whitespace().next()?, exponent));
    match action {
        "created" => Some(total),
        "payment_recorded" | "payment_received" => read(new),
        "credited" | "refunded" => Some(read(new)? - read(old)?),
        _ => None,
    }
}

/// `1,250.00` (grouped, a dot before the decimals, an optional leading minus) as minor units of
/// a currency with `exponent` decimals; `None` if it is not such a number.
fn minor_units(text: &str, exponent: u32) -> Option<i64> {
    let (negative, text) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text),
    };
    let (whole, decimals) = text.split_once('.').unwrap_or((text, ""));
    let whole = whole.replace(',', "");
    let digits = |part: &str| part.bytes().all(|byte| byte.is_ascii_digit());
    if whole.is_empty() || !digits(&whole) || !digits(decimals) || decimals.len() > exponent as usize {
        return None;
    }
    let scaled = format!("{whole}{decimals:0<width$}", width = exponent as usize);
    let magnitude: i64 = scaled.parse().ok()?;
    Some(if negative { -magnitude } else { magnitude })
}

/// The audit's RFC 3339 time as Unix seconds.
pub(super) fn seconds(at: &str) -> Option<i64> {
    chrono::DateTime::parse_from_rfc3339(at).ok().map(|at| at.timestamp())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_are_read_back_by_the_currency_exponent() {
        assert_eq!(minor_units("1,250.00", 2), Some(125_000));
        assert_eq!(minor_units("1,200", 0), Some(1_200));
        assert_eq!(minor_units("1.250", 3), Some(1_250));
        assert_eq!(minor_units("-0.50", 2), Some(-50));
        assert_eq!(minor_units("1.2", 2), Some(120));
        assert_eq!(minor_units("paid", 2), None);
        assert_eq!(minor_units("1.234", 2), None);
    }

    #[test]
    fn each_event_moves_what_its_values_say() {
        assert_eq!(amount("created", 250_000, None, None, "eur"), Some(250_000));
        assert_eq!(amount("payment_recorded", 0, None, Some("1,000.00 EUR by check (CHK-1)"), "eur"), Some(100_000));
        assert_eq!(amount("payment_received", 0, None, Some("12,000 JPY (stripe)"), "jpy"), Some(12_000));
        // 30.000 − 10.500 BHD credited so far: 19.500 this time.
        assert_eq!(amount("credited", 0, Some("10.500"), Some("30.000"), "bhd"), Some(19_500));
        assert_eq!(amount("refunded", 0, Some("0.00"), Some("40.00"), "eur"), Some(4_000));
        assert_eq!(amount("status", 0, Some("invoiced"), Some("paid"), "eur"), None);
        assert_eq!(amount("invoice_status", 0, Some("open"), Some("void"), "eur"), None);
    }

    #[test]
    fn audit_times_read_as_seconds() {
        // 2026-01-02T03:04:05Z = 1767312000 (2026-01-02T00:00Z) + 3 × 3600 + 4 × 60 + 5.
        assert_eq!(seconds("2026-01-02T03:04:05.678Z"), Some(1_767_312_000 + 3 * 3600 + 4 * 60 + 5));
        assert_eq!(seconds("yesterday"), None);
    }
}
