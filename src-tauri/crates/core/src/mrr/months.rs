//! Calendar months in UTC: `YYYY-MM` parsed and checked, and where each starts.

use chrono::{Datelike, TimeZone, Utc};

use crate::error::{Error, Result};

/// The most months one report covers (ten years).
pub const MAX_MONTHS: usize = 120;

/// A month as `(year, month 1–12)` from `YYYY-MM`.
pub fn parse_month(text: &str) -> Result<(i32, u32)> {
    let bad = || Error::Validation(format!("'{text}' is not a month: write it as YYYY-MM, e.g. 2026-03."));
    let (year, month) = text.split_once('-').ok_or_else(bad)?;
    if year.len() != 4 || month.len() != 2 || !year.bytes().chain(month.bytes()).all(|b| b.is_ascii_digit()) {
        return Err(bad());
    }
    let (year, month) = (year.parse::<i32>().map_err(|_| bad())?, month.parse::<u32>().map_err(|_| bad())?);
    if !(1970..=9998).contains(&year) || !(1..=12).contains(&month) {
        return Err(bad());
    }
    Ok((year, month))
}

/// The months from `from` to `to` (both `YYYY-MM`, inclusive), checked: in order and at most
/// [`MAX_MONTHS`].
pub(crate) fn range(from: &str, to: &str) -> Result<Vec<(i32, u32)>> {
    let (start, end) = (parse_month(from)?, parse_month(to)?);
    let index = |(y, m): (i32, u32)| i64::from(y) * 12 + i64::from(m) - 1;
    let count = index(end) - index(start) + 1;
    if count < 1 {
        return Err(Error::Validation(format!("The range starts ({from}) after it ends ({to}).")));
    }
    if count > MAX_MONTHS as i64 {
        return Err(Error::Validation(format!("A report covers at most {MAX_MONTHS} months; {from} to {to} is {count}.")));
    }
    Ok((0..count).map(|k| add((start.0, start.1), k)).collect())
}

/// `month` moved by `k` months.
pub(crate) fn add((year, month): (i32, u32), k: i64) -> (i32, u32) {
    let index = i64::from(year) * 12 + i64::from(month) - 1 + k;
    (index.div_euclid(12) as i32, (index.rem_euclid(12) + 1) as u32)
}

/// Unix time of the first second of a month, UTC.
pub fn month_start((year, month): (i32, u32)) -> i64 {
    Utc.with_ymd_and_hms(year, month, 1, 0, 0, 0).single().map_or(0, |at| at.timestamp())
}

/// `YYYY-MM`.
pub(crate) fn label((year, month): (i32, u32)) -> String {
    format!("{year:04}-{month:02}")
}

/// The month a Unix time falls in, UTC.
pub(crate) fn month_of(at: i64) -> (i32, u32) {
    let at = chrono::DateTime::from_timestamp(at, 0).unwrap_or_default();
    (at.year(), at.month())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_are_checked() {
        assert_eq!(parse_month("2026-03").unwrap(), (2026, 3));
        for bad in ["2026-3", "2026-13", "2026-00", "26-03", "2026/03", "", "abcd-ef", "2026-03-01"] {
            assert!(parse_month(bad).is_err(), "{bad}");
        }
        assert_eq!(range("2025-11", "2026-02").unwrap(), vec![(2025, 11), (2025, 12), (2026, 1), (2026, 2)]);
        assert!(range("2026-02", "2026-01").unwrap_err().to_string().contains("after it ends"));
        assert_eq!(range("2016-01", "2025-12").unwrap().len(), 120);
        assert!(range("2016-01", "2026-01").unwrap_err().to_string().contains("at most 120"));
    }

    #[test]
    fn months_start_at_midnight_utc() {
        // 2026-03-01T00:00:00Z
        assert_eq!(month_start((2026, 3)), 1_772_323_200);
        assert_eq!(month_of(1_772_323_200), (2026, 3));
        assert_eq!(month_of(1_772_323_199), (2026, 2));
        assert_eq!(add((2026, 12), 1), (2027, 1));
        assert_eq!(add((2026, 1), -1), (2025, 12));
    }
}
