//! Command-line flags answered before any window opens: `--version` and `--help`.

use std::ffi::OsString;

/// What `--version` prints.
pub fn version_line() -> String {
    format!("billfold {}", env!("CARGO_PKG_VERSION"))
}

/// What `--help` prints.
pub fn usage() -> String {
    format!(
        "{}: a desktop billing console for Stripe.\nUsage: billfold [--version | --help]  (no flag starts the app)",
        version_line()
    )
}

/// The text to print instead of starting the app, if the first argument asks for one.
/// Anything else starts the app as usual.
pub fn answer(args: &[OsString]) -> Option<String> {
    match args.first().and_then(|arg| arg.to_str()) {
        Some("--version" | "-V") => Some(version_line()),
        Some("--help" | "-h") => Some(usage()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn version_and_help_are_answered_and_anything_else_starts_the_app() {
        let args = |list: &[&str]| list.iter().map(OsString::from).collect::<Vec<_>>();
        assert_eq!(answer(&args(&["--version"])), Some(format!("billfold {}", env!("CARGO_PKG_VERSION"))));
        assert_eq!(answer(&args(&["-V"])), answer(&args(&["--version"])));
        assert!(answer(&args(&["--help"])).is_some_and(|text| text.lines().count() == 2));
        assert_eq!(answer(&args(&[])), None);
        assert_eq!(answer(&args(&["--something-else"])), None);
    }
}
