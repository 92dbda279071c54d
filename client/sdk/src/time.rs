//! Civil dates in UTC, both ways (Howard Hinnant's `days_from_civil` and `civil_from_days`):
//! reports print cluster times with [`utc`], and the CLI reads dates with [`parse_date`].

use crate::error::SdkError;

/// Days from 1970-01-01 to the civil date `year-month-day` (proleptic Gregorian).
pub fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let (month, day) = (i64::from(month), i64::from(day));
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let yoe = year - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The civil date `(year, month, day)` of `days` after 1970-01-01.
pub fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    // In range by construction: day 1..=31, month 1..=12.
    (year, month as u32, day as u32)
}

/// A unix timestamp as `YYYY-MM-DD HH:MM:SS UTC`.
///
/// ```
/// assert_eq!(credence_sdk::time::utc(951_782_400), "2000-02-29 00:00:00 UTC");
/// ```
pub fn utc(unix: i64) -> String {
    let (year, month, day) = civil_from_days(unix.div_euclid(86_400));
    let secs = unix.rem_euclid(86_400);
    format!(
        "{year:04}-{month:02}-{day:02} {:02}:{:02}:{:02} UTC",
        secs / 3600,
        secs / 60 % 60,
        secs % 60
    )
}

/// Reads a date: `YYYY-MM-DD` (midnight UTC) or unix seconds. [`SdkError::BadDate`] otherwise.
///
/// ```
/// use credence_sdk::time::parse_date;
///
/// assert_eq!(parse_date("2000-02-29").unwrap(), 951_782_400);
/// assert_eq!(parse_date("1700000000").unwrap(), 1_700_000_000);
/// assert!(parse_date("2000-13-01").is_err());
/// ```
pub fn parse_date(text: &str) -> Result<i64, SdkError> {
    let text = text.trim();
    if let Ok(seconds) = text.parse::<i64>() {
        return Ok(seconds);
    }
    let bad = || SdkError::BadDate {
        text: text.to_string(),
    };
    let mut parts = text.splitn(3, '-');
    let (Some(y), Some(m), Some(d)) = (parts.next(), parts.next(), parts.next()) else {
        return Err(bad());
    };
    let year: i64 = y.parse().map_err(|_| bad())?;
    let month: u32 = m.parse().map_err(|_| bad())?;
    let day: u32 = d.parse().map_err(|_| bad())?;
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) {
        return Err(bad());
    }
    days_from_civil(year, month, day)
        .checked_mul(86_400)
        .ok_or_else(bad)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_civil_utc_both_ways() {
        assert_eq!(utc(0), "1970-01-01 00:00:00 UTC");
        assert_eq!(utc(951_782_400), "2000-02-29 00:00:00 UTC");
        assert_eq!(utc(1_795_531_647), "2026-11-24 14:47:27 UTC");
        assert_eq!(utc(-1), "1969-12-31 23:59:59 UTC");
        for days in [-800_000, -1, 0, 1, 11_016, 20_000, 2_932_896] {
            let (y, m, d) = civil_from_days(days);
            assert_eq!(days_from_civil(y, m, d), days, "{y}-{m}-{d}");
        }
        assert_eq!(parse_date("2026-11-24").unwrap(), 1_795_478_400);
        for bad in [
            "",
            "2026-11",
            "2026-00-01",
            "2026-11-32",
            "x-1-1",
            "tomorrow",
        ] {
            assert!(
                matches!(parse_date(bad), Err(SdkError::BadDate { .. })),
                "{bad}"
            );
        }
    }
}
