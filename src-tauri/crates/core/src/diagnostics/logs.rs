//! The recent warnings and errors of the log file, for the diagnostics report.

use std::fs::File;
use std::io::{Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};

use crate::logging::LOG_FILE_PREFIX;

/// How much of the end of each log file is read.
const TAIL_BYTES: u64 = 1024 * 1024;
/// How many of the newest log files (one a day) are looked at.
const MAX_FILES: usize = 3;

/// One WARN or ERROR line of the log file, not yet scrubbed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogProblem {
    /// When (the line's RFC 3339 timestamp).
    pub time: String,
    /// `WARN` or `ERROR`.
    pub level: String,
    /// The rest of the line: spans, target, message and fields.
    pub text: String,
}

/// The last `limit` WARN and ERROR lines of the newest log files, oldest first. A missing
/// folder has none.
pub fn recent_problems(log_dir: &Path, limit: usize) -> std::io::Result<Vec<LogProblem>> {
    let mut found = Vec::new();
    for file in newest_log_files(log_dir)?.into_iter().take(MAX_FILES) {
        for line in tail_lines(&file)?.iter().rev() {
            if found.len() == limit {
                break;
            }
            if let Some(problem) = parse_problem(line) {
                found.push(problem);
            }
        }
    }
    found.reverse();
    Ok(found)
}

/// The folder's log files, newest first (their names end in the date).
fn newest_log_files(log_dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    let entries = match std::fs::read_dir(log_dir) {
        Ok(entries) => entries,
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(err) => return Err(err),
    };
    let mut files = Vec::new();
    for entry in entries {
        let entry = entry?;
        if entry.file_name().to_string_lossy().starts_with(LOG_FILE_PREFIX) && entry.file_type()?.is_file() {
            files.push(entry.path());
        }
    }
    files.sort();
    files.reverse();
    Ok(files)
}

/// The whole lines in the last [`TAIL_BYTES`] of a file.
fn tail_lines(path: &Path) -> std::io::Result<Vec<String>> {
    let mut file = File::open(path)?;
    let len = file.metadata()?.len();
    let start = len.saturating_sub(TAIL_BYTES);
    file.seek(SeekFrom::Start(start))?;
    let mut bytes = Vec::new();
    file.read_to_end(&mut bytes)?;
    let text = String::from_utf8_lossy(&bytes);
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    if start > 0 && !lines.is_empty() {
        // The first line was cut by the seek.
        lines.remove(0);
    }
    Ok(lines)
}

/// `2026-11-23T10:00:00.123456Z  WARN target: message fields` → its parts, for WARN and
/// ERROR lines that start with a timestamp.
fn parse_problem(line: &str) -> Option<LogProblem> {
    let (time, rest) = line.split_once(char::is_whitespace)?;
    let looks_like_time = time.starts_with(|c: char| c.is_ascii_digit()) && time.contains('T');
    let rest = rest.trim_start();
    let (level, text) = rest.split_once(char::is_whitespace).unwrap_or((rest, ""));
    if !looks_like_time || !matches!(level, "WARN" | "ERROR") {
        return None;
    }
    Some(LogProblem { time: time.to_string(), level: level.to_string(), text: text.trim().to_string() })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(n: usize, level: &str) -> String {
        format!("2026-11-{:02}T10:00:00.000001Z {level:>5} billfold_core::sync: line {n}\n", 1 + n / 20)
    }

    #[test]
    fn only_the_last_warnings_and_errors_of_the_newest_files_oldest_first() {
        let dir = tempfile::tempdir().unwrap();
        let mut older = String::new();
        let mut newer = String::new();
        for n in 0..30 {
            let level = if n % 3 == 0 {
                "INFO"
            } else if n % 2 == 0 {
                "ERROR"
            } else {
                "WARN"
            };
            let text = line(n, level);
            if n < 15 {
                older.push_str(&text)
            } else {
                newer.push_str(&text)
            }
        }
        newer.push_str("  a continuation line WARN without a timestamp\n");
        std::fs::write(dir.path().join(format!("{LOG_FILE_PREFIX}.2026-11-01")), older).unwrap();
        std::fs::write(dir.path().join(format!("{LOG_FILE_PREFIX}.2026-11-02")), newer).unwrap();
        std::fs::write(dir.path().join("other.txt"), line(99, "ERROR")).unwrap();

        let problems = recent_problems(dir.path(), 12).unwrap();
        let numbers: Vec<usize> =
            problems.iter().map(|problem| problem.text.rsplit(' ').next().unwrap().parse().unwrap()).collect();
        assert_eq!(numbers, vec![13, 14, 16, 17, 19, 20, 22, 23, 25, 26, 28, 29]);
        assert_eq!(problems[0].level, "WARN");
        assert_eq!(problems[1].level, "ERROR");
        assert!(problems[0].time.starts_with("2026-11-01T10:00:00"));
        assert_eq!(problems[0].text, "billfold_core::sync: line 13");
    }

    #[test]
    fn a_missing_folder_has_no_problems() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(recent_problems(&dir.path().join("nope"), 20).unwrap(), vec![]);
    }
}
