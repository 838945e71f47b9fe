//! What every paged, searchable list in the store shares: page bounds and LIKE patterns.

use crate::error::{Error, Result};

/// The most rows one page may hold.
pub(crate) const MAX_PAGE: i64 = 500;

/// Refuses a page of no rows, more than [`MAX_PAGE`], or a negative offset.
pub(crate) fn check_page(limit: i64, offset: i64) -> Result<()> {
    if offset < 0 || !(1..=MAX_PAGE).contains(&limit) {
        return Err(Error::Validation(format!(
            "A page holds 1 to {MAX_PAGE} rows from an offset of 0 or more."
        )));
    }
    Ok(())
}

/// A LIKE pattern (used with `ESCAPE '\'`) matching `text` anywhere, with LIKE's own
/// characters escaped so a search for "50%" finds exactly that.
pub(crate) fn like_pattern(text: &str) -> String {
    let escaped = text.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_");
    format!("%{escaped}%")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn like_characters_are_escaped_and_pages_bounded() {
        assert_eq!(like_pattern(r"50%_a\b"), r"%50\%\_a\\b%");
        assert!(check_page(1, 0).is_ok() && check_page(MAX_PAGE, 10).is_ok());
        assert!(check_page(0, 0).is_err() && check_page(MAX_PAGE + 1, 0).is_err() && check_page(10, -1).is_err());
    }
}
