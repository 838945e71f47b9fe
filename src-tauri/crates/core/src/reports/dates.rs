//! Report dates: `YYYY-MM-DD` days read in the user's time zone (a fixed UTC offset the
//! window sends, as the other date filters read dates in the user's zone), their Unix-second
//! bounds, and the periods (days, ISO weeks, months) a range is cut into.

use chrono::{Datelike, Duration, Months, NaiveDate};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::error::{Error, Result};

/// The longest range a report takes, in days (five years and a leap day).
pub const MAX_RANGE_DAYS: i64 = 5 * 365 + 1;
/// The widest UTC offset on Earth, in minutes (UTC+14:00).
const MAX_OFFSET_MINUTES: i32 = 14 * 60;

/// How a report cuts its range into periods.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum Granularity {
    /// Calendar days.
    Day,
    /// ISO weeks, Monday to Sunday, labelled `2026-W03`.
    Week,
    /// Calendar months, labelled `2026-01`.
    Month,
}

/// A range of whole days in the user's zone, checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DayRange {
    /// The first day.
    pub from: NaiveDate,
    /// The last day (included).
    pub to: NaiveDate,
    /// The user's offset from UTC, in seconds (east positive).
    pub offset_secs: i64,
}

/// Reads a `YYYY-MM-DD` day; `field` names it in the message.
pub fn parse_day(text: &str, field: &str) -> Result<NaiveDate> {
    let well_formed = text.len() == 10 && text.as_bytes().get(4) == Some(&b'-') && text.as_bytes().get(7) == Some(&b'-');
    match NaiveDate::parse_from_str(text, "%Y-%m-%d") {
        Ok(day) if well_formed => Ok(day),
        _ => Err(Error::Validation(format!("The {field} date must be a real date written YYYY-MM-DD (got '{text}')."))),
    }
}

/// Checks the window's UTC offset and turns it into seconds.
pub fn offset_secs(offset_minutes: i32) -> Result<i64> {
    if offset_minutes.abs() > MAX_OFFSET_MINUTES {
        return Err(Error::Validation(format!("A time zone offset of {offset_minutes} minutes is not on Earth.")));
    }
    Ok(i64::from(offset_minutes) * 60)
}

impl DayRange {
    /// Reads and checks a range: real dates, from ≤ to, at most [`MAX_RANGE_DAYS`].
    pub fn parse(from: &str, to: &str, offset_minutes: i32) -> Result<DayRange> {
        let range = DayRange { from: parse_day(from, "from")?, to: parse_day(to, "to")?, offset_secs: offset_secs(offset_minutes)? };
        if range.from > range.to {
            return Err(Error::Validation(format!("The range starts ({from}) after it ends ({to}).")));
        }
        if (range.to - range.from).num_days() + 1 > MAX_RANGE_DAYS {
            return Err(Error::Validation("A report covers at most five years; choose a shorter range.".into()));
        }
        Ok(range)
    }

    /// The first second of `from` and the first second after `to`, as Unix seconds.
    pub fn bounds(&self) -> (i64, i64) {
        (day_start(self.from, self.offset_secs), day_start(self.to + Duration::days(1), self.offset_secs))
    }

    /// The range of the same shape just before this one: as many whole calendar months when
    /// it is whole months (this month → last month), else as many days.
    pub fn previous(&self) -> DayRange {
        let next_day = self.to + Duration::days(1);
        let months = (next_day.year() - self.from.year()) * 12 + next_day.month() as i32 - self.from.month() as i32;
        if self.from.day() == 1 && next_day.day() == 1 && months > 0 {
            let months = Months::new(months as u32);
            return DayRange { from: self.from - months, to: self.from - Duration::days(1), offset_secs: self.offset_secs };
        }
        let days = (self.to - self.from).num_days() + 1;
        DayRange { from: self.from - Duration::days(days), to: self.from - Duration::days(1), offset_secs: self.offset_secs }
    }

    /// Every period of the range, in order, as `(key, label)`: the key is what
    /// [`period_key_sql`] gives for a moment inside it.
    pub fn periods(&self, granularity: Granularity) -> Vec<(String, String)> {
        let mut out = Vec::new();
        let mut day = period_start(self.from, granularity);
        while day <= self.to {
            out.push((day.format("%Y-%m-%d").to_string(), label(day, granularity)));
            day = match granularity {
                Granularity::Day => day + Duration::days(1),
                Granularity::Week => day + Duration::days(7),
                Granularity::Month => day + Months::new(1),
            };
        }
        out
    }
}

/// The first day of the period holding `day`.
fn period_start(day: NaiveDate, granularity: Granularity) -> NaiveDate {
    match granularity {
        Granularity::Day => day,
        Granularity::Week => day - Duration::days(i64::from(day.weekday().num_days_from_monday())),
        Granularity::Month => day.with_day(1).unwrap_or(day),
    }
}

/// How a period is named: `2026-01-31`, `2026-W05` (ISO week-year), `2026-01`.
fn label(start: NaiveDate, granularity: Granularity) -> String {
    match granularity {
        Granularity::Day => start.format("%Y-%m-%d").to_string(),
        Granularity::Week => {
            let week = start.iso_week();
            format!("{}-W{:02}", week.year(), week.week())
        }
        Granularity::Month => start.format("%Y-%m").to_string(),
    }
}

/// SQL giving the first day (`YYYY-MM-DD`) of the period holding the Unix time in `column`,
/// in the zone `offset_secs` east of UTC (bound as `?offset`).
pub fn period_key_sql(column: &str, granularity: Granularity) -> String {
    match granularity {
        Granularity::Day => format!("date({column} + :offset, 'unixepoch')"),
        // 'weekday 0' moves to the coming Sunday (or stays on one); six days back is its Monday.
        Granularity::Week => format!("date({column} + :offset, 'unixepoch', 'weekday 0', '-6 days')"),
        Granularity::Month => format!("date({column} + :offset, 'unixepoch', 'start of month')"),
    }
}

/// The Unix time at which `day` begins in the zone `offset_secs` east of UTC.
pub fn day_start(day: NaiveDate, offset_secs: i64) -> i64 {
    day.and_hms_opt(0, 0, 0).map_or(0, |start| start.and_utc().timestamp()) - offset_secs
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(text: &str) -> NaiveDate {
        parse_day(text, "test").unwrap()
    }

    #[test]
    fn dates_are_checked() {
        assert!(parse_day("2026-02-30", "from").is_err(), "no such day");
        assert!(parse_day("2026-2-3", "from").is_err(), "not zero-padded");
        assert!(parse_day("26-02-03", "from").is_err());
        assert!(DayRange::parse("2026-03-02", "2026-03-01", 0).is_err(), "from after to");
        assert!(DayRange::parse("2020-01-01", "2026-01-01", 0).is_err(), "more than five years");
        assert!(DayRange::parse("2026-01-01", "2026-01-31", 15 * 60).is_err(), "no such zone");
        assert!(DayRange::parse("2026-01-01", "2026-01-01", -10 * 60).is_ok(), "one day");
    }

    #[test]
    fn bounds_follow_the_users_zone() {
        let range = DayRange::parse("2026-03-01", "2026-03-01", 120).unwrap();
        // 2026-03-01T00:00:00Z is 1772323200; two hours east it begins at 22:00 UTC the day before.
        assert_eq!(range.bounds(), (1_772_323_200 - 7_200, 1_772_323_200 + 86_400 - 7_200));
    }

    #[test]
    fn previous_is_the_month_before_or_as_many_days() {
        let march = DayRange::parse("2026-03-01", "2026-03-31", 0).unwrap().previous();
        assert_eq!((march.from, march.to), (day("2026-02-01"), day("2026-02-28")));
        let quarter = DayRange::parse("2026-04-01", "2026-06-30", 0).unwrap().previous();
        assert_eq!((quarter.from, quarter.to), (day("2026-01-01"), day("2026-03-31")));
        let week = DayRange::parse("2026-03-10", "2026-03-16", 0).unwrap().previous();
        assert_eq!((week.from, week.to), (day("2026-03-03"), day("2026-03-09")));
    }

    #[test]
    fn periods_are_iso_weeks_and_months() {
        let range = DayRange::parse("2025-12-30", "2026-01-12", 0).unwrap();
        let weeks: Vec<String> = range.periods(Granularity::Week).into_iter().map(|(_, label)| label).collect();
        // 2025-12-29 (a Monday) starts ISO week 1 of 2026; 2026-01-05 week 2, 2026-01-12 week 3.
        assert_eq!(weeks, ["2026-W01", "2026-W02", "2026-W03"]);
        let months: Vec<(String, String)> = range.periods(Granularity::Month);
        assert_eq!(months, [("2025-12-01".to_string(), "2025-12".to_string()), ("2026-01-01".to_string(), "2026-01".to_string())]);
        assert_eq!(range.periods(Granularity::Day).len(), 14);
    }
}
